import { warnOnce } from '../core/dev'
import { findConnection, getConnection, joinConnection } from '../core/registry'
import type { Connection, ConnectionOptions } from '../core/types'

/** What the hooks and the banner accept: a URL (the shared connection), a connection, or nothing. */
export type ConnectionTarget = string | Connection | null

/**
 * Finds the connection for a target, as a render may and as a commit must. A render only
 * reads (`peek`): a URL shows its shared connection if one is registered, and nothing is
 * created, so server renders and renders React throws away leave nothing behind. Subscribing
 * is the commit: a URL's shared connection is looked up or created then, and followed when it
 * leaves the registry (lingered out or destroyed) by the next one for the URL.
 */
export interface ConnectionLookup {
  /** The connection in use while subscribed, else `null`. */
  readonly current: Connection | null
  /** The connection a render of `target` shows; never creates one. Defaults to the committed target. */
  peek(target?: ConnectionTarget, options?: ConnectionOptions): Connection | null
  /** The connection in use, or the committed target's, looked up now: for actions, never for renders. */
  obtain(): Connection | null
  /** Starts using the committed target's connection; `onChange` runs whenever another replaces it. */
  subscribe(onChange: () => void): () => void
  /** Hands over the target and options of a commit. */
  update(target: ConnectionTarget, options: ConnectionOptions | undefined): void
}

export function createConnectionLookup(
  target: ConnectionTarget,
  options: ConnectionOptions | undefined,
): ConnectionLookup {
  let current: Connection | null = null
  let onChange: (() => void) | null = null
  // This hook's place among the holders of a URL's shared connection: its options count in
  // the connection's merged options while it is subscribed.
  let change: ((options: ConnectionOptions | undefined) => void) | null = null
  let leave = noop

  const use = () => {
    leave()
    leave = noop
    change = null
    if (typeof target !== 'string') {
      current = target
      warnIfIgnored(target, options)
      return
    }
    ;[current, change, leave] = joinConnection(target, connectionOptionsOf(options), follow)
  }
  // Moves to the connection of a new target, or of the same URL when the shared one lingered
  // out or was destroyed (the registry calls it then), and tells the subscriber.
  const follow = () => {
    use()
    onChange?.()
  }

  return {
    get current() {
      return current
    },
    peek(rendered = target, renderedOptions = options) {
      if (typeof rendered !== 'string') return rendered
      if (rendered === target && current) return current
      return findConnection(rendered, renderedOptions) ?? null
    },
    // An action before the commit (rare) finds or creates the connection, asking only for the
    // protocols that pick it: the options count from the commit, which joins it.
    obtain: () =>
      current ??
      (typeof target !== 'string'
        ? target
        : getConnection(
            target,
            options?.protocols === undefined ? undefined : { protocols: options.protocols },
          )),
    subscribe(listener) {
      onChange = listener
      use()
      return () => {
        onChange = null
        leave()
        leave = noop
        change = null
        current = null
      }
    },
    update(nextTarget, nextOptions) {
      options = nextOptions
      if (nextTarget === target) return change?.(connectionOptionsOf(nextOptions))
      target = nextTarget
      if (onChange) follow()
    },
  }
}

// The hooks' own options (useWebSocket's, useMessages' and useTopic's) are not the
// connection's: the registry merges and compares options, and a schema object or a topic name
// is no connection setting.
const HOOK_OPTIONS = [
  'enabled',
  'onMessage',
  'filter',
  'onOpen',
  'onClose',
  'onDisconnect',
  'onError',
  'onFailed',
  'schema',
  'topic',
  'onGap',
]

function connectionOptionsOf(options: ConnectionOptions | undefined): ConnectionOptions | undefined {
  if (!options) return options
  const own: Record<string, unknown> = { ...options }
  for (const key of HOOK_OPTIONS) delete own[key]
  return own
}

/** Options beside a connection are not applied: the connection was configured where it was made. */
function warnIfIgnored(target: Connection | null, options: ConnectionOptions | undefined): void {
  try {
    if (process.env.NODE_ENV !== 'production') {
      const given = Object.entries(connectionOptionsOf(options) ?? {}).filter(
        ([, value]) => value !== undefined,
      )
      if (target && given.length > 0)
        warnOnce(
          `connection options (${given.map(([key]) => key).join(', ')}) were passed beside a Connection target and are not applied: a Connection keeps the options it was created with. Pass them to createConnection(), or pass the URL instead.`,
        )
    }
  } catch {}
}

function noop(): void {}
