import { type BenchContext, runOrder, withPage } from '../browser'
import { heapSummary } from '../heap'
import { median } from '../stats'
import { addSample, emptyRow, type ScenarioResult } from './types'

const CYCLES = 500
const WARMUP_CYCLES = 250
const CONFIG = { statusCount: 10, messageCount: 10 }
// Longer than any implementation's linger (react-lifeline's default lingerMs is 1000).
const SETTLE_MS = 1500

/** 500 mount/unmount cycles of 20 subscribed components: heap growth and sockets left open. */
export async function leaks(context: BenchContext, runs: number): Promise<ScenarioResult> {
  const growth = emptyRow(`heap growth after ${CYCLES} mount/unmount cycles`, 'KB', true, 1)
  const dataGrowth = emptyRow(
    'of which JavaScript values (objects, closures, arrays, strings)',
    'KB',
    true,
    1,
  )
  const objectGrowth = emptyRow('objects and closures added', 'objects', true, 0)
  const open = emptyRow('sockets still open on the server afterwards', 'sockets', true, 0)
  const opened = emptyRow(`sockets opened during the ${CYCLES} cycles`, 'sockets', true, 0)
  const cycleTime = emptyRow('time per mount/unmount cycle', 'ms', true, 2)
  const rows = [growth, dataGrowth, objectGrowth, open, opened, cycleTime]
  for (let run = 0; run < runs; run++) {
    for (const name of runOrder(context.implementations, run)) {
      await withPage(context, name, async (page) => {
        const { server } = context
        const config = { url: server.wsUrl, ...CONFIG }
        const session = await page.context().newCDPSession(page)
        const cycle = async (count: number) => {
          const result = await page.evaluate(([c, n]) => window.bench.cycle(c, n), [config, count] as const)
          await page.waitForTimeout(SETTLE_MS)
          return result.elapsedMs
        }
        await cycle(WARMUP_CYCLES)
        const before = await heapSummary(session)
        server.resetCounters()
        const elapsed = await cycle(CYCLES)
        const after = await heapSummary(session)
        await session.detach()
        addSample(growth, name, (after.usedBytes - before.usedBytes) / 1024)
        addSample(dataGrowth, name, (after.dataBytes - before.dataBytes) / 1024)
        addSample(objectGrowth, name, after.objects - before.objects)
        addSample(open, name, server.openSockets())
        addSample(opened, name, server.accepted())
        addSample(cycleTime, name, elapsed / CYCLES)
      })
    }
    context.log(`  leaks: run ${run + 1}/${runs} done`)
  }
  for (const row of rows) {
    for (const name of context.implementations) row.values[name] = median(row.samples[name] ?? [])
  }
  return {
    id: 'leaks',
    title: `Leaks: ${CYCLES} mount/unmount cycles of ${CONFIG.statusCount + CONFIG.messageCount} subscribed components`,
    rows,
    notes: [
      `Each cycle mounts ${CONFIG.statusCount} status and ${CONFIG.messageCount} message components, waits until every status component shows open, then unmounts them. Heap: CDP HeapProfiler.collectGarbage (twice), Runtime.getHeapUsage and a heap snapshot, after ${WARMUP_CYCLES} warm-up cycles and after ${CYCLES} more, each time ${SETTLE_MS} ms after the last unmount. The used heap keeps growing for a few hundred cycles while V8 compiles hot code (InstructionStream, Code: it flattens later); a leak shows as JavaScript values and objects added.`,
    ],
  }
}
