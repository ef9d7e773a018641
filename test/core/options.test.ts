import { describe, expect, it, vi } from 'vitest'
import { createConnection } from '../../src/core/create-connection'
import { resolveOptions } from '../../src/core/options'
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

describe('option errors say exactly what is wrong', () => {
  it.each([
    [{ lingerMs: -1 }, 'lingerMs must be a finite number of milliseconds >= 0, got -1.'],
    [
      { connectTimeout: '5' as unknown as number },
      'connectTimeout must be a finite number of milliseconds >= 1, got "5".',
    ],
    [
      { heartbeat: { interval: 0 } },
      'heartbeat.interval must be a finite number of milliseconds >= 1 and <= 2147483647, got 0.',
    ],
    [{ retry: true as unknown as false }, 'retry must be false or an object'],
    [{ retry: { maxAttempts: '3' as unknown as number } }, 'retry.maxAttempts'],
    [
      { visibility: {} as never },
      'visibility must be an object with isVisible(), subscribe(); missing or not a function: isVisible, subscribe.',
    ],
  ] as [ConnectionOptions, string][])('%j', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(message)
  })

  it('the default clock cancels the timers it started', () => {
    vi.useFakeTimers()
    const { clock } = resolveOptions({})
    const fired = vi.fn()
    clock.clearTimeout(clock.setTimeout(fired, 10))
    vi.advanceTimersByTime(100)
    vi.useRealTimers()
    expect(fired).not.toHaveBeenCalled()
  })
})
