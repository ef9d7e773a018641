import { describe, expect, it } from 'vitest'
import { memoryStore } from '../../src/server'

describe('memoryStore', () => {
  it('numbers messages 1, 2, 3 per topic, in an epoch that is new for every store (every process start)', async () => {
    const store = memoryStore()
    const a1 = await store.append('a', '1')
    const a2 = await store.append('a', '2')
    const b1 = await store.append('b', '1')
    expect([a1.offset, a2.offset, b1.offset]).toEqual([1, 2, 1])
    expect(a2.epoch).toBe(a1.epoch)
    expect(a1.epoch).toMatch(/^[0-9a-z]{8}$/)
    const restarted = memoryStore()
    expect((await restarted.append('a', '1')).epoch).not.toBe(a1.epoch)
  })

  it('gives a topic nobody published to yet an epoch and offset 0, and keeps that epoch', async () => {
    const store = memoryStore()
    const fresh = await store.read('t', null)
    expect(fresh).toEqual({
      position: { epoch: expect.any(String), offset: 0 },
      recovered: null,
      messages: [],
    })
    expect((await store.append('t', '"x"')).epoch).toBe(fresh.position.epoch)
  })

  it('keeps historySize messages: a resume from before them is not recovered', async () => {
    const store = memoryStore({ historySize: 2 })
    let epoch = ''
    for (let n = 1; n <= 5; n++) epoch = (await store.append('t', String(n))).epoch
    expect((await store.read('t', { epoch, offset: 2 })).recovered).toBe(false)
    const read = await store.read('t', { epoch, offset: 3 })
    expect(read.recovered).toBe(true)
    expect(read.messages.map((message) => message.json)).toEqual(['4', '5'])
  })

  it('forgets messages older than historyMs', async () => {
    let now = 0
    const store = memoryStore({ historyMs: 1000, now: () => now })
    const { epoch } = await store.append('t', '1')
    now = 600
    await store.append('t', '2')
    now = 1200 // the first is 1200 ms old, the second 600 ms
    expect((await store.read('t', { epoch, offset: 0 })).recovered).toBe(false)
    expect((await store.read('t', { epoch, offset: 1 })).messages.map((message) => message.json)).toEqual([
      '2',
    ])
  })

  it('hands appended messages to each listener until it stops listening', async () => {
    const store = memoryStore()
    const heard: string[] = []
    const stop = store.listen((message) => heard.push(`${message.topic}:${message.json}`))
    const stopSame = store.listen((message) => heard.push(`again ${message.json}`))
    await store.append('t', '1')
    stop()
    await store.append('t', '2')
    stopSame()
    await store.append('t', '3')
    expect(heard).toEqual(['t:1', 'again 1', 'again 2'])
  })

  it('refuses limits that are not whole numbers', () => {
    expect(() => memoryStore({ historySize: -1 })).toThrow('historySize must be a whole number ≥ 0; got -1')
    expect(() => memoryStore({ historySize: 1.5 })).toThrow('historySize')
    expect(() => memoryStore({ historyMs: Number.NaN })).toThrow(
      'historyMs must be a whole number ≥ 0 or Infinity',
    )
    expect(() => memoryStore({ historyMs: Number.POSITIVE_INFINITY })).not.toThrow()
  })
})
