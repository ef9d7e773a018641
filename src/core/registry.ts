import { LifelineConnection } from './connection'
import { reportOnce, warnOnce } from './dev'
import { errorCode } from './errors'
import { mergeOptions, same } from './option-merge'
import { resolveOptions } from './options'
import { redactUrl } from './redact'
import type { ConnectionOptions } from './types'

/** A shared connection and what its holders ask for. */
interface Entry {
  connection: LifelineConnection
  /**
   * What each holder asks for (`undefined`: nothing), oldest holder first: a hook while it is
   * mounted, and the entry itself for every `getConnection(url, options)` call, which never
   * lets go.
   */
  holders: Map<object, ConnectionOptions | undefined>
  /** The merged options last handed to the connection. */
  applied: ConnectionOptions
  /** The options in force when it started: the ones that cannot change afterwards are read here. */
  started: ConnectionOptions
}

/**
 * Everything the registry keeps: [version, shared connections by key]. A
 * tuple, because it is spelled out in every bundle.
 */
type RegistryStore = [version: number, shared: Map<string, Entry>]

// A process that loads both the ESM and the CJS build (an ESM app with a CommonJS dependency
// that requires the library, or a server bundle that mixes both) has two copies of this module;
// one registry on globalThis keeps one socket per URL for both. Bump the version when the
// store's shape or the connection's contract changes: a copy of another version then keeps
// its own registry rather than handing out connections it does not understand.
const REGISTRY_VERSION = 3

/** The shared connections by key: this version's on globalThis, claimed if no copy did. */
function openRegistry(): RegistryStore[1] {
  const host = globalThis as { [key: symbol]: RegistryStore | undefined }
  const slot = Symbol.for('react-lifeline.registry')
  const found = host[slot] ?? [REGISTRY_VERSION, new Map()]
  // Claimed if empty; a store already there stays (writing it back changes nothing).
  host[slot] = found
  // Indexed, not destructured: the store of version 1 was an object.
  if (found[0] === REGISTRY_VERSION) return found[1]
  // Written out (here and below) so that production bundles drop the text.
  try {
    if (process.env.NODE_ENV !== 'production')
      warnOnce('another version of react-lifeline is loaded; the two do not share connections.')
  } catch {}
  return new Map()
}

const shared = openRegistry()

/**
 * The registry key: the same URL with other subprotocols is another server conversation. A
 * list reads as its tokens joined by commas, which no token contains; no protocols and an
 * empty list ask for the same.
 */
function keyOf(url: string, options?: ConnectionOptions): string {
  return `${url}\n${options?.protocols ?? ''}`
}

// Set up with the connection (its timers, its network and visibility listeners, the tab link):
// a holder that brings another one after the start is told, not obeyed.
const FIXED_AT_START = ['clock', 'network', 'visibility', 'share'] as const

/** The shared entry for `url`, created with `options` if there is none. */
function entryOf(url: string, options?: ConnectionOptions): Entry {
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
  if (existing && !existing.connection.destroyed) return existing
  const connection = new LifelineConnection(url, options)
  const entry: Entry = { connection, holders: new Map(), applied: options ?? {}, started: options ?? {} }
  shared.set(key, entry)
  let started = false
  const stop = connection.subscribe(() => {
    const { status } = connection.getState()
    if (status !== 'idle') started = true
    // Lingered out (idle again after running) or destroyed: let a later call start afresh.
    if ((started && status === 'idle') || connection.destroyed) {
      // Only this connection's own entry can be here: it leaves the map through this listener only.
      shared.delete(key)
      stop()
      // Hooks follow their URL to the next connection (see `joinConnection`).
      for (const holder of [...entry.holders.keys()]) if (typeof holder === 'function') holder()
    }
  })
  return entry
}

/**
 * Hands the connection the merge of what its holders ask for (see `mergeOptions`), and reports
 * each option it had to leave as it was (`kept`: those a caller found already). With no holder
 * asking for anything (the last one left and it lingers), the options stay as they are.
 * `joined`: a holder arrived, rather than one re-rendering with new objects (an inline clock)
 * for the options it gave on joining.
 */
function apply(entry: Entry, joined?: boolean, kept?: string[]): void {
  const given = [...entry.holders.values()]
  if (!given.some(Boolean)) return
  const [merged, disagreements] = mergeOptions(given, '', kept)
  if (!same(merged, entry.applied, true)) {
    entry.applied = merged
    if (entry.connection.configure(merged)) entry.started = merged
  }
  if (joined)
    for (const key of FIXED_AT_START) if (!same(merged[key], entry.started[key])) disagreements.push(key)
  // Production builds report too, as a short code: an option that silently does nothing is
  // the trap this guards against.
  for (const option of disagreements)
    reportOnce(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: the shared connection for "${redactUrl(entry.connection.url as string)}" keeps its "${option}": another holder passed a different one, or it came after the socket started (clock, network, visibility and share are fixed then). Pass the same value everywhere (a function or object defined once, outside components), or create the connection once with createConnection() and pass it to the hooks.`
        } catch {}
        return errorCode(37, option)
      })(),
    )
}

/**
 * The shared connection for `url` (and `options.protocols`): every caller with the same key
 * gets the same object, so components share one socket. Its options are the merge of what
 * every holder asks for (see `mergeOptions`): options given here count for as long as the
 * connection lives. Once its last holder has let go and the linger has passed, it leaves the
 * registry, and the next call creates a fresh one.
 */
export function getConnection(url: string, options?: ConnectionOptions): LifelineConnection {
  const entry = entryOf(url, options)
  if (options) {
    resolveOptions(options)
    // The calls merge into one holder: what a later call asks for differently is reported now.
    const [merged, kept] = mergeOptions([entry.holders.get(entry), options])
    entry.holders.set(entry, merged)
    apply(entry, true, kept)
  }
  return entry.connection
}

/**
 * Joins the holders of the shared connection for `url`: `options` count in its merged options
 * until `leave()`, and `change` replaces them (a re-render with other options). `moved` runs
 * when the connection leaves the registry (it lingered out or was destroyed) while held, for
 * the holder to join the next one for the URL; it must be a function of this holder's own.
 * For the hooks, which hold a connection while mounted, and never `change` after `leave`.
 */
export function joinConnection(
  url: string,
  options: ConnectionOptions | undefined,
  moved?: () => void,
): [
  connection: LifelineConnection,
  change: (options: ConnectionOptions | undefined) => void,
  leave: () => void,
] {
  const entry = entryOf(url, options)
  const { holders } = entry
  // The holder is known by its `moved` callback, which the registry calls from there.
  const holder = moved ?? {}
  const change = (next: ConnectionOptions | undefined, joined?: boolean) => {
    if (next && same(next, holders.get(holder), true)) return
    if (next) resolveOptions(next)
    holders.set(holder, next)
    apply(entry, joined)
  }
  change(options, true)
  return [entry.connection, change, () => holders.delete(holder) && apply(entry)]
}

/** Whether `connection` is still the shared one for its key; it leaves when it lingers out. */
export function isShared(connection: object): boolean {
  // A destroyed one may still be listed: destroying a closed connection changes no state.
  return (
    [...shared.values()].some((entry) => entry.connection === connection) &&
    !(connection as LifelineConnection).destroyed
  )
}

/**
 * The shared connection for `url` (and `options.protocols`) if one is registered, without
 * creating one: what a render may do, since a render must not register anything.
 */
export function findConnection(url: string, options?: ConnectionOptions): LifelineConnection | undefined {
  return shared.get(keyOf(url, options))?.connection
}

/** Destroys every shared connection; for tests and hot reloading. */
export function resetConnections(): void {
  // Emptied first: mounted hooks that follow their URL register a fresh connection as the old
  // one is destroyed, and those must neither be destroyed in turn nor keep this loop going.
  const connections = [...shared.values()]
  shared.clear()
  for (const { connection } of connections) connection.destroy()
}
