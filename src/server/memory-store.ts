import { newEpoch } from './epoch'
import { checkCount } from './option-checks'
import type { StoredMessage, TopicPosition, TopicRead, TopicStore } from './types'

export interface MemoryStoreOptions {
  /** Messages kept per topic for replay [1000]. */
  historySize?: number
  /** How long a message stays replayable, in ms [300000: 5 minutes]; Infinity keeps them by count only. */
  historyMs?: number
  /** Time source for `historyMs` [Date.now]. */
  now?: () => number
}

interface Stream {
  tip: number
  /** Oldest first; `at` is when each was appended, for `historyMs`. */
  history: Array<{ message: StoredMessage; at: number }>
}

/**
 * History and fan-out in this process's memory: the default store for one process. Every
 * stream gets a new epoch when the process starts (one per store, shared by its topics), so
 * clients that resume after a restart are told that their history is gone
 * (`recovered: false`) instead of being handed the wrong messages.
 */
export function memoryStore(options: MemoryStoreOptions = {}): TopicStore {
  const historySize = checkCount('memoryStore', 'historySize', options.historySize ?? 1000, 0)
  const historyMs = checkCount('memoryStore', 'historyMs', options.historyMs ?? 300_000, 0, true)
  const now = options.now ?? Date.now
  // Streams are never dropped, so offsets never restart within this epoch. Only a publish
  // creates one: subscribing to made-up topic names costs no memory.
  const epoch = newEpoch()
  const streams = new Map<string, Stream>()
  const listeners = new Set<(message: StoredMessage) => void>()
  const empty: Stream = { tip: 0, history: [] }

  const trim = (stream: Stream) => {
    while (stream.history.length > historySize) stream.history.shift()
    if (Number.isFinite(historyMs)) {
      const oldest = now() - historyMs
      while (stream.history.length > 0 && stream.history[0]!.at < oldest) stream.history.shift()
    }
  }

  return {
    append(topic, json) {
      let stream = streams.get(topic)
      if (!stream) {
        stream = { tip: 0, history: [] }
        streams.set(topic, stream)
      }
      stream.tip += 1
      const position: TopicPosition = { epoch, offset: stream.tip }
      const message: StoredMessage = { topic, position, json }
      stream.history.push({ message, at: now() })
      trim(stream)
      for (const listener of listeners) listener(message)
      return Promise.resolve(position)
    },

    read(topic, from) {
      const stream = streams.get(topic) ?? empty
      trim(stream)
      const position = { epoch, offset: stream.tip }
      const answer = (recovered: boolean | null, messages: StoredMessage[] = []): Promise<TopicRead> =>
        Promise.resolve({ position, recovered, messages })
      if (from === null) return answer(null)
      if (from.epoch !== epoch || from.offset > stream.tip) return answer(false)
      if (from.offset === stream.tip) return answer(true)
      const first = stream.history[0]?.message.position.offset
      if (first === undefined || first > from.offset + 1) return answer(false)
      return answer(
        true,
        stream.history.slice(from.offset + 1 - first).map((entry) => entry.message),
      )
    },

    listen(listener) {
      // A wrapper per call, so listening twice with one function gives two independent stops.
      const each = (message: StoredMessage) => listener(message)
      listeners.add(each)
      return () => {
        listeners.delete(each)
      }
    },
  }
}
