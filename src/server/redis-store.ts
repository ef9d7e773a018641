import { createHash } from 'node:crypto'
import { newEpoch } from './epoch'
import { checkCount } from './option-checks'
import type { StoredMessage, TopicPosition, TopicRead, TopicStore } from './types'

/**
 * What redisStore needs of a node-redis client (`createClient()` from the `redis` package,
 * v5 or later), connected. Only these members are used, so a wrapper works too.
 */
export interface RedisClient {
  readonly isReady: boolean
  sendCommand(args: ReadonlyArray<string>): Promise<unknown>
  /** A second connection with the same options: the fan-out reader blocks on its own. */
  duplicate(): RedisClient
  connect(): Promise<unknown>
  destroy(): void
  on(event: string, listener: (...args: any[]) => void): unknown
  listenerCount(event: string): number
}

export interface RedisStoreOptions {
  /** Messages kept per topic (XADD MAXLEN ~, so Redis may keep a few more) [1000]. */
  maxLen?: number
  /** Prefix of every key the store writes ['lifeline:']. */
  prefix?: string
  /**
   * Entries kept in the fan-out stream that every process reads [10000]. A process that falls
   * further behind than this fetches what it missed from each topic's history.
   */
  fanoutMaxLen?: number
  /** How long one blocking read of the fan-out stream waits before it asks again, in ms [5000]. */
  blockMs?: number
  /**
   * How long a publish or a history read waits for Redis before it fails, in ms [5000]: a
   * Redis that hangs (paused, swapping, a network that drops packets) gets a clear error
   * instead of a promise that never settles.
   */
  timeoutMs?: number
}

// One script per operation, so that epoch, counter and stream change together: offsets rise by
// one per message whichever process published, and a counter or stream that went missing
// (Redis restarted without persistence, a key evicted or deleted) starts a new epoch instead of
// reusing offsets that clients already hold.
/**
 * A topic's epoch and counter, made when missing. `expiry` is empty for a publish; a subscribe
 * to a topic nobody published to passes an EX clause, so made-up topic names do not stay in
 * Redis for ever (the first publish makes the keys permanent).
 */
const ensureEpoch = (expiry: string) => `
local epoch = redis.call('GET', KEYS[1])
if not epoch or redis.call('EXISTS', KEYS[2]) == 0 then
  epoch = ARGV[1]
  redis.call('SET', KEYS[1], epoch${expiry})
  redis.call('SET', KEYS[2], 0${expiry})
  redis.call('DEL', KEYS[3])
end
`

/** KEYS: epoch, counter, stream, fan-out. ARGV: new epoch, json, maxLen, topic, fan-out maxLen. */
const APPEND = `${ensureEpoch('')}
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
local offset = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], offset .. '-0', 'd', ARGV[2])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[5], '*', 't', ARGV[4], 'e', epoch, 'o', offset, 'd', ARGV[2])
return {epoch, offset}
`

/**
 * KEYS: epoch, counter, stream. ARGV: new epoch, from epoch, from offset (-1: a fresh
 * subscribe), seconds an unpublished topic's keys live.
 * Returns {epoch, tip} or {epoch, tip, recovered, entries}.
 */
const READ = `${ensureEpoch(", 'EX', ARGV[4]")}
local tip = tonumber(redis.call('GET', KEYS[2]))
local from = tonumber(ARGV[3])
if from < 0 then return {epoch, tip} end
if ARGV[2] ~= epoch or from > tip then return {epoch, tip, 0} end
if from == tip then return {epoch, tip, 1} end
local entries = redis.call('XRANGE', KEYS[3], (from + 1) .. '-0', tip .. '-0')
if #entries == 0 or entries[1][1] ~= (from + 1) .. '-0' then return {epoch, tip, 0} end
return {epoch, tip, 1, entries}
`

/** A day: a topic subscribed to but never published to is forgotten after it. */
const UNPUBLISHED_TOPIC_TTL_SECONDS = 86_400

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex')

type StreamEntry = [id: string, fields: string[]]
/** XREAD answers an array of [key, entries] in RESP2 and a map of key → entries in RESP3. */
type XReadReply =
  | Array<[string, StreamEntry[]]>
  | Map<string, StreamEntry[]>
  | Record<string, StreamEntry[]>
  | null

function streamsOf(reply: XReadReply): Array<[string, StreamEntry[]]> {
  if (reply === null || reply === undefined) return []
  if (Array.isArray(reply)) return reply
  if (reply instanceof Map) return [...reply]
  return Object.entries(reply)
}

function fieldsOf(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {}
  for (let index = 0; index + 1 < fields.length; index += 2) record[fields[index]!] = fields[index + 1]!
  return record
}

/** The cause's message, to go inside a sentence of ours. */
const describe = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')

/**
 * History and fan-out in Redis Streams, for many processes: a stream per topic holds its
 * history, and one fan-out stream, read by every process with XREAD BLOCK on a duplicated
 * client, carries each message to the subscribers of every process. A client that reconnects
 * to another process resumes from its position there. Redis 5 or later (tested with 7.0).
 */
export function redisStore(client: RedisClient, options: RedisStoreOptions = {}): TopicStore {
  const checkOption = (name: string, value: number) => checkCount('redisStore', name, value, 1)
  const maxLen = checkOption('maxLen', options.maxLen ?? 1000)
  const fanoutMaxLen = checkOption('fanoutMaxLen', options.fanoutMaxLen ?? 10_000)
  const blockMs = checkOption('blockMs', options.blockMs ?? 5000)
  const timeoutMs = checkOption('timeoutMs', options.timeoutMs ?? 5000)
  const prefix = options.prefix ?? 'lifeline:'
  const fanoutKey = `${prefix}fanout`
  const keysOf = (topic: string) => [
    `${prefix}epoch:${topic}`,
    `${prefix}offset:${topic}`,
    `${prefix}stream:${topic}`,
  ]

  // node-redis emits 'error' on every lost connection; an EventEmitter with no listener for it
  // would throw and end the process. The app's own listener, when it has one, stays in charge.
  if (client.listenerCount('error') === 0) client.on('error', () => {})

  const evaluate = async (script: string, keys: string[], args: string[]): Promise<unknown> => {
    const sha = sha1(script)
    try {
      return await client.sendCommand(['EVALSHA', sha, String(keys.length), ...keys, ...args])
    } catch (error) {
      // Scripts are cached per Redis process: a restarted Redis has forgotten them.
      if (!describe(error).startsWith('NOSCRIPT')) throw error
      return client.sendCommand(['EVAL', script, String(keys.length), ...keys, ...args])
    }
  }

  const run = (script: string, keys: string[], args: string[]): Promise<unknown> => {
    if (!client.isReady)
      return Promise.reject(new Error('Redis is not reachable right now (the client is not connected)'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`Redis did not answer within ${timeoutMs} ms (it may still apply the command)`)),
        timeoutMs,
      )
      evaluate(script, keys, args).then(
        (reply) => {
          clearTimeout(timer)
          resolve(reply)
        },
        (error) => {
          clearTimeout(timer)
          reject(error)
        },
      )
    })
  }

  const listeners = new Set<(message: StoredMessage) => void>()
  let reader: FanoutReader | null = null

  return {
    async append(topic, json) {
      const [epochKey, counterKey, streamKey] = keysOf(topic)
      let reply: unknown
      try {
        reply = await run(
          APPEND,
          [epochKey!, counterKey!, streamKey!, fanoutKey],
          [newEpoch(), json, String(maxLen), topic, String(fanoutMaxLen)],
        )
      } catch (error) {
        throw new Error(
          `redisStore: the message to "${topic}" was not published: ${describe(error)}. Publish it again once Redis answers.`,
          { cause: error },
        )
      }
      const [epoch, offset] = reply as [string, number]
      return { epoch, offset: Number(offset) }
    },

    async read(topic, from) {
      // The fan-out reader must stand at a cursor older than this read, or a message published
      // just after it could reach neither the replay nor the live stream.
      if (reader && client.isReady) await reader.started
      const [epochKey, counterKey, streamKey] = keysOf(topic)
      let reply: unknown
      try {
        reply = await run(
          READ,
          [epochKey!, counterKey!, streamKey!],
          [
            newEpoch(),
            from?.epoch ?? '',
            String(from ? from.offset : -1),
            String(UNPUBLISHED_TOPIC_TTL_SECONDS),
          ],
        )
      } catch (error) {
        throw new Error(`redisStore: the history of "${topic}" cannot be read: ${describe(error)}.`, {
          cause: error,
        })
      }
      const [epoch, tip, recovered, entries] = reply as [string, number, number?, StreamEntry[]?]
      const position: TopicPosition = { epoch, offset: Number(tip) }
      const answer: TopicRead = {
        position,
        recovered: recovered === undefined ? null : recovered === 1,
        messages: (entries ?? []).map(([id, fields]) => ({
          topic,
          position: { epoch, offset: Number.parseInt(id, 10) },
          json: fieldsOf(fields).d ?? 'null',
        })),
      }
      return answer
    },

    listen(listener) {
      const each = (message: StoredMessage) => listener(message)
      listeners.add(each)
      if (!reader) reader = new FanoutReader(client, fanoutKey, blockMs, listeners)
      return () => {
        listeners.delete(each)
        if (listeners.size === 0 && reader) {
          reader.stop()
          reader = null
        }
      }
    },
  }
}

/**
 * Reads the fan-out stream on a connection of its own (XREAD BLOCK holds it) and hands every
 * entry to the listeners. When Redis goes away it waits for the connection to come back and
 * goes on from the last entry it saw, so nothing published in between is skipped.
 */
class FanoutReader {
  /** Resolves once the reader holds its starting cursor. */
  readonly started: Promise<void>
  private running = true
  private readonly connection: RedisClient
  private lastId = '0-0'

  constructor(
    client: RedisClient,
    private readonly key: string,
    private readonly blockMs: number,
    private readonly listeners: Set<(message: StoredMessage) => void>,
  ) {
    this.connection = client.duplicate()
    this.connection.on('error', () => {}) // reported by the app's client; this one just retries
    let markStarted = () => {}
    this.started = new Promise((resolve) => {
      markStarted = resolve
    })
    void this.loop(markStarted)
  }

  stop(): void {
    this.running = false
    try {
      this.connection.destroy()
    } catch {
      // Already closed.
    }
  }

  private async loop(markStarted: () => void): Promise<void> {
    try {
      await this.connection.connect()
    } catch {
      markStarted()
      return // stopped before it connected
    }
    let haveCursor = false
    while (this.running) {
      try {
        if (!haveCursor) {
          const last = (await this.connection.sendCommand([
            'XREVRANGE',
            this.key,
            '+',
            '-',
            'COUNT',
            '1',
          ])) as StreamEntry[]
          this.lastId = last[0]?.[0] ?? '0-0'
          haveCursor = true
          markStarted()
        }
        const reply = (await this.connection.sendCommand([
          'XREAD',
          'COUNT',
          '1000',
          'BLOCK',
          String(this.blockMs),
          'STREAMS',
          this.key,
          this.lastId,
        ])) as XReadReply
        if (!this.running) return
        for (const [, entries] of streamsOf(reply)) {
          for (const [id, fields] of entries) {
            this.lastId = id
            const { t, e, o, d } = fieldsOf(fields)
            if (t === undefined || e === undefined || o === undefined || d === undefined) continue
            const message: StoredMessage = { topic: t, position: { epoch: e, offset: Number(o) }, json: d }
            for (const listener of this.listeners) listener(message)
          }
        }
      } catch {
        if (!this.running) return
        // Lost the connection: node-redis reconnects on its own; go on when it is back.
        await this.whenReady()
      }
    }
  }

  private whenReady(): Promise<void> {
    if (this.connection.isReady) return new Promise((resolve) => setTimeout(resolve, 100))
    return new Promise((resolve) => {
      const check = () => {
        if (this.connection.isReady || !this.running) resolve()
        else setTimeout(check, 100)
      }
      check()
    })
  }
}
