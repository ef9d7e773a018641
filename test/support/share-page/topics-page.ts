// One tab of an app that shares its socket across tabs and holds topics on it (issue 22,
// "Across tabs"): the topics each tab holds come from the test through `window.lifeline`.
import {
  type ConnectionState,
  createConnection,
  lifelineTopics,
  type TopicState,
} from '../../../src/core/index'
import '../../../src/share/index'
import { shareInfoOf } from '../../../src/share/index'

const url = new URL(location.href).searchParams.get('ws') ?? ''
// A short linger, so that the test of a released topic waits little for its unsubscribe.
const connection = createConnection(url, { share: 'origin', topics: lifelineTopics(), lingerMs: 200 })
/** What each watched topic delivered to this tab, in order. */
const seen: Record<string, unknown[]> = {}
const releases = new Map<string, () => void>()
/** Messages that reached the connection's own onMessage (topic frames must not). */
let untopical = 0
connection.onMessage(() => {
  untopical += 1
})
/** Each held topic's offset whenever the shared socket stopped being open (a hand-over began). */
const positionsAtDrop: Record<string, number | null>[] = []
let wasOpen = false
connection.subscribe(() => {
  const open = connection.getState().status === 'open'
  if (wasOpen && !open)
    positionsAtDrop.push(
      Object.fromEntries(
        [...releases.keys()].map((name) => [
          name,
          connection.topic(name).getState().position?.offset ?? null,
        ]),
      ),
    )
  wasOpen = open
})

function watch(name: string): void {
  if (seen[name]) return
  const messages: unknown[] = []
  seen[name] = messages
  connection.topic(name).onMessage((data) => messages.push(data))
}

const api = {
  start(): void {
    connection.retain()
  },
  /** Listens to topics without holding them: nothing may arrive unless some hold starts here. */
  watch(names: string[]): void {
    for (const name of names) watch(name)
  },
  /** Holds `name` and records every message it delivers here. */
  hold(name: string): void {
    watch(name)
    if (!releases.has(name)) releases.set(name, connection.topic(name).retain())
  },
  release(name: string): void {
    releases.get(name)?.()
    releases.delete(name)
  },
  topicState(name: string): TopicState {
    return connection.topic(name).getState()
  },
  seen(name: string): unknown[] {
    return seen[name] ?? []
  },
  lingerMs(): number {
    return connection.options.lingerMs
  },
  untopical(): number {
    return untopical
  },
  positionsAtDrop(): Record<string, number | null>[] {
    return positionsAtDrop
  },
  state(): ConnectionState {
    return connection.getState()
  },
  role(): string {
    return shareInfoOf(connection)?.role ?? 'none'
  },
}

;(window as unknown as { lifeline: typeof api }).lifeline = api
