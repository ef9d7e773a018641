import { EventEmitter } from 'node:events'
import { type ClientOptions, WebSocket } from 'ws'
import { type WaitOptions, waitFor } from './wait'

/** A raw `ws` client that records every frame the server sends, as text and as parsed JSON. */
export interface FrameClient {
  readonly socket: WebSocket
  /** Every text frame received, in order. */
  readonly texts: readonly string[]
  /** The same frames parsed (`undefined` for text that is not JSON). */
  readonly frames: readonly any[]
  send(frame: string | object): void
  /**
   * The next frame, after those already taken by earlier `next` calls, that matches
   * `predicate` (frames skipped on the way are taken too).
   */
  next(predicate?: (frame: any) => boolean, options?: WaitOptions): Promise<any>
  /** Resolves with the close code and reason (1006 when the connection dropped). */
  readonly closed: Promise<{ code: number; reason: string }>
  readonly isOpen: boolean
}

export function connectClient(url: string, options: ClientOptions = {}): Promise<FrameClient> {
  const socket = new WebSocket(url, options)
  const texts: string[] = []
  const frames: any[] = []
  const changes = new EventEmitter()
  let cursor = 0
  socket.on('message', (data, isBinary) => {
    if (isBinary) return
    const text = data.toString()
    texts.push(text)
    let frame: unknown
    try {
      frame = JSON.parse(text)
    } catch {
      frame = undefined
    }
    frames.push(frame)
    changes.emit('change')
  })
  socket.on('error', () => {})
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => {
      changes.emit('change')
      resolve({ code, reason: reason.toString() })
    }),
  )
  const client: FrameClient = {
    socket,
    texts,
    frames,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (predicate = () => true, waitOptions = {}) =>
      waitFor(
        (onChange) => {
          changes.on('change', onChange)
          return () => changes.off('change', onChange)
        },
        () => {
          while (cursor < frames.length) {
            const frame = frames[cursor++]
            if (predicate(frame)) return { frame }
          }
          if (socket.readyState === WebSocket.CLOSED)
            throw new Error(`the socket closed while waiting for ${waitOptions.description ?? 'a frame'}`)
          return null
        },
        waitOptions,
      ).then(({ frame }) => frame),
    closed,
    get isOpen() {
      return socket.readyState === WebSocket.OPEN
    },
  }
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client))
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`handshake refused with HTTP ${response.statusCode}`)),
    )
    socket.once('error', reject)
  })
}
