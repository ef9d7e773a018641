import { defineConfig } from 'vitest/config'

// Only the core project, for StrykerJS (stryker.config.mjs): every mutant is judged by the fast
// fake-clock tests in test/core. The real-socket, React and browser projects would make each
// mutant cost seconds and add nothing to what the core's own tests must catch.
// Not named vitest.*.config.ts on purpose: vitest.config.ts loads every such file as a project.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/core/**/*.test.ts'],
    // bundle-size builds with esbuild and checks bytes, not behaviour; no mutant can fail it usefully.
    exclude: ['test/core/bundle-size.test.ts', '**/node_modules/**'],
    setupFiles: ['test/support/console-clean.ts'],
    // Fewer property-test cases per mutant: each still explores hundreds of random event orders.
    env: { FC_RUNS: '100' },
  },
})
