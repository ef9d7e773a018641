import { afterEach, describe, expect, test } from 'vitest'
import { createMockServer, type MockServer } from '../../src/testing/index'

const servers: MockServer[] = []
afterEach(() => {
  for (const server of servers.splice(0)) server.dispose()
})

describe('createMockServer: bad input gets an error that says what to fix', () => {
  test('a URL that is not ws:// or wss://, with secrets redacted', () => {
    expect(() => createMockServer('http://app.test/live?token=abc')).toThrow(
      'createMockServer(url) takes a ws:// or wss:// URL, not http:// ("http://app.test/live?token=[redacted]")',
    )
    expect(() => createMockServer('not a url?key=k')).toThrow(
      'takes an absolute ws:// or wss:// URL, got "not a url?key=[redacted]"',
    )
    expect(() => createMockServer(42 as unknown as string)).toThrow(
      'takes a ws:// or wss:// URL string, got number',
    )
  })

  test('a path is taken relative to the page, as the library does', () => {
    const server = createMockServer('/live')
    servers.push(server)
    expect(server.url).toBe(`ws://${location.host}/live`)
  })

  test('two mock servers for one URL: the error names the URL, redacted', () => {
    servers.push(createMockServer('wss://app.test/live?token=one'))
    expect(() => createMockServer('wss://app.test/live?token=two')).toThrow(
      'a mock server for wss://app.test/live already exists; dispose() the first one',
    )
    // Credentials in the URL are not part of what a server answers for, so they never show.
    expect(() => createMockServer('wss://user:pw@app.test/live')).toThrow(
      /a mock server for wss:\/\/app\.test\/live already exists/,
    )
  })

  test('every use after dispose() throws, naming the server', () => {
    const server = createMockServer('ws://app.test/gone?sig=s3cret')
    server.dispose()
    server.dispose() // twice is harmless
    for (const use of [
      () => server.send('x'),
      () => server.sendJson({}),
      () => server.close(),
      () => server.drop(),
      () => server.goSilent(),
      () => server.refuse(),
      () => server.restore(),
      () => server.nextMessage(),
      () => server.nextConnection(),
    ]) {
      expect(use).toThrow(
        /on the mock server for ws:\/\/app\.test\/gone\?sig=\[redacted\], which was disposed; create a new one/,
      )
    }
    // The URL is free again.
    servers.push(createMockServer('ws://app.test/gone'))
  })

  test('close codes no close frame can carry, long reasons, odd data and options', () => {
    const server = createMockServer('ws://app.test/x')
    servers.push(server)
    expect(() => server.close(1006)).toThrow('use drop() for a connection that ends without a close frame')
    expect(() => server.close(999)).toThrow('close(code) takes 1000-4999')
    expect(() => server.close(4000, 'x'.repeat(124))).toThrow('at most 123 bytes')
    expect(() => server.send({ a: 1 } as unknown as string)).toThrow('use sendJson for other values')
    expect(() => server.refuse(0)).toThrow('refuse(times) takes a whole number above 0')
    expect(() => server.nextMessage('x' as unknown as () => boolean)).toThrow(
      'nextMessage(match) takes a function',
    )
    expect(() => createMockServer('ws://app.test/y', { heartbeat: true as unknown as false })).toThrow(
      'the heartbeat option is false or { isPing(message) => boolean',
    )
  })
})
