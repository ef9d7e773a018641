import type { TopicMessageMeta, TopicPosition } from './types'

/** A message not delivered yet: waiting for the `subscribed` answer, or ahead of a replay. */
interface Held {
  data: unknown
  position: TopicPosition | undefined
}

/** One topic's place in its stream: what the ordering rules need to remember between frames. */
export interface TopicCursor {
  /** The last message delivered, or where the `subscribed` frame put the topic. */
  readonly position: TopicPosition | null
  /** The subscribe frame is out and unanswered: every message is held until the answer. */
  readonly awaiting: boolean
  /** Where the last subscribe asked to resume from (null: from now on). */
  readonly from: TopicPosition | null
  /** The stream's tip in the `subscribed` answer: up to it the topic is catching up. */
  readonly tip: number | null
  /** Offsets up to this one are a replay (a resume the server honoured); 0 when none. */
  readonly replayUntil: number
  readonly held: readonly Held[]
}

/** What happened to a topic's stream: its subscribe went out, the server answered, a message came. */
export type OrderEvent =
  /** `confirms: false`: the protocol has no answer, so the topic counts as subscribed at once. */
  | { type: 'sent'; confirms: boolean }
  | { type: 'subscribed'; position?: TopicPosition; recovered?: boolean }
  | { type: 'message'; data: unknown; position?: TopicPosition }

export interface Delivery {
  data: unknown
  meta: TopicMessageMeta
}

export interface OrderResult {
  cursor: TopicCursor
  /** Messages to hand to listeners now, in this order. */
  deliver: Delivery[]
  /** How many times continuity was lost in this step (usually 0 or 1). */
  gaps: number
  /** Set by a `subscribed` answer: the topic's new `recovered`. */
  recovered?: boolean | null
}

/**
 * A replay that never fills its hole must not hold messages forever: past this many, what is
 * held is delivered and the hole reported as a gap.
 */
export const MAX_HELD = 1000

export const START: TopicCursor = {
  position: null,
  awaiting: false,
  from: null,
  tip: null,
  replayUntil: 0,
  held: [],
}

/**
 * The ordering rules, as one pure step: duplicates (an offset at or below the last delivered)
 * are dropped, messages that race a replay are held and merged in offset order, and a hole,
 * an epoch change or `recovered: false` is counted as a gap, never skipped in silence. This is
 * the client half of Centrifuge's history/live merge (docs/topics.md).
 */
export function order(cursor: TopicCursor, event: OrderEvent): OrderResult {
  const step = new Step(cursor)
  switch (event.type) {
    case 'sent':
      step.cursor = { ...cursor, from: cursor.position, awaiting: true, tip: null, replayUntil: 0, held: [] }
      if (!event.confirms) step.answer({})
      break
    case 'subscribed':
      // A second answer (a retried subscribe answered twice) changes nothing.
      if (cursor.awaiting) step.answer(event)
      break
    case 'message':
      if (cursor.awaiting) step.hold({ data: event.data, position: positionOf(event.position) })
      else step.accept({ data: event.data, position: positionOf(event.position) })
      break
  }
  return step.result()
}

class Step {
  cursor: TopicCursor
  readonly deliver: Delivery[] = []
  gaps = 0
  recovered: boolean | null | undefined

  constructor(cursor: TopicCursor) {
    this.cursor = cursor
  }

  result(): OrderResult {
    const result: OrderResult = { cursor: this.cursor, deliver: this.deliver, gaps: this.gaps }
    if (this.recovered !== undefined) result.recovered = this.recovered
    return result
  }

  answer(event: { position?: TopicPosition; recovered?: boolean }): void {
    const { from, held } = this.cursor
    const at = positionOf(event.position)
    let position = this.cursor.position
    let replayUntil = 0
    let recovered: boolean | null = null
    if (from && at) {
      if (event.recovered === false || at.epoch !== from.epoch) {
        // What was published while away is lost: continue from where the server stands.
        this.gaps += 1
        recovered = false
        position = at
      } else {
        recovered = event.recovered ?? null
        if (event.recovered) replayUntil = at.offset
      }
    } else if (from) {
      recovered = event.recovered ?? null
    } else if (at) {
      position = at
    }
    this.recovered = recovered
    this.cursor = {
      ...this.cursor,
      awaiting: false,
      position,
      tip: at?.offset ?? null,
      replayUntil,
      held: [],
    }
    // What came before the answer, in offset order when every message has one.
    const waiting = held.every((message) => message.position) ? sortByOffset(held) : held
    for (const message of waiting) this.accept(message)
  }

  hold(message: Held): void {
    this.cursor = { ...this.cursor, held: [...this.cursor.held, message] }
  }

  accept(message: Held): void {
    const next = message.position
    const last = this.cursor.position
    if (!next || !last) {
      // No positions (graphql-ws), or the first position this topic hears of: nothing to compare.
      if (next) this.cursor = { ...this.cursor, position: next }
      return this.emit(message)
    }
    if (next.epoch !== last.epoch) {
      this.gaps += 1
      this.cursor = { ...this.cursor, position: next, held: [] }
      return this.emit(message)
    }
    if (next.offset <= last.offset) return
    if (next.offset > last.offset + 1) {
      if (this.#catchingUp()) {
        const held = insertByOffset(this.cursor.held, message)
        this.cursor = { ...this.cursor, held }
        if (held.length <= MAX_HELD) return
        // The replay is not coming: stop catching up and deliver what is held, holes as gaps.
        this.cursor = { ...this.cursor, tip: null }
        return this.#release()
      }
      this.gaps += 1
    }
    this.cursor = { ...this.cursor, position: next }
    this.emit(message)
    this.#release()
  }

  emit(message: Held): void {
    const position = message.position ?? null
    const replayed = position !== null && position.offset <= this.cursor.replayUntil
    this.deliver.push({ data: message.data, meta: { position, replayed } })
  }

  #catchingUp(): boolean {
    const { tip, position } = this.cursor
    return tip !== null && position !== null && position.offset < tip
  }

  /** Delivers what was held once the replay reaches it; a hole left after the replay is a gap. */
  #release(): void {
    const held = this.cursor.held
    if (held.length === 0) return
    const last = this.cursor.position!
    const first = held[0]!
    const rest = held.slice(1)
    if (first.position!.offset <= last.offset) {
      this.cursor = { ...this.cursor, held: rest }
      return this.#release()
    }
    if (first.position!.offset === last.offset + 1 || !this.#catchingUp()) {
      this.cursor = { ...this.cursor, held: rest }
      this.accept(first)
    }
  }
}

/** A position only when it has a numeric offset; anything else counts as none. */
function positionOf(position: TopicPosition | undefined): TopicPosition | undefined {
  return position && typeof position.offset === 'number' && Number.isFinite(position.offset)
    ? position
    : undefined
}

function sortByOffset(held: readonly Held[]): Held[] {
  return [...held].sort((a, b) => a.position!.offset - b.position!.offset)
}

function insertByOffset(held: readonly Held[], message: Held): Held[] {
  const offset = message.position!.offset
  const at = held.findIndex((other) => other.position!.offset >= offset)
  if (at === -1) return [...held, message]
  if (held[at]!.position!.offset === offset) return [...held]
  return [...held.slice(0, at), message, ...held.slice(at)]
}
