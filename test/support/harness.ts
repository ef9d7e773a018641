import { WebSocket } from 'ws'
import { createConnection } from '../../src/core'
import type {
  Connection,
  ConnectionOptions,
  RetryOptions,
  UrlSource,
  WebSocketConstructor,
} from '../../src/core/types'
import { startTcpProxy, type TcpProxy, type TcpProxyOptions } from './tcp-proxy'
import { startTestServer, type TestServer, type TestServerOptions } from './ws-server'

/** Short real-time settings so a whole reconnect story fits in well under a second. */
export const FAST_RETRY: RetryOptions = { initialDelay: 50, maxDelay: 400 }
export const FAST_CONNECT_TIMEOUT = 500

/** Servers, proxies and connections made through it, all torn down by `cleanup()`. */
export interface Harness {
  server(options?: TestServerOptions): Promise<TestServer>
  proxy(options: TcpProxyOptions): Promise<TcpProxy>
  /**
   * A connection using the `ws` client (Node 20 has no global WebSocket) with fast retry
   * and connect-timeout defaults; `retry` is merged over `FAST_RETRY`. Started with
   * `connect()` unless `start` is false.
   */
  connection(url: UrlSource, options?: ConnectionOptions, start?: boolean): Connection
  /** Destroys every connection, then closes proxies and servers. Call it in `afterEach`. */
  cleanup(): Promise<void>
}

export function createHarness(): Harness {
  const servers: TestServer[] = []
  const proxies: TcpProxy[] = []
  const connections: Connection[] = []

  return {
    async server(options) {
      const server = await startTestServer(options)
      servers.push(server)
      return server
    },
    async proxy(options) {
      const proxy = await startTcpProxy(options)
      proxies.push(proxy)
      return proxy
    },
    connection(url, options = {}, start = true) {
      const connection = createConnection(url, {
        connectTimeout: FAST_CONNECT_TIMEOUT,
        ...options,
        retry: options.retry === false ? false : { ...FAST_RETRY, ...options.retry },
        WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor),
      })
      connections.push(connection)
      if (start) connection.connect()
      return connection
    },
    async cleanup() {
      for (const connection of connections.splice(0)) connection.destroy()
      await Promise.all(proxies.splice(0).map((proxy) => proxy.close()))
      await Promise.all(servers.splice(0).map((server) => server.close()))
    },
  }
}
