import { describe, expect, it } from 'vitest'
import { createConnection } from '../../src/core/create-connection'
import type { ConnectionOptions } from '../../src/core/types'

const bad: [string, ConnectionOptions, RegExp][] = [
  ['negative connectTimeout', { connectTimeout: -1 }, /connectTimeout/],
  ['NaN initialDelay', { retry: { initialDelay: Number.NaN } }, /retry.initialDelay/],
  ['factor below 1', { retry: { factor: 0.5 } }, /retry.factor/],
  ['maxDelay below initialDelay', { retry: { initialDelay: 5000, maxDelay: 100 } }, /maxDelay/],
  ['fractional maxAttempts', { retry: { maxAttempts: 1.5 } }, /maxAttempts/],
  ['unknown jitter', { retry: { jitter: 'some' as 'full' } }, /jitter/],
  ['negative queue.max', { queue: { max: -1 } }, /queue.max/],
  ['zero heartbeat interval', { heartbeat: { interval: 0 } }, /heartbeat.interval/],
  ['Infinity lingerMs', { lingerMs: Number.POSITIVE_INFINITY }, /lingerMs/],
  ['bad binaryType', { binaryType: 'text' as 'blob' }, /binaryType/],
  ['protocol with a space', { protocols: 'chat v2' }, /protocols/],
  ['repeated protocol', { protocols: ['a', 'a'] }, /repeat/],
  ['non-constructor WebSocket', { WebSocket: 'ws' as never }, /constructor/],
]

describe('options', () => {
  it.each(bad)('rejects %s at creation with a message that says what to fix', (_name, options, message) => {
    expect(() => createConnection('ws://h/s', options)).toThrow(message)
  })

  it('rejects a url that is neither a string nor a function', () => {
    expect(() => createConnection(42 as never)).toThrow(TypeError)
  })

  it('accepts maxAttempts 0 (never retry), Infinity, and queue max 0', () => {
    expect(() => createConnection('ws://h/s', { retry: { maxAttempts: 0 }, queue: { max: 0 } })).not.toThrow()
    expect(() =>
      createConnection('ws://h/s', { retry: { maxAttempts: Number.POSITIVE_INFINITY } }),
    ).not.toThrow()
  })

  it('fills heartbeat defaults from true', () => {
    const connection = createConnection('ws://h/s', { heartbeat: true })
    expect(connection.options.heartbeat).toMatchObject({
      interval: 25000,
      timeout: 10000,
      message: '{"type":"ping"}',
    })
    expect(connection.options.retry).toMatchObject({
      initialDelay: 1000,
      maxDelay: 30000,
      factor: 2,
      jitter: 'full',
    })
    expect(connection.options).toMatchObject({
      connectTimeout: 10000,
      lingerMs: 1000,
      historySize: 20,
      queueMax: 100,
    })
  })
})
