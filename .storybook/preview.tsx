import type { Decorator, Loader, Preview } from '@storybook/react-vite'
import { configure } from 'storybook/test'

// Scenarios reconnect on purpose; a second or two is the longest any of them should wait,
// and every wait in a play function is a `findBy`/`waitFor`, never a fixed sleep.
configure({ asyncUtilTimeout: 4000 })

/** The page colours for the light and dark toolbar themes; stories read them as CSS variables. */
const THEMES = {
  light: { '--sb-bg': '#ffffff', '--sb-fg': '#1b1f24', '--sb-muted': '#57606a', '--sb-border': '#d0d7de' },
  dark: { '--sb-bg': '#0d1117', '--sb-fg': '#e6edf3', '--sb-muted': '#9198a1', '--sb-border': '#3d444d' },
} as const

type ThemeName = keyof typeof THEMES

const withTheme: Decorator = (Story, context) => {
  const theme: ThemeName = context.parameters.theme ?? context.globals.theme ?? 'light'
  return (
    <div
      data-theme={theme}
      style={{
        ...THEMES[theme],
        colorScheme: theme,
        background: 'var(--sb-bg)',
        color: 'var(--sb-fg)',
        fontFamily: 'system-ui, -apple-system, "Segoe UI", sans-serif',
        fontSize: 15,
        lineHeight: 1.45,
        padding: 16,
        minHeight: 120,
      }}
    >
      <Story />
    </div>
  )
}

/** What a story lists in `parameters.msw.handlers`: its mock servers (stories/support/mock-server.ts). */
interface StoryServer {
  start(): void
  stop(): void
}

const started = new Set<StoryServer>()

/**
 * Serves each story's mock servers (`parameters.msw.handlers`, a key kept from when msw served
 * them) with react-lifeline/testing, in the page. While any is started, `globalThis.WebSocket`
 * is the kit's stand-in; with none, the browser's own is back, which the live demo needs.
 *
 * A story on its own gets exactly its servers: the others stop. A docs page renders many
 * stories at once, so there the servers accumulate (each story's server has its own URL).
 */
const mockServers: Loader = async (context) => {
  const wanted: StoryServer[] = context.parameters.msw?.handlers ?? []
  if (context.viewMode !== 'docs') {
    for (const server of started) {
      if (wanted.includes(server)) continue
      server.stop()
      started.delete(server)
    }
  }
  for (const server of wanted) {
    server.start()
    started.add(server)
  }
  return {}
}

const preview: Preview = {
  loaders: [mockServers],
  decorators: [withTheme],
  globalTypes: {
    theme: {
      description: 'Page colour scheme',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light', icon: 'sun' },
          { value: 'dark', title: 'Dark', icon: 'moon' },
        ],
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light' },
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true, sort: 'requiredFirst' },
    a11y: { test: 'error' },
    docs: { codePanel: true },
    options: {
      storySort: {
        order: [
          'Introduction',
          'API',
          ['React', 'Core'],
          'ConnectionBanner',
          'ConnectionInspector',
          'Examples',
          'Playground',
          '*',
        ],
      },
    },
  },
}

export default preview
