import { useEffect, useState } from 'react'
import type { Clock, Connection } from '../../core/types'

/** One reading of the connection, taken once a second while the inspector is mounted. */
export interface LiveSample {
  at: number
  messagesReceived: number
  messagesSent: number
  latency: number | null
}

export interface LiveFigures {
  /** Clock time of the last reading: what "now" is for the timeline. */
  now: number
  samples: readonly LiveSample[]
  /** Messages per second over the last 10 s (since the first reading if sooner); null until two readings exist. */
  inPerSecond: number | null
  outPerSecond: number | null
}

const INTERVAL_MS = 1_000
// Two minutes of latency is enough to see a trend and small enough to draw on every tick.
const KEEP = 120

/** The connection's clock, so "now" is the time the connection's own records are in. */
export function clockOf(connection: Connection | null): Pick<Clock, 'now'> {
  return (connection as { options?: { clock?: Clock } } | null)?.options?.clock ?? Date
}

function read(connection: Connection, clock: Pick<Clock, 'now'>): LiveSample {
  const stats = connection.getStats()
  return {
    at: clock.now(),
    messagesReceived: stats.messagesReceived,
    messagesSent: stats.messagesSent,
    latency: connection.getState().latency,
  }
}

// The rate over the last 10 s (since the first reading when there are fewer): a 1 s window
// flips between 1.0 /s and 0.0 /s for a stream of one message every 2 s.
const RATE_WINDOW_MS = 10_000

function rate(samples: readonly LiveSample[], field: 'messagesReceived' | 'messagesSent'): number | null {
  const last = samples[samples.length - 1]
  const from = last && samples.find((sample) => sample.at >= last.at - RATE_WINDOW_MS)
  if (!last || !from || last.at <= from.at) return null
  return ((last[field] - from[field]) * 1000) / (last.at - from.at)
}

/**
 * Reads the connection once a second (in an effect: a render only shows the readings) and
 * derives messages in and out per second (over the last 10 s, so a slow stream reads steadily)
 * and the latency series for the sparkline.
 */
export function useLiveFigures(connection: Connection | null): LiveFigures {
  const [samples, setSamples] = useState<readonly LiveSample[]>([])

  useEffect(() => {
    if (!connection) return
    const clock = clockOf(connection)
    const tick = () => setSamples((previous) => [...previous.slice(-(KEEP - 1)), read(connection, clock)])
    tick()
    // Real time paces the readings; the connection's clock dates them. A test's fake clock
    // thus keeps only the connection's own timers, and a story's fast clock still reads right.
    const timer = setInterval(tick, INTERVAL_MS)
    return () => {
      clearInterval(timer)
      setSamples([])
    }
  }, [connection])

  return {
    now: samples[samples.length - 1]?.at ?? 0,
    samples,
    inPerSecond: rate(samples, 'messagesReceived'),
    outPerSecond: rate(samples, 'messagesSent'),
  }
}
