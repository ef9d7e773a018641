import { defineConfig } from 'vitest/config'

// One project per environment so each suite runs where its code runs: core in plain Node,
// the React binding in jsdom (React 19 and React 18), real-socket tests in Node.
export default defineConfig({
  test: {
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { 'src/core/**': { lines: 90 } },
    },
    projects: [
      {
        test: {
          name: 'core',
          environment: 'node',
          include: ['test/core/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 20000,
        },
      },
    ],
  },
})
