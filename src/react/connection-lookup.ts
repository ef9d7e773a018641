import { findConnection, getConnection, isShared } from '../core/registry'
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
  let unwatch = noop

  const resolve = (): Connection | null =>
    typeof target === 'string' ? getConnection(target, connectionOptionsOf(options)) : target

  const use = () => {
    unwatch()
    unwatch = noop
    const connection = resolve()
    current = connection
    if (typeof target !== 'string' || !connection) return
    // The registry's own listener runs first (it subscribed at creation), so by now a
    // connection that lingered out is gone from it and the lookup finds or makes the next one.
    unwatch = connection.subscribe(() => {
      if (isShared(connection) || current !== connection) return
      use()
      onChange?.()
    })
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
    obtain: () => current ?? resolve(),
    subscribe(listener) {
      onChange = listener
      use()
      return () => {
        onChange = null
        unwatch()
        unwatch = noop
        current = null
      }
    },
    update(nextTarget, nextOptions) {
      options = nextOptions
      if (nextTarget === target) return
      target = nextTarget
      if (!onChange) return
      use()
      onChange()
    },
  }
}

// The hooks' own options are not the connection's: the registry compares options to warn about
// a second, different configuration, and a schema object is no connection setting.
const HOOK_OPTIONS = ['enabled', 'onMessage', 'filter', 'onOpen', 'onClose', 'onError', 'onFailed', 'schema']

function connectionOptionsOf(options: ConnectionOptions | undefined): ConnectionOptions | undefined {
  if (!options) return options
  const own: Record<string, unknown> = { ...options }
  for (const key of HOOK_OPTIONS) delete own[key]
  return own
}

function noop(): void {}
