import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import { closeInfo, spaced } from '../support/close-info'

// Handshakes refused before the socket opens (issue 10): Node's ws names the HTTP status,
// browsers hide it, and the diagnosis says where to look.
const refused = (fields = {}) =>
  closeInfo(1006, { openForMs: null, idleForMs: null, initiator: 'server', ...fields })

describe('refused-handshake', () => {
  it('names the HTTP statuses when the platform reported them', () => {
    const history = spaced([
      refused({ httpStatus: 401 }),
      refused({ httpStatus: 401 }),
      refused({ httpStatus: 403 }),
    ])
    const found = diagnose(history).find((diagnosis) => diagnosis.id === 'refused-handshake')
    expect(found?.summary).toBe('3 connection attempts refused before the socket opened (HTTP 401, 403).')
    expect(found?.evidence).toHaveLength(3)
  })

  it('says the status is hidden, and where to look, for a browser history', () => {
    const found = diagnose(spaced([refused(), refused(), refused()])).find(
      (d) => d.id === 'refused-handshake',
    )
    expect(found?.summary).toMatch(/HTTP status is not known/)
    expect(found?.advice).toMatch(/Browsers hide .* Network tab/)
  })

  it('says in full where to look when the browser hid the status', () => {
    const history = spaced([refused(), refused(), refused(), refused()])
    const found = diagnose(history).find((d) => d.id === 'refused-handshake')
    expect(found?.severity).toBe('warning')
    expect(found?.evidence).toEqual(history)
    expect(found?.summary).toBe(
      '4 connection attempts refused before the socket opened: the server is down or refuses the WebSocket upgrade; ' +
        'the HTTP status is not known.',
    )
    expect(found?.advice).toBe(
      'Browsers hide why an upgrade was refused and report a plain 1006: look for the request in the Network tab ' +
        "of the browser's devtools or in the server's and proxy's logs. 401/403 means credentials (a function " +
        'url can fetch a fresh token for every attempt), 404 a wrong path or a proxy that does not forward ' +
        'the upgrade, 5xx a server or proxy in trouble.',
    )
  })

  it('names the statuses that were reported when some were not', () => {
    const history = spaced([refused(), refused({ httpStatus: 502 }), refused()])
    const found = diagnose(history).find((d) => d.id === 'refused-handshake')
    expect(found?.summary).toBe('3 connection attempts refused before the socket opened (HTTP 502).')
  })

  it('does not count sockets that opened, or other codes', () => {
    const opened = spaced([refused(), refused(), refused({ openForMs: 100, idleForMs: 100 })])
    expect(diagnose(opened).map((d) => d.id)).not.toContain('refused-handshake')
    const otherCode = spaced([refused(), refused(), refused({ code: 1011 })])
    expect(diagnose(otherCode).map((d) => d.id)).not.toContain('refused-handshake')
  })

  it('does not fire on two failures, on connect timeouts or on drops while offline', () => {
    expect(diagnose(spaced([refused(), refused()]))).toEqual([])
    const timeouts = spaced([1, 2, 3].map(() => refused({ initiator: 'timeout' })))
    expect(diagnose(timeouts).map((d) => d.id)).not.toContain('refused-handshake')
    const offline = spaced([1, 2, 3].map(() => refused({ initiator: 'network', offline: true })))
    expect(diagnose(offline).map((d) => d.id)).not.toContain('refused-handshake')
  })
})
