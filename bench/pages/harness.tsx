import { type ReactNode, useLayoutEffect } from 'react'
import { createRoot } from 'react-dom/client'
import {
  type BenchApi,
  type BenchMessage,
  type CycleResult,
  type EchoResult,
  echoRequest,
  type MountConfig,
} from '../protocol'

/**
 * One implementation, seen through the two ways components use a socket: reading only the
 * status, and reading the last message (with the send function beside it).
 */
export interface Adapter {
  name: string
  /** Wraps the components; an implementation without a shared socket of its own opens it here. */
  Provider?: (props: { url: string; children: ReactNode }) => ReactNode
  useOpen(url: string): boolean
  useLastMessage(url: string): { last: BenchMessage | null; send: (text: string) => void }
}

const epochNow = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Installs `window.bench` for `adapter`; the runner drives everything through it. */
export function startHarness(adapter: Adapter): void {
  const container = document.createElement('div')
  document.body.append(container)
  const root = createRoot(container)

  let config: MountConfig = { url: '', statusCount: 0, messageCount: 0 }
  let generation = 0
  const renders = { status: 0, message: 0 }

  // Status: how many status components show open, and who waits for all of them.
  let openFlags: boolean[] = []
  let openCount = 0
  let openWaiters: (() => void)[] = []
  let watch: { downAt: number | null; resolve: (down: number) => void } | null = null
  let recovered: Promise<number> | null = null

  // Messages: the newest seq and echo each message component rendered.
  let seqs: number[] = []
  let echoes: number[] = []
  let target = Number.POSITIVE_INFINITY
  let reached = 0
  let seenAt: number | null = null
  let seenWaiter: ((at: number) => void) | null = null
  let echoCounts: number[] = []
  let sentAt: number[] = []
  let latencies: number[] = []
  let send: ((text: string) => void) | null = null

  const reportOpen = (index: number, open: boolean) => {
    if (openFlags[index] === open) return
    openFlags[index] = open
    openCount += open ? 1 : -1
    if (watch && !open && watch.downAt === null) watch.downAt = performance.now()
    if (openCount !== config.statusCount) return
    if (watch && watch.downAt !== null) watch.resolve(performance.now() - watch.downAt)
    const waiters = openWaiters
    openWaiters = []
    for (const wake of waiters) wake()
  }

  const reportMessage = (index: number, message: BenchMessage) => {
    const previous = seqs[index]!
    seqs[index] = message.seq
    if (previous < target && message.seq >= target) {
      reached += 1
      if (reached === config.messageCount) {
        seenAt = epochNow()
        seenWaiter?.(seenAt)
      }
    }
    const echoed = echoes[index]!
    if (message.echo <= echoed) return
    echoes[index] = message.echo
    const now = performance.now()
    // A component that shows echo k has shown every earlier one too: its state moved past them.
    for (let id = echoed + 1; id <= message.echo; id++) {
      const count = (echoCounts[id] ?? 0) + 1
      echoCounts[id] = count
      const sent = sentAt[id]
      if (count === config.messageCount && sent !== undefined) latencies.push(now - sent)
    }
  }

  function StatusView({ index }: { index: number }) {
    renders.status += 1
    const open = adapter.useOpen(config.url)
    useLayoutEffect(() => reportOpen(index, open), [index, open])
    return <i>{open ? 'open' : 'down'}</i>
  }

  function MessageView({ index }: { index: number }) {
    renders.message += 1
    const { last, send: sendText } = adapter.useLastMessage(config.url)
    useLayoutEffect(() => {
      if (index === 0) send = sendText
    }, [index, sendText])
    useLayoutEffect(() => {
      if (last) reportMessage(index, last)
    }, [index, last])
    return <b>{last ? last.seq : ''}</b>
  }

  function App({ url }: { url: string }) {
    const views: ReactNode[] = []
    for (let i = 0; i < config.statusCount; i++) views.push(<StatusView key={`s${i}`} index={i} />)
    for (let i = 0; i < config.messageCount; i++) views.push(<MessageView key={`m${i}`} index={i} />)
    const Provider = adapter.Provider
    return Provider ? <Provider url={url}>{views}</Provider> : views
  }

  const mount = (next: MountConfig) => {
    config = next
    generation += 1
    openFlags = new Array(next.statusCount).fill(false)
    openCount = 0
    seqs = new Array(next.messageCount).fill(-1)
    echoes = new Array(next.messageCount).fill(0)
    target = Number.POSITIVE_INFINITY
    reached = 0
    root.render(<App key={generation} url={next.url} />)
  }

  const unmount = async () => {
    root.render(null)
    // Let passive effect cleanups (unsubscribe, release) run before anyone looks.
    await sleep(0)
  }

  const whenAllOpen = (timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (openCount === config.statusCount) return resolve()
      const timer = setTimeout(
        () => reject(new Error(`${adapter.name}: ${openCount}/${config.statusCount} open`)),
        timeoutMs,
      )
      openWaiters.push(() => {
        clearTimeout(timer)
        resolve()
      })
    })

  const api: BenchApi = {
    name: adapter.name,
    mount,
    unmount,
    resetRenders() {
      renders.status = 0
      renders.message = 0
    },
    renders: () => ({ ...renders }),
    whenAllOpen,
    expectSeq(seq) {
      target = seq
      seenAt = null
      reached = seqs.filter((seen) => seen >= seq).length
      if (reached === config.messageCount) seenAt = epochNow()
    },
    whenSeen: (timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        if (seenAt !== null) return resolve(seenAt)
        const timer = setTimeout(() => {
          seenWaiter = null
          reject(new Error(`${adapter.name}: ${reached}/${config.messageCount} saw seq ${target}`))
        }, timeoutMs)
        seenWaiter = (at) => {
          clearTimeout(timer)
          seenWaiter = null
          resolve(at)
        }
      }),
    armRecovery(timeoutMs) {
      recovered = new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watch = null
          reject(new Error(`${adapter.name}: ${openCount}/${config.statusCount} open after the restart`))
        }, timeoutMs)
        watch = {
          downAt: null,
          resolve: (recoveredMs) => {
            clearTimeout(timer)
            watch = null
            resolve(recoveredMs)
          },
        }
      })
      // Nobody may be listening yet; the runner collects the result with whenRecovered().
      recovered.catch(() => {})
    },
    whenRecovered() {
      if (!recovered) return Promise.reject(new Error('armRecovery() was not called'))
      return recovered
    },
    async echo(count, intervalMs, settleMs): Promise<EchoResult> {
      if (!send) throw new Error(`${adapter.name}: no message component holds a send function`)
      echoCounts = []
      sentAt = []
      latencies = []
      for (let id = 1; id <= count; id++) {
        sentAt[id] = performance.now()
        send(echoRequest(id))
        await sleep(intervalMs)
      }
      const deadline = performance.now() + settleMs
      while (latencies.length < count && performance.now() < deadline) await sleep(10)
      return { latencies: [...latencies], missing: count - latencies.length }
    },
    async cycle(next, cycles): Promise<CycleResult> {
      const started = performance.now()
      for (let i = 0; i < cycles; i++) {
        mount(next)
        await whenAllOpen(10_000)
        await unmount()
      }
      return { cycles, elapsedMs: performance.now() - started }
    },
  }
  window.bench = api
}
