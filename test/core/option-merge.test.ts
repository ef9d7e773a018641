import { describe, expect, it } from 'vitest'
import { mergeOptions } from '../../src/core/option-merge'

describe('mergeOptions', () => {
  it('never lets a holder that passes nothing lower what another asked for', () => {
    expect(mergeOptions([{}, { heartbeat: true }])).toEqual([{ heartbeat: true }, []])
    expect(mergeOptions([{ heartbeat: true }, {}, { heartbeat: false }])).toEqual([{ heartbeat: true }, []])
  })

  it('runs the heartbeat at the shortest interval and timeout asked for; `true` asks for the defaults', () => {
    const [merged] = mergeOptions([
      { heartbeat: true },
      { heartbeat: { interval: 40000, timeout: 2000 } },
      { heartbeat: { interval: 5000 } },
    ])
    expect(merged.heartbeat).toEqual({ interval: 5000, timeout: 2000 })
  })

  it('keeps the first heartbeat message and isPong, and names a different one', () => {
    const isPong = () => true
    const [merged, kept] = mergeOptions([
      { heartbeat: { message: 'ping' } },
      { heartbeat: { isPong } },
      { heartbeat: { message: 'PING', isPong } },
    ])
    expect(merged.heartbeat).toMatchObject({ message: 'ping', isPong })
    expect(kept).toEqual(['heartbeat.message'])
  })

  it('takes the longest waits and the most history', () => {
    const [merged, kept] = mergeOptions([
      { connectTimeout: 5000, lingerMs: 0, historySize: 50 },
      { connectTimeout: 20000, lingerMs: 3000, historySize: 5 },
    ])
    expect(merged).toEqual({ connectTimeout: 20000, lingerMs: 3000, historySize: 50 })
    expect(kept).toEqual([])
  })

  it('queues if any holder queues, as many as the largest max', () => {
    expect(mergeOptions([{ queue: false }, { queue: { max: 10 } }, { queue: { max: 500 } }])[0]).toEqual({
      queue: { max: 500 },
    })
    expect(mergeOptions([{ queue: false }, { queue: false }])[0]).toEqual({ queue: false })
  })

  it("joins the holders' close codes; the first holder's entry wins for a code two name differently", () => {
    const [merged, kept] = mergeOptions([
      { closeCodes: { 4001: { name: 'Kicked', retry: false } } },
      { closeCodes: { 4001: { name: 'Kicked', retry: false }, 4002: { name: 'Moved' } } },
      { closeCodes: { 4001: { name: 'Banned' } } },
    ])
    expect(merged.closeCodes).toEqual({ 4001: { name: 'Kicked', retry: false }, 4002: { name: 'Moved' } })
    expect(kept).toEqual(['closeCodes.4001'])
  })

  it('keeps the first value of an option with no safe merge, and names a different later one', () => {
    const handshake = () => {}
    const [merged, kept] = mergeOptions([
      {},
      { handshake, retry: { maxAttempts: 3 }, binaryType: 'arraybuffer' },
      // The same inline object again is the same value; another function is not.
      { handshake: () => {}, retry: { maxAttempts: 3 }, binaryType: 'blob' },
    ])
    expect(merged).toEqual({ handshake, retry: { maxAttempts: 3 }, binaryType: 'arraybuffer' })
    expect(kept).toEqual(['handshake', 'binaryType'])
  })

  it('treats unknown options (a newer option, a protocol object) as first-wins', () => {
    const topics = { subscribe: () => '' }
    const [merged, kept] = mergeOptions([{ topics } as never, { topics: { subscribe: () => '' } } as never])
    expect((merged as { topics: unknown }).topics).toBe(topics)
    expect(kept).toEqual(['topics'])
  })

  it("does not compare protocols: 'v2' and ['v2'] are one registry key", () => {
    expect(mergeOptions([{ protocols: 'v2' }, { protocols: ['v2'] }])[1]).toEqual([])
  })
})
