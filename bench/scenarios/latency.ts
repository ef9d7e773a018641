import { type BenchContext, mountLive, runOrder, withPage } from '../browser'
import { median, quantile } from '../stats'
import { addSample, emptyRow, type ScenarioResult } from './types'

const SUBSCRIBERS = 100
export const STREAM_PER_SECOND = 500
const ECHOES = 150
// Echoes sent before the measured ones and not counted: on a slow machine the first few still
// wait for the page's code to be compiled, for every implementation alike, and with 150 samples
// they alone would set p99.
const WARMUP_ECHOES = 10
const ECHO_INTERVAL_MS = 20
// A page that cannot keep up with the stream never gets back to its timers, so its run would
// wait forever (react-use-websocket's per-subscriber flushSync on a slow machine); past this
// the run is given up and counted as no sample, with a note.
const RUN_LIMIT_MS = 60_000

/**
 * Round trip while the server streams: the page sends an echo request through the library,
 * the server answers at once, and the clock stops when every one of the 100 subscribed
 * components has rendered a message carrying that echo.
 */
export async function latency(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const p50 = emptyRow(`echo latency p50, ${SUBSCRIBERS} subscribers`, 'ms', true, 1)
  const p99 = emptyRow(`echo latency p99, ${SUBSCRIBERS} subscribers`, 'ms', true, 1)
  const notes: string[] = []
  for (let run = 0; run < runs; run++) {
    for (const name of runOrder(context.implementations, run)) {
      await withPage(context, name, async (page) => {
        const { server } = context
        await mountLive(page, server, server.wsUrl, 0, SUBSCRIBERS)
        const stop = server.stream(STREAM_PER_SECOND)
        try {
          // Let the stream reach its steady state before sampling.
          await page.waitForTimeout(300)
          const result = await withinLimit(
            page.evaluate(([count, interval]) => window.bench.echo(count, interval, 10_000), [
              WARMUP_ECHOES + ECHOES,
              ECHO_INTERVAL_MS,
            ] as const),
          )
          if (typeof result === 'string') {
            notes.push(`${name}, run ${run + 1}: ${result}; no sample`)
            return
          }
          if (result.missing > 0)
            notes.push(`${name}: ${result.missing} of ${WARMUP_ECHOES + ECHOES} echoes not seen by all`)
          const measured = result.latencies.slice(WARMUP_ECHOES)
          addSample(p50, name, quantile(measured, 0.5))
          addSample(p99, name, quantile(measured, 0.99))
        } finally {
          stop()
        }
      })
    }
    context.log(`  latency: run ${run + 1}/${runs} done`)
  }
  for (const row of [p50, p99]) {
    for (const name of context.implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  return {
    id: 'latency',
    title: `Echo latency with ${SUBSCRIBERS} subscribers while the server streams ${STREAM_PER_SECOND} messages/s`,
    rows: [p50, p99],
    notes: [
      `${ECHOES} echo requests ${ECHO_INTERVAL_MS} ms apart per run, sent with the library's own send, after ${WARMUP_ECHOES} warm-up echoes that are not counted; p50 and p99 per run, median over runs.`,
      ...notes,
    ],
  }
}

/** The run's result, or why there is none: the page crashed or did not answer within the limit. */
async function withinLimit<T>(run: Promise<T>): Promise<T | string> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const limit = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${RUN_LIMIT_MS / 1000} s`), RUN_LIMIT_MS)
  })
  try {
    return await Promise.race([run, limit])
  } catch (error) {
    return `the page failed (${(error as Error).message.split('\n')[0]})`
  } finally {
    clearTimeout(timer)
  }
}
