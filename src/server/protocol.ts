import type { StoredMessage, TopicPosition } from './types'

/** The heartbeat pair, byte for byte: a Cloudflare Durable Object can answer it without waking. */
export const PING_FRAME = '{"type":"ping"}'
export const PONG_FRAME = '{"type":"pong"}'

export const MAX_TOPIC_LENGTH = 256

/** Error codes of `error` frames (docs/protocol.md). */
export type ErrorCode =
  | 'unauthorized'
  | 'too-many-topics'
  | 'invalid-topic'
  | 'unavailable'
  | 'rate-limited'
  | 'bad-json'
  | 'unknown-type'
  | 'bad-frame'

export type ClientFrame =
  | { type: 'ping' }
  | { type: 'subscribe'; topic: string; from: TopicPosition | null }
  | { type: 'unsubscribe'; topic: string }

export interface FrameProblem {
  type: 'problem'
  code: ErrorCode
  error: string
  topic?: string
  /** Not a protocol frame at all (not JSON, not an object, another type): the app's, if it wants it. */
  forApp: boolean
  /** The parsed JSON, when the text was JSON. */
  json?: unknown
}

/** Why a topic name is refused, or null when it is fine. */
export function topicProblem(topic: unknown): string | null {
  if (typeof topic !== 'string') return 'The topic must be a string.'
  if (topic.length === 0 || topic.length > MAX_TOPIC_LENGTH)
    return `A topic name has 1 to ${MAX_TOPIC_LENGTH} characters; this one has ${topic.length}.`
  return null
}

function positionOf(value: unknown): TopicPosition | null | undefined {
  if (value === undefined || value === null) return null
  if (typeof value !== 'object') return undefined
  const { epoch, offset } = value as { epoch?: unknown; offset?: unknown }
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) return undefined
  if (epoch !== undefined && typeof epoch !== 'string') return undefined
  // A position without an epoch cannot be vouched for: it resumes with recovered false.
  return { epoch: (epoch as string | undefined) ?? '', offset: offset as number }
}

/** Reads one text frame from a client; anything the protocol cannot use is a problem value. */
export function readClientFrame(text: string): ClientFrame | FrameProblem {
  if (text === PING_FRAME) return { type: 'ping' }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return {
      type: 'problem',
      code: 'bad-json',
      error: 'The frame is not JSON; every frame is one JSON object.',
      forApp: true,
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return {
      type: 'problem',
      code: 'bad-frame',
      error: 'A frame must be a JSON object with a "type".',
      forApp: true,
      json,
    }
  const frame = json as { type?: unknown; topic?: unknown; from?: unknown }
  switch (frame.type) {
    case 'ping':
      return { type: 'ping' }
    case 'subscribe':
    case 'unsubscribe': {
      const problem = topicProblem(frame.topic)
      if (problem !== null)
        return {
          type: 'problem',
          code: 'invalid-topic',
          error: problem,
          forApp: false,
          ...(typeof frame.topic === 'string' ? { topic: frame.topic } : {}),
        }
      const topic = frame.topic as string
      if (frame.type === 'unsubscribe') return { type: 'unsubscribe', topic }
      const from = positionOf(frame.from)
      if (from === undefined)
        return {
          type: 'problem',
          code: 'bad-frame',
          topic,
          forApp: false,
          error: '"from" must be {"epoch": string, "offset": a whole number ≥ 0}.',
        }
      return { type: 'subscribe', topic, from }
    }
    default:
      return {
        type: 'problem',
        code: 'unknown-type',
        error: `Unknown frame type ${JSON.stringify(frame.type) ?? 'undefined'}; expected ping, subscribe or unsubscribe.`,
        forApp: true,
        json,
      }
  }
}

export function subscribedFrame(topic: string, position: TopicPosition, recovered: boolean | null): string {
  return JSON.stringify(
    recovered === null
      ? { type: 'subscribed', topic, position }
      : { type: 'subscribed', topic, position, recovered },
  )
}

/** Built once per message and sent as the same string to every subscriber. */
export function messageFrame(message: StoredMessage): string {
  const { topic, position, json } = message
  return `{"type":"message","topic":${JSON.stringify(topic)},"data":${json},"position":{"epoch":${JSON.stringify(position.epoch)},"offset":${position.offset}}}`
}

export function errorFrame(code: ErrorCode, error: string, topic?: string): string {
  return JSON.stringify(
    topic === undefined ? { type: 'error', error, code } : { type: 'error', topic, error, code },
  )
}
