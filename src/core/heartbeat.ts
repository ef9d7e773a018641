import { reportListenerError } from './dev'
import { givenFields } from './option-checks'
import type { HeartbeatOptions } from './types'

/** Heartbeat options with every default filled in. */
export interface ResolvedHeartbeat {
  interval: number
  timeout: number
  message: string | (() => string)
  isPong: (data: unknown) => boolean
}

const PING = '{"type":"ping"}'

/** The defaults of `interval` and `timeout`, also what a holder's `heartbeat: true` asks for in a merge. */
export const HEARTBEAT_INTERVAL = 25000
export const HEARTBEAT_TIMEOUT = 10000

/** The default pong test: a JSON text whose `type` is `'pong'`. Cheap prefix check first, because it runs on every message. */
export function isJsonPong(data: unknown): boolean {
  if (typeof data !== 'string' || !data.includes('pong')) return false
  try {
    const parsed = JSON.parse(data) as unknown
    // Stryker disable next-line ConditionalExpression: without either guard, reading .type of a primitive gives undefined and of null throws into the catch below; both still answer false.
    return typeof parsed === 'object' && parsed !== null && (parsed as { type?: unknown }).type === 'pong'
  } catch {
    return false
  }
}

const DEFAULT_HEARTBEAT: ResolvedHeartbeat = {
  interval: HEARTBEAT_INTERVAL,
  timeout: HEARTBEAT_TIMEOUT,
  message: PING,
  isPong: isJsonPong,
}

export function resolveHeartbeat(option: boolean | HeartbeatOptions | undefined): ResolvedHeartbeat | null {
  if (!option) return null
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: `true` has no fields of its own, so passing it on gives the same defaults as `{}`.
  return { ...DEFAULT_HEARTBEAT, ...givenFields(option === true ? {} : option, true) }
}

export function pingMessage(heartbeat: ResolvedHeartbeat): string {
  return typeof heartbeat.message === 'function' ? heartbeat.message() : heartbeat.message
}

/** A throwing `isPong` is reported and counts as "not a pong", so delivery goes on. */
export function isPongSafely(isPong: (data: unknown) => boolean, data: unknown): boolean {
  try {
    return isPong(data)
  } catch (error) {
    reportListenerError(error)
    return false
  }
}
