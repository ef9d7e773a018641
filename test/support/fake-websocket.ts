import type { WebSocketLike } from '../../src/core/types'

/**
 * A WebSocket double driven by the test: nothing happens until the test opens, feeds or
 * closes it, so every path of the connection can be reached without a network.
 */
export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = []

  static reset(): void {
    FakeWebSocket.instances = []
  }

  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1)
    if (!socket) throw new Error('no FakeWebSocket was created')
    return socket
  }

  readyState = 0
  binaryType = 'blob'
  onopen: ((event: any) => void) | null = null
  onclose: ((event: any) => void) | null = null
  onerror: ((event: any) => void) | null = null
  onmessage: ((event: any) => void) | null = null
  readonly sent: unknown[] = []
  readonly closeCalls: { code?: number; reason?: string }[] = []

  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeWebSocket.instances.push(this)
  }

  send(data: unknown): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open')
    this.sent.push(data)
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason })
    if (this.readyState < 2) this.readyState = 2
  }

  /** The server accepts the handshake. */
  open(): void {
    this.readyState = 1
    this.onopen?.({ type: 'open' })
  }

  /** A message from the server. */
  receive(data: unknown): void {
    this.onmessage?.({ type: 'message', data } as MessageEvent)
  }

  /** The close event, as after a close frame (clean) or a dropped TCP connection (1006). */
  closeFromServer(code = 1000, reason = '', wasClean = code !== 1006): void {
    this.readyState = 3
    this.onerror?.({ type: 'error' })
    this.onclose?.({ type: 'close', code, reason, wasClean })
  }
}

/** Makes the constructor the connection option expects. */
export const FakeWebSocketConstructor = FakeWebSocket as unknown as new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike
