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
    expect(found?.summary).toBe('3 handshakes failed before the socket opened (HTTP 401, 403).')
    expect(found?.evidence).toHaveLength(3)
  })

  it('says the status is hidden, and where to look, for a browser history', () => {
    const found = diagnose(spaced([refused(), refused(), refused()])).find(
      (d) => d.id === 'refused-handshake',
    )
    expect(found?.summary).toMatch(/HTTP status is not known/)
    expect(found?.advice).toMatch(/Browsers hide .* Network tab/)
  })

  it('does not fire on two failures, on connect timeouts or on drops while offline', () => {
    expect(diagnose(spaced([refused(), refused()]))).toEqual([])
    const timeouts = spaced([1, 2, 3].map(() => refused({ initiator: 'timeout' })))
    expect(diagnose(timeouts).map((d) => d.id)).not.toContain('refused-handshake')
    const offline = spaced([1, 2, 3].map(() => refused({ initiator: 'network', offline: true })))
    expect(diagnose(offline).map((d) => d.id)).not.toContain('refused-handshake')
  })
})
