import { defineConfig } from 'vitest/config'

// One project per environment so each suite runs where its code runs: core in plain Node,
// real-socket tests in Node; the React binding and Storybook bring their own project files
// (vitest.*.config.ts) so each area owns its settings.
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
      {
        // react-lifeline/testing, used the way its docs show (test/testing mirrors docs/testing.md).
        test: {
          name: 'testing',
          environment: 'jsdom',
          include: ['test/testing/**/*.test.{ts,tsx}'],
        },
      },
      'vitest.*.config.ts',
    ],
  },
})
