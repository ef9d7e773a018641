import { LifelineConnection } from './connection'
import { isDevelopment, warnOnce } from './dev'
import { redactUrl } from './redact'
import type { ConnectionOptions } from './types'

const shared = new Map<string, LifelineConnection>()

/** The registry key: the same URL with other subprotocols is another server conversation. */
function keyOf(url: string, options?: ConnectionOptions): string {
  const protocols = options?.protocols
  if (protocols === undefined) return `${url}\n`
  return `${url}\n${Array.isArray(protocols) ? protocols.join(',') : protocols}`
}

// Functions (clock, WebSocket, callbacks) are compared by identity-free shape only: an inline
// arrow differs on every render and must not cause a warning.
function signature(options?: ConnectionOptions): string {
  if (!options) return '{}'
  const {
    WebSocket: _socket,
    clock: _clock,
    network: _network,
    visibility: _visibility,
    random: _random,
    ...rest
  } = options as ConnectionOptions & Record<string, unknown>
  for (const key of ['enabled', 'onMessage', 'filter']) delete (rest as Record<string, unknown>)[key]
  return JSON.stringify(rest, (_key, value) => (typeof value === 'function' ? 'fn' : value))
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
      'react-lifeline: getConnection(url) takes a URL string; a URL function works only with createConnection(fn).',
    )
  }
  const key = keyOf(url, options)
  const existing = shared.get(key)
  if (existing) {
    if (!options) return existing
    // Created by a caller that only watches (no options) and never started: the first caller
    // that brings options is the one whose options should count.
    if (!withOptions.has(existing) && existing.configure(options)) {
      withOptions.add(existing)
      registeredSignatures.set(existing, signature(options))
      return existing
    }
    // Hooks call this on every render; comparing options is for a development warning only.
    if (isDevelopment() && signature(options) !== registeredSignatures.get(existing)) {
      warnOnce(
        `getConnection("${redactUrl(url)}") was called with options that differ from those the shared connection was created with; the first options stay in force. Create the connection once with createConnection() and pass it instead.`,
      )
    }
    return existing
  }
  const connection = new LifelineConnection(url, options)
  shared.set(key, connection)
  keys.set(connection, key)
  if (options) {
    withOptions.add(connection)
    registeredSignatures.set(connection, signature(options))
  }
  let started = false
  const stop = connection.subscribe(() => {
    const { status } = connection.getState()
    if (status !== 'idle') started = true
    // Lingered out (idle again after running) or destroyed: let a later call start afresh.
    if ((started && status === 'idle') || connection.destroyed) {
      if (shared.get(key) === connection) shared.delete(key)
      stop()
    }
  })
  return connection
}

const registeredSignatures = new WeakMap<LifelineConnection, string>()
const withOptions = new WeakSet<LifelineConnection>()
const keys = new WeakMap<object, string>()

/** Whether `connection` is still the shared one for its key; it leaves when it lingers out. */
export function isShared(connection: object): boolean {
  const key = keys.get(connection)
  return key !== undefined && shared.get(key) === connection
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
