import { messageFrame, subscribedFrame } from './protocol'
import type { StoredMessage, TopicPosition, TopicRead } from './types'

export interface SubscriptionIo {
  /** Sends a frame; `onWritten` (given during a replay that is pacing itself) once it left. */
  send(text: string, onWritten?: () => void): void
  /** The socket's outgoing queue is long: a replay waits for its frames to leave. */
  congested(): boolean
  read(topic: string, from: TopicPosition | null): Promise<TopicRead>
}

/**
 * One topic on one socket. It keeps the order guarantee of docs/protocol.md: after
 * `subscribed`, each offset at most once and rising. Live messages that arrive while the
 * history is read (stores answer asynchronously) are held and merged in by offset, so a
 * publish that races the read is neither lost nor sent twice.
 */
export class Subscription {
  /** `reading` while a history read is out: live messages wait in `held`. */
  private phase: 'reading' | 'live' | 'ended' = 'reading'
  private held: StoredMessage[] = []
  private epoch = ''
  private lastOffset = 0

  constructor(
    readonly topic: string,
    private readonly io: SubscriptionIo,
  ) {}

  get ended(): boolean {
    return this.phase === 'ended'
  }

  /**
   * Reads the tip (and the replay when `from` is given), sends `subscribed`, the replay, then
   * what arrived meanwhile. Rejects when the store cannot answer; nothing was sent then.
   */
  async start(from: TopicPosition | null): Promise<void> {
    const answer = await this.io.read(this.topic, from)
    if (this.phase === 'ended') return
    this.epoch = answer.position.epoch
    this.lastOffset = answer.recovered === true && from ? from.offset : answer.position.offset
    this.io.send(
      subscribedFrame(this.topic, answer.position, from === null ? null : answer.recovered === true),
    )
    if (answer.recovered === true && !(await this.replay(answer.messages))) return
    this.lastOffset = Math.max(this.lastOffset, answer.position.offset)
    this.flushHeld()
  }

  /** A live message from the store; `frame` is its text, built once for every subscriber. */
  deliver(message: StoredMessage, frame?: string): void {
    if (this.phase === 'ended') return
    if (this.phase === 'reading') {
      this.held.push(message)
      return
    }
    const { epoch, offset } = message.position
    if (epoch === this.epoch && offset > this.lastOffset + 1) {
      // Offsets rise by one per message, so the store's fan-out skipped some (a process that
      // fell behind a trimmed fan-out stream): fetch them from the history before going on.
      this.phase = 'reading'
      this.held.push(message)
      void this.catchUp()
      return
    }
    this.sendInOrder(message, frame)
  }

  end(): void {
    this.phase = 'ended'
    this.held = []
  }

  /**
   * Sends the history in order while live messages stay held. A long replay to a slow reader
   * waits for its frames to leave whenever the socket's queue is long, so it neither piles up
   * in memory nor trips the server's slow-reader limit. False when the subscription ended.
   */
  private async replay(messages: StoredMessage[]): Promise<boolean> {
    for (const message of messages) {
      if (this.phase === 'ended') return false
      if (!this.io.congested()) {
        this.sendInOrder(message)
        continue
      }
      await new Promise<void>((resolve) => {
        if (!this.sendInOrder(message, undefined, resolve)) resolve()
      })
    }
    return this.phase !== 'ended'
  }

  /** Sends the message unless it is a duplicate; true when it was handed to the socket. */
  private sendInOrder(message: StoredMessage, frame?: string, onWritten?: () => void): boolean {
    const { epoch, offset } = message.position
    if (epoch !== this.epoch) {
      // The store lost this stream's history and began a new epoch; the client sees the epoch
      // change and counts a gap.
      this.epoch = epoch
    } else if (offset <= this.lastOffset) {
      return false
    }
    this.lastOffset = offset
    this.io.send(frame ?? messageFrame(message), onWritten)
    return true
  }

  private async catchUp(): Promise<void> {
    let answer: TopicRead | null = null
    try {
      answer = await this.io.read(this.topic, { epoch: this.epoch, offset: this.lastOffset })
    } catch {
      // The store is unreachable: what is held still goes out; the client sees the gap.
    }
    if (this.phase === 'ended') return
    if (answer?.recovered === true && !(await this.replay(answer.messages))) return
    const first = this.held[0]
    if (first && first.position.epoch === this.epoch && first.position.offset > this.lastOffset + 1)
      // The history no longer holds the missing ones: they are lost, say so by skipping ahead
      // (the client sees the jump in offsets and counts a gap) rather than asking again.
      this.lastOffset = first.position.offset - 1
    this.flushHeld()
  }

  /** A method, not a field read: TypeScript would narrow the field to 'live' in the loop below. */
  private isReading(): boolean {
    return this.phase === 'reading'
  }

  private flushHeld(): void {
    const held = this.held
    this.held = []
    this.phase = 'live'
    for (let index = 0; index < held.length; index++) {
      this.deliver(held[index]!)
      // A gap found while flushing starts another catch-up: the rest waits behind it.
      if (this.isReading()) {
        this.held.push(...held.slice(index + 1))
        return
      }
    }
  }
}
