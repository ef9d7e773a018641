import { WebSocket } from 'ws'
import { createConnection, lifelineTopics } from '../src/core'
import type { Connection, WebSocketConstructor } from '../src/core/types'
import { createLifelineServer, memoryStore } from '../src/server'
import { startTcpProxy } from '../test/support/tcp-proxy'
import { seededRandom, when } from './bench-env'
import { countTally, type TallyCounts, type TopicTally, tallyTopic } from './topic-tally'

/**
 * The loss harness of issue 22: a lifeline server (memoryStore) publishes 3 topics at 50 msg/s
 * each; one client (createConnection + lifelineTopics(), `ws`, heartbeat on) holds the three
 * through a TCP proxy on 127.0.0.1. At random moments the server ends the socket without a close
 * frame (`terminate()`), and the network is cut: the proxy goes silent for the outage, then
 * resets every connection (the NAT lost its state) and passes traffic again. Every message
 * carries the publisher's own number, so the counts do not rely on the library's offsets.
 * `node bench/loss.mjs` prints the figures (bench/loss.ts); test/integration/loss.test.ts runs
 * a short version.
 */

const TOPICS = ['prices', 'chat', 'orders'] as const
export const RATE = 50 // messages per second per topic

export interface LossOptions {
  seconds: number
  historySize: number
  outageMs: number
  terminates: number
  cuts: number
  seed: number
}

export interface LossResult {
  options: LossOptions
  topics: {
    topic: string
    counts: TallyCounts
    catchUpMs: number[]
    /** Per reopen: messages published on the topic since the last one delivered, at the reopen. */
    awayCounts: number[]
  }[]
  reopens: number
  terminated: number
  cutsDone: number
  /** Reopens whose catch-up was cut short by the next drop (not in catchUpMs). */
  interrupted: number
}

/** The moments of each drop, spread over the run: one random slot each, in random order. */
function schedule(options: LossOptions, random: () => number) {
  const kinds: ('terminate' | 'cut')[] = [
    ...Array.from({ length: options.terminates }, () => 'terminate' as const),
    ...Array.from({ length: options.cuts }, () => 'cut' as const),
  ]
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!]
  }
  // First second and last second left quiet: the start and the final catch-up are not drops.
  const span = options.seconds * 1000 - 2000
  const slot = span / kinds.length
  return kinds.map((kind, index) => {
    const room = kind === 'cut' ? Math.max(0, slot - options.outageMs) : slot
    return { kind, atMs: 1000 + index * slot + random() * room }
  })
}

export async function runLoss(options: LossOptions, log = (_line: string) => {}): Promise<LossResult> {
  const random = seededRandom(options.seed)
  const sockets = new Set<import('ws').WebSocket>()
  const server = createLifelineServer({
    port: 0,
    host: '127.0.0.1',
    store: memoryStore({ historySize: options.historySize }),
    onConnection: (socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    },
  })
  const port = await server.ready()
  const proxy = await startTcpProxy({ targetPort: port })
  let connection: Connection | null = null
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      run()
    }, ms)
    timers.add(timer)
  }
  try {
    connection = createConnection(proxy.url('/'), {
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      topics: lifelineTopics(),
      // A silent path is found within 2 s; an attempt into a silent path is given up after 2 s.
      heartbeat: { interval: 1000, timeout: 1000 },
      connectTimeout: 2000,
      retry: { initialDelay: 100, maxDelay: 2000 },
    })
    connection.connect()
    const tallies = new Map<string, TopicTally>()
    const holds: (() => void)[] = []
    for (const name of TOPICS) {
      const topic = connection.topic<{ seq: number }>(name)
      holds.push(topic.retain())
      tallies.set(name, tallyTopic(topic))
    }
    await Promise.all(
      TOPICS.map((name) => {
        const topic = connection!.topic(name)
        return when(topic.subscribe, () => topic.getState().status === 'live')
      }),
    )

    // ---- publishing: 50 msg/s per topic, kept to the clock (a late tick catches up) ----------
    const published = new Map<string, number>(TOPICS.map((name) => [name, 0]))
    const start = Date.now()
    const durationMs = options.seconds * 1000
    let publishing = true
    const publishLoop = (async () => {
      while (publishing) {
        const due = Math.min(
          Math.floor(((Date.now() - start) * RATE) / 1000),
          Math.floor((durationMs * RATE) / 1000),
        )
        for (const name of TOPICS) {
          while (published.get(name)! < due) {
            const seq = published.get(name)! + 1
            published.set(name, seq)
            await server.publish(name, { seq, at: Date.now() })
          }
        }
        if (Date.now() - start >= durationMs) break
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    })()

    // ---- reopen -> caught up -----------------------------------------------------------------
    const catchUp = new Map<string, number[]>(TOPICS.map((name) => [name, []]))
    const away = new Map<string, number[]>(TOPICS.map((name) => [name, []]))
    let reopens = 0
    let interrupted = 0
    let opens = 0
    let wasOpen = true
    const offConnection = connection.subscribe(() => {
      const open = connection!.getState().status === 'open'
      if (open && !wasOpen) {
        reopens++
        const reopen = ++opens
        const at = Date.now()
        for (const name of TOPICS) {
          const target = published.get(name)!
          away.get(name)!.push(target - tallies.get(name)!.highest())
          void tallies
            .get(name)!
            .reached(target)
            .then(() => {
              if (reopen === opens) catchUp.get(name)!.push(Date.now() - at)
              else interrupted++
            })
        }
      }
      wasOpen = open
    })

    // ---- the drops ---------------------------------------------------------------------------
    let terminated = 0
    let cutsDone = 0
    const events = schedule(options, random)
    const eventsDone = Promise.all(
      events.map(
        (event) =>
          new Promise<void>((resolve) =>
            later(event.atMs, () => {
              if (event.kind === 'terminate') {
                log(`  ${(event.atMs / 1000).toFixed(1)} s: terminate (${sockets.size} socket)`)
                if (sockets.size > 0) terminated++
                for (const socket of sockets) socket.terminate()
                resolve()
              } else {
                log(`  ${(event.atMs / 1000).toFixed(1)} s: network cut for ${options.outageMs} ms`)
                proxy.silence()
                later(options.outageMs, () => {
                  proxy.cutAll()
                  proxy.resume()
                  cutsDone++
                  resolve()
                })
              }
            }),
          ),
      ),
    )
    await eventsDone
    await publishLoop
    publishing = false

    // Every subscriber has everything, or 15 s have passed (then the counts say what is missing).
    const total = Math.floor((durationMs * RATE) / 1000)
    await Promise.race([
      Promise.all([...tallies.values()].map((tally) => tally.reached(total))),
      new Promise((resolve) => later(15_000, () => resolve(null))),
    ])
    // A duplicate would arrive after the last new message: give stragglers a moment.
    await new Promise((resolve) => later(500, () => resolve(null)))
    offConnection()
    for (const hold of holds) hold()

    return {
      options,
      topics: TOPICS.map((name) => ({
        topic: name,
        counts: countTally(tallies.get(name)!, published.get(name)!, 1),
        catchUpMs: catchUp.get(name)!,
        awayCounts: away.get(name)!,
      })),
      reopens,
      terminated,
      cutsDone,
      interrupted,
    }
  } finally {
    for (const timer of timers) clearTimeout(timer)
    connection?.destroy()
    await proxy.close()
    await server.close()
  }
}
