import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo, Diagnosis } from '../../src/core/types'
import { closeInfo, heartbeatDead, idleDrop, MINUTE, SECOND, spaced } from '../support/close-info'

const HOUR = 60 * MINUTE

/**
 * A socket ended at `lifeMs` of uptime by something that counts age, not silence: it had heard
 * from the server `idleMs` before (a busy stream: well under its lifetime).
 */
const capped = (lifeMs: number, code = 1006, fields: Partial<CloseInfo> = {}) =>
  closeInfo(code, { openForMs: lifeMs, idleForMs: 2 * SECOND, ...fields })

function ids(history: CloseInfo[], options?: Parameters<typeof diagnose>[1]): string[] {
  return diagnose(history, options).map((diagnosis) => diagnosis.id)
}

function find(history: CloseInfo[], id: string): Diagnosis {
  const found = diagnose(history).find((diagnosis) => diagnosis.id === id)
  if (!found) throw new Error(`expected a '${id}' diagnosis, got [${ids(history).join(', ')}]`)
  return found
}

const REASSURANCE =
  'The client reconnects on its own, and with the send queue on and topics (which resume from their position) ' +
  'nothing is lost; to choose when the drop happens, call reconnect() at a quiet moment before the limit.'

describe('lifetime-cap', () => {
  it("names AWS API Gateway's 2-hour limit for drops at about 2 h of uptime, in full", () => {
    // Closed with 1001 here (1006 counts the same); each connection lives its 2 h, the next one
    // starts a second later.
    const history = spaced(
      [
        capped(2 * HOUR + 400, 1001, { idleForMs: 300 }),
        capped(2 * HOUR - 900, 1001, { idleForMs: 40 * SECOND }),
        capped(2 * HOUR + 1_200, 1001, { idleForMs: 5 * SECOND }),
      ],
      2 * HOUR + SECOND,
    )
    const found = find(history, 'lifetime-cap')
    expect(ids(history)).toEqual(['lifetime-cap'])
    expect(found.severity).toBe('warning')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toBe(
      '3 connections closed after being open for about 2 h (1001 Going Away ×3), however long they had been ' +
        'quiet: something ends connections at a fixed age, likely the 2-hour connection duration limit of AWS API ' +
        'Gateway WebSocket APIs.',
    )
    expect(found.advice).toBe(
      `AWS API Gateway ends every WebSocket connection after 2 hours, and the limit cannot be raised. ${REASSURANCE}`,
    )
  })

  it('tells to look for a maximum connection age of any other length, in full', () => {
    const history = spaced([
      capped(45 * MINUTE),
      capped(45 * MINUTE + 20 * SECOND),
      capped(45 * MINUTE - 9_000),
    ])
    const found = find(history, 'lifetime-cap')
    expect(found.summary).toBe(
      '3 connections closed after being open for about 45 min (1006 Abnormal Closure ×3), however long they had ' +
        'been quiet: something ends connections at a fixed age, likely a gateway, proxy or load balancer with a ' +
        'maximum connection age of about 45 min.',
    )
    expect(found.advice).toBe(
      "Look for a maximum connection age of about 45 min between client and server: a proxy's or load " +
        "balancer's max connection duration or backend timeout, a platform's request timeout, or a server that " +
        `recycles old connections; raise it if you can. ${REASSURANCE}`,
    )
  })

  it("names a Google Cloud load balancer's 30 s backend service timeout, in full", () => {
    const history = spaced([capped(30_000), capped(30_400), capped(29_700)], MINUTE)
    const found = find(history, 'lifetime-cap')
    expect(found.summary).toBe(
      '3 connections closed after being open for about 30 s (1006 Abnormal Closure ×3), however long they had ' +
        'been quiet: something ends connections at a fixed age, likely the backend service timeout of a Google ' +
        "Cloud load balancer (30 s by default), which caps a WebSocket's life.",
    )
    expect(found.advice).toBe(
      'Raise the backend service timeout (gcloud compute backend-services update --timeout, or timeoutSec in a ' +
        `GKE BackendConfig). ${REASSURANCE}`,
    )
    // 5 % either side: 28.5 s to 31.5 s.
    const at = (lifeMs: number) =>
      find(spaced([capped(lifeMs), capped(lifeMs), capped(lifeMs)], MINUTE), 'lifetime-cap')
    expect(at(28_500).summary).toContain('Google Cloud')
    expect(at(31_500).summary).toContain('Google Cloud')
    expect(at(28_499).summary).toContain('a maximum connection age of about 28 s.')
    expect(at(31_501).summary).toContain('a maximum connection age of about 32 s.')
  })

  it('names the 2-hour limit within 5 % of 2 h, and says the length in the unit a person would', () => {
    const at = (lifeMs: number) =>
      find(spaced([capped(lifeMs), capped(lifeMs), capped(lifeMs)], 3 * HOUR), 'lifetime-cap')
    expect(at(2 * HOUR - 6 * MINUTE).summary).toContain('AWS API Gateway')
    expect(at(2 * HOUR + 6 * MINUTE).summary).toContain('AWS API Gateway')
    expect(at(2 * HOUR - 6 * MINUTE - 1).summary).toContain('a maximum connection age of about 1.9 h.')
    expect(at(3 * HOUR).summary).toContain('a maximum connection age of about 3 h.')
    expect(at(5 * MINUTE).summary).toContain('about 5 min')
    expect(at(90 * SECOND).summary).toContain('about 90 s')
  })

  it('takes lifetimes within 2 % of each other (at least 1 s), not 3 % apart', () => {
    const within = spaced([capped(HOUR), capped(HOUR + 70 * SECOND), capped(HOUR - 70 * SECOND)], 2 * HOUR)
    expect(find(within, 'lifetime-cap').evidence).toEqual(within)
    const apart = spaced([capped(HOUR), capped(HOUR + 108 * SECOND), capped(HOUR - 108 * SECOND)], 2 * HOUR)
    expect(ids(apart)).not.toContain('lifetime-cap')
    const short = spaced([capped(30_000), capped(31_000), capped(29_000)])
    expect(ids(short)).toEqual(['lifetime-cap'])
    expect(ids(spaced([capped(30_000), capped(31_001), capped(28_999)]))).toEqual([])
  })

  it('must not fire on lifetimes that vary, or on two at the same age', () => {
    // Three hours apart on the hour they are a schedule, which is not what this is about.
    expect(ids(spaced([capped(20 * MINUTE), capped(45 * MINUTE), capped(2 * HOUR)], 3 * HOUR))).not.toContain(
      'lifetime-cap',
    )
    expect(ids(spaced([capped(2 * HOUR), capped(2 * HOUR)], 3 * HOUR))).toEqual([])
  })

  it('must not fire below ten seconds of uptime, where a server drops young sockets', () => {
    expect(ids(spaced([capped(9_999), capped(9_999), capped(9_999)]))).toEqual([])
    expect(ids(spaced([capped(10_000), capped(10_000), capped(10_000)]))).toEqual(['lifetime-cap'])
    // Nor below minUptime, where the same closes are flapping.
    expect(ids(spaced([capped(12_000), capped(12_000), capped(12_000)]), { minUptime: 15_000 })).toEqual([
      'flapping',
    ])
  })

  it('fires when the cluster is exactly a third of the long-lived drops, not less', () => {
    const others = [10, 20, 40, 70, 100, 150].map((minutes) => capped(minutes * MINUTE))
    const cap = [capped(2 * HOUR), capped(2 * HOUR), capped(2 * HOUR)]
    const history = spaced([...others, ...cap], 3 * HOUR)
    expect(find(history, 'lifetime-cap').evidence).toEqual(history.slice(6))
    expect(ids([...history, capped(200 * MINUTE, 1006, { at: 30 * HOUR })])).not.toContain('lifetime-cap')
  })

  it('must not count closes the heartbeat ended, closes while offline, or codes a cap does not send', () => {
    const history = spaced(
      [
        capped(2 * HOUR),
        capped(2 * HOUR),
        heartbeatDead(40 * SECOND, { openForMs: 2 * HOUR }),
        capped(2 * HOUR, 1006, { offline: true }),
        capped(2 * HOUR, 1011),
        capped(2 * HOUR, 1000),
      ],
      3 * HOUR,
    )
    expect(ids(history)).not.toContain('lifetime-cap')
    // 1005 (a close frame without a status) is a cap's too.
    expect(ids(spaced([capped(2 * HOUR, 1005), capped(2 * HOUR), capped(2 * HOUR, 1001)], 3 * HOUR))).toEqual(
      ['lifetime-cap'],
    )
  })
})

describe('lifetime-cap and idle-timeout apart', () => {
  it('calls drops after a constant silence an idle timeout, however long the sockets lived', () => {
    const history = spaced([idleDrop(60_000), idleDrop(60_400), idleDrop(59_700)])
    expect(ids(history)).toEqual(['idle-timeout'])
  })

  it('calls quiet sockets that die at the same age an idle timeout, not a cap: their age is their silence', () => {
    // Nothing arrived from open to close: the idle timer and the age are the same clock.
    const silent = (lifeMs: number) => closeInfo(1006, { openForMs: lifeMs, idleForMs: lifeMs })
    expect(ids(spaced([silent(60_000), silent(60_300), silent(59_800)]))).toEqual(['idle-timeout'])
    // Also when one heard a frame at the very start: within the 2 % the two cannot be told apart.
    const nearlySilent = closeInfo(1006, { openForMs: 10 * MINUTE, idleForMs: 10 * MINUTE - 12 * SECOND })
    expect(ids(spaced([nearlySilent, nearlySilent, nearlySilent]))).not.toContain('lifetime-cap')
  })

  it('calls drops at a constant age with varying silences a cap, not an idle timeout', () => {
    const history = spaced(
      [
        capped(30 * MINUTE, 1006, { idleForMs: 60_000 }),
        capped(30 * MINUTE, 1006, { idleForMs: 12_000 }),
        capped(30 * MINUTE, 1006, { idleForMs: 130_000 }),
      ],
      HOUR,
    )
    expect(ids(history)).toEqual(['lifetime-cap'])
  })

  it('finds both in one history, each with its own evidence', () => {
    const timeouts = [idleDrop(100_000), idleDrop(99_500), idleDrop(100_300)]
    const caps = [capped(2 * HOUR, 1001), capped(2 * HOUR + 2_000, 1001), capped(2 * HOUR - 3_000, 1001)]
    const history = spaced([timeouts[0]!, caps[0]!, timeouts[1]!, caps[1]!, timeouts[2]!, caps[2]!], 3 * HOUR)
    const found = diagnose(history)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['idle-timeout', 'lifetime-cap'])
    expect(found[0]!.evidence.map((record) => record.idleForMs)).toEqual([100_000, 99_500, 100_300])
    expect(found[1]!.evidence.map((record) => record.openForMs)).toEqual([
      2 * HOUR,
      2 * HOUR + 2_000,
      2 * HOUR - 3_000,
    ])
  })

  it('reads a merged history of clients capped at 2 h as the cap, not as a deploy', () => {
    // Ten clients that connected over ten minutes are each sent away (1001) at 2 h: a minute apart,
    // which would be a deploy burst were it not for their equal age.
    const history = Array.from({ length: 10 }, (_, index) =>
      capped(2 * HOUR + (index % 3) * 500, 1001, { at: 2 * HOUR + (9 - index) * MINUTE }),
    )
    const found = diagnose(history)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['lifetime-cap'])
    expect(found[0]!.evidence).toHaveLength(10)
  })
})

describe('lifetime-cap and idle-timeout apart, for any period', () => {
  it('leaves drops after a constant silence to idle-timeout, even when their ages agree too', () => {
    const scenario = fc.record({
      periodMs: fc.integer({ min: 11 * SECOND, max: 10 * MINUTE }),
      offsets: fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 3, maxLength: 6 }),
      // How long each socket carried messages before going quiet: any, the same for all included.
      busyMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3 * HOUR })),
      sameAge: fc.boolean(),
    })
    fc.assert(
      fc.property(scenario, ({ periodMs, offsets, busyMs, sameAge }) => {
        const drops = offsets.map((offset, index) => {
          const idleMs = Math.round(periodMs * (1 + offset))
          const openForMs = (sameAge ? busyMs : busyMs + index * 7 * MINUTE) + idleMs
          return closeInfo(1006, { idleForMs: idleMs, openForMs })
        })
        const found = diagnose(spaced(drops, 4 * HOUR + 7 * MINUTE))
        expect(found.map((diagnosis) => diagnosis.id)).toEqual(['idle-timeout'])
      }),
    )
  })

  it('leaves drops at a constant age to lifetime-cap when the stream was busy (under 10 s since a message)', () => {
    const scenario = fc.record({
      lifeMs: fc.integer({ min: 20 * SECOND, max: 24 * HOUR }),
      idleMs: fc.array(fc.integer({ min: 0, max: 9_999 }), { minLength: 3, maxLength: 6 }),
    })
    fc.assert(
      fc.property(scenario, ({ lifeMs, idleMs }) => {
        const drops = idleMs.map((idle) => closeInfo(1006, { openForMs: lifeMs, idleForMs: idle }))
        const found = diagnose(spaced(drops, 25 * HOUR + 7 * MINUTE))
        expect(found.map((diagnosis) => diagnosis.id)).toEqual(['lifetime-cap'])
        expect(found[0]!.evidence).toHaveLength(drops.length)
      }),
    )
  })
})
