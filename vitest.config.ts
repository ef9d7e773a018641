import { resolve } from 'node:path'
import { defineConfig } from 'vitest/config'

/** Fails a test on any console.warn or console.error it did not announce (see the file). */
const consoleClean = 'test/support/console-clean.ts'

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
          setupFiles: [consoleClean],
        },
      },
      {
        // test/support/centrifugo-topics.ts is docs/topics.md's adapter word for word, so it
        // imports the package name; here it means the sources.
        resolve: {
          alias: [{ find: /^react-lifeline\/core$/, replacement: resolve('src/core/index.ts') }],
        },
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: [consoleClean],
          testTimeout: 20000,
        },
      },
      {
        // react-lifeline/server against real sockets (and a real redis-server for redisStore).
        test: {
          name: 'server',
          environment: 'node',
          include: ['test/server/**/*.test.ts'],
          setupFiles: [consoleClean],
          testTimeout: 20000,
        },
      },
      {
        // react-lifeline/testing, used the way its docs show (test/testing mirrors docs/testing.md).
        // The tests import the package names, as the docs do; here they mean the sources.
        resolve: {
          alias: [
            { find: /^react-lifeline\/testing$/, replacement: resolve('src/testing/index.ts') },
            { find: /^react-lifeline\/core$/, replacement: resolve('src/core/index.ts') },
            { find: /^react-lifeline$/, replacement: resolve('src/index.ts') },
          ],
        },
        test: {
          name: 'testing',
          environment: 'jsdom',
          include: ['test/testing/**/*.test.{ts,tsx}'],
          setupFiles: ['test/testing/setup/console-clean.ts'],
        },
      },
      'vitest.*.config.ts',
    ],
  },
})
