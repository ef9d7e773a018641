import type { Decorator, Loader, Preview } from '@storybook/react-vite'
import type { RequestHandler, WebSocketHandler } from 'msw'
import { type SetupWorker, setupWorker } from 'msw/browser'
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

type Handler = RequestHandler | WebSocketHandler

let worker: Promise<SetupWorker> | undefined
const installed = new Set<Handler>()

/**
 * Serves each story's `parameters.msw.handlers` with one msw worker for the whole preview (msw
 * intercepts WebSockets in the page; the service worker passes HTTP through, silently).
 *
 * A story on its own gets exactly its handlers. A docs page renders many stories at once, so
 * there the handlers accumulate (each story's server has its own URL) instead of replacing
 * each other. The reset between stories matters beyond tidiness: while any WebSocket handler
 * is installed, msw treats every socket as mocked, so a story without handlers (the live demo)
 * only reaches its real server after a reset.
 */
const mswHandlers: Loader = async (context) => {
  worker ??= startWorker()
  const ready = await worker
  if (context.viewMode !== 'docs') {
    ready.resetHandlers()
    installed.clear()
  }
  const wanted: Handler[] = context.parameters.msw?.handlers ?? []
  const fresh = wanted.filter((handler) => !installed.has(handler))
  for (const handler of fresh) installed.add(handler)
  if (fresh.length > 0) ready.use(...fresh)
  return {}
}

async function startWorker(): Promise<SetupWorker> {
  const created = setupWorker()
  await created.start({ quiet: true, onUnhandledRequest: 'bypass' })
  return created
}

const preview: Preview = {
  loaders: [mswHandlers],
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
