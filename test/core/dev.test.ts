import { afterEach, describe, expect, it, vi } from 'vitest'
import { assertFunction, callSafely, reportListenerError, warnOnce } from '../../src/core/dev'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
})

describe('warnOnce', () => {
  it('prints each distinct message once, prefixed with the library name', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    warnOnce('dev.test first message')
    warnOnce('dev.test first message')
    warnOnce('dev.test second message')
    expect(warn.mock.calls).toEqual([
      ['react-lifeline: dev.test first message'],
      ['react-lifeline: dev.test second message'],
    ])
  })
})

describe('reportListenerError', () => {
  it('hands the error to reportError when the host has one', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failure = new Error('listener failed')
    reportListenerError(failure)
    expect(reportError).toHaveBeenCalledExactlyOnceWith(failure)
    expect(error).not.toHaveBeenCalled()
  })

  it('logs it with console.error when reportError is missing or not a function', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const failure = new Error('listener failed')
    vi.stubGlobal('reportError', undefined)
    reportListenerError(failure)
    vi.stubGlobal('reportError', 'not a function')
    reportListenerError(failure)
    expect(error.mock.calls).toEqual([[failure], [failure]])
  })
})

describe('callSafely', () => {
  it('runs the callback and reports a throw instead of passing it on', () => {
    const reportError = vi.fn()
    vi.stubGlobal('reportError', reportError)
    const ran = vi.fn()
    callSafely(ran)
    expect(ran).toHaveBeenCalledOnce()
    expect(reportError).not.toHaveBeenCalled()
    const failure = new Error('boom')
    expect(() =>
      callSafely(() => {
        throw failure
      }),
    ).not.toThrow()
    expect(reportError).toHaveBeenCalledExactlyOnceWith(failure)
  })
})

describe('assertFunction', () => {
  it('accepts a function and names the method and the type of anything else', () => {
    expect(() => assertFunction('subscribe', () => {})).not.toThrow()
    expect(() => assertFunction('onMessage', 'x')).toThrow(TypeError)
    expect(() => assertFunction('onMessage', 'x')).toThrow(
      'react-lifeline: onMessage(listener) takes a function, got string.',
    )
  })

  it('throws the same type with the error code in production', () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => assertFunction('onMessage', null)).toThrow(TypeError)
    expect(() => assertFunction('onMessage', null)).toThrow(
      'react-lifeline error 26 (onMessage); see https://unpkg.com/react-lifeline/docs/errors.md#error-26',
    )
  })
})
