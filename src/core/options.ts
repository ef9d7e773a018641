import { DEFAULT_RETRY, type ResolvedRetry, safeRandom } from './backoff'
import { errorCode } from './errors'
import { type ResolvedHeartbeat, resolveHeartbeat } from './heartbeat'
import type { MachineContext } from './machine-types'
import { browserNetwork, browserVisibility } from './network'
import {
  checkCount,
  checkDuration,
  checkMethods,
  checkObject,
  checkProtocols,
  describe,
  givenFields,
} from './option-checks'
import { MAX_TIMER_MS } from './timers'
import { topicEngineOf } from './topic-engine'
import type {
  Clock,
  CloseCodeInfo,
  ConnectionOptions,
  Handshake,
  HistoryStorage,
  NetworkSource,
  TopicProtocol,
  VisibilitySource,
  WebSocketConstructor,
} from './types'

/** Every option with its default, checked once when the connection is created. */
export interface ResolvedOptions {
  protocols?: string | string[]
  binaryType: 'blob' | 'arraybuffer'
  connectTimeout: number
  heartbeat: ResolvedHeartbeat | null
  retry: ResolvedRetry | null
  queueMax: number | null
  lingerMs: number
  closeCodes?: Record<number, Partial<CloseCodeInfo>>
  historySize: number
  historyStorage: HistoryStorage | null
  WebSocket?: WebSocketConstructor
  clock: Clock
  network: NetworkSource
  visibility: VisibilitySource
  random: () => number
  handshake: Handshake | null
  topics: TopicProtocol | null
}

const globalClock: Clock = {
  now: () => Date.now(),
  // Looked up at call time so fake timers installed after import still apply.
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** The options that a plain value or a default source fills in when not given. */
const DEFAULTS = {
  connectTimeout: 10000,
  lingerMs: 1000,
  historySize: 20,
  clock: globalClock,
  network: browserNetwork,
  visibility: browserVisibility,
  random: Math.random,
  handshake: null,
}

export function resolveOptions(options: ConnectionOptions = {}): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: options must be an object (or left out).'
        } catch {}
        return errorCode(1)
      })(),
    )
  }
  checkObject('retry', options.retry, false)
  checkObject('heartbeat', options.heartbeat, true)
  checkObject('queue', options.queue, false)
  const retry = options.retry === false ? null : { ...DEFAULT_RETRY, ...givenFields(options.retry ?? {}) }
  if (retry) checkRetry(retry)
  const heartbeat = resolveHeartbeat(options.heartbeat)
  if (heartbeat) {
    // Past the timer limit a heartbeat would fire every millisecond; `heartbeat: false` is the way to turn it off.
    checkDuration('heartbeat.interval', heartbeat.interval, 1, MAX_TIMER_MS)
    checkDuration('heartbeat.timeout', heartbeat.timeout, 1, MAX_TIMER_MS)
    if (typeof heartbeat.isPong !== 'function') {
      throw new TypeError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return 'react-lifeline: heartbeat.isPong must be a function (data) => boolean.'
          } catch {}
          return errorCode(5)
        })(),
      )
    }
    if (typeof heartbeat.message !== 'string' && typeof heartbeat.message !== 'function') {
      throw new TypeError(
        (() => {
          try {
            if (process.env.NODE_ENV !== 'production')
              return 'react-lifeline: heartbeat.message must be a string or a function returning one.'
          } catch {}
          return errorCode(6)
        })(),
      )
    }
  }
  const queue = options.queue ?? { max: 100 }
  if (queue !== false) checkCount('queue.max', queue.max)
  const binaryType = options.binaryType ?? 'blob'
  if (binaryType !== 'blob' && binaryType !== 'arraybuffer') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: binaryType must be 'blob' or 'arraybuffer', got ${describe(binaryType)}.`
        } catch {}
        return errorCode(7)
      })(),
    )
  }
  checkProtocols(options.protocols)
  const resolved: ResolvedOptions = {
    ...DEFAULTS,
    ...givenFields(options, true),
    binaryType,
    heartbeat,
    retry,
    queueMax: queue === false ? null : queue.max,
    historyStorage: options.historyStorage || null,
    topics: options.topics ?? null,
  }
  checkDuration('connectTimeout', resolved.connectTimeout, 1)
  checkDuration('lingerMs', resolved.lingerMs, 0)
  checkCount('historySize', resolved.historySize)
  if (resolved.historyStorage) checkMethods('historyStorage', resolved.historyStorage, ['getItem', 'setItem'])
  checkMethods('clock', resolved.clock, ['now', 'setTimeout', 'clearTimeout'])
  checkMethods('network', resolved.network, ['isOnline', 'subscribe'])
  checkMethods('visibility', resolved.visibility, ['isVisible', 'subscribe'])
  // A plain object fails here, at createConnection, rather than at the first topic(). The
  // method check comes with the engine (topicEngineOf runs it), so apps without topics do not
  // bundle it either.
  if (resolved.topics) topicEngineOf(resolved.topics)
  if (typeof resolved.random !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: random must be a function returning a number in [0, 1), like Math.random.'
        } catch {}
        return errorCode(9)
      })(),
    )
  }
  if (resolved.handshake !== null && typeof resolved.handshake !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: handshake must be a function (session) => void | Promise<void>, got ${describe(resolved.handshake)}.`
        } catch {}
        return errorCode(10)
      })(),
    )
  }
  if (options.WebSocket !== undefined && typeof options.WebSocket !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: the WebSocket option must be a constructor such as WebSocket from "ws".'
        } catch {}
        return errorCode(11)
      })(),
    )
  }
  return resolved
}

/** The settings the state machine reads, from the resolved options (it ignores the others). */
export function machineContextOf(options: ResolvedOptions): MachineContext {
  return { ...options, now: 0, random: safeRandom(options.random), handshake: options.handshake !== null }
}

function checkRetry(retry: ResolvedRetry): void {
  checkDuration('retry.initialDelay', retry.initialDelay, 0)
  checkDuration('retry.maxDelay', retry.maxDelay, 0)
  checkDuration('retry.minUptime', retry.minUptime, 0)
  if (retry.maxDelay < retry.initialDelay) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: retry.maxDelay (${retry.maxDelay}) is below retry.initialDelay (${retry.initialDelay}); raise maxDelay.`
        } catch {}
        return errorCode(12)
      })(),
    )
  }
  // Number.isFinite() is false for every non-number too.
  if (!(Number.isFinite(retry.factor) && retry.factor >= 1)) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: retry.factor must be a finite number of at least 1 (delays that shrink would hammer the server), got ${describe(retry.factor)}.`
        } catch {}
        return errorCode(13)
      })(),
    )
  }
  if (!['full', 'equal', 'none'].includes(retry.jitter)) {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: retry.jitter must be 'full', 'equal' or 'none', got ${describe(retry.jitter)}.`
        } catch {}
        return errorCode(14)
      })(),
    )
  }
  const max = retry.maxAttempts
  if (!(max === Infinity || (Number.isInteger(max) && max >= 0))) {
    throw new RangeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return `react-lifeline: retry.maxAttempts must be a whole number of at least 0, or Infinity, got ${describe(max)}.`
        } catch {}
        return errorCode(15)
      })(),
    )
  }
  if (typeof retry.shouldRetry !== 'function') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production')
            return 'react-lifeline: retry.shouldRetry must be a function (close, attempt) => boolean.'
        } catch {}
        return errorCode(16)
      })(),
    )
  }
}
