import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import type { WebSocketConstructor } from '../../src/core/types'
import { createHarness } from '../support/harness'
import { waitFor, waitForState } from '../support/wait'

// A socket the heartbeat declared dead must be let go at once. Closed politely, Node's `ws`
// would sit in CLOSING for 30 s waiting for a close frame that cannot come through a dead path,
// holding the TCP connection and its buffers; terminate() frees it now.

const h = createHarness()
afterEach(() => h.cleanup())

/** The `ws` client, remembering every socket and hearing every close. */
function recordingWebSocket() {
  const sockets: WebSocket[] = []
  const closes = new Set<() => void>()
  class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols)
      sockets.push(this)
      this.on('close', () => {
        for (const close of [...closes]) close()
      })
    }
  }
  return {
    WebSocket: RecordingWebSocket as unknown as WebSocketConstructor,
    sockets,
    onClose(change: () => void) {
      closes.add(change)
      return () => closes.delete(change)
    },
  }
}

describe('dead sockets', () => {
  it('are terminated, not held open awaiting a close frame, when the heartbeat gives up', async () => {
    const server = await h.server()
    const proxy = await h.proxy({ targetPort: server.port })
    const recording = recordingWebSocket()
    const connection = h.connection(proxy.url(), {
      WebSocket: recording.WebSocket,
      heartbeat: { interval: 100, timeout: 100 },
    })
    await waitForState(connection, (s) => s.latency !== null, { description: 'one heartbeat round trip' })
    const [first] = recording.sockets
    proxy.silence()
    await waitForState(connection, (s) => s.lastClose?.initiator === 'heartbeat', {
      description: 'the heartbeat to declare the socket dead',
    })
    // Well inside ws's 30 s close timeout: only terminate() closes a socket this soon.
    await waitFor(recording.onClose, () => first?.readyState === WebSocket.CLOSED, {
      timeoutMs: 3000,
      description: 'the dead socket to be closed without a close handshake',
    })
    expect(first?.readyState).toBe(WebSocket.CLOSED)
  })

  it('a socket closed on purpose still gets its close handshake', async () => {
    const server = await h.server()
    const connection = h.connection(server.url)
    const client = await server.waitForConnection()
    await waitForState(connection, (s) => s.status === 'open')
    connection.close(4000, 'done')
    const disconnect = await client.closed
    expect(disconnect).toMatchObject({ code: 4000, reason: 'done' })
  })
})
