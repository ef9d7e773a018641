import type { Connection, ConnectionState, ConnectionStatus } from '../../src/core/types'

/** How long a wait may take before it fails, and what the failure message calls it. */
export interface WaitOptions {
  /** Milliseconds before the wait rejects [5000]. Kept below the test timeout so a hang names itself. */
  timeoutMs?: number
  /** What is awaited, for the failure message. */
  description?: string
}

export const DEFAULT_WAIT_MS = 5000

/**
 * Resolves with the first truthy value of `check`, evaluated now and again on every change
 * reported through `subscribe`. Event driven: nothing polls, so a test waits exactly as long
 * as the thing it waits for. Rejects after `timeoutMs`, or when `check` throws.
 */
export function waitFor<T>(
  subscribe: (onChange: () => void) => () => void,
  check: () => T | false | null | undefined,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS
  return new Promise<T>((resolve, reject) => {
    let settled = false
    let unsubscribe: (() => void) | null = null
    let timer: ReturnType<typeof setTimeout> | null = null

    const finish = (action: () => void) => {
      if (settled) return
      settled = true
      if (timer !== null) clearTimeout(timer)
      unsubscribe?.()
      action()
    }
    const evaluate = () => {
      if (settled) return
      try {
        const value = check()
        if (value) finish(() => resolve(value))
      } catch (error) {
        finish(() => reject(error))
      }
    }

    evaluate()
    if (settled) return
    unsubscribe = subscribe(evaluate)
    // The subscription may itself report a change synchronously; if that settled the wait,
    // the unsubscribe above ran before it was assigned, so run it now.
    if (settled) {
      unsubscribe()
      return
    }
    timer = setTimeout(() => {
      finish(() =>
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${options.description ?? 'a condition'}`),
        ),
      )
    }, timeoutMs)
  })
}

/**
 * Resolves with the first state of `connection` (the current one included) that satisfies
 * `predicate`, listening through `connection.subscribe`. The failure message carries the
 * last state seen, which is usually the whole diagnosis.
 */
export function waitForState(
  connection: Connection,
  predicate: (state: ConnectionState) => boolean,
  options: WaitOptions = {},
): Promise<ConnectionState> {
  return waitFor(
    (onChange) => connection.subscribe(onChange),
    () => {
      const state = connection.getState()
      return predicate(state) ? state : null
    },
    options,
  ).catch((error: unknown) => {
    if (!(error instanceof Error) || !error.message.startsWith('Timed out')) throw error
    throw new Error(`${error.message}; last state: ${describeState(connection.getState())}`)
  })
}

/** Shorthand for `waitForState(connection, (s) => s.status === status)`. */
export function waitForStatus(
  connection: Connection,
  status: ConnectionStatus,
  options: WaitOptions = {},
): Promise<ConnectionState> {
  return waitForState(connection, (state) => state.status === status, {
    description: `status '${status}'`,
    ...options,
  })
}

/** Every distinct state a connection passed through, in order, with the wall time it was seen. */
export interface StateRecorder {
  readonly states: ReadonlyArray<{ state: ConnectionState; at: number }>
  /** The statuses in order, consecutive repeats collapsed: e.g. `['connecting', 'reconnecting', 'open']`. */
  statuses(): ConnectionStatus[]
  stop(): void
}

/** Starts recording the states of `connection`, the current one first. */
export function recordStates(connection: Connection): StateRecorder {
  const states: Array<{ state: ConnectionState; at: number }> = []
  const push = () => {
    const state = connection.getState()
    if (states[states.length - 1]?.state !== state) states.push({ state, at: Date.now() })
  }
  push()
  const unsubscribe = connection.subscribe(push)
  return {
    states,
    statuses() {
      const result: ConnectionStatus[] = []
      for (const { state } of states) {
        if (result[result.length - 1] !== state.status) result.push(state.status)
      }
      return result
    },
    stop: unsubscribe,
  }
}

/** A one-line summary of a state for failure messages. */
export function describeState(state: ConnectionState): string {
  const close = state.lastClose
  return JSON.stringify({
    status: state.status,
    attempt: state.attempt,
    nextRetryAt: state.nextRetryAt,
    lastClose: close && { code: close.code, reason: close.reason, initiator: close.initiator, at: close.at },
    error: state.error?.message ?? null,
    queued: state.queued,
  })
}

/** The largest number of `times` (ms) that fall inside any window of `windowMs`. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b)
  let best = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++
    best = Math.max(best, end - start + 1)
  }
  return best
}
