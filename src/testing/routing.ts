import { redactUrl, resetConnections } from '../core/index'
import { createMockWebSocketClass, type FindServer, type MockWebSocketClass } from './mock-websocket'
import { installOneTabShare, uninstallOneTabShare } from './one-tab-share'

type Endpoint = NonNullable<ReturnType<FindServer>>

interface Routing {
  readonly servers: Map<string, Endpoint>
  readonly MockWebSocket: MockWebSocketClass
  /** The global WebSocket property as it was before the first mock server. */
  saved: PropertyDescriptor | undefined
}

// Kept on the global, not in this module: a test run may load the kit twice (ESM and CJS, or
// source and build), and both copies must agree on which URLs are taken and on what to restore.
const ROUTING = Symbol.for('react-lifeline.testing.routing')

function routing(): Routing {
  const holder = globalThis as { [ROUTING]?: Routing }
  if (!holder[ROUTING]) {
    const servers = new Map<string, Endpoint>()
    holder[ROUTING] = {
      servers,
      MockWebSocket: createMockWebSocketClass(
        (key) => servers.get(key),
        () => [...servers.keys()],
      ),
      saved: undefined,
    }
  }
  return holder[ROUTING]
}

/**
 * Makes `key` answered by `endpoint`. The first mock server puts the mock class on
 * `globalThis.WebSocket` and destroys the shared connections left from earlier tests (they
 * linger a second after their last component unmounts, on sockets from before this server),
 * so the code under test opens fresh sockets that reach it; it also keeps `share: 'origin'`
 * connections in their one tab, quietly, where sharing cannot run (see one-tab-share.ts).
 */
export function addServer(key: string, endpoint: Endpoint): void {
  const state = routing()
  if (state.servers.has(key)) {
    throw new Error(
      `react-lifeline/testing: a mock server for ${redactUrl(key)} already exists; dispose() the first one (for example in afterEach) or reuse it.`,
    )
  }
  if (state.servers.size === 0) install(state)
  state.servers.set(key, endpoint)
}

/** Stops answering `key`; the last server to go puts the environment's WebSocket back. */
export function removeServer(key: string, endpoint: Endpoint): void {
  const state = routing()
  if (state.servers.get(key) !== endpoint) return
  state.servers.delete(key)
  if (state.servers.size === 0) uninstall(state)
}

function install(state: Routing): void {
  resetConnections()
  installOneTabShare()
  state.saved = Object.getOwnPropertyDescriptor(globalThis, 'WebSocket')
  Object.defineProperty(globalThis, 'WebSocket', {
    value: state.MockWebSocket,
    writable: true,
    configurable: true,
  })
}

function uninstall(state: Routing): void {
  uninstallOneTabShare()
  // Someone replaced it after us (another mocking library): theirs stays.
  if (globalThis.WebSocket !== (state.MockWebSocket as unknown)) return
  if (state.saved) Object.defineProperty(globalThis, 'WebSocket', state.saved)
  else delete (globalThis as { WebSocket?: unknown }).WebSocket
  state.saved = undefined
}
