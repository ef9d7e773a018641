import { describe, expect, it } from 'vitest'
import {
  assertClientCloseCode,
  describeCloseCode,
  isClientCloseCode,
  toCloseReason,
} from '../../src/core/close-codes'

describe('describeCloseCode', () => {
  it('names and classifies every standard code 1000-1015 as API.md says', () => {
    // [name, retry] for each code; 1004 has no meaning but is in the table too.
    const table: Record<number, [string, boolean]> = {
      1000: ['Normal Closure', false],
      1001: ['Going Away', true],
      1002: ['Protocol Error', false],
      1003: ['Unsupported Data', false],
      1004: ['Reserved', true],
      1005: ['No Status Received', true],
      1006: ['Abnormal Closure', true],
      1007: ['Invalid Frame Payload Data', false],
      1008: ['Policy Violation', false],
      1009: ['Message Too Big', false],
      1010: ['Mandatory Extension', false],
      1011: ['Internal Error', true],
      1012: ['Service Restart', true],
      1013: ['Try Again Later', true],
      1014: ['Bad Gateway', true],
      1015: ['TLS Handshake Failed', false],
    }
    const descriptions = new Set<string>()
    for (let code = 1000; code <= 1015; code++) {
      const info = describeCloseCode(code)
      const [name, retry] = table[code] as [string, boolean]
      expect(info, String(code)).toMatchObject({ code, name, retry })
      expect(info.description, String(code)).toMatch(/^[A-Z].{20,}\.$/)
      descriptions.add(info.description)
    }
    // One sentence per code, none left empty or shared by a copy-paste slip.
    expect(descriptions.size).toBe(16)
  })

  it('describes the reserved, registered and application ranges to their boundaries, and retries them by default', () => {
    const ranges: [number[], string, RegExp][] = [
      [[1016, 2000, 2999], 'Reserved', /reserved for future WebSocket versions\.$/],
      [[3000, 3001, 3999], 'Registered Code', /registered by a library or framework\.$/],
      [[4000, 4401, 4999], 'Application Code', /closeCodes option\.$/],
      [[0, 999, 5000, 65535], 'Unknown Code', /WebSocket protocol does not define\.$/],
    ]
    for (const [codes, name, description] of ranges) {
      for (const code of codes) {
        expect(describeCloseCode(code), String(code)).toMatchObject({ code, name, retry: true })
        expect(describeCloseCode(code).description, String(code)).toMatch(description)
      }
    }
  })

  it('applies closeCodes overrides but keeps the code', () => {
    const info = describeCloseCode(4401, { 4401: { name: 'Unauthorized', retry: false, code: 1 } })
    expect(info).toMatchObject({ code: 4401, name: 'Unauthorized', retry: false })
    expect(info.description).toMatch(/application/)
    // An override for another code changes nothing here.
    expect(describeCloseCode(4402, { 4401: { retry: false } })).toMatchObject({ code: 4402, retry: true })
  })
})

describe('close reasons', () => {
  const bytes = (text: string) => new TextEncoder().encode(text).length

  it('keeps a reason of exactly 123 bytes and cuts one of 124 at 123', () => {
    expect(toCloseReason('a'.repeat(123))).toBe('a'.repeat(123))
    expect(toCloseReason('a'.repeat(124))).toBe('a'.repeat(123))
    expect(toCloseReason('')).toBe('')
  })

  it('never splits a character, whatever its width in UTF-8', () => {
    // 2-, 3- and 4-byte characters, each placed to straddle the 123rd byte.
    expect(toCloseReason('é'.repeat(100))).toBe('é'.repeat(61)) // 122 bytes: a 124th would split
    expect(toCloseReason('€'.repeat(50))).toBe('€'.repeat(41)) // 123 bytes exactly
    expect(toCloseReason(`a${'€'.repeat(50)}`)).toBe(`a${'€'.repeat(40)}`) // 121: the next ends at 124
    expect(toCloseReason('😀'.repeat(40))).toBe('😀'.repeat(30)) // 120: the next ends at 124
    expect(toCloseReason(`abc${'😀'.repeat(40)}`)).toBe(`abc${'😀'.repeat(30)}`) // 123 exactly
    for (const reason of ['é'.repeat(100), '€'.repeat(50), '😀'.repeat(40)]) {
      expect(bytes(toCloseReason(reason))).toBeLessThanOrEqual(123)
    }
  })

  it('refuses a reason that is not a string, saying which argument', () => {
    expect(() => toCloseReason(42)).toThrow(TypeError)
    expect(() => toCloseReason(42)).toThrow('close(code, reason): reason must be a string.')
  })
})

describe('client close codes', () => {
  it('allows 1000 and 3000-4999 only', () => {
    expect([1000, 3000, 4000, 4999].every(isClientCloseCode)).toBe(true)
    expect([999, 1001, 1006, 1015, 2999, 5000, 4000.5, 3000.5, Number.NaN].some(isClientCloseCode)).toBe(
      false,
    )
  })

  it('throws a RangeError that says what to use instead', () => {
    expect(() => assertClientCloseCode(1006)).toThrow(RangeError)
    expect(() => assertClientCloseCode(1006)).toThrow(
      /^close\(1006\): a client may only send 1000 or a code from 3000 to 4999\. /,
    )
    expect(() => assertClientCloseCode(1006)).toThrow(/use 1000, or pick an application code in 4000-4999\.$/)
    expect(() => assertClientCloseCode(1000)).not.toThrow()
  })
})
