import { describe, expect, it } from 'vitest'
import { redactText, redactUrl } from '../../src/core/redact'

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
