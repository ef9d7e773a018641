import type { StorybookConfig } from '@storybook/react-vite'
import remarkGfm from 'remark-gfm'

// Storybook must work on a machine with no internet: no telemetry, no update or "what's new"
// checks, and every socket in the stories is mocked in the page (or aimed at 127.0.0.1).
process.env.STORYBOOK_DISABLE_TELEMETRY ??= '1'

const config: StorybookConfig = {
  framework: {
    name: '@storybook/react-vite',
    // StrictMode mounts, unmounts and remounts every story: the stories double as a check that
    // the library opens one socket, not two.
    options: { strictMode: true },
  },
  stories: ['../stories/**/*.mdx', '../stories/**/*.stories.@(ts|tsx)'],
  addons: [
    // MDX 3 has no GitHub tables without remark-gfm; the API pages are mostly tables.
    {
      name: '@storybook/addon-docs',
      options: { mdxPluginOptions: { mdxCompileOptions: { remarkPlugins: [remarkGfm] } } },
    },
    '@storybook/addon-a11y',
    '@storybook/addon-vitest',
  ],
  // public/ holds msw's mockServiceWorker.js; the stories no longer need it (react-lifeline/testing serves their sockets).
  staticDirs: ['../public'],
  core: {
    disableTelemetry: true,
    disableWhatsNewNotifications: true,
    enableCrashReports: false,
  },
  typescript: {
    // Reads the TSDoc of component props for the docs pages and the controls panel.
    reactDocgen: 'react-docgen-typescript',
  },
}

export default config
