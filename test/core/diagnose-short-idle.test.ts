import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo } from '../../src/core/types'
import { closeInfo, failedAttempt, SECOND, shortLived, spaced } from '../support/close-info'

/** A socket that heard nothing from open to close: idle for its whole life. */
const silent = (lifeMs: number, fields: Partial<CloseInfo> = {}) =>
  closeInfo(1006, { openForMs: lifeMs, idleForMs: lifeMs, wasClean: false, ...fields })

function ids(history: CloseInfo[]): string[] {
  return diagnose(history).map((diagnosis) => diagnosis.id)
}

describe('idle-timeout shorter than ten seconds', () => {
  // Recorded behind nginx with proxy_read_timeout 2s (test/integration/nginx-idle.test.ts
  // reproduces it): a quiet connection is dropped every 2 s, with a failed retry now and then.
  const recorded = spaced(
    [silent(2_000), silent(2_003), failedAttempt(), silent(2_004), silent(2_001)],
    2_300,
  )

  it('calls near-constant silent lifetimes an idle timeout, not flapping, and names the period', () => {
    const found = diagnose(recorded)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['idle-timeout'])
    const [timeout] = found
    expect(timeout!.evidence).toHaveLength(4)
    expect(timeout!.summary).toContain('4 connections closed after about 2 s without a message')
    expect(timeout!.advice).toContain('Never let 2 s pass in silence')
    expect(timeout!.advice).toContain('interval: 1000')
  })

  it('finds a 5 s timeout with the usual measuring noise', () => {
    expect(ids(spaced([silent(5_010), silent(4_990), silent(5_120)], 6 * SECOND))).toEqual(['idle-timeout'])
  })

  it('suggests whole seconds under half a short period', () => {
    const found = diagnose(spaced([silent(5_010), silent(4_990), silent(5_120)], 6 * SECOND))
    expect(found[0]!.advice).toContain('e.g. heartbeat: { interval: 2000 } (2 s)')
  })

  it('counts silent lifetimes of exactly one second', () => {
    const history = spaced([silent(1_000), silent(1_000), silent(1_000)], 2 * SECOND)
    expect(ids(history)).toEqual(['idle-timeout'])
  })

  it('gives the 2 s tolerance from 10 s up: a silent 9 s joins drops at 10 s', () => {
    const history = spaced([
      closeInfo(1006, { idleForMs: 10_000 }),
      closeInfo(1006, { idleForMs: 10_000 }),
      silent(9_000),
    ])
    expect(diagnose(history).find((d) => d.id === 'idle-timeout')?.evidence).toEqual(history)
  })

  it('must not take an attempt that never opened for a silent life, whatever its idle time says', () => {
    const history = spaced(
      [1, 2, 3].map(() => closeInfo(1006, { openForMs: null, idleForMs: 2_000 })),
      3 * SECOND,
    )
    expect(ids(history)).not.toContain('idle-timeout')
  })

  it('must not fire when the connections carried messages: that is flapping', () => {
    const chatty = spaced(
      [2_000, 2_003, 2_004].map((life) => closeInfo(1006, { openForMs: life, idleForMs: 150 })),
      3 * SECOND,
    )
    expect(ids(chatty)).toEqual(['flapping'])
  })

  it('must not fire when silent lifetimes vary: a server dropping young sockets is flapping', () => {
    expect(ids(spaced([silent(2_000), silent(3_100), silent(4_400)], 5 * SECOND))).toEqual(['flapping'])
  })

  it('must not fire below a second, where a server refuses right after the handshake', () => {
    expect(ids(spaced([shortLived(300), shortLived(302), shortLived(301)], 2 * SECOND))).toEqual(['flapping'])
  })
})
