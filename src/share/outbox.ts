import type { Entry, Outgoing } from './protocol'

/**
 * A follower's sends that the holder has not yet written, oldest first. They stay until
 * acknowledged, so when the holder goes away the next one gets them again: none is lost.
 */
export class Outbox {
  private entries: Entry[] = []
  private seq = 0

  constructor(
    private readonly from: string,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.entries.length
  }

  /** Adds a send; returns it and how many old ones overflowed `max` and were dropped. */
  push(data: Outgoing): { entry: Entry; dropped: number } {
    this.seq += 1
    const entry = { from: this.from, seq: this.seq, data }
    this.entries.push(entry)
    const dropped = Math.max(0, this.entries.length - this.max)
    if (dropped > 0) this.entries.splice(0, dropped)
    return { entry, dropped }
  }

  /** Numbers a send this tab keeps elsewhere (it holds the socket: the relay has it). */
  stamp(data: Outgoing): Entry {
    this.seq += 1
    return { from: this.from, seq: this.seq, data }
  }

  /** The holder wrote everything up to `seq`. */
  ack(seq: number): void {
    this.entries = this.entries.filter((entry) => entry.seq > seq)
  }

  list(): readonly Entry[] {
    return this.entries
  }

  /** Takes every entry out (this tab became the holder and keeps them itself). */
  drain(): Entry[] {
    const all = this.entries
    this.entries = []
    return all
  }
}
