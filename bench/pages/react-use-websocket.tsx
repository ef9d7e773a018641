import useWebSocketExport, { type Options, ReadyState } from 'react-use-websocket'
import type { BenchMessage } from '../protocol'
import { startHarness } from './harness'

// In a "type": "module" package esbuild follows Node: the default import of a CommonJS module
// is its whole `exports` object, so the hook sits one `default` deeper.
const useWebSocket =
  (useWebSocketExport as unknown as { default?: typeof useWebSocketExport }).default ?? useWebSocketExport

// `share: true` so every component joins one socket. Without `shouldReconnect` the library
// never reconnects; the fastest sensible delays double from 100 ms to 1 s, as for the others.
const OPTIONS: Options = {
  share: true,
  shouldReconnect: () => true,
  reconnectAttempts: 10_000,
  reconnectInterval: (attempt) => Math.min(1000, 100 * 2 ** attempt),
}

startHarness({
  name: 'react-use-websocket',
  useOpen: (url) => useWebSocket(url, OPTIONS).readyState === ReadyState.OPEN,
  useLastMessage(url) {
    const { lastJsonMessage, sendMessage } = useWebSocket<BenchMessage | null>(url, OPTIONS)
    return { last: lastJsonMessage, send: sendMessage }
  },
})
