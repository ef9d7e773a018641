import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseJson } from '../../src/core/json'

afterEach(() => {
  vi.restoreAllMocks()
})

describe('parseJson', () => {
  it('parses JSON text, and says undefined for what is not JSON text', () => {
    expect(parseJson('{"a":1}')).toEqual({ a: 1 })
    expect(parseJson('null')).toBeNull()
    expect(parseJson('not json')).toBeUndefined()
    expect(parseJson(new ArrayBuffer(2))).toBeUndefined()
  })

  it('parses the same message once when two readers ask (topic routing, then a hook)', () => {
    const parse = vi.spyOn(JSON, 'parse')
    const text = '{"type":"chat","text":"once"}'
    const first = parseJson(text)
    expect(parseJson(text)).toBe(first)
    expect(parse).toHaveBeenCalledTimes(1)
    parseJson('{"type":"chat","text":"next"}')
    expect(parse).toHaveBeenCalledTimes(2)
  })
})
