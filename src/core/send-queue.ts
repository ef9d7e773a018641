export type Outgoing = string | ArrayBufferLike | Blob | ArrayBufferView

/**
 * Messages waiting for an open socket, oldest first. Bounded so a long outage cannot grow
 * memory without limit; when full, the oldest message gives way because the newest is most
 * likely to still matter.
 */
export class SendQueue {
  #items: Outgoing[] = []

  constructor(readonly max: number) {}

  /** A queue of `max` messages, or none when queueing is off (`null`). */
  static of(max: number | null): SendQueue | null {
    return max === null ? null : new SendQueue(max)
  }

  get size(): number {
    return this.#items.length
  }

  /** Adds a message; returns how many old messages were dropped to make room. */
  push(message: Outgoing): number {
    this.#items.push(message)
    // The oldest beyond max; splice takes nothing for a count below 1.
    return this.#items.splice(0, this.#items.length - this.max).length
  }

  /** Hands out messages in order while `send` accepts them; a refused message stays first. */
  drain(send: (message: Outgoing) => boolean): void {
    while (this.#items.length > 0) {
      if (!send(this.#items[0] as Outgoing)) return
      this.#items.shift()
    }
  }

  /** Empties the queue, handing back what it held in order. */
  drainAll(): Outgoing[] {
    const items = this.#items
    this.#items = []
    return items
  }

  /** Empties the queue; returns how many messages it held. */
  clear(): number {
    return this.drainAll().length
  }
}
