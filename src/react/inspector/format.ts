import type { CloseInfo } from '../../core/types'

/** `0.4 s`, `12 s`, `55 min`, `3.5 h`: tenths below ten seconds, where they still matter. */
export function seconds(ms: number): string {
  const value = Math.max(0, ms) / 1000
  if (value < 10) return `${value.toFixed(1)} s`
  if (value < 600) return `${Math.round(value)} s`
  return value < 7200 ? `${Math.round(value / 60)} min` : `${Number((value / 3600).toFixed(1))} h`
}

/** `45 s`, `12 min`, `3 h`: a span for axis labels and window names. */
export function span(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round(ms / 3_600_000)} h`
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString()
}

/** What a close says about where to look; the timeline colours its mark by it. */
export type CloseKind = 'normal' | 'restart' | 'dropped' | 'timeout' | 'refused' | 'error' | 'app'

export const KIND_LABELS: Record<CloseKind, string> = {
  normal: 'normal close',
  restart: 'server going away or restarting',
  dropped: 'dropped, no close frame',
  timeout: 'heartbeat or connect timeout',
  refused: 'refused (policy, auth)',
  error: 'server or protocol error',
  app: 'application code',
}

const REFUSALS = new Set([1008, 4001, 4003, 4401, 4403])

export function closeKind(close: CloseInfo): CloseKind {
  if (close.initiator === 'heartbeat' || close.initiator === 'timeout') return 'timeout'
  if (REFUSALS.has(close.code)) return 'refused'
  if (close.code === 1000) return 'normal'
  if (close.code === 1001 || close.code === 1012 || close.code === 1013) return 'restart'
  if (close.code === 1005 || close.code === 1006) return 'dropped'
  if (close.code >= 4000) return 'app'
  return 'error'
}

/** The close record in one line, for the timeline's labels and the history list. */
export function describeClose(close: CloseInfo): string {
  const parts = [
    `by ${close.initiator}`,
    close.openForMs === null ? 'never opened' : `open for ${seconds(close.openForMs)}`,
    close.idleForMs === null ? null : `idle for ${seconds(close.idleForMs)}`,
  ].filter(Boolean)
  return `${close.code} ${close.info.name}${close.reason ? ` "${close.reason}"` : ''} (${parts.join(', ')})`
}
