// The page scripts/inspector-screenshots.mjs shoots: <ConnectionInspector> with inspector.css over
// recorded histories (one per pattern), each on a connection frozen at one moment.
import { createRoot } from 'react-dom/client'
import { describeCloseCode } from '../../src/core/close-codes'
import type { CloseInfo, Connection, ConnectionState } from '../../src/core/types'
import { ConnectionInspector } from '../../src/react/ConnectionInspector'
import '../../src/react/inspector.css'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
// A fixed moment (local time) so every shot shows the same clock times.
const NOW = new Date(2026, 10, 28, 14, 20, 0).getTime()
const started = performance.now()

function close(
  code: number,
  at: number,
  openForMs: number | null,
  idleForMs: number | null,
  reason = '',
): CloseInfo {
  return {
    code,
    reason,
    wasClean: code !== 1006,
    at,
    openForMs,
    idleForMs,
    initiator: 'server',
    info: describeCloseCode(code),
    offline: false,
  }
}

function frozen(history: CloseInfo[], state: Partial<ConnectionState>, received: number): Connection {
  const view: ConnectionState = {
    status: 'open',
    attempt: 0,
    nextRetryAt: null,
    lastClose: history[history.length - 1] ?? null,
    lastOpenAt: NOW - 4 * MINUTE,
    latency: 38,
    error: null,
    queued: 0,
    ...state,
  }
  let tick = 0
  return {
    url: 'wss://orders.example.com/live?token=[redacted]',
    // The clock starts at NOW and runs, so the live figures have seconds to divide by.
    options: { clock: { now: () => NOW + performance.now() - started }, retry: { minUptime: 5000 } },
    getState: () => view,
    subscribe: () => () => {},
    onMessage: () => () => {},
    on: () => () => {},
    send: () => 'sent',
    sendJson: () => 'sent',
    connect() {},
    reconnect() {},
    close() {},
    retain: () => () => {},
    getHistory: () => history,
    getStats: () => {
      tick += 1
      return {
        opens: history.length + 1,
        closes: history.length,
        attempts: history.length + 1,
        messagesReceived: received * tick,
        messagesSent: 2 * tick,
        messagesDropped: 0,
        messagesInvalid: 0,
      }
    },
    topic: () => {
      throw new Error('no topics in the inspector screenshots')
    },
    destroy() {},
  } as Connection
}

const onTheHour = (hoursAgo: number, minute = 0) => NOW - 20 * MINUTE - hoursAgo * HOUR + minute * MINUTE

const scenes: Record<string, () => Connection> = {
  scheduled: () =>
    frozen(
      [
        close(1013, onTheHour(4), 55 * MINUTE, 2_000, 'Overloaded'),
        close(1013, onTheHour(3, 1), 60 * MINUTE, 1_000, 'Overloaded'),
        close(1006, onTheHour(3, 27), 26 * MINUTE, 4_000),
        close(1013, onTheHour(2), 33 * MINUTE, 3_000, 'Overloaded'),
        close(1013, onTheHour(1), 60 * MINUTE, 1_000, 'Overloaded'),
        close(1013, onTheHour(0, 0), 60 * MINUTE, 2_000, 'Overloaded'),
      ],
      { lastOpenAt: onTheHour(0, 0) + 3_000 },
      14,
    ),
  'idle-timeout': () =>
    frozen(
      [0, 1, 2, 3].map((n) => close(1006, NOW - (4 - n) * 70_000, 65_000, 60_000 + n * 300)),
      { lastOpenAt: NOW - 9_000, latency: null },
      0,
    ),
  flapping: () =>
    frozen(
      Array.from({ length: 8 }, (_, n) =>
        close(n % 3 === 0 ? 1011 : 1006, NOW - (8 - n) * 4_000, 300 + n * 40, 300 + n * 40),
      ),
      {
        status: 'reconnecting',
        attempt: 8,
        nextRetryAt: NOW + 12_000,
        lastOpenAt: NOW - 3_000,
        latency: null,
        queued: 3,
      },
      0,
    ),
}

const scene = new URLSearchParams(location.search).get('scene') ?? 'scheduled'
const dark = new URLSearchParams(location.search).get('theme') === 'dark'
document.body.style.margin = '0'
document.body.style.padding = '16px'
document.body.style.background = dark ? '#010409' : '#ffffff'
document.body.style.fontFamily = 'system-ui, sans-serif'
const root = document.getElementById('root')!
root.setAttribute('data-theme', dark ? 'dark' : 'light')
createRoot(root).render(<ConnectionInspector target={scenes[scene]!()} title="Orders feed" />)
