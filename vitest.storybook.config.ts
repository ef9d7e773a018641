import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'
import { playwright } from '@vitest/browser-playwright'
import { defineProject } from 'vitest/config'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/chromium.mjs'

// Every story is a test: the Storybook plugin turns each story into a Vitest test that
// renders it, runs its play function and its accessibility check, in a real Chromium.

process.env.STORYBOOK_DISABLE_TELEMETRY ??= '1'

export default defineProject({
  plugins: [
    storybookTest({
      configDir: '.storybook',
      // Stories tagged `live` talk to scripts/demo-server.mjs; they are demos, not tests.
      tags: { exclude: ['live'] },
    }),
  ],
  // Pre-bundled up front: a dependency discovered mid-run makes Vite reload the page under the
  // running tests (CI starts with an empty cache every time).
  optimizeDeps: {
    include: [
      'react',
      'react-dom',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      'react-dom/client',
      'use-sync-external-store/shim',
      'use-sync-external-store/shim/with-selector',
      'use-sync-external-store/with-selector',
      'msw',
      'msw/browser',
    ],
  },
  test: {
    name: 'storybook',
    setupFiles: ['.storybook/vitest.setup.ts'],
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: CHROMIUM_ARGS,
        },
        // banner.css fades the banner in; axe would measure contrast mid-fade. People who ask
        // for reduced motion get no fade, and so do the tests.
        contextOptions: { reducedMotion: 'reduce' },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
})
