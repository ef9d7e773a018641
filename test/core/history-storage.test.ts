import { afterEach, describe, expect, it, vi } from 'vitest'
import { historyKey } from '../../src/core/history-storage'
import { getConnection, resetConnections } from '../../src/core/registry'
import type { HistoryStorage } from '../../src/core/types'
import { fakeConnection } from '../support/fake-connection'
import { FakeWebSocketConstructor } from '../support/fake-websocket'

const URL = 'wss://example.test/feed?token=s3cret-token&room=7'
const KEY = 'react-lifeline:history:wss://example.test/feed?token=[redacted]&room=7 '

/** A Map behind the Storage methods, like localStorage in a browser. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return {
    items,
    getItem: vi.fn((key: string) => items.get(key) ?? null),
    setItem: vi.fn((key: string, value: string) => {
      items.set(key, value)
    }),
  }
}

/** One page load: a connection that opens, then is dropped by the server `drops` times. */
function pageLoad(
  storage: HistoryStorage | false,
  drops: number,
  options: { historySize?: number } = {},
  url = URL,
) {
  const page = fakeConnection({ historyStorage: storage, ...options }, url)
  page.connection.connect()
  for (let index = 0; index < drops; index++) {
    page.socket().open()
    page.clock.advance(1_000)
    page.socket().closeFromServer(1006, `lost ${URL}`)
    page.clock.advance(page.connection.getState().nextRetryAt! - page.clock.now())
  }
  return page
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('historyStorage', () => {
  it('keys by the redacted URL and subprotocols', () => {
    expect(historyKey(URL, undefined)).toBe(KEY)
    expect(historyKey('ws://a.test/', ['v2', 'json'])).toBe('react-lifeline:history:ws://a.test/ v2,json')
  })

  it('keeps the history across page loads, bounded by historySize, with no secret stored', () => {
    const storage = memoryStorage()
    const first = pageLoad(storage, 3, { historySize: 5 })
    first.connection.destroy()
    const second = pageLoad(storage, 3, { historySize: 5 })
    const history = second.connection.getHistory()
    expect(history).toHaveLength(5)
    expect(history.map((record) => record.code)).toEqual([1006, 1006, 1006, 1006, 1006])
    expect(history[0]!.reason).toBe('lost wss://example.test/feed?token=[redacted]&room=7')
    const stored = [...storage.items.entries()].flat().join('\n')
    expect(stored).not.toContain('s3cret-token')
    expect(JSON.parse(storage.items.get(KEY)!).h).toHaveLength(5)
  })

  it('reads a stored history before the first close, so diagnose sees the older drops', () => {
    const storage = memoryStorage()
    pageLoad(storage, 2).connection.destroy()
    const reloaded = fakeConnection({ historyStorage: storage }, URL)
    expect(reloaded.connection.getHistory()).toHaveLength(2)
  })

  it.each([
    ['invalid JSON', '{"v":1,"h":[{'],
    ['another version', JSON.stringify({ v: 99, h: [] })],
    ['records of another shape', JSON.stringify({ v: 1, h: [{ code: '1006' }] })],
    ['null', 'null'],
  ])('starts fresh with one warning on %s, and the connection works', (what, text) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const url = `wss://example.test/${encodeURIComponent(what)}`
    const key = historyKey(url, undefined)
    const storage = memoryStorage({ [key]: text })
    const page = pageLoad(storage, 2, {}, url)
    expect(page.connection.getHistory()).toHaveLength(2)
    expect(JSON.parse(storage.items.get(key)!).h).toHaveLength(2)
    expect(warn).toHaveBeenCalledOnce()
    expect(warn.mock.calls[0]![0]).toMatch(/historyStorage failed for .*starts fresh/)
  })

  it('survives storage that throws on read and on write (quota, private mode), warning once', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const broken: HistoryStorage = {
      getItem: () => {
        throw new Error('SecurityError: storage disabled')
      },
      setItem: () => {
        throw new DOMException('quota exceeded', 'QuotaExceededError')
      },
    }
    const page = pageLoad(broken, 3, { historySize: 10 }, 'wss://example.test/broken')
    expect(page.connection.getHistory()).toHaveLength(3)
    expect(page.connection.getState().status).toBe('reconnecting')
    page.socket().open()
    expect(page.connection.getState().status).toBe('open')
    expect(warn).toHaveBeenCalledOnce()
  })

  it('lets the shared registry compare options without reading storage', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    // Like localStorage, whose entries are its own enumerable properties (JSON.stringify shows them).
    const entries: Record<string, string> = {}
    const storage = Object.assign(entries, {
      getItem: (key: string) => entries[key] ?? null,
      setItem: (key: string, value: string) => {
        entries[key] = value
      },
    })
    const url = 'wss://example.test/shared'
    const first = getConnection(url, { historyStorage: storage, WebSocket: FakeWebSocketConstructor })
    entries.unrelated = 'changed meanwhile'
    expect(getConnection(url, { historyStorage: storage, WebSocket: FakeWebSocketConstructor })).toBe(first)
    expect(warn).not.toHaveBeenCalled()
    resetConnections()
  })

  it('rejects a storage without getItem and setItem, naming the option', () => {
    expect(() => fakeConnection({ historyStorage: {} as HistoryStorage })).toThrow(
      /historyStorage must be an object with getItem\(\), setItem\(\)/,
    )
  })

  it('keys a function URL by its subprotocols alone, and a protocol string like its one-item list', () => {
    expect(historyKey(() => 'ws://a.test/', 'v2')).toBe('react-lifeline:history:[function] v2')
    expect(historyKey('ws://a.test/', 'v2')).toBe(historyKey('ws://a.test/', ['v2']))
  })

  it('reads only the newest historySize records, and nothing at all with historySize 0', () => {
    const storage = memoryStorage()
    pageLoad(storage, 4).connection.destroy()
    const reloaded = fakeConnection({ historyStorage: storage, historySize: 2 }, URL)
    const stored = JSON.parse(storage.items.get(KEY)!).h
    expect(reloaded.connection.getHistory()).toEqual(stored.slice(-2))
    storage.getItem.mockClear()
    const none = pageLoad(storage, 1, { historySize: 0 })
    expect(none.connection.getHistory()).toEqual([])
    expect(storage.getItem).not.toHaveBeenCalled()
  })

  it('starts fresh when any stored record lacks a field the diagnosis computes with', () => {
    const source = memoryStorage()
    pageLoad(source, 1).connection.destroy()
    const valid = JSON.parse(source.items.get(KEY)!).h[0]
    const broken: [string, object][] = [
      ['code', { code: '1006' }],
      ['at', { at: null }],
      ['reason', { reason: 7 }],
      ['initiator', { initiator: undefined }],
      ['info', { info: null }],
      ['info.name', { info: { ...valid.info, name: 1 } }],
      ['openForMs', { openForMs: '1000' }],
      ['idleForMs', { idleForMs: undefined }],
    ]
    for (const [field, patch] of broken) {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
      const url = `wss://example.test/record-without-${field}`
      const text = JSON.stringify({ v: 1, h: [valid, { ...valid, ...patch }] })
      const page = fakeConnection(
        { historyStorage: memoryStorage({ [historyKey(url, undefined)]: text }) },
        url,
      )
      expect(page.connection.getHistory(), field).toEqual([])
      expect(warn, field).toHaveBeenCalledOnce()
      warn.mockRestore()
    }
    // The same records, valid, are read back (null durations too): the checks above fail for the field alone.
    const url = 'wss://example.test/record-valid'
    const records = [valid, { ...valid, openForMs: null, idleForMs: null }]
    const text = JSON.stringify({ v: 1, h: records })
    const page = fakeConnection(
      { historyStorage: memoryStorage({ [historyKey(url, undefined)]: text }) },
      url,
    )
    expect(page.connection.getHistory()).toEqual(records)
  })
})
