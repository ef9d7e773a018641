import { describe, expect, it, vi } from 'vitest'
import type { CloseInfo, Session } from '../../src/core/types'
import { fakeConnection } from '../support/fake-connection'

/** Resolves pending promise callbacks (the handshake's awaits) without moving the fake clock. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

const isJoined = (data: unknown) => typeof data === 'string' && data.includes('joined')

describe('handshake', () => {
  it('sends first on every open, then the queue; the status is open only when it settles', async () => {
    const { connection, socket, statuses } = fakeConnection({
      handshake: async (session) => {
        session.sendJson({ type: 'auth', token: 't' })
        await session.receive(isJoined)
      },
    })
    connection.send('queued line')
    connection.connect()
    socket().open()
    expect(socket().sent).toEqual(['{"type":"auth","token":"t"}'])
    expect(connection.getState().status).toBe('connecting')
    expect(connection.send('sent during the handshake')).toBe('queued')

    socket().receive('{"type":"joined"}')
    await settle()
    expect(connection.getState().status).toBe('open')
    expect(socket().sent).toEqual(['{"type":"auth","token":"t"}', 'queued line', 'sent during the handshake'])
    // The queued-while-idle notification is batched to the end of the tick (issue 10), so the
    // first status a listener sees is already 'connecting'.
    expect(statuses).toEqual(['connecting', 'open'])
  })

  it('runs again after a reconnect, with the attempt and the last close', async () => {
    const sessions: { attempt: number; lastClose: CloseInfo | null }[] = []
    const { connection, socket, clock } = fakeConnection({
      handshake: (session) => {
        sessions.push({ attempt: session.attempt, lastClose: session.lastClose })
        session.send('hello')
      },
    })
    connection.connect()
    socket().open()
    expect(connection.getState().status).toBe('open')
    socket().closeFromServer(1012, 'restart')
    expect(connection.send('while down')).toBe('queued')
    clock.next()
    socket().open()
    expect(socket().sent).toEqual(['hello', 'while down'])
    expect(sessions.map((s) => s.attempt)).toEqual([0, 1])
    expect(sessions[1]!.lastClose?.code).toBe(1012)
  })

  it('keeps the messages it receives from listeners and hands the rest over after open, in order', async () => {
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await session.receive(isJoined)
      },
    })
    const seen: unknown[] = []
    connection.onMessage((data) => seen.push([data, connection.getState().status]))
    connection.connect()
    socket().open()
    socket().receive('early news')
    socket().receive('{"type":"joined"}')
    socket().receive('more news')
    expect(seen).toEqual([])
    await settle()
    expect(seen).toEqual([
      ['early news', 'open'],
      ['more news', 'open'],
    ])
    socket().receive('later')
    expect(seen.at(-1)).toEqual(['later', 'open'])
  })

  it('receive finds a message that arrived before it asked', async () => {
    let greeting: unknown
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await Promise.resolve()
        await Promise.resolve()
        greeting = await session.receive()
      },
    })
    connection.connect()
    socket().open()
    socket().receive('{"type":"welcome"}')
    await settle()
    expect(greeting).toEqual({ type: 'welcome' })
    expect(connection.getState().status).toBe('open')
  })

  it('a throw closes the socket, sets error and counts as a failed attempt that shouldRetry sees', async () => {
    const shouldRetry = vi.fn((_close: CloseInfo, _attempt: number) => true)
    const failure = new Error('bad token')
    const { connection, socket, sockets } = fakeConnection({
      retry: { shouldRetry, jitter: 'none', initialDelay: 1000 },
      handshake: () => {
        throw failure
      },
    })
    connection.send('kept')
    connection.connect()
    socket().open()
    const state = connection.getState()
    expect(state.status).toBe('reconnecting')
    expect(state.error).toBe(failure)
    expect(state.attempt).toBe(1)
    expect(sockets()[0]!.closeCalls).toEqual([{ code: 1000, reason: 'handshake failed' }])
    expect(sockets()[0]!.sent).toEqual([])
    expect(state.queued).toBe(1)
    const [close, attempt] = shouldRetry.mock.calls[0]!
    expect(close).toMatchObject({
      code: 1006,
      reason: 'handshake failed: bad token',
      initiator: 'client',
      wasClean: false,
    })
    expect(close.openForMs).toBe(0)
    expect(attempt).toBe(1)
    expect(state.nextRetryAt! - close.at).toBe(1000)
  })

  it('a rejection does the same, and the default policy retries it', async () => {
    const { connection, socket, clock, sockets } = fakeConnection({
      handshake: async (session) => {
        const reply = await session.receive<string>()
        if (reply !== 'ok') throw new Error(`refused: ${reply}`)
      },
    })
    connection.connect()
    socket().open()
    socket().receive('"no"')
    await settle()
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().error?.message).toBe('refused: no')
    clock.next()
    expect(sockets()).toHaveLength(2)
    socket().open()
    socket().receive('"ok"')
    await settle()
    expect(connection.getState().status).toBe('open')
    expect(connection.getState().error).toBeNull()
  })

  it('the reason in the history has secrets redacted; the error itself is kept as thrown', async () => {
    const failure = new Error('refused wss://x.test/live?token=abc123')
    const { connection, socket } = fakeConnection({ handshake: () => Promise.reject(failure) })
    connection.connect()
    socket().open()
    await settle()
    expect(connection.getState().error).toBe(failure)
    expect(connection.getHistory()[0]?.reason).not.toContain('abc123')
  })

  it('a non-Error rejection becomes an Error', async () => {
    const { connection, socket } = fakeConnection({ handshake: () => Promise.reject('nope') })
    connection.connect()
    socket().open()
    await settle()
    expect(connection.getState().error).toBeInstanceOf(Error)
    expect(connection.getState().error?.message).toBe('nope')
  })

  it('is bounded by connectTimeout, and its signal aborts when the attempt is abandoned', async () => {
    let session!: Session
    let received: Promise<unknown> | undefined
    const { connection, socket, clock } = fakeConnection({
      connectTimeout: 3000,
      handshake: (s) => {
        session = s
        received = s.receive(isJoined)
        return new Promise(() => {})
      },
    })
    connection.connect()
    clock.advance(1000)
    socket().open()
    clock.advance(1999)
    expect(connection.getState().status).toBe('connecting')
    expect(session.signal.aborted).toBe(false)
    clock.advance(1)
    expect(connection.getState().status).toBe('reconnecting')
    expect(connection.getState().error?.message).toMatch(/Connect timeout/)
    expect(connection.getState().lastClose).toMatchObject({ initiator: 'timeout', openForMs: 2000 })
    expect(session.signal.aborted).toBe(true)
    await expect(received).rejects.toThrow(/abandoned/)
    expect(() => session.send('late')).toThrow(/abandoned/)
  })

  it('a server close during the handshake is an ordinary close; the late settle is ignored', async () => {
    let finish!: () => void
    let session!: Session
    const { connection, socket } = fakeConnection({
      closeCodes: { 4401: { name: 'Token Expired' } },
      handshake: (s) => {
        session = s
        return new Promise<void>((resolve) => {
          finish = resolve
        })
      },
    })
    connection.connect()
    socket().open()
    socket().closeFromServer(4401, 'token expired')
    expect(session.signal.aborted).toBe(true)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().lastClose).toMatchObject({ code: 4401, initiator: 'server' })
    finish()
    await settle()
    expect(connection.getState().status).toBe('reconnecting')
  })

  it("the late settle of an abandoned handshake leaves the next socket's handshake running", async () => {
    const finishes: (() => void)[] = []
    const { connection, socket, clock } = fakeConnection({
      retry: { jitter: 'none', initialDelay: 100 },
      handshake: (session) => {
        if (finishes.length === 0) return new Promise<void>((resolve) => finishes.push(resolve))
        finishes.push(() => {})
        return session.receive(isJoined).then(() => {})
      },
    })
    connection.connect()
    socket().open()
    socket().closeFromServer(1006)
    clock.advance(100)
    socket().open()
    finishes[0]!()
    await settle()
    socket().receive('{"type":"joined"}')
    await settle()
    expect(connection.getState().status).toBe('open')
  })

  it('close() during the handshake closes on purpose', () => {
    let session!: Session
    const { connection, socket } = fakeConnection({
      handshake: (s) => {
        session = s
        return new Promise(() => {})
      },
    })
    connection.connect()
    socket().open()
    connection.close()
    expect(connection.getState().status).toBe('closing')
    expect(session.signal.aborted).toBe(true)
    socket().closeFromServer(1000)
    expect(connection.getState().status).toBe('closed')
  })

  it('heartbeats run during the handshake, and a silent socket is found dead', () => {
    const { connection, socket, clock } = fakeConnection({
      connectTimeout: 60_000,
      heartbeat: { interval: 1000, timeout: 500 },
      handshake: () => new Promise(() => {}),
    })
    connection.connect()
    socket().open()
    clock.advance(1000)
    expect(socket().sent).toEqual(['{"type":"ping"}'])
    socket().receive('{"type":"pong"}')
    expect(connection.getState().latency).toBe(0)
    clock.advance(1000)
    clock.advance(500)
    expect(connection.getState().status).toBe('reconnecting')
    expect(connection.getState().lastClose?.initiator).toBe('heartbeat')
  })

  it('receive with a timeout rejects with what it waited for', async () => {
    const { connection, socket, clock } = fakeConnection({
      handshake: (session) => session.receive((data) => data === 'joined', { timeout: 2000 }).then(() => {}),
    })
    connection.connect()
    socket().open()
    clock.advance(2000)
    await settle()
    const error = connection.getState().error
    expect(error?.message).toMatch(/timed out after 2000 ms waiting for a message matching/)
    expect(error?.message).toMatch(/data === .joined./)
  })

  it('receive takes only a held message that matches, and one receive takes one message', async () => {
    const taken: unknown[] = []
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await Promise.resolve()
        await Promise.resolve()
        taken.push(await session.receive(isJoined))
        taken.push(await session.receive(isJoined))
      },
    })
    const seen: unknown[] = []
    connection.onMessage((data) => seen.push(data))
    connection.connect()
    socket().open()
    socket().receive('greeting')
    await settle()
    socket().receive('{"type":"joined","n":1}')
    await settle()
    socket().receive('news')
    socket().receive('{"type":"joined","n":2}')
    await settle()
    expect(taken).toEqual([
      { type: 'joined', n: 1 },
      { type: 'joined', n: 2 },
    ])
    expect(connection.getState().status).toBe('open')
    expect(seen).toEqual(['greeting', 'news'])
  })

  it('receive without a timeout waits as long as it takes, and a settled one leaves no timer', async () => {
    const { connection, socket, clock } = fakeConnection({
      handshake: async (session) => {
        await session.receive(isJoined, { timeout: 5000 })
        await session.receiveMessage()
      },
      connectTimeout: 60_000,
    })
    connection.connect()
    socket().open()
    socket().receive('{"type":"joined"}')
    await settle()
    expect(clock.pending).toBe(1) // the connect timer alone
    clock.advance(59_000)
    socket().receive('anything')
    await settle()
    expect(connection.getState()).toMatchObject({ status: 'open', error: null })
  })

  it('a timed-out receive names at most 80 characters of its match', async () => {
    const match = (data: unknown) =>
      data === 'a long and carefully written match function that goes on and on and on'
    const { connection, socket, clock } = fakeConnection({
      handshake: (session) => session.receive(match, { timeout: 1000 }).then(() => {}),
    })
    connection.connect()
    socket().open()
    clock.advance(1000)
    await settle()
    expect(connection.getState().error?.message).toBe(
      `Handshake receive timed out after 1000 ms waiting for a message matching ${String(match).slice(0, 80)}.`,
    )
  })

  it('a message a throwing match rejected is still handed to the app when the handshake goes on', async () => {
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await session
          .receive(() => {
            throw new Error('match broke')
          })
          .catch(() => {})
        await session.receive(isJoined)
      },
    })
    const seen: unknown[] = []
    connection.onMessage((data) => seen.push(data))
    connection.connect()
    socket().open()
    socket().receive('x')
    await settle()
    socket().receive('{"type":"joined"}')
    await settle()
    expect(connection.getState().status).toBe('open')
    expect(seen).toEqual(['x'])
  })

  it('a match that throws rejects that receive', async () => {
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await session.receive(() => {
          throw new Error('match broke')
        })
      },
    })
    connection.connect()
    socket().open()
    socket().receive('x')
    await settle()
    expect(connection.getState().error?.message).toBe('match broke')
  })

  it('session.send checks its input and sendJson refuses what JSON cannot hold', async () => {
    const errors: string[] = []
    const { connection, socket } = fakeConnection({
      handshake: (session) => {
        for (const bad of [() => session.send({} as string), () => session.sendJson(undefined)]) {
          try {
            bad()
          } catch (error) {
            errors.push((error as Error).message)
          }
        }
      },
    })
    connection.connect()
    socket().open()
    expect(errors[0]).toMatch(/send takes a string/)
    expect(errors[1]).toBe('sendJson: no JSON for undefined')
    expect(connection.getState().status).toBe('open')
  })

  it('a handshake that is not a function is a TypeError naming the option', () => {
    expect(() => fakeConnection({ handshake: 'auth' as never })).toThrow(TypeError)
    expect(() => fakeConnection({ handshake: {} as never })).toThrow(/handshake must be a function/)
  })
})

describe('closeCodes retryImmediately', () => {
  const options = {
    closeCodes: { 4401: { name: 'Token Expired', retry: true, retryImmediately: true } },
    retry: { initialDelay: 1000, jitter: 'none' as const, minUptime: 5000 },
  }

  it('a stable connection closed with such a code comes back at once', () => {
    const { connection, socket, sockets, clock, statuses } = fakeConnection(options)
    connection.connect()
    socket().open()
    clock.advance(60_000)
    socket().closeFromServer(4401, 'token expired')
    expect(sockets()).toHaveLength(2)
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1, nextRetryAt: null })
    socket().open()
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting', 'open'])
    clock.advance(5000)
    expect(connection.getState().attempt).toBe(0)
  })

  it('the same close again before minUptime backs off as usual', () => {
    const { connection, socket, sockets, clock } = fakeConnection(options)
    connection.connect()
    socket().open()
    socket().closeFromServer(4401, 'token expired')
    socket().open()
    socket().closeFromServer(4401, 'token expired')
    expect(sockets()).toHaveLength(2)
    const state = connection.getState()
    expect(state).toMatchObject({ status: 'reconnecting', attempt: 2 })
    expect(state.nextRetryAt! - clock.now()).toBe(2000)
  })

  it('other codes keep their backoff', () => {
    const { connection, socket, sockets } = fakeConnection(options)
    connection.connect()
    socket().open()
    socket().closeFromServer(4000, 'other')
    expect(sockets()).toHaveLength(1)
    expect(connection.getState().nextRetryAt).not.toBeNull()
  })

  it('receive resolves with the parsed JSON, so a value typed T is a T; match gets the data and its parse', async () => {
    let reply: { type: string; room: string } | undefined
    const matched: [unknown, unknown][] = []
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        session.sendJson({ type: 'join', room: 'lobby' })
        reply = await session.receive<{ type: string; room: string }>((data, json) => {
          matched.push([data, json])
          return (json as { type?: string } | undefined)?.type === 'joined'
        })
      },
    })
    connection.connect()
    socket().open()
    socket().receive('plain text')
    socket().receive('{"type":"joined","room":"lobby"}')
    await settle()
    expect(reply?.room).toBe('lobby')
    expect(matched).toEqual([
      ['plain text', undefined],
      ['{"type":"joined","room":"lobby"}', { type: 'joined', room: 'lobby' }],
    ])
    expect(connection.getState().status).toBe('open')
  })

  it('receive rejects a message that is not JSON, saying how to take raw frames; the attempt fails', async () => {
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await session.receive<{ ok: boolean }>()
      },
    })
    connection.connect()
    socket().open()
    socket().receive('OK')
    await settle()
    expect(connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
    expect(connection.getState().error).toBeInstanceOf(TypeError)
    expect(connection.getState().error?.message).toMatch(/not JSON text.*session\.receiveMessage\(\)/)
  })

  it('receive rejects a message that is not JSON with error 41 in production builds', async () => {
    vi.stubEnv('NODE_ENV', 'production')
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        await session.receive()
      },
    })
    connection.connect()
    socket().open()
    socket().receive('OK')
    await settle()
    vi.unstubAllEnvs()
    expect(connection.getState().error).toBeInstanceOf(TypeError)
    expect(connection.getState().error?.message).toMatch(
      /^react-lifeline error 41; see .*errors\.md#error-41$/,
    )
  })

  it('receiveMessage keeps raw frames reachable: text and binary, with the parse when there is one', async () => {
    const taken: unknown[] = []
    const bytes = new Uint8Array([1, 2]).buffer
    const { connection, socket } = fakeConnection({
      handshake: async (session) => {
        taken.push(await session.receiveMessage((data) => data instanceof ArrayBuffer))
        taken.push(await session.receiveMessage())
        taken.push(await session.receiveMessage())
      },
    })
    connection.connect()
    socket().open()
    socket().receive('OK')
    socket().receive(bytes)
    socket().receive('null')
    await settle()
    expect(taken).toEqual([
      { data: bytes, json: undefined },
      { data: 'OK', json: undefined },
      { data: 'null', json: null },
    ])
    expect(connection.getState().status).toBe('open')
  })
})
