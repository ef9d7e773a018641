import { type BenchContext, mountLive, runOrder, withPage } from '../browser'
import { median } from '../stats'
import { addSample, emptyRow, type ScenarioResult } from './types'

const SUBSCRIBERS = 100
export const DOWNTIME_MS = 500

/** The server restarts (1012, down for 500 ms); time until all 100 subscribers show open again. */
export async function recovery(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const total = emptyRow(
    `recovery after a restart (${DOWNTIME_MS} ms down), ${SUBSCRIBERS} subscribers`,
    'ms',
    true,
  )
  const afterBack = emptyRow('of which after the server was back', 'ms', true)
  const attempts = emptyRow('connection attempts until recovered', 'attempts', true)
  for (let run = 0; run < runs; run++) {
    for (const name of runOrder(context.implementations, run)) {
      await withPage(context, name, async (page) => {
        const { server } = context
        await mountLive(page, server, server.wsUrl, SUBSCRIBERS, 0)
        // Chromium reports every socket the page creates, refused ones included.
        const session = await page.context().newCDPSession(page)
        await session.send('Network.enable')
        let created = 0
        session.on('Network.webSocketCreated', () => {
          created += 1
        })
        await page.evaluate(() => window.bench.armRecovery(20_000))
        await server.restart(DOWNTIME_MS)
        const recoveredMs = await page.evaluate(() => window.bench.whenRecovered())
        await session.detach()
        addSample(attempts, name, created)
        addSample(total, name, recoveredMs)
        addSample(afterBack, name, Math.max(0, recoveredMs - DOWNTIME_MS))
      })
    }
    context.log(`  recovery: run ${run + 1}/${runs} done`)
  }
  for (const row of [total, afterBack, attempts]) {
    for (const name of context.implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  return {
    id: 'recovery',
    title: `Recovery: server restart with 1012 (Service Restart), down for ${DOWNTIME_MS} ms`,
    rows: [total, afterBack, attempts],
    notes: [
      'Clock: from the first status component rendering the drop to the commit in which the last of the 100 shows open again.',
      '"After the server was back" subtracts the downtime; it is the wait the retry schedule adds. Attempts: sockets the page created from the restart to recovery (CDP Network.webSocketCreated), refused ones included.',
    ],
  }
}
