import { describe, expect, test } from 'vitest'
import { getConnection, resetConnections } from '../../src/core/index'
import { findConnection } from '../../src/core/registry'
import { createWebSocketObserver, SERVER_SNAPSHOT } from '../../src/react/websocket-observer'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { fakeOptions } from './helpers'

// The observer is plain TypeScript: these tests drive it the way useSyncExternalStore does.
describe('WebSocket observer', () => {
  test('results for a render register nothing; subscribing looks up, holds and lets go', () => {
    const clock = new FakeClock()
    const options = { ...fakeOptions(clock), lingerMs: 100 }
    const url = 'ws://lifeline.test/observer'
    const observer = createWebSocketObserver(url, options)
    const first = observer.getResult(url, options, observer.getSnapshot())
    expect(first.status).toBe('idle')
    expect(first.connection).toBeNull()
    expect(findConnection(url)).toBeUndefined()

    let changes = 0
    const unsubscribe = observer.subscribe(() => {
      changes += 1
    })
    const connection = findConnection(url)
    expect(connection?.getState().status).toBe('connecting')
    FakeWebSocket.last.open()
    expect(changes).toBeGreaterThan(0)
    const later = observer.getResult(url, options, observer.getSnapshot())
    expect(later.status).toBe('open')
    expect(later.connection).toBe(connection)

    unsubscribe()
    clock.advance(100)
    expect(findConnection(url)).toBeUndefined()
    expect(FakeWebSocket.last.closeCalls).toHaveLength(1)
  })

  test('the server snapshot gives the idle result, whatever is registered', () => {
    const options = fakeOptions()
    const url = 'ws://lifeline.test/observer-server'
    getConnection(url, options).retain()
    FakeWebSocket.last.open()
    const observer = createWebSocketObserver(url, options)
    const result = observer.getResult(url, options, SERVER_SNAPSHOT)
    expect(result.status).toBe('idle')
    expect(result.connection).toBeNull()
  })

  test('getSnapshot changes identity only for fields that were read', () => {
    const options = fakeOptions()
    const url = 'ws://lifeline.test/observer-tracked'
    const observer = createWebSocketObserver(url, options)
    const unsubscribe = observer.subscribe(() => {})
    const snapshot = observer.getSnapshot()
    const result = observer.getResult(url, options, snapshot)
    FakeWebSocket.last.open()
    FakeWebSocket.last.receive('hello')
    // Nothing but the connection was read: a message and a status change are no news.
    expect(observer.getSnapshot()).toBe(snapshot)
    void result.lastMessage
    expect(observer.getSnapshot()).not.toBe(snapshot)
    expect(observer.getResult(url, options, observer.getSnapshot()).lastMessage).toBe('hello')
    unsubscribe()
  })

  test('resetConnections while subscribed: the observer follows the URL to a fresh connection', () => {
    const options = fakeOptions()
    const url = 'ws://lifeline.test/observer-reset'
    const observer = createWebSocketObserver(url, options)
    const unsubscribe = observer.subscribe(() => {})
    const before = findConnection(url)
    resetConnections()
    const after = findConnection(url)
    expect(after).toBeDefined()
    expect(after).not.toBe(before)
    expect(observer.getResult(url, options, observer.getSnapshot()).connection).toBe(after)
    unsubscribe()
  })
})
