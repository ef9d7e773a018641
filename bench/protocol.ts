/** What the page and the runner agree on. The page exposes `window.bench`; the server speaks JSON. */

/** A message from the server: a sequence number and the newest echo request it has seen. */
export interface BenchMessage {
  seq: number
  echo: number
  pad: string
}

/** What to render: how many components of each kind, all on one URL. */
export interface MountConfig {
  url: string
  /** Components reading only the connection status. */
  statusCount: number
  /** Components reading the last message (and holding the send function). */
  messageCount: number
}

export interface RenderCounts {
  status: number
  message: number
}

export interface EchoResult {
  /** Milliseconds from send to the moment every message component had rendered the reply. */
  latencies: number[]
  /** Requests that had not been seen by every component when the run ended. */
  missing: number
}

export interface CycleResult {
  cycles: number
  elapsedMs: number
}

export interface BenchApi {
  /** The implementation this page was built with. */
  readonly name: string
  mount(config: MountConfig): void
  unmount(): Promise<void>
  resetRenders(): void
  renders(): RenderCounts
  /** Resolves once every status component shows open. */
  whenAllOpen(timeoutMs: number): Promise<void>
  /** Arms the "seen" tracker: `whenSeen` resolves when every message component rendered `seq` or later. */
  expectSeq(seq: number): void
  /** Epoch milliseconds (timeOrigin + now) at which the armed `seq` was seen by all. */
  whenSeen(timeoutMs: number): Promise<number>
  /** Starts watching for a drop, from the first status component seeing it to all open again. */
  armRecovery(timeoutMs: number): void
  /** Milliseconds from the first status component showing the drop to every one showing open again. */
  whenRecovered(): Promise<number>
  /** Sends `count` echo requests `intervalMs` apart and measures how long until every message component saw each. */
  echo(count: number, intervalMs: number, settleMs: number): Promise<EchoResult>
  /** Mounts and unmounts `config` `cycles` times, each time waiting for every status component to show open. */
  cycle(config: MountConfig, cycles: number): Promise<CycleResult>
}

declare global {
  interface Window {
    bench: BenchApi
  }
}

/** The message every implementation sends to ask for an echo. */
export function echoRequest(id: number): string {
  return `{"echo":${id}}`
}
