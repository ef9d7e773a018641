import { describe, expect, it } from 'vitest'
import { redactText, redactUrl, toSafeError } from '../../src/core/redact'

describe('redactUrl', () => {
  it.each([
    'token',
    'access_token',
    'auth',
    'key',
    'apikey',
    'password',
    'signature',
    'sig',
    'jwt',
    'session',
    'X-Api-Key',
  ])('redacts the value of %s', (key) => {
    const url = `wss://h/s?room=7&${key}=s3cr3t&x=1`
    expect(redactUrl(url)).toBe(`wss://h/s?room=7&${key}=[redacted]&x=1`)
  })

  it('keeps harmless keys and redacts user:password', () => {
    expect(redactUrl('wss://user:pw@h/s?room=1&keyboard=qwerty')).toBe(
      'wss://[redacted]@h/s?room=1&keyboard=qwerty',
    )
  })

  it('redacts URLs inside free text', () => {
    expect(redactText('failed: ws://h/s?token=abc (timeout)')).toBe(
      'failed: ws://h/s?token=[redacted] (timeout)',
    )
  })
})

describe('redaction in free text and errors', () => {
  it('redacts the password of a URL inside a sentence', () => {
    expect(redactText('cannot reach wss://ann:hunter2@h.test/ws now')).toBe(
      'cannot reach wss://[redacted]@h.test/ws now',
    )
  })

  it('keeps an error that has nothing to hide, and keeps a SyntaxError a SyntaxError', () => {
    const clean = new TypeError('no route')
    expect(toSafeError(clean)).toBe(clean)
    const syntax = toSafeError(new SyntaxError('bad wss://h.test/?token=abc'))
    expect(syntax).toBeInstanceOf(SyntaxError)
    expect(syntax.message).toBe('bad wss://h.test/?token=[redacted]')
    const other = toSafeError(new TypeError('bad wss://h.test/?token=abc'))
    expect(other).not.toBeInstanceOf(SyntaxError)
    expect(other.message).toBe('bad wss://h.test/?token=[redacted]')
    const text = toSafeError('SyntaxError at wss://h.test/?token=abc')
    expect(text).not.toBeInstanceOf(SyntaxError)
  })
})
