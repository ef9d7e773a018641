import { resolve } from 'node:path'
import { defineProject } from 'vitest/config'

const include = ['test/react/**/*.test.{ts,tsx}']
const cleanup = 'test/react/setup/cleanup.ts'
// Fails a test on any console.warn or console.error it did not announce.
const consoleClean = 'test/support/console-clean.ts'
// test/support/readme-example.tsx is README's example as written, so it imports the package
// name; here it means the sources.
const packageName = { find: /^react-lifeline$/, replacement: resolve('src/index.ts') }

/** The React binding against React 19 (the installed `react`). */
export default defineProject({
  resolve: { alias: [packageName] },
  test: {
    name: 'react',
    environment: 'jsdom',
    include,
    setupFiles: [consoleClean, cleanup],
    env: { LIFELINE_EXPECT_REACT: '19' },
  },
})

/**
 * The same tests against React 18. Vite's aliases cover ES imports; CommonJS packages resolved
 * by Node (react-dom, @testing-library/react, use-sync-external-store) ignore them, and
 * Vitest's dependency optimizer always leaves `react` external, so a setup file redirects
 * their `require('react')` instead. test/react/version.test.tsx proves which React runs.
 */
export const react18Project = defineProject({
  resolve: {
    alias: [
      packageName,
      { find: /^react(?=$|\/)/, replacement: 'react-18' },
      { find: /^react-dom(?=$|\/)/, replacement: 'react-dom-18' },
    ],
  },
  test: {
    name: 'react18',
    environment: 'jsdom',
    include,
    setupFiles: ['test/react/setup/react18.ts', consoleClean, cleanup],
    env: { LIFELINE_EXPECT_REACT: '18' },
  },
})
