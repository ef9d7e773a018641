import { type BenchContext, mountLive, runOrder, withPage } from '../browser'
import { median } from '../stats'
import { addSample, emptyRow, type ScenarioResult } from './types'

const STATUS = 10
const MESSAGE = 90
const MESSAGES = 1000
// Paced so each message is its own task and gets its own chance to render, as in a live app;
// a burst would let libraries that batch state updates skip renders.
const INTERVAL_MS = 2

/** Renders per component while 1,000 messages arrive, for status-only and message components. */
export async function renders(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const status = emptyRow('renders per status-only component', 'renders', true, 1)
  const message = emptyRow('renders per message component', 'renders', true, 0)
  for (let run = 0; run < runs; run++) {
    for (const name of runOrder(context.implementations, run)) {
      await withPage(context, name, async (page) => {
        const { server } = context
        await mountLive(page, server, server.wsUrl, STATUS, MESSAGE)
        await page.evaluate(() => window.bench.resetRenders())
        await page.evaluate((last) => window.bench.expectSeq(last), MESSAGES)
        await server.paced(1, MESSAGES, INTERVAL_MS)
        await page.evaluate(() => window.bench.whenSeen(30_000))
        await page.waitForTimeout(50)
        const counts = await page.evaluate(() => window.bench.renders())
        addSample(status, name, counts.status / STATUS)
        addSample(message, name, counts.message / MESSAGE)
      })
    }
    context.log(`  renders: run ${run + 1}/${runs} done`)
  }
  for (const row of [status, message]) {
    for (const name of context.implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  return {
    id: 'renders',
    title: `Renders: ${STATUS} status-only + ${MESSAGE} message components on one URL, ${MESSAGES} messages`,
    rows: [status, message],
    notes: [
      `Messages sent ${INTERVAL_MS} ms apart; renders counted in the component body after every component showed open and had received a first message.`,
    ],
  }
}
