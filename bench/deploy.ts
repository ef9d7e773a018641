import { type ChildProcess, fork } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from 'redis'
import { WebSocket } from 'ws'
import { createConnection, lifelineTopics } from '../src/core'
import type { Connection, WebSocketConstructor } from '../src/core/types'
import { redisStore } from '../src/server'
import { type NginxProxy, startNginx } from '../test/support/nginx'
import { freePort, type RedisProcess, startRedis } from '../test/support/redis-server'
import { killedOnExit, machine, option, when } from './bench-env'
import { isFullRun, saveFigure } from './figures'
import { countTally, type TopicTally, tallyTopic } from './topic-tally'

/**
 * The rolling deploy of issue 23, end to end on 127.0.0.1: a real redis-server (no persistence,
 * a temp dir), two server processes (bench/deploy-server.ts: createLifelineServer on
 * redisStore), a real nginx in front of both (upstream, WebSocket upgrade headers, 503 and
 * refused connections passed to the other process), N clients (createConnection +
 * lifelineTopics(), `ws`, heartbeat on, default retry) each holding every topic. A publisher
 * process-side (redisStore.append, like an API worker) numbers each topic's messages 1, 2, 3...
 * Then: drain process A, restart it, drain process B, restart it; and the same deploy again
 * with the closes all at once (drain({ windowMs: 0 })) and with a kill (SIGKILL: a crash, or
 * a shutdown that just exits). Handshakes are counted at each process per 100 ms.
 *
 * `node bench/deploy.mjs [--clients=300] [--topics=5] [--rate=20] [--window-ms=10000]
 *   [--modes=spread,at-once,kill]`   (--rate: messages per second over all topics)
 */

const SERVER_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'deploy-server.mjs')

type Mode = 'spread' | 'at-once' | 'kill'

interface Settings {
  clients: number
  topics: number
  /** Messages per second, over all topics together. */
  rate: number
  windowMs: number
}

// Whatever ends this process, the servers and nginx end with it.
const children = killedOnExit()

function track(child: ChildProcess): ChildProcess {
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()))

// ---- server processes --------------------------------------------------------------------

interface Accept {
  name: string
  at: number
}

function startServer(name: string, port: number, redisUrl: string, accepts: Accept[]) {
  const child = track(fork(SERVER_SCRIPT, [String(port), redisUrl, name], { stdio: 'inherit' }))
  const drained = new Promise<number>((resolve) =>
    child.on('message', (message: any) => {
      if (message.type === 'accept') accepts.push({ name, at: message.at })
      if (message.type === 'drained') resolve(message.ms)
      if (message.type === 'error') console.error(`  [${name}] ${message.error}`)
    }),
  )
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: any) => message.type === 'ready' && resolve())
    child.once('exit', (code) => reject(new Error(`server ${name} exited (${code}) before it was ready`)))
  })
  return { child, ready, drained }
}

// ---- one deploy --------------------------------------------------------------------------

interface DeployResult {
  mode: Mode
  /** Per deploy (A then B): the busiest 100 ms at the process that stayed up. */
  peaks: number[]
  /** Per deploy: from the first close to every client open again, ms. */
  backOpenMs: number[]
  /** Per deploy: handshakes the surviving process took in that time (the clients that moved). */
  moved: number[]
  /** Per deploy: handshakes at the surviving process in its busiest second. */
  peakSeconds: number[]
  clientsWithLoss: number
  missing: number
  duplicated: number
  outOfOrder: number
  gaps: number
  published: number
  delivered: number
  closeCodes: Map<number, number>
}

async function deploy(mode: Mode, settings: Settings, log: (line: string) => void): Promise<DeployResult> {
  const redis: RedisProcess = await startRedis()
  const ports = { A: await freePort(), B: await freePort() }
  const accepts: Accept[] = []
  const servers = {
    A: startServer('A', ports.A, redis.url, accepts),
    B: startServer('B', ports.B, redis.url, accepts),
  }
  let nginx: NginxProxy | null = null
  const connections: Connection[] = []
  const publisher = createClient({ url: redis.url })
  publisher.on('error', () => {})
  let publishing = false
  try {
    await Promise.all([servers.A.ready, servers.B.ready])
    nginx = await startNginx([ports.A, ports.B], '300s', {
      workerConnections: 4096,
      backlog: 1024,
      onSpawn: track,
    })
    await publisher.connect()
    const store = redisStore(publisher as never)
    const topics = Array.from({ length: settings.topics }, (_, i) => `topic-${i + 1}`)

    // ---- clients, connected in batches so the start is not itself a storm -------------------
    const tallies: TopicTally[][] = []
    const closeCodes = new Map<number, number>()
    let open = 0
    const openChanged = new Set<() => void>()
    const onOpenChange = (listener: () => void) => {
      openChanged.add(listener)
      return () => {
        openChanged.delete(listener)
      }
    }
    const allOpen = () => when(onOpenChange, () => open === settings.clients)
    for (let i = 0; i < settings.clients; i++) {
      const connection = createConnection(nginx.urlFor('/'), {
        WebSocket: WebSocket as unknown as WebSocketConstructor,
        topics: lifelineTopics(),
        heartbeat: true,
      })
      connections.push(connection)
      let wasOpen = false
      connection.subscribe(() => {
        const isOpen = connection.getState().status === 'open'
        if (isOpen !== wasOpen) {
          open += isOpen ? 1 : -1
          wasOpen = isOpen
          for (const listener of [...openChanged]) listener()
        }
      })
      connection.on('close', (close) => closeCodes.set(close.code, (closeCodes.get(close.code) ?? 0) + 1))
      tallies.push(
        topics.map((name) => {
          const topic = connection.topic<{ seq: number }>(name)
          topic.retain()
          return tallyTopic(topic)
        }),
      )
      connection.connect()
      if (i % 50 === 49) await allOpenSoFar(connections)
    }
    await allOpen()
    await allLive(connections, topics)
    log(`  ${settings.clients} clients open and live on ${topics.length} topics`)

    // ---- the publisher: `rate` messages per second over all topics, round robin ------------
    const published = new Map(topics.map((name) => [name, 0]))
    publishing = true
    const publishLoop = (async () => {
      const start = Date.now()
      let sent = 0
      while (publishing) {
        const due = Math.floor(((Date.now() - start) * settings.rate) / 1000)
        for (; sent < due; sent++) {
          const name = topics[sent % topics.length]!
          const seq = published.get(name)! + 1
          published.set(name, seq)
          await store.append(name, JSON.stringify({ seq, at: Date.now() }))
        }
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 3000))

    // ---- the rolling deploy: A, then B -------------------------------------------------------
    const peaks: number[] = []
    const backOpenMs: number[] = []
    const moved: number[] = []
    const peakSeconds: number[] = []
    for (const [name, survivor] of [
      ['A', 'B'],
      ['B', 'A'],
    ] as const) {
      const start = Date.now()
      const old = servers[name]
      // Until every socket of the old process is gone and every client is open again, whatever
      // the restart takes (between two drain batches every client can be open for a moment).
      const gone = mode === 'kill' ? exited(old.child) : old.drained.then(() => {})
      const reopened = gone.then(allOpen).then(() => Date.now())
      if (mode === 'kill') {
        old.child.kill('SIGKILL')
      } else {
        old.child.send({ type: 'drain', windowMs: mode === 'spread' ? settings.windowMs : 0 })
        await old.drained
        old.child.send({ type: 'exit' })
      }
      await exited(old.child)
      servers[name] = startServer(name, ports[name], redis.url, accepts)
      await servers[name].ready
      const backAt = await reopened
      backOpenMs.push(backAt - start)
      await allLive(connections, topics)
      const buckets = new Map<number, number>()
      let movers = 0
      for (const accept of accepts) {
        if (accept.name !== survivor || accept.at < start || accept.at > backAt) continue
        movers++
        const bucket = Math.floor((accept.at - start) / 100)
        buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1)
      }
      peaks.push(Math.max(0, ...buckets.values()))
      // The busiest second (ten buckets in a row), which a stall of one process cannot bunch up.
      let second = 0
      for (const bucket of buckets.keys()) {
        let sum = 0
        for (let k = bucket; k < bucket + 10; k++) sum += buckets.get(k) ?? 0
        second = Math.max(second, sum)
      }
      peakSeconds.push(second)
      moved.push(movers)
      log(
        `  deploy of ${name}: every client open again after ${backAt - start} ms; busiest 100 ms at ${survivor}: ${peaks.at(-1)} handshakes`,
      )
      await new Promise((resolve) => setTimeout(resolve, 3000))
    }
    publishing = false
    await publishLoop

    // ---- every client has every message, or 20 s have passed --------------------------------
    const waitAll = Promise.all(
      tallies.flatMap((row) => row.map((tally, i) => tally.reached(published.get(topics[i]!)!))),
    )
    let timer: ReturnType<typeof setTimeout> | undefined
    await Promise.race([waitAll, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))])
    clearTimeout(timer)
    await new Promise((resolve) => setTimeout(resolve, 500))

    const result: DeployResult = {
      mode,
      peaks,
      backOpenMs,
      moved,
      peakSeconds,
      clientsWithLoss: 0,
      missing: 0,
      duplicated: 0,
      outOfOrder: 0,
      gaps: 0,
      published: [...published.values()].reduce((a, b) => a + b, 0),
      delivered: 0,
      closeCodes,
    }
    for (const row of tallies) {
      let bad = false
      row.forEach((tally, i) => {
        const counts = countTally(tally, published.get(topics[i]!)!, 1)
        result.missing += counts.missing
        result.duplicated += counts.duplicated
        result.outOfOrder += counts.outOfOrder
        result.gaps += counts.gapsReported
        result.delivered += counts.delivered
        if (counts.missing + counts.duplicated + counts.outOfOrder > 0) bad = true
      })
      if (bad) result.clientsWithLoss++
    }
    return result
  } finally {
    publishing = false
    for (const connection of connections) connection.destroy()
    publisher.destroy()
    for (const server of Object.values(servers)) server.child.kill('SIGKILL')
    await Promise.all(Object.values(servers).map((server) => exited(server.child)))
    await nginx?.stop()
    await redis.stop()
  }
}

/** Waits until every connection made so far is open (the start is paced by this). */
function allOpenSoFar(connections: Connection[]): Promise<void> {
  return Promise.all(
    connections.map((connection) =>
      when(connection.subscribe, () => connection.getState().status === 'open'),
    ),
  ).then(() => {})
}

function allLive(connections: Connection[], topics: string[]): Promise<void> {
  return Promise.all(
    connections.flatMap((connection) =>
      topics.map((name) => {
        const topic = connection.topic(name)
        return when(topic.subscribe, () => topic.getState().status === 'live')
      }),
    ),
  ).then(() => {})
}

const settings: Settings = {
  clients: Number(option('clients') ?? 300),
  topics: Number(option('topics') ?? 5),
  rate: Number(option('rate') ?? 20),
  windowMs: Number(option('window-ms') ?? 10_000),
}
const modes = (option('modes') ?? 'spread,at-once,kill').split(',') as Mode[]
const where = machine()
const setup = `${settings.clients} clients, each holding all ${settings.topics} topics; ${settings.rate} msg/s published over all topics together (${settings.rate / settings.topics} per topic), so ${(settings.clients * settings.rate).toLocaleString('en')} deliveries/s; nginx in front of 2 processes on redisStore`
console.log(`# Rolling deploy (${where})`)
console.log(setup)
const results: DeployResult[] = []
for (const mode of modes) {
  console.log(`\n## ${mode}`)
  results.push(await deploy(mode, settings, (line) => console.log(line)))
}
const label: Record<Mode, string> = {
  spread: `\`drain({ windowMs: ${settings.windowMs} })\``,
  'at-once':
    "`drain({ windowMs: 0 })`: every socket closed at once with 1012 (Socket.IO's `io.close()` also closes all at once)",
  kill: 'SIGKILL: the process just ends (a crash, or `ws` with no drain: 1006 at the clients)',
}
const lines = [
  '| deploy | busiest 100 ms at the surviving process (deploy A, deploy B) | clients that moved ÷ window, per 100 ms | busiest second at the surviving process | every client open again after | clients with a loss | missing | duplicated | out of order | gaps reported | delivered / expected | close codes at the clients |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
]
for (const r of results) {
  const expected = r.moved
    .map((n) => (r.mode === 'spread' ? ((n * 100) / settings.windowMs).toFixed(1) : `${n} ÷ 0`))
    .join(', ')
  const codes = [...r.closeCodes.entries()].map(([code, n]) => `${code}×${n}`).join(', ')
  lines.push(
    `| ${label[r.mode]} | ${r.peaks.join(', ')} | ${expected} | ${r.peakSeconds.join(', ')} | ${r.backOpenMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')} | ${r.clientsWithLoss} | ${r.missing} | ${r.duplicated} | ${r.outOfOrder} | ${r.gaps} | ${r.delivered.toLocaleString('en')} / ${(r.published * settings.clients).toLocaleString('en')} | ${codes} |`,
  )
}
console.log(`\n${lines.join('\n')}`)
if (isFullRun()) {
  saveFigure(
    'deploy',
    [
      '### Rolling deploy, end to end (issue 23)',
      '',
      `Command: \`node bench/deploy.mjs\` (defaults: \`--clients=300 --topics=5 --rate=20 --window-ms=10000 --modes=spread,at-once,kill\`). Run ${where}.`,
      '',
      `Method: ${setup}. A real \`redis-server\` on a free port (temp dir, no persistence); two server processes (bench/deploy-server.ts: \`createLifelineServer\` on \`redisStore\`); a real nginx (generated config in a temp dir: an upstream of both processes, WebSocket upgrade headers, \`proxy_next_upstream error timeout http_503\`, \`max_fails=0\`). Clients: \`createConnection\` with \`lifelineTopics()\`, \`ws\`, \`heartbeat: true\`, the default retry (1 s initial, full jitter), all in the bench process. The publisher appends to the store directly (like an API worker), numbering each topic's messages. Each deploy: drain process A (or kill it), start it again on its port, wait until every client is open and live, 3 s, then the same for B. Handshakes are timed at each process (IPC to the bench) and counted per 100 ms from the first close until every client is open again. The three rows are three whole deploys on fresh processes; \`ws\`'s \`server.close()\` leaves sockets open (ws#2137), so a process that exits without draining is the SIGKILL row, and Socket.IO's \`io.close()\` is the 1012-at-once row.`,
      '',
      lines.join('\n'),
      '',
    ].join('\n'),
  )
  console.log('\nsaved to bench/figures/deploy.md and bench/RESULTS.md')
}
process.exit(0)
