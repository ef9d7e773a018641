import type { Clock } from '../../src/core'
import type { Client } from './mock-server'

/** The server side of one socket, seen through a proxy with an idle timeout. */
export interface IdleProxy {
  /** Sends a frame to the page; like any frame, it restarts the proxy's idle timer. */
  send(data: string): void
}

/**
 * Puts a proxy with an idle timeout between a mocked server and one page socket: when `idleMs`
 * pass on `clock` without a frame from the server, the proxy cuts the connection without a close
 * frame, so the page sees 1006. That is what nginx does when `proxy_read_timeout` passes, and
 * what load balancers do at their idle timeout.
 */
export function idleProxy(client: Client, { idleMs, clock }: { idleMs: number; clock: Clock }): IdleProxy {
  let timer: unknown
  const arm = () => {
    clock.clearTimeout(timer)
    timer = clock.setTimeout(() => {
      if (client.open) client.drop()
    }, idleMs)
  }
  arm()
  return {
    send(data) {
      if (!client.open) return
      client.send(data)
      arm()
    },
  }
}
