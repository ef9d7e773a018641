import { describe, expect, it, vi } from 'vitest'
import { assertOutgoing, closeQuietly, closeSocket, failureOf } from '../../src/core/socket'
import { FakeWebSocket } from '../support/fake-websocket'

describe('assertOutgoing', () => {
  it('takes what a socket sends as is, and names what it refuses', () => {
    for (const data of [
      'text',
      new ArrayBuffer(1),
      new Uint8Array(1),
      new Blob(['x']),
      new SharedArrayBuffer(1),
    ]) {
      expect(() => assertOutgoing(data)).not.toThrow()
    }
    expect(() => assertOutgoing(null)).toThrow('got null;')
    expect(() => assertOutgoing({})).toThrow('got object;')
  })
})

describe('closeSocket', () => {
  function socketWithHandlers(terminate?: () => void) {
    const socket = new FakeWebSocket('ws://h/')
    const onclose = vi.fn()
    socket.onclose = onclose
    socket.onmessage = vi.fn()
    if (terminate) Object.assign(socket, { terminate })
    return { socket, onclose }
  }

  it('keep: the socket still reports its close', () => {
    const { socket, onclose } = socketWithHandlers()
    closeSocket(socket, 4000, 'bye', 'keep')
    expect(socket.closeCalls).toEqual([{ code: 4000, reason: 'bye' }])
    expect(socket.onclose).toBe(onclose)
  })

  it('detach: nothing it says is heard, a late open closes it, and it is closed, not terminated', () => {
    const terminate = vi.fn()
    const { socket } = socketWithHandlers(terminate)
    closeSocket(socket, 1000, 'reconnect', 'detach')
    expect(socket.onclose).toBeNull()
    expect(socket.onmessage).toBeNull()
    expect(terminate).not.toHaveBeenCalled()
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: 'reconnect' }])
    socket.open()
    expect(socket.closeCalls).toEqual([
      { code: 1000, reason: 'reconnect' },
      { code: 1000, reason: '' },
    ])
  })

  it('dead: terminated where the implementation can, closed where it cannot', () => {
    const terminate = vi.fn()
    const { socket } = socketWithHandlers(terminate)
    closeSocket(socket, 1000, 'heartbeat timeout', 'dead')
    expect(terminate).toHaveBeenCalledOnce()
    expect(socket.closeCalls).toEqual([])
    expect(socket.onclose).toBeNull()
    const plain = socketWithHandlers().socket
    closeSocket(plain, 1000, 'heartbeat timeout', 'dead')
    expect(plain.closeCalls).toEqual([{ code: 1000, reason: 'heartbeat timeout' }])
  })

  it('closeQuietly closes normally with no reason', () => {
    const socket = new FakeWebSocket('ws://h/')
    closeQuietly(socket)
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: '' }])
  })
})

describe('failureOf', () => {
  it('keeps ws\u2019s error as is, or an event\u2019s message, and nothing from a bare Event', () => {
    const error = new Error('Unexpected server response: 503')
    expect(failureOf({ error }, undefined, true)).toEqual({ error, httpStatus: 503, fatal: false })
    expect(failureOf({ error }, undefined, true)?.error).toBe(error)
    expect(failureOf({ message: 'socket hang up' }, undefined, true)?.error.message).toBe('socket hang up')
    expect(failureOf({ message: 7 }, undefined, true)).toBeUndefined()
    expect(failureOf({ type: 'error' }, undefined, true)).toBeUndefined()
  })

  it('gives up on 401 and 403 for a fixed URL only', () => {
    for (const status of [401, 403]) {
      const event = { error: new Error(`Unexpected server response: ${status}`) }
      expect(failureOf(event, undefined, true)?.fatal).toBe(true)
      expect(failureOf(event, undefined, false)?.fatal).toBe(false)
    }
  })

  it('names the subprotocols asked for only when the failure is about subprotocols', () => {
    expect(failureOf({ message: 'Server sent no subprotocol' }, ['v2'], true)?.error.message).toBe(
      'Server sent no subprotocol (asked for v2)',
    )
    expect(failureOf({ message: 'socket hang up' }, ['v2'], true)?.error.message).toBe('socket hang up')
  })
})
