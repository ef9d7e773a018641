import { describe, expect, it } from 'vitest'
import { SendQueue } from '../../src/core/send-queue'

describe('SendQueue', () => {
  it('is absent when queueing is off', () => {
    expect(SendQueue.of(null)).toBeNull()
    expect(SendQueue.of(3)?.max).toBe(3)
  })

  it('drops the oldest messages beyond max and says how many', () => {
    const queue = new SendQueue(2)
    expect([queue.push('a'), queue.push('b'), queue.push('c')]).toEqual([0, 0, 1])
    expect(queue.drainAll()).toEqual(['b', 'c'])
  })

  it('hands messages out in order and keeps a refused one first', () => {
    const queue = new SendQueue(5)
    for (const message of ['a', 'b', 'c']) queue.push(message)
    const sent: unknown[] = []
    queue.drain((message) => message !== 'b' && sent.push(message) > 0)
    expect(sent).toEqual(['a'])
    expect(queue.size).toBe(2)
    queue.drain((message) => sent.push(message) > 0)
    expect(sent).toEqual(['a', 'b', 'c'])
    expect(queue.size).toBe(0)
  })

  it('is empty after drainAll and after clear, which counts what it threw away', () => {
    const queue = new SendQueue(5)
    queue.push('a')
    queue.push('b')
    expect(queue.drainAll()).toEqual(['a', 'b'])
    expect(queue.size).toBe(0)
    expect(queue.drainAll()).toEqual([])
    queue.push('c')
    expect(queue.clear()).toBe(1)
    expect(queue.size).toBe(0)
    expect(queue.drainAll()).toEqual([])
  })
})
