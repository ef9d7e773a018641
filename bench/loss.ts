import { machine, option } from './bench-env'
import { isFullRun, saveFigure } from './figures'
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

/** Catch-ups never reached: a reopen after the last publish with a gap has nothing to catch up to. */
function pendingNote(result: LossResult): string {
  const measured = result.topics.reduce((sum, topic) => sum + topic.catchUpMs.length, 0)
  const pending = result.reopens * result.topics.length - measured - result.interrupted
  return pending > 0 ? `, ${pending} not measured: the topic reopened after the last publish` : ''
}

function describeRun(result: LossResult): string {
  const o = result.options
  return `${o.seconds} s, 3 topics × ${RATE} msg/s, history ${o.historySize}; ${result.terminated} of ${o.terminates} server terminates hit a socket, ${result.cutsDone} network cuts of ${o.outageMs} ms; ${result.reopens} reopens (${result.interrupted} catch-ups cut short by the next drop${pendingNote(result)}); seed ${o.seed}`
}

const seconds = Number(option('seconds') ?? 60)
const outageMs = Number(option('outage-ms') ?? 3000)
const seed = Number(option('seed') ?? 1)
const histories = (option('history') ?? '1000,10').split(',').map(Number)
const scale = (n: number) => Math.max(1, Math.round((n * seconds) / 60))
const where = machine()
const sections: string[] = []
console.log(`# Loss harness (${where})`)
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
  const section = [
    `#### History ${historySize.toLocaleString('en')}`,
    '',
    `${describeRun(result)}.`,
    '',
    lossTable(result),
    '',
    gapTable(result),
  ].join('\n')
  console.log(`\n${section}`)
  sections.push(section)
}
if (isFullRun()) {
  saveFigure(
    'loss',
    [
      '### Loss harness (issue 22): topics through server drops and network cuts',
      '',
      `Command: \`node bench/loss.mjs\` (defaults: \`--seconds=60 --outage-ms=3000 --seed=1 --history=1000,10\`). Run ${where}.`,
      '',
      "Method: a lifeline server (`createLifelineServer`, `memoryStore({ historySize })`) publishes 3 topics at 50 msg/s each; one client (`createConnection` with `lifelineTopics()`, `ws`, `heartbeat: { interval: 1000, timeout: 1000 }`, `connectTimeout: 2000`, `retry: { initialDelay: 100, maxDelay: 2000 }`) holds the three through a TCP proxy on 127.0.0.1 (test/support/tcp-proxy.ts). At 10 random moments the server ends the socket with `terminate()` (no close frame); 5 times the network is cut: the proxy stops passing bytes for 3 s (new connections too), then resets every connection, as a NAT that lost its state, and passes traffic again. Each drop gets its own random slot of the run (seeded). Every message carries the publisher's own number, so missing, duplicated and out-of-order are counted against what was published, not against the library's offsets. *Caught up*: from the socket's reopen to the delivery of the last message published before that reopen (with history 10 that is the first message after the reported gap). The second run repeats the same drops with history 10: an outage outran the history where the delivered numbers jump; each jump must come with a gap report (`gaps` grows) and no gap may be reported without one.",
      '',
      ...sections.flatMap((section) => [section, '']),
    ].join('\n'),
  )
  console.log('\nsaved to bench/figures/loss.md and bench/RESULTS.md')
}
