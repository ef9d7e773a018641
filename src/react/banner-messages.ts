import type { ConnectionState } from '../core/types'

/** What the banner is showing. `hidden` while open (or during a blip shorter than `showAfterMs`). */
export type BannerPhase =
  | 'hidden'
  | 'connecting'
  | 'reconnecting'
  | 'offline'
  | 'failed'
  | 'closed'
  | 'reconnected'

/** The connection state plus what the banner derived from it; handed to `messages` and `children`. */
export interface BannerState extends ConnectionState {
  phase: BannerPhase
  /** Whole seconds until the scheduled attempt, counting down while the banner shows; otherwise null. */
  secondsUntilRetry: number | null
}

/** A text, or a function of the state for texts that contain numbers, so apps can translate them. */
export type BannerText = string | ((state: BannerState) => string)

/** Every text the default banner renders. */
export interface BannerMessages {
  connecting: BannerText
  reconnecting: BannerText
  offline: BannerText
  failed: BannerText
  /** Closed by the server (or a close the policy does not retry) and not reconnecting. */
  closed: BannerText
  reconnected: BannerText
  /**
   * What screen readers hear while reconnecting. The visible countdown changes every second;
   * announcing each tick would talk over everything else, so the live region carries this
   * text instead, which changes only with the attempt.
   */
  reconnectingAnnouncement: BannerText
  /** The second line: the last close code and reason (or why it failed); empty hides it. */
  detail: BannerText
  /** The button's label. */
  retry: BannerText
}

/** The English defaults; override any of them through the banner's `messages`. */
export const DEFAULT_BANNER_MESSAGES: BannerMessages = {
  connecting: 'Connecting…',
  reconnecting: ({ secondsUntilRetry, attempt }) =>
    secondsUntilRetry
      ? `Reconnecting in ${secondsUntilRetry}s, attempt ${attempt}`
      : `Reconnecting, attempt ${attempt}…`,
  offline: 'Offline',
  failed: ({ lastClose }) => (lastClose ? `Failed: ${lastClose.info.name}` : 'Failed'),
  closed: 'Disconnected',
  reconnected: 'Reconnected',
  reconnectingAnnouncement: ({ attempt }) => `Connection lost. Reconnecting, attempt ${attempt}.`,
  detail: ({ lastClose, status, error }) => {
    if (lastClose) return `Code ${lastClose.code}${lastClose.reason ? `: ${lastClose.reason}` : ''}`
    return status === 'failed' && error ? error.message : ''
  },
  retry: 'Retry now',
}

/** Resolves one text for the state. */
export function textOf(text: BannerText, state: BannerState): string {
  return typeof text === 'function' ? text(state) : text
}
