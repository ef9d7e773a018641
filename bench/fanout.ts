import { fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { killedOnExit, machine, option } from './bench-env'
import { isFullRun, saveFigure } from './figures'
import { median } from './stats'

/**
 * Fan-out of issue 23, react-lifeline/server against Socket.IO 4.8 with connection state
 * recovery on, in one run: each server alone in its own process (so its memory is its clients'
 * alone), the clients together in another. Per implementation and run:
 * 1. memory per idle client: the server's RSS and heap (after a full GC) with no client, then
 *    with every client connected and subscribed, divided by the clients;
 * 2. publish-to-deliver latency at a steady rate (`--rate` messages per second over all
 *    topics), p50 / p99 over every delivery (one monotonic clock across the processes);
 * 3. delivered messages per second at saturation: `--burst` messages per topic published as
 *    fast as the server takes them, timed from the first publish to the last delivery.
 * The implementations alternate run by run, so neither always goes first.
 *
 * `node bench/fanout.mjs [--clients=1000] [--topics=10] [--runs=3] [--rate=50] [--seconds=10]
 *   [--burst=300] [--impls=lifeline,socket.io,lifeline-ws] [--profile]`
 */

const OUT = fileURLToPath(new URL('.', import.meta.url))
type Impl = 'lifeline' | 'socket.io' | 'lifeline-ws'

const settings = {
  clients: Number(option('clients') ?? 1000),
  topics: Number(option('topics') ?? 10),
  runs: Number(option('runs') ?? 3),
  rate: Number(option('rate') ?? 50),
  seconds: Number(option('seconds') ?? 10),
  burst: Number(option('burst') ?? 300),
}
const impls = (option('impls') ?? 'lifeline,socket.io,lifeline-ws').split(',') as Impl[]
const topics = Array.from({ length: settings.topics }, (_, i) => `topic-${i}`)

const children = killedOnExit()

/** A child with IPC; `next(type)` resolves with its next message of that type. */
function start(script: string, args: string[], execArgv: string[] = []) {
  // --profile: a CPU profile of every child into bench/.out/profiles (chrome://inspect, speedscope).
  const profile = process.argv.includes('--profile')
    ? ['--cpu-prof', `--cpu-prof-dir=${join(OUT, 'profiles')}`]
    : []
  const child = fork(join(OUT, script), args, { stdio: 'inherit', execArgv: [...execArgv, ...profile] })
  children.add(child)
  const waiting = new Map<string, ((message: any) => void)[]>()
  child.on('message', (message: any) => {
    const list = waiting.get(message.type)
    list?.shift()?.(message)
  })
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      children.delete(child)
      resolve()
    }),
  )
  const next = (type: string, timeoutMs = 120_000) =>
    new Promise<any>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script}: no '${type}' in ${timeoutMs} ms`)),
        timeoutMs,
      )
      const list = waiting.get(type) ?? []
      list.push((message) => {
        clearTimeout(timer)
        resolve(message)
      })
      waiting.set(type, list)
    })
  return { child, next, exited }
}

interface RunResult {
  impl: Impl
  rssPerClient: number
  heapPerClient: number
  p50: number
  p99: number
  perSecond: number
  serverCpuShare: number
  clientCpuShare: number
  /** CPU ms per 1,000 deliveries at saturation: what a shared machine's scheduling does not skew. */
  serverCpuPerK: number
  clientCpuPerK: number
  /** Deliveries that never arrived within 60 s (0 when every client got every message). */
  missing: number
}

/**
 * The clients' `done`, or after `ms` their progress: a message lost for good must not hang the
 * bench, it is counted instead (and the throughput is what did arrive, by then).
 */
async function finished(clients: ReturnType<typeof start>, ms: number, expected: number) {
  try {
    return { ...(await clients.next('done', ms)), missing: 0 }
  } catch {
    clients.child.send({ type: 'progress' })
    const { delivered } = await clients.next('progress')
    console.log(`  (gave up waiting: ${expected - delivered} of ${expected} deliveries never arrived)`)
    return {
      at: Number(process.hrtime.bigint()) / 1e6,
      cpuMs: Number.NaN,
      latency: { p50: Number.NaN, p99: Number.NaN },
      missing: expected - delivered,
    }
  }
}

async function run(impl: Impl): Promise<RunResult> {
  const server = start('fanout-server.mjs', [impl], ['--expose-gc'])
  let clients: ReturnType<typeof start> | null = null
  try {
    const { port } = await server.next('ready')
    await new Promise((resolve) => setTimeout(resolve, 500))
    server.child.send({ type: 'mem' })
    const before = await server.next('mem')
    clients = start('fanout-clients.mjs', [
      impl,
      String(port),
      String(settings.clients),
      String(settings.topics),
    ])
    await clients.next('ready')
    await new Promise((resolve) => setTimeout(resolve, 2000))
    server.child.send({ type: 'mem' })
    const after = await server.next('mem')

    // Latency at a steady rate.
    const steadyCount = settings.rate * settings.seconds
    clients.child.send({
      type: 'expect',
      count: (steadyCount * settings.clients) / settings.topics,
      sample: true,
    })
    await clients.next('expecting')
    server.child.send({
      type: 'publish',
      topics,
      perTopic: steadyCount / settings.topics,
      rate: settings.rate,
    })
    // Both answers, so the next phase's `published` is its own.
    const [steady] = await Promise.all([
      finished(clients, 60_000, (steadyCount * settings.clients) / settings.topics),
      server.next('published'),
    ])
    const steadyMissing = steady.missing

    // Saturation.
    const burstDeliveries = (settings.burst * settings.topics * settings.clients) / settings.topics
    clients.child.send({ type: 'expect', count: burstDeliveries, sample: false })
    await clients.next('expecting')
    server.child.send({ type: 'cpu' })
    const serverCpuBefore = (await server.next('cpu')).cpuMs
    server.child.send({ type: 'publish', topics, perTopic: settings.burst, rate: null })
    const published = await server.next('published')
    const done = await finished(clients, 60_000, burstDeliveries)
    server.child.send({ type: 'cpu' })
    const serverCpu = (await server.next('cpu')).cpuMs - serverCpuBefore
    const elapsed = done.at - published.start
    const delivered = burstDeliveries - done.missing
    if (process.env.FANOUT_DEBUG)
      console.error(`[fanout] publish ${published.end - published.start} ms, last delivery ${elapsed} ms`)
    return {
      impl,
      rssPerClient: (after.rss - before.rss) / settings.clients,
      heapPerClient: (after.heapUsed - before.heapUsed) / settings.clients,
      p50: steady.latency.p50,
      p99: steady.latency.p99,
      perSecond: (delivered * 1000) / elapsed,
      missing: steadyMissing + done.missing,
      serverCpuShare: serverCpu / elapsed,
      clientCpuShare: done.cpuMs / elapsed,
      serverCpuPerK: (serverCpu * 1000) / burstDeliveries,
      clientCpuPerK: (done.cpuMs * 1000) / burstDeliveries,
    }
  } finally {
    // A profile is written at a normal exit only: ask first, then make sure.
    clients?.child.send({ type: 'close' })
    server.child.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 1000))
    clients?.child.kill('SIGKILL')
    server.child.kill('SIGKILL')
    await Promise.all([clients?.exited, server.exited])
  }
}

const where = machine()
const setup = `${settings.clients.toLocaleString('en')} clients, one topic each over ${settings.topics} topics (${settings.clients / settings.topics} per topic); latency at ${settings.rate} msg/s published (${((settings.rate * settings.clients) / settings.topics).toLocaleString('en')} deliveries/s) for ${settings.seconds} s; saturation: ${settings.burst} messages per topic published as fast as the server takes them; ${settings.runs} runs each, alternating`
console.log(`# Fan-out (${where})`)
console.log(setup)
const results: RunResult[] = []
for (let round = 0; round < settings.runs; round++) {
  const order = round % 2 === 0 ? impls : [...impls].reverse()
  for (const impl of order) {
    const result = await run(impl)
    results.push(result)
    console.log(
      `  run ${round + 1} ${impl}: ${Math.round(result.perSecond)} deliveries/s (server CPU ${(result.serverCpuShare * 100).toFixed(0)}% = ${result.serverCpuPerK.toFixed(1)} ms per 1,000, clients CPU ${(result.clientCpuShare * 100).toFixed(0)}% = ${result.clientCpuPerK.toFixed(1)} ms per 1,000), p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${(result.rssPerClient / 1024).toFixed(1)} KiB RSS and ${(result.heapPerClient / 1024).toFixed(1)} KiB heap per idle client`,
    )
  }
}
const of = (impl: Impl, pick: (r: RunResult) => number) =>
  median(results.filter((r) => r.impl === impl).map(pick))
const label: Record<Impl, string> = {
  lifeline: 'react-lifeline/server',
  'socket.io': 'Socket.IO 4.8 (recovery on)',
  'lifeline-ws': 'react-lifeline/server, bare `ws` clients (diagnostic)',
}
const lines = [
  `| measure (median of ${settings.runs} runs) | ${impls.map((impl) => label[impl]).join(' | ')} |`,
  `|---|${impls.map(() => '--:').join('|')}|`,
]
const rows: [string, (r: RunResult) => number, (n: number) => string][] = [
  [
    'delivered messages per second at saturation',
    (r) => r.perSecond,
    (n) => Math.round(n).toLocaleString('en'),
  ],
  ['server CPU per 1,000 deliveries at saturation', (r) => r.serverCpuPerK, (n) => `${n.toFixed(1)} ms`],
  ['clients CPU per 1,000 deliveries at saturation', (r) => r.clientCpuPerK, (n) => `${n.toFixed(1)} ms`],
  [
    'deliveries that never arrived (of both phases)',
    (r) => r.missing,
    (n) => Math.round(n).toLocaleString('en'),
  ],
  ['publish-to-deliver p50', (r) => r.p50, (n) => `${n.toFixed(2)} ms`],
  ['publish-to-deliver p99', (r) => r.p99, (n) => `${n.toFixed(2)} ms`],
  ['server RSS per idle client', (r) => r.rssPerClient, (n) => `${(n / 1024).toFixed(1)} KiB`],
  ['server heap per idle client', (r) => r.heapPerClient, (n) => `${(n / 1024).toFixed(1)} KiB`],
  [
    'server CPU during saturation (share of one core)',
    (r) => r.serverCpuShare,
    (n) => `${(n * 100).toFixed(0)}%`,
  ],
  [
    'clients CPU during saturation (share of one core)',
    (r) => r.clientCpuShare,
    (n) => `${(n * 100).toFixed(0)}%`,
  ],
]
for (const [name, pick, format] of rows)
  lines.push(`| ${name} | ${impls.map((impl) => format(of(impl, pick))).join(' | ')} |`)
console.log(`\n${lines.join('\n')}`)
if (isFullRun()) {
  saveFigure(
    'fanout',
    [
      '### Fan-out against Socket.IO 4.8 (issue 23)',
      '',
      `Command: \`node bench/fanout.mjs\` (defaults: \`--clients=1000 --topics=10 --runs=3 --rate=50 --seconds=10 --burst=300\`). Run ${where}.`,
      '',
      `Method: ${setup}. Each server runs alone in its own child process (bench/fanout-server.ts), the clients together in another (bench/fanout-clients.ts), the bench in a third. react-lifeline: \`createLifelineServer\` with \`memoryStore()\`; clients \`createConnection\` + \`lifelineTopics()\` on \`ws\` with \`heartbeat: true\`. Socket.IO 4.8: \`connectionStateRecovery: { maxDisconnectionDuration: 120000, skipMiddlewares: true }\`, \`transports: ['websocket']\` on both ends, one room per topic, \`io.to(topic).emit()\`. Memory: the server's RSS and \`heapUsed\` after two forced GCs with no client, then with every client connected and subscribed (2 s later), divided by the clients. Latency: every message carries its publish time from \`process.hrtime\` (one monotonic clock across processes); p50/p99 over every delivery. Saturation: from the first publish to the last delivery at the last client; the publisher yields once per round of one message per topic so sockets can flush. The CPU rows show which process was the limit; on a machine shared with other work, CPU time per 1,000 deliveries is the steadier comparison of cost, since scheduling stretches the wall-clock figures.`,
      '',
      lines.join('\n'),
      '',
    ].join('\n'),
  )
  console.log('\nsaved to bench/figures/fanout.md and bench/RESULTS.md')
}
process.exit(0)
