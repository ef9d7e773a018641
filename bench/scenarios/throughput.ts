import { type BenchContext, mountLive, runOrder, withPage } from '../browser'
import { median } from '../stats'
import { addSample, emptyRow, type Row, type ScenarioResult } from './types'

export const THROUGHPUT_MESSAGES = 20_000
export const SUBSCRIBER_COUNTS = [1, 10, 100] as const

/** Messages per second from the first send until every subscribed component rendered the last one. */
export async function throughput(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const rows = new Map<number, Row>(
    SUBSCRIBER_COUNTS.map((count) => [
      count,
      emptyRow(`throughput, ${count} subscriber${count === 1 ? '' : 's'}`, 'msg/s', false),
    ]),
  )
  const rendered = emptyRow(
    `renders per component during the burst, ${SUBSCRIBER_COUNTS.at(-1)} subscribers`,
    'renders',
    true,
  )
  for (let run = 0; run < runs; run++) {
    for (const count of SUBSCRIBER_COUNTS) {
      for (const name of runOrder(context.implementations, run)) {
        await withPage(context, name, async (page) => {
          const { server } = context
          await mountLive(page, server, server.wsUrl, 0, count)
          await page.evaluate((last) => {
            window.bench.resetRenders()
            window.bench.expectSeq(last)
          }, THROUGHPUT_MESSAGES)
          const started = server.burst(1, THROUGHPUT_MESSAGES)
          const seenAt = await page.evaluate(() => window.bench.whenSeen(120_000))
          addSample(rows.get(count)!, name, (THROUGHPUT_MESSAGES * 1000) / (seenAt - started))
          if (count === SUBSCRIBER_COUNTS.at(-1)) {
            const renders = await page.evaluate(() => window.bench.renders())
            addSample(rendered, name, renders.message / count)
          }
        })
      }
    }
    context.log(`  throughput: run ${run + 1}/${runs} done`)
  }
  const all = [...rows.values(), rendered]
  for (const row of all) {
    for (const name of context.implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  return {
    id: 'throughput',
    title: `Throughput: ${THROUGHPUT_MESSAGES.toLocaleString('en')} small JSON messages sent in one burst`,
    rows: all,
    notes: [
      'Clock: from the server starting the burst to the commit in which the last subscribed component rendered the last message (both epoch clocks of the same machine).',
      `Renders during the burst: fewer than ${THROUGHPUT_MESSAGES.toLocaleString('en')} means intermediate messages were never shown. \`useSyncExternalStore\` (raw, react-lifeline) renders every message synchronously, all subscribers in one pass; react-use-websocket wraps every subscriber's update in \`flushSync\`, one render pass per subscriber per message; \`useState\` set from a socket event (partysocket) is batched by React's scheduler, so under load one render covers several messages.`,
    ],
  }
}
