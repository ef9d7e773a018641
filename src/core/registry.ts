import { LifelineConnection } from './connection'
import { warnOnce } from './dev'
import { errorCode } from './errors'
import { redactUrl } from './redact'
import type { ConnectionOptions } from './types'

/**
 * Everything the registry keeps: [version, connections by key, option signatures, connections
 * created with options, keys]. A tuple, because it is spelled out in every bundle.
 */
type RegistryStore = [
  version: number,
  shared: Map<string, LifelineConnection>,
  signatures: WeakMap<LifelineConnection, string>,
  withOptions: WeakSet<LifelineConnection>,
  keys: WeakMap<object, string>,
]

// A process that loads both the ESM and the CJS build (an ESM app with a CommonJS dependency
// that requires the library, or a server bundle that mixes both) has two copies of this module;
// one registry on globalThis keeps one socket per URL for both. Bump the version when the
// store's shape or the connection's contract changes: a copy of another version then keeps
// its own registry rather than handing out connections it does not understand.
const REGISTRY_VERSION = 1

function openRegistry(): RegistryStore {
  const host = globalThis as { [key: symbol]: RegistryStore | undefined }
  const slot = Symbol.for('react-lifeline.registry')
  const found = host[slot]
  if (found?.[0] === REGISTRY_VERSION) return found
  const store: RegistryStore = [REGISTRY_VERSION, new Map(), new WeakMap(), new WeakSet(), new WeakMap()]
  if (!found) host[slot] = store
  // Written out (here and below) so that production bundles drop the text.
  else
    try {
      if (process.env.NODE_ENV !== 'production')
        warnOnce('another version of react-lifeline is loaded; the two do not share connections.')
    } catch {}
  return store
}

const [, shared, registeredSignatures, withOptions, keys] = openRegistry()

/** The registry key: the same URL with other subprotocols is another server conversation. */
function keyOf(url: string, options?: ConnectionOptions): string {
  const protocols = options?.protocols
  if (protocols === undefined) return `${url}\n`
  return `${url}\n${Array.isArray(protocols) ? protocols.join(',') : protocols}`
}

// Functions (clock, WebSocket, callbacks) are compared by identity-free shape only: an inline
// arrow differs on every render and must not cause a warning. Protocols are left out: the key
// already compares them, and 'v2' and ['v2'] are the same request.
function signature(options: ConnectionOptions): string {
  const {
    protocols: _protocols,
    WebSocket: _socket,
    clock: _clock,
    network: _network,
    visibility: _visibility,
    random: _random,
    historyStorage: _storage,
    ...rest
  } = options as ConnectionOptions & Record<string, unknown>
  for (const key of ['enabled', 'onMessage', 'filter']) delete (rest as Record<string, unknown>)[key]
  return JSON.stringify(rest, (_key, value) => (typeof value === 'function' ? 'fn' : value))
}

/** Keeps the options' signature for the development warning; production builds drop it all. */
function rememberSignature(connection: LifelineConnection, options: ConnectionOptions): void {
  try {
    if (process.env.NODE_ENV !== 'production') registeredSignatures.set(connection, signature(options))
  } catch {}
}

/**
 * The shared connection for `url` (and `options.protocols`): every caller with the same key
 * gets the same object, so components share one socket. The options of the call that creates
 * it are its options. Once its last holder has let go and the linger has passed, it leaves the
 * registry, and the next call creates a fresh one.
 */
export function getConnection(url: string, options?: ConnectionOptions): LifelineConnection {
  if (typeof url !== 'string') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: getConnection(url) takes a URL string; a URL function works only with createConnection(fn).'
        } catch {}
        return errorCode(23)
      })(),
    )
  }
  const key = keyOf(url, options)
  const existing = shared.get(key)
  // A destroyed connection is skipped here too: destroying one that was already closed changes
  // no state, so the listener below never hears of it.
  if (existing && !existing.destroyed) {
    if (!options) return existing
    // Created by a caller that only watches (no options) and never started: the first caller
    // that brings options is the one whose options should count.
    if (!withOptions.has(existing) && existing.configure(options)) {
      withOptions.add(existing)
      rememberSignature(existing, options)
      return existing
    }
    // Hooks call this on every render; comparing options is for a development warning only.
    try {
      if (process.env.NODE_ENV !== 'production' && signature(options) !== registeredSignatures.get(existing))
        warnOnce(
          `getConnection("${redactUrl(url)}") was called with options that differ from those the shared connection was created with; the first options stay in force. Create the connection once with createConnection() and pass it instead.`,
        )
    } catch {}
    return existing
  }
  const connection = new LifelineConnection(url, options)
  shared.set(key, connection)
  keys.set(connection, key)
  if (options) {
    withOptions.add(connection)
    rememberSignature(connection, options)
  }
  let started = false
  const stop = connection.subscribe(() => {
    const { status } = connection.getState()
    if (status !== 'idle') started = true
    // Lingered out (idle again after running) or destroyed: let a later call start afresh.
    if ((started && status === 'idle') || connection.destroyed) {
      // Only this connection's own entry can be here: it leaves the map through this listener only.
      shared.delete(key)
      stop()
    }
  })
  return connection
}

/** Whether `connection` is still the shared one for its key; it leaves when it lingers out. */
export function isShared(connection: object): boolean {
  // A connection that was never shared has no key, and nothing is stored under undefined.
  const current = shared.get(keys.get(connection) as string)
  return current === connection && !current.destroyed
}

/**
 * The shared connection for `url` (and `options.protocols`) if one is registered, without
 * creating one: what a render may do, since a render must not register anything.
 */
export function findConnection(url: string, options?: ConnectionOptions): LifelineConnection | undefined {
  return shared.get(keyOf(url, options))
}

/** Destroys every shared connection; for tests and hot reloading. */
export function resetConnections(): void {
  // Emptied first: mounted hooks that follow their URL register a fresh connection as the old
  // one is destroyed, and those must neither be destroyed in turn nor keep this loop going.
  const connections = [...shared.values()]
  shared.clear()
  for (const connection of connections) connection.destroy()
}
