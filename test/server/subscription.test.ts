import { describe, expect, it } from 'vitest'
import type { StoredMessage, TopicPosition, TopicRead } from '../../src/server'
import { Subscription } from '../../src/server/subscription'

const message = (offset: number, epoch = 'e'): StoredMessage => ({
  topic: 't',
  position: { epoch, offset },
  json: String(offset),
})

/** A subscription whose store reads the test answers by hand. */
function harness() {
  const sent: any[] = []
  const reads: Array<{
    from: TopicPosition | null
    answer(read: TopicRead): void
    fail(error: Error): void
  }> = []
  const subscription = new Subscription('t', {
    send: (text, onWritten) => {
      sent.push(JSON.parse(text))
      onWritten?.()
    },
    congested: () => false,
    read: (_topic, from) =>
      new Promise((resolve, reject) => reads.push({ from, answer: resolve, fail: reject })),
  })
  const offsets = () => sent.filter((frame) => frame.type === 'message').map((frame) => frame.position.offset)
  /** A fresh subscribe to a stream whose tip is `offset`, answered: the subscription is live. */
  const startLive = async (offset: number) => {
    const started = subscription.start(null)
    reads[0]!.answer({ position: { epoch: 'e', offset }, recovered: null, messages: [] })
    await started
  }
  return { subscription, sent, reads, offsets, startLive }
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('Subscription', () => {
  it('holds live messages during the read and merges them with the replay by offset, each once', async () => {
    const { subscription, reads, sent, offsets } = harness()
    const started = subscription.start({ epoch: 'e', offset: 1 })
    subscription.deliver(message(3)) // raced the read: also in the replay
    subscription.deliver(message(4))
    reads[0]!.answer({
      position: { epoch: 'e', offset: 3 },
      recovered: true,
      messages: [message(2), message(3)],
    })
    await started
    subscription.deliver(message(4)) // a duplicate from the fan-out
    subscription.deliver(message(5))
    expect(sent[0]).toEqual({
      type: 'subscribed',
      topic: 't',
      position: { epoch: 'e', offset: 3 },
      recovered: true,
    })
    expect(offsets()).toEqual([2, 3, 4, 5])
  })

  it('fetches from the history the offsets its fan-out skipped, then goes on', async () => {
    const { subscription, reads, offsets, startLive } = harness()
    await startLive(1)
    subscription.deliver(message(2))
    subscription.deliver(message(5)) // 3 and 4 never came live
    subscription.deliver(message(6)) // held behind the catch-up
    expect(reads[1]!.from).toEqual({ epoch: 'e', offset: 2 })
    reads[1]!.answer({
      position: { epoch: 'e', offset: 5 },
      recovered: true,
      messages: [message(3), message(4), message(5)],
    })
    await settle()
    expect(offsets()).toEqual([2, 3, 4, 5, 6])
  })

  it('skips ahead once when the history no longer has what the fan-out skipped', async () => {
    const { subscription, reads, offsets, startLive } = harness()
    await startLive(0)
    subscription.deliver(message(1))
    subscription.deliver(message(9))
    reads[1]!.answer({ position: { epoch: 'e', offset: 9 }, recovered: false, messages: [] })
    await settle()
    subscription.deliver(message(10))
    expect(offsets()).toEqual([1, 9, 10])
    expect(reads).toHaveLength(2) // no second attempt for the same hole
  })

  it('passes on a new epoch (the store lost its history) and counts offsets from it', async () => {
    const { subscription, sent, startLive } = harness()
    await startLive(7)
    subscription.deliver(message(1, 'new'))
    subscription.deliver(message(2, 'new'))
    subscription.deliver(message(2, 'new'))
    expect(sent.slice(1).map((frame) => `${frame.position.epoch}:${frame.position.offset}`)).toEqual([
      'new:1',
      'new:2',
    ])
  })

  it('sends nothing once ended, even when its read answers later', async () => {
    const { subscription, reads, sent } = harness()
    const started = subscription.start(null)
    subscription.deliver(message(1))
    subscription.end()
    reads[0]!.answer({ position: { epoch: 'e', offset: 0 }, recovered: null, messages: [] })
    await started
    subscription.deliver(message(2))
    expect(sent).toEqual([])
  })

  it('rejects start when the store cannot be read, having sent nothing', async () => {
    const { subscription, reads, sent } = harness()
    const started = subscription.start(null)
    reads[0]!.fail(new Error('down'))
    await expect(started).rejects.toThrow('down')
    expect(sent).toEqual([])
  })
})
