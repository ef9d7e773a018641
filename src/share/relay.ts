import type { Entry, Outgoing } from './protocol'

/**
 * The holder's queue of sends from every tab, itself included, in arrival order. A tab's sends
 * arrive in its own order and carry rising `seq` numbers, so a resend after a hand-over (or a
 * copy carried over by the tab that left) is recognised and taken once.
 */
export class Relay {
  private readonly entries: Entry[] = []

  /**
   * @param max the holder's `queue.max` (null: `queue: false`, nothing is kept)
   * @param written per tab, the highest `seq` known to be written: seen in acks as a follower
   */
  constructor(
    private readonly max: number | null,
    private readonly written: Map<string, number>,
  ) {}

  private readonly taken = new Map<string, number>()

  get size(): number {
    return this.entries.length
  }

  /** Everything not yet written, for the next holder. */
  list(): Entry[] {
    return [...this.entries]
  }

  /** Highest `seq` of tab `from` written to the socket so far. */
  writtenUpTo(from: string): number {
    return this.written.get(from) ?? 0
  }

  /**
   * Keeps `entry` unless it was taken or written before. Returns what overflowed `max`
   * (oldest first), which counts as dropped, and whether the entry was new.
   */
  take(entry: Entry): { fresh: boolean; dropped: Entry[] } {
    const seen = Math.max(this.taken.get(entry.from) ?? 0, this.writtenUpTo(entry.from))
    if (entry.seq <= seen) return { fresh: false, dropped: [] }
    this.taken.set(entry.from, entry.seq)
    this.entries.push(entry)
    const dropped: Entry[] = []
    while (this.max !== null && this.entries.length > this.max) {
      const oldest = this.entries.shift()!
      this.markWritten(oldest)
      dropped.push(oldest)
    }
    return { fresh: true, dropped }
  }

  /** Writes entries in order while `write` succeeds; returns those written. */
  flush(write: (data: Outgoing) => boolean): Entry[] {
    const done: Entry[] = []
    while (this.entries.length > 0 && write(this.entries[0]!.data)) {
      const entry = this.entries.shift()!
      this.markWritten(entry)
      done.push(entry)
    }
    return done
  }

  private markWritten(entry: Entry): void {
    if (entry.seq > this.writtenUpTo(entry.from)) this.written.set(entry.from, entry.seq)
  }
}
