import { errorCode } from './errors'
import { parseJson } from './json'
import type { Outgoing } from './send-queue'
import { assertOutgoing } from './socket'
import type { Clock, CloseInfo, Handshake, Session, SessionMessage } from './types'

/** What a session needs from its connection. */
export interface SessionIo {
  /** Sends on the open socket ahead of the queue; throws when it cannot. */
  send(data: Outgoing): void
  clock: Clock
  attempt: number
  lastClose: CloseInfo | null
}

/** One run of the `handshake` option on one open socket. */
export interface HandshakeRun {
  /** Calls the handshake; `settle` gets the error it threw or rejected with, or nothing. */
  start(handshake: Handshake, settle: (error?: Error) => void): void
  /** An inbound message: a waiting `receive` takes it, or it is held for a later one. */
  offer(data: unknown, event: MessageEvent): void
  /** The messages no `receive` took, in order: the app gets them once the handshake is done. */
  held(): [data: unknown, event: MessageEvent, message: SessionMessage][]
  /** The socket was abandoned: aborts `signal` and rejects every pending `receive`. */
  abort(): void
}

type Waiter = (message: SessionMessage) => boolean
type MessageMatch = (data: unknown, json: unknown) => boolean

export function openSession(io: SessionIo): HandshakeRun {
  const controller = new AbortController()
  const signal = controller.signal
  const held: [unknown, MessageEvent, SessionMessage][] = []
  const waiters = new Set<Waiter>()

  /** The first message `match` accepts (held or still to come), taken from the app's messages. */
  const take = (match: MessageMatch | undefined, options: { timeout?: number } | undefined) =>
    new Promise<SessionMessage>((resolve, reject) => {
      signal.throwIfAborted()
      const timeout = options?.timeout
      const accepts = (message: SessionMessage) => !match || match(message.data, message.json)
      // A message may have come before the handshake asked for it (a greeting sent on open).
      const early = held.findIndex((entry) => accepts(entry[2]))
      if (early >= 0) return resolve(held.splice(early, 1)[0]![2])
      let timer: unknown
      const finish = () => {
        waiters.delete(waiter)
        // Stryker disable next-line StringLiteral: onAbort after settling rejects a settled promise, which does nothing.
        signal.removeEventListener('abort', onAbort)
        if (timer !== undefined) io.clock.clearTimeout(timer)
      }
      const waiter: Waiter = (message) => {
        try {
          if (!accepts(message)) return false
        } catch (error) {
          finish()
          reject(error)
          return false
        }
        finish()
        resolve(message)
        return true
      }
      const onAbort = () => {
        finish()
        reject(signal.reason)
      }
      signal.addEventListener('abort', onAbort)
      if (timeout !== undefined) {
        timer = io.clock.setTimeout(() => {
          finish()
          const what = match ? `a message matching ${String(match).slice(0, 80)}` : 'any message'
          reject(new Error(`Handshake receive timed out after ${timeout} ms waiting for ${what}.`))
        }, timeout)
      }
      waiters.add(waiter)
    })

  const session: Session = {
    send(data) {
      assertOutgoing(data)
      signal.throwIfAborted()
      io.send(data)
    },
    sendJson(value) {
      const text = JSON.stringify(value)
      if (text === undefined)
        throw new TypeError(
          (() => {
            try {
              if (process.env.NODE_ENV !== 'production') return `sendJson: no JSON for ${typeof value}`
            } catch {}
            return errorCode(30)
          })(),
        )
      session.send(text)
    },
    receive: <T>(match?: MessageMatch, options?: { timeout?: number }) =>
      take(match, options).then((message) => {
        if (message.json !== undefined) return message.json as T
        throw new TypeError(
          (() => {
            try {
              if (process.env.NODE_ENV !== 'production')
                return 'Handshake receive: the message is not JSON text; use session.receiveMessage() for raw frames.'
            } catch {}
            return errorCode(41)
          })(),
        )
      }),
    receiveMessage: take,
    attempt: io.attempt,
    lastClose: io.lastClose,
    signal,
  }

  return {
    start(handshake, settle) {
      const failed = (error: unknown) => settle(error instanceof Error ? error : new Error(String(error)))
      let result: void | Promise<void>
      try {
        result = handshake(session)
      } catch (error) {
        return failed(error)
      }
      // A synchronous handshake settles at once, so the queue flushes in the same turn.
      if (typeof (result as Promise<void> | undefined)?.then !== 'function') return settle()
      ;(result as Promise<void>).then(() => settle(), failed)
    },
    offer(data, event) {
      // Parsed once, for every waiter's match and for the value receive() resolves with.
      const message: SessionMessage = { data, json: parseJson(data) }
      for (const waiter of [...waiters]) if (waiter(message)) return
      held.push([data, event, message])
    },
    held: () => held,
    abort() {
      // Stryker disable next-line ConditionalExpression: aborting twice does nothing; the check only reads well.
      if (!signal.aborted) controller.abort(new Error('Handshake abandoned: its socket closed first.'))
    },
  }
}
