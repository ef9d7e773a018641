/**
 * What the routing pages and the runner agree on: many components on many topics over one
 * socket. The page exposes `window.routing`; the server speaks the lifeline protocol
 * (docs/protocol.md), and each topic's messages carry `RoutingMessage` as their data.
 */

/** The data of one topic message: a sequence number across the whole burst. */
export interface RoutingMessage {
  seq: number
  pad: string
}

export interface RoutingConfig {
  url: string
  topics: number
  /** Components per topic. */
  perTopic: number
}

export interface RoutingApi {
  readonly name: string
  mount(config: RoutingConfig): void
  unmount(): Promise<void>
  resetRenders(): void
  /** Renders per component since the last reset, component `topic * perTopic + k` at that index. */
  renders(): number[]
  /**
   * Arms the "seen" tracker: `whenSeen` resolves when every component of topic `t` has rendered
   * `targets[t]` or later; a topic whose target is null is not waited for.
   */
  expect(targets: (number | null)[]): void
  /** Epoch milliseconds (timeOrigin + now) of the commit in which the last awaited component got there. */
  whenSeen(timeoutMs: number): Promise<number>
}

declare global {
  interface Window {
    routing: RoutingApi
  }
}

/** The topic names both pages subscribe to. */
export function topicName(index: number): string {
  return `t${index}`
}
