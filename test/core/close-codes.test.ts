import { describe, expect, it } from 'vitest'
import { assertClientCloseCode, describeCloseCode, isClientCloseCode } from '../../src/core/close-codes'

describe('describeCloseCode', () => {
  it('names and classifies every standard code 1000-1015 as API.md says', () => {
    const noRetry = [1000, 1002, 1003, 1007, 1008, 1009, 1010, 1015]
    const retry = [1001, 1005, 1006, 1011, 1012, 1013, 1014]
    for (let code = 1000; code <= 1015; code++) {
      const info = describeCloseCode(code)
      expect(info.code).toBe(code)
      expect(info.name.length).toBeGreaterThan(3)
      expect(info.description).toMatch(/\.$/)
      if (noRetry.includes(code)) expect(info.retry, String(code)).toBe(false)
      if (retry.includes(code)) expect(info.retry, String(code)).toBe(true)
    }
    expect(describeCloseCode(1000).name).toBe('Normal Closure')
    expect(describeCloseCode(1001).name).toBe('Going Away')
    expect(describeCloseCode(1006).name).toBe('Abnormal Closure')
    expect(describeCloseCode(1008).name).toBe('Policy Violation')
    expect(describeCloseCode(1013).name).toBe('Try Again Later')
  })

  it('describes the registered and application ranges and retries them by default', () => {
    expect(describeCloseCode(3001)).toMatchObject({ name: 'Registered Code', retry: true })
    expect(describeCloseCode(4000)).toMatchObject({ name: 'Application Code', retry: true })
    expect(describeCloseCode(4999)).toMatchObject({ name: 'Application Code', retry: true })
    expect(describeCloseCode(2000).name).toBe('Reserved')
    expect(describeCloseCode(5000).name).toBe('Unknown Code')
  })

  it('applies closeCodes overrides but keeps the code', () => {
    const info = describeCloseCode(4401, { 4401: { name: 'Unauthorized', retry: false, code: 1 } })
    expect(info).toMatchObject({ code: 4401, name: 'Unauthorized', retry: false })
    expect(info.description).toMatch(/application/)
  })
})

describe('client close codes', () => {
  it('allows 1000 and 3000-4999 only', () => {
    expect([1000, 3000, 4000, 4999].every(isClientCloseCode)).toBe(true)
    expect([999, 1001, 1006, 1015, 2999, 5000, 4000.5, Number.NaN].some(isClientCloseCode)).toBe(false)
  })

  it('throws a RangeError that says what to use instead', () => {
    expect(() => assertClientCloseCode(1006)).toThrow(RangeError)
    expect(() => assertClientCloseCode(1006)).toThrow(/1000 or a code from 3000 to 4999/)
    expect(() => assertClientCloseCode(1000)).not.toThrow()
  })
})
