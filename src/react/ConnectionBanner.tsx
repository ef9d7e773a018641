import { type ReactElement, type ReactNode, useMemo, useSyncExternalStore } from 'react'
import { IDLE_STATE } from '../core/idle-state'
import type { Clock, Connection, ConnectionOptions, ConnectionState } from '../core/types'
import { type BannerMessages, type BannerState, DEFAULT_BANNER_MESSAGES, textOf } from './banner-messages'
import { useBannerPhase } from './use-banner-phase'
import { useCountdown } from './use-countdown'
import { useTargetConnection } from './use-target-connection'

/** What the banner's render function can do. */
export interface BannerActions {
  /** Start now; while waiting to retry, retry now. */
  connect(): void
  /** Drop the current socket and connect again now. */
  reconnect(): void
}

/** Props of `<ConnectionBanner>`; everything but `target` is optional. */
export interface ConnectionBannerProps {
  /** A URL (the shared connection) or a connection. The banner observes; it does not hold it open. */
  target: string | Connection
  /** How long a problem must last before the banner shows it, so blips never flash [1000]. */
  showAfterMs?: number
  /** How long 'Reconnected' stays after recovering [2000]. */
  reconnectedMs?: number
  /** Replacements for any of the default texts. */
  messages?: Partial<BannerMessages>
  /** Added to `lifeline-banner` on the live region. */
  className?: string
  /** Replaces the default content; called only while the banner has something to show. */
  children?: (state: BannerState, actions: BannerActions) => ReactNode
  /** Time source for the delays and the countdown [the connection's clock, else the global timers]. */
  clock?: Clock
  /**
   * With a URL target: options the banner asks for on the shared connection, merged with its
   * other holders' while mounted. Beside a `Connection` they do nothing (a development warning
   * says so); kept loosely typed so wrappers can spread their props.
   */
  options?: ConnectionOptions
}

const globalClock: Clock = {
  now: () => Date.now(),
  // Looked up when called, so fake timers installed later still apply.
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * Tells people, in words, what the connection is doing: nothing while open; after a drop that
 * lasts `showAfterMs`, 'Reconnecting in 4s, attempt 3' (counting down), 'Offline',
 * 'Failed: Policy Violation' with the close code and reason, and a 'Retry now' button; then
 * 'Reconnected' for `reconnectedMs`. The live region stays in the document while empty, so
 * screen readers are listening before the first message arrives.
 */
export function ConnectionBanner({
  target,
  showAfterMs = 1000,
  reconnectedMs = 2000,
  messages,
  className,
  children,
  clock,
  options,
}: ConnectionBannerProps): ReactElement {
  const connection = useTargetConnection(target, options)
  // Both change only with the connection: a new subscribe would make React subscribe again.
  const [subscribe, actions] = useMemo(
    () => [
      (onStoreChange: () => void) => (connection ? connection.subscribe(onStoreChange) : noop),
      { connect: () => connection?.connect(), reconnect: () => connection?.reconnect() } as BannerActions,
    ],
    [connection],
  )
  // The whole state, so React's own store hook is enough: no selector to memoise.
  const state = useSyncExternalStore(
    subscribe,
    () => (connection ? connection.getState() : IDLE_STATE),
    getServerSnapshot,
  )
  const time = clock ?? clockOf(connection)
  const phase = useBannerPhase(state, showAfterMs, reconnectedMs, time)
  const secondsUntilRetry = useCountdown(state.nextRetryAt, phase === 'reconnecting', time)

  const bannerState: BannerState = { ...state, phase, secondsUntilRetry }
  const alert = phase === 'failed'

  return (
    <div
      className={className ? `lifeline-banner ${className}` : 'lifeline-banner'}
      data-status={phase}
      role={alert ? 'alert' : 'status'}
      aria-live={alert ? 'assertive' : 'polite'}
    >
      {phase === 'hidden'
        ? null
        : children
          ? children(bannerState, actions)
          : renderDefault(bannerState, { ...DEFAULT_BANNER_MESSAGES, ...messages }, actions)}
    </div>
  )
}

function renderDefault(state: BannerState, messages: BannerMessages, actions: BannerActions): ReactNode {
  const phase = state.phase as Exclude<BannerState['phase'], 'hidden'>
  const detail = phase === 'connecting' || phase === 'reconnected' ? '' : textOf(messages.detail, state)
  // After a failure the button stays through the new attempt, so keyboard focus is not lost on
  // the click; a first connect has nothing to retry yet.
  const canRetry = phase !== 'reconnected' && (phase !== 'connecting' || state.lastClose !== null)
  const ticking = phase === 'reconnecting'
  return (
    <>
      <p className="lifeline-banner__text" aria-hidden={ticking || undefined}>
        {textOf(messages[phase], state)}
      </p>
      {ticking && <span style={VISUALLY_HIDDEN}>{textOf(messages.reconnectingAnnouncement, state)}</span>}
      {detail ? <p className="lifeline-banner__detail">{detail}</p> : null}
      {canRetry && (
        <button type="button" className="lifeline-banner__button" onClick={actions.connect}>
          {textOf(messages.retry, state)}
        </button>
      )}
    </>
  )
}

// Inline rather than a class, so the text stays hidden without the optional stylesheet.
const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const

// Nothing opens during server rendering: the server shows a connection not yet started.
function getServerSnapshot(): ConnectionState {
  return IDLE_STATE
}

function noop(): void {}

// nextRetryAt is in the connection's clock time, so the countdown must read the same clock.
function clockOf(connection: Connection | null): Clock {
  const options = (connection as { options?: { clock?: Clock } } | null)?.options
  return options?.clock ?? globalClock
}
