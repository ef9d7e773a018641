import type { CloseInfo } from '../../src/core/types'

export const SECOND = 1_000
export const MINUTE = 60 * SECOND

const NAMES: Record<number, string> = {
  1000: 'Normal Closure',
  1001: 'Going Away',
  1006: 'Abnormal Closure',
  1008: 'Policy Violation',
  1011: 'Internal Error',
  1012: 'Service Restart',
}

// Equal lifetimes are a pattern of their own (a gateway's maximum connection age, lifetime-cap),
// so each record made gets an ordinary lifetime of its own: 97 s apart, twice the 2 % within
// which lifetimes count as equal even at the longest (41 min), repeating after 20 records.
let made = 0
const ordinaryLife = () => 10 * MINUTE + (made++ % 20) * 97 * SECOND

/**
 * A close record with ordinary defaults: the server side ended a socket that had been open for
 * ten minutes or more (a different time for each record made) and had heard from the server a
 * second before. Override what a test is about.
 */
export function closeInfo(code: number, fields: Partial<CloseInfo> = {}): CloseInfo {
  return {
    code,
    reason: '',
    wasClean: code !== 1006,
    at: 0,
    openForMs: ordinaryLife(),
    idleForMs: 1 * SECOND,
    initiator: 'server',
    info: { code, name: NAMES[code] ?? 'Application Code', description: '', retry: true },
    ...fields,
  }
}

/** The records with `at` set `gapMs` apart (default ten minutes), oldest first. */
export function spaced(records: CloseInfo[], gapMs = 10 * MINUTE, startAt = 0): CloseInfo[] {
  return records.map((record, index) => ({ ...record, at: startAt + index * gapMs }))
}

/** A 1006 drop of a long-lived socket after `idleMs` without an inbound frame. */
export const idleDrop = (idleMs: number, fields: Partial<CloseInfo> = {}) =>
  closeInfo(1006, { idleForMs: idleMs, openForMs: idleMs + ordinaryLife(), ...fields })

/** A socket that opened and was dropped after `openForMs`. */
export const shortLived = (openForMs: number, code = 1006, fields: Partial<CloseInfo> = {}) =>
  closeInfo(code, { openForMs, idleForMs: openForMs, ...fields })

/** An attempt that never opened. */
export const failedAttempt = (fields: Partial<CloseInfo> = {}) =>
  closeInfo(1006, { openForMs: null, idleForMs: null, ...fields })

/** A drop while the browser reported offline. */
export const offlineDrop = (fields: Partial<CloseInfo> = {}) =>
  closeInfo(1006, { offline: true, initiator: 'network', ...fields })

/** A connection the heartbeat declared dead after `idleMs` of silence. */
export const heartbeatDead = (idleMs: number, fields: Partial<CloseInfo> = {}) =>
  closeInfo(1006, { initiator: 'heartbeat', idleForMs: idleMs, reason: 'heartbeat timeout', ...fields })

/** The app's own `close()`. */
export const clientClose = (fields: Partial<CloseInfo> = {}) =>
  closeInfo(1000, { initiator: 'client', wasClean: true, ...fields })
