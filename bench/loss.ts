import { machine, option } from './bench-env'
import { type LossResult, RATE, runLoss } from './loss-harness'
import { median } from './stats'

/**
 * The loss harness of issue 22 (bench/loss-harness.ts) with its tables: history 1,000, then
 * history 10 with the same drops.
 * `node bench/loss.mjs [--seconds=60] [--outage-ms=3000] [--seed=1] [--history=1000,10]`
 */

function lossTable(result: LossResult): string {
  const lines = [
    '| topic | published | delivered | missing | duplicated | out of order | gaps reported | reopen → caught up, median / max |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ]
  for (const { topic, counts, catchUpMs } of result.topics) {
    const caught = catchUpMs.length
      ? `${Math.round(median(catchUpMs))} / ${Math.max(...catchUpMs)} ms (${catchUpMs.length})`
      : '—'
    lines.push(
      `| ${topic} | ${counts.published} | ${counts.delivered} | ${counts.missing} | ${counts.duplicated} | ${counts.outOfOrder} | ${counts.gapsReported} | ${caught} |`,
    )
  }
  return lines.join('\n')
}

function gapTable(result: LossResult): string {
  const lines = [
    '| topic | reopens | messages missed per reopen (publisher count at reopen), min–max | reopens that missed more than the history | jumps in the delivered numbers | gaps reported | jumps without a gap (silent loss) | gaps without a jump |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  ]
  for (const { topic, counts, awayCounts } of result.topics) {
    const beyond = awayCounts.filter((n) => n > result.options.historySize).length
    const range = awayCounts.length ? `${Math.min(...awayCounts)}–${Math.max(...awayCounts)}` : '—'
    lines.push(
      `| ${topic} | ${result.reopens} | ${range} | ${beyond} | ${counts.jumps} | ${counts.gapsReported} | ${counts.silentJumps} | ${counts.falseGaps} |`,
    )
  }
  return lines.join('\n')
}

function describeRun(result: LossResult): string {
  const o = result.options
  return `${o.seconds} s, 3 topics × ${RATE} msg/s, history ${o.historySize}; ${result.terminated} of ${o.terminates} server terminates hit a socket, ${result.cutsDone} network cuts of ${o.outageMs} ms; ${result.reopens} reopens (${result.interrupted} catch-ups cut short by the next drop); seed ${o.seed}`
}

const seconds = Number(option('seconds') ?? 60)
const outageMs = Number(option('outage-ms') ?? 3000)
const seed = Number(option('seed') ?? 1)
const histories = (option('history') ?? '1000,10').split(',').map(Number)
const scale = (n: number) => Math.max(1, Math.round((n * seconds) / 60))
console.log(`# Loss harness (${machine()})`)
for (const historySize of histories) {
  const options = {
    seconds,
    historySize,
    outageMs,
    terminates: scale(10),
    cuts: scale(5),
    seed,
  }
  console.log(`\n## history ${historySize}`)
  const result = await runLoss(options, (line) => console.log(line))
  console.log(`\n${describeRun(result)}\n`)
  console.log(lossTable(result))
  console.log()
  console.log(gapTable(result))
}
