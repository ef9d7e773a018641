// A test page for sharing across tabs: each Chromium page that loads it is one tab of the app.
// The socket URL comes from `?ws=`; the test drives the page through `window.lifeline`.
import { type ConnectionState, createConnection } from '../../../src/core/index'
import '../../../src/share/index'
import { shareInfoOf } from '../../../src/share/index'

const url = new URL(location.href).searchParams.get('ws') ?? ''
const connection = createConnection(url, { share: 'origin', queue: { max: 1000 }, heartbeat: true })
const received: string[] = []
connection.onMessage((data) => received.push(String(data)))
// When this tab first held an open socket itself (after a hand-over, for the benchmark).
let holderOpenAt: number | null = null
connection.subscribe(() => {
  if (
    holderOpenAt === null &&
    connection.getState().status === 'open' &&
    shareInfoOf(connection)?.role === 'holder'
  )
    holderOpenAt = Date.now()
})

const api = {
  start(): void {
    connection.retain()
  },
  send(text: string): string {
    return connection.send(text)
  },
  /** Sends `count` messages `<prefix>-1` ... in one task; returns the send results. */
  sendMany(prefix: string, count: number): string[] {
    return Array.from({ length: count }, (_, i) => connection.send(`${prefix}-${i + 1}`))
  },
  state(): ConnectionState {
    return connection.getState()
  },
  role(): string {
    return shareInfoOf(connection)?.role ?? 'none'
  },
  holderOpenAt(): number | null {
    return holderOpenAt
  },
  received(): string[] {
    return received
  },
}

;(window as unknown as { lifeline: typeof api }).lifeline = api
