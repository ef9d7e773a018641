import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo, Diagnosis } from '../../src/core/types'
import { closeInfo, failedAttempt, heartbeatDead, MINUTE, offlineDrop, SECOND } from '../support/close-info'

const HOUR = 60 * MINUTE

function ids(history: CloseInfo[]): string[] {
  return diagnose(history).map((diagnosis) => diagnosis.id)
}

function find(history: CloseInfo[], id: string): Diagnosis {
  const found = diagnose(history).find((diagnosis) => diagnosis.id === id)
  if (!found) throw new Error(`expected a '${id}' diagnosis, got [${ids(history).join(', ')}]`)
  return found
}

/**
 * The histories of many clients as `reportDisconnects` sends them, concatenated client after
 * client: each is in time order, the whole is not.
 */
const merged = (histories: CloseInfo[][]) => histories.flat()

/** Client `index` of `clients`, one close each, in reverse so the merged history runs backwards. */
function fleet(clients: number, close: (index: number) => CloseInfo): CloseInfo[] {
  return merged(Array.from({ length: clients }, (_, index) => [close(clients - 1 - index)]))
}

/** A socket that was open `openForMs` and lost its TCP connection without a close frame. */
const drop = (at: number, fields: Partial<CloseInfo> = {}) => closeInfo(1006, { at, ...fields })

/** An attempt refused while nothing listened: it never opened. */
const refused = (at: number, fields: Partial<CloseInfo> = {}) => failedAttempt({ at, ...fields })

/** A later close of a socket that opened: the server took connections again. */
const reopened = (at: number) => closeInfo(1000, { at, initiator: 'server' })

const DRAIN_SENTENCE =
  'drain({ windowMs }) from react-lifeline/server stops taking new sockets and closes the open ones with 1012 ' +
  "Service Restart in batches spread over the window (Phoenix's socket drainer does the same; with ws, close " +
  'each socket with 1012 yourself, in batches, before server.close())'

describe('deploys in a history merged from many clients', () => {
  it('calls 1012 closes spread over tens of seconds a healthy deploy that drained properly', () => {
    // drain({ windowMs: 60_000 }) with 12 clients: one close every 5 s.
    const history = fleet(12, (index) => closeInfo(1012, { at: HOUR + index * 5 * SECOND }))
    const found = diagnose(history)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['deploys'])
    expect(found[0]!.severity).toBe('info')
    expect(found[0]!.evidence.map((record) => record.at)).toEqual(
      Array.from({ length: 12 }, (_, index) => HOUR + index * 5 * SECOND),
    )
    expect(found[0]!.summary).toBe(
      'The server sent connections away 12 times (1012 Service Restart ×12) in 1 burst over 55 s: the server ' +
        'restarts, most likely for deployments, and drains properly, closing its sockets with a close frame before ' +
        'it goes.',
    )
    expect(found[0]!.advice).toBe(
      'Nothing to fix if these are your deploys: a close frame before each restart is what draining looks like. ' +
        `Keep the closes spread out so clients do not all return in the same instant: ${DRAIN_SENTENCE}. ` +
        'Reconnects are jittered by default; keep jitter on.',
    )
  })

  it('warns when the server closes every socket with 1012 in the same second, and says how to spread them', () => {
    // What Socket.IO's io.close() or a loop over ws's clients does: everyone is sent away at once.
    const history = fleet(12, (index) => closeInfo(1012, { at: HOUR + index * 50 }))
    const found = find(history, 'deploys')
    expect(ids(history)).toEqual(['deploys'])
    expect(found.severity).toBe('warning')
    expect(found.evidence).toHaveLength(12)
    expect(found.summary).toBe(
      'The server sent connections away 12 times (1012 Service Restart ×12) in 1 burst, all within the same ' +
        'second: the server restarts, most likely for deployments, and closes every socket at once, so every ' +
        'client comes back at once.',
    )
    expect(found.advice).toBe(
      `Spread the closes over a window: ${DRAIN_SENTENCE}. Reconnects are jittered by default, but jitter only ` +
        'spreads them over the first retry delay; keep it on as well.',
    )
  })

  it('must not call one client sent away three times in a second, reconnecting fast, a shutdown at once', () => {
    // A rolling deploy met with 100 ms retries: each socket opened after the close before it.
    const history = [
      closeInfo(1012, { at: 500, openForMs: 500 }),
      closeInfo(1001, { at: 700, openForMs: 100 }),
      closeInfo(1001, { at: 900, openForMs: 100 }),
    ]
    const found = find(history, 'deploys')
    expect(found.severity).toBe('info')
    expect(found.summary).toContain('in 1 burst over 0.4 s:')
  })

  it('counts a burst as at once from three closes in one second that are at least half of it', () => {
    const atOnce = (together: number, spread: number) => [
      ...Array.from({ length: together }, (_, index) => closeInfo(1001, { at: index * 400 })),
      ...Array.from({ length: spread }, (_, index) => closeInfo(1001, { at: (index + 1) * 10 * SECOND })),
    ]
    expect(find(atOnce(3, 3), 'deploys').severity).toBe('warning')
    expect(find(atOnce(3, 3), 'deploys').summary).toContain('in 1 burst, 3 within the same second:')
    expect(find(atOnce(3, 4), 'deploys').severity).toBe('info')
    // Two in a second can be one client sent away, reconnecting and sent away again.
    expect(find(atOnce(2, 1), 'deploys').severity).toBe('info')
    // The second is counted from the first close of the group: 1 s later is in, 1 ms more is out.
    const edge = [0, 500, 1_000].map((at) => closeInfo(1012, { at }))
    expect(find(edge, 'deploys').severity).toBe('warning')
    const past = [0, 500, 1_001].map((at) => closeInfo(1012, { at }))
    expect(find(past, 'deploys').severity).toBe('info')
  })
})

describe('abrupt-shutdown', () => {
  const ADVICE =
    "Check the server's logs around these times for a crash (an exit code, an out-of-memory kill, an unhandled " +
    `error). If it was a deploy, drain before the process exits: ${DRAIN_SENTENCE}. Clients then know the server ` +
    'restarts, and do not all come back at once.'

  it("finds one client's drop without a close frame followed by refused attempts", () => {
    const history = [drop(HOUR), refused(HOUR + SECOND), refused(HOUR + 3 * SECOND), reopened(3 * HOUR)]
    const found = find(history, 'abrupt-shutdown')
    expect(ids(history)).toEqual(['abrupt-shutdown'])
    expect(found.severity).toBe('warning')
    expect(found.evidence).toEqual(history.slice(0, 3))
    expect(found.summary).toBe(
      '1 connection dropped without a close frame (1006 Abnormal Closure), and 2 attempts failed while the server ' +
        'was away: the server went away without closing its sockets, as when it crashes or a deploy stops it ' +
        'without draining.',
    )
    expect(found.advice).toBe(ADVICE)
  })

  it('fires on one drop with two refusals, or on two drops with one refusal each, not on one with one', () => {
    expect(ids([drop(0), refused(SECOND), reopened(HOUR)])).toEqual([])
    const twice = [drop(0), refused(SECOND), drop(HOUR), refused(HOUR + SECOND), reopened(5 * HOUR)]
    const found = find(twice, 'abrupt-shutdown')
    expect(found.evidence).toEqual(twice.slice(0, 4))
    expect(found.summary).toMatch(
      /^2 connections dropped without a close frame \(1006 Abnormal Closure ×2\), and 2 attempts failed /,
    )
  })

  it('says so as soon as the refusals come, whether or not the server is back yet', () => {
    const down = [drop(0), refused(SECOND), refused(3 * SECOND)]
    expect(ids(down)).toEqual(['abrupt-shutdown'])
    // Refusals that go on after a drop are still the server that went away, not credentials or a path.
    expect(ids([...down, refused(7 * SECOND)])).toEqual(['abrupt-shutdown'])
    expect(find([...down, refused(7 * SECOND)], 'abrupt-shutdown').summary).toContain(
      ', and 3 attempts failed',
    )
    // Refusals with no drop before them stay refused handshakes.
    expect(ids(down.slice(1).concat(refused(7 * SECOND)))).toEqual(['refused-handshake'])
  })

  it('takes refusals up to five minutes apart, not a millisecond more', () => {
    const slow = [drop(0), refused(5 * MINUTE), refused(10 * MINUTE), reopened(HOUR)]
    expect(find(slow, 'abrupt-shutdown').evidence).toEqual(slow.slice(0, 3))
    const late = [drop(0), refused(5 * MINUTE + 1), refused(6 * MINUTE), reopened(HOUR)]
    expect(ids(late)).not.toContain('abrupt-shutdown')
  })

  it('must not count a drop the browser reported offline, one the heartbeat found, or a young socket', () => {
    const followedByRefusals = (first: CloseInfo) => [
      first,
      refused(HOUR + SECOND),
      refused(HOUR + 3 * SECOND),
      reopened(3 * HOUR),
    ]
    expect(ids(followedByRefusals(offlineDrop({ at: HOUR })))).toEqual(['network'])
    expect(ids(followedByRefusals(heartbeatDead(35_000, { at: HOUR })))).not.toContain('abrupt-shutdown')
    // A server that drops what it just accepted is flapping, whatever follows.
    expect(ids(followedByRefusals(drop(HOUR, { openForMs: 4_999 })))).not.toContain('abrupt-shutdown')
    expect(ids(followedByRefusals(drop(HOUR, { openForMs: 5_000 })))).toEqual(['abrupt-shutdown'])
  })

  it('must not count refusals of the credentials or connect timeouts as the server being away', () => {
    const history = (fields: Partial<CloseInfo>) => [
      drop(0),
      refused(SECOND, fields),
      refused(3 * SECOND, fields),
      reopened(HOUR),
    ]
    expect(ids(history({ httpStatus: 401 }))).not.toContain('abrupt-shutdown')
    expect(ids(history({ initiator: 'timeout' }))).not.toContain('abrupt-shutdown')
    // A proxy answering 502 while its upstream is gone is the server being away.
    expect(ids(history({ httpStatus: 502 }))).toEqual(['abrupt-shutdown'])
  })

  it("must not string one client's drop to another's refusals in a merged history", () => {
    // Client A drops at 1 h; client B, whose socket was open across A's, is refused twice after.
    const clientA = [drop(HOUR, { openForMs: 30 * MINUTE })]
    const clientB = [
      closeInfo(1000, { at: HOUR - 10 * MINUTE, openForMs: 50 * MINUTE }),
      refused(HOUR + SECOND),
      refused(HOUR + 3 * SECOND),
    ]
    expect(ids(merged([clientA, clientB]))).not.toContain('abrupt-shutdown')
    // The same records as one client's (no socket overlaps another) are a shutdown.
    expect(ids([...clientA, ...clientB.slice(1)])).toEqual(['abrupt-shutdown'])
  })

  it('finds many clients dropped in the same second in a merged history, with the attempts refused after', () => {
    // 8 clients lose the process at once, retry into nothing, and get back on the next one.
    const clients = Array.from({ length: 8 }, (_, index) => [
      drop(HOUR + index * 90),
      refused(HOUR + 2 * SECOND + index * 300),
      reopened(5 * HOUR + index * MINUTE),
    ])
    const history = merged(clients.reverse())
    const found = diagnose(history)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['abrupt-shutdown'])
    const [restart] = found
    expect(restart!.evidence).toHaveLength(16)
    expect(restart!.evidence.map((record) => record.at)).toEqual(
      [...restart!.evidence.map((record) => record.at)].sort((a, b) => a - b),
    )
    expect(restart!.summary).toBe(
      '8 connections dropped without a close frame (1006 Abnormal Closure ×8), all within the same second, and ' +
        '8 attempts failed while the server was away: the server went away without closing its sockets, as when ' +
        'it crashes or a deploy stops it without draining.',
    )
    expect(restart!.advice).toBe(ADVICE)
  })

  it('must not call one client that flaps fast a burst: its sockets do not overlap', () => {
    const flaps = [300, 600, 900].map((at) => closeInfo(1006, { at, openForMs: 120, idleForMs: 120 }))
    expect(ids(flaps)).toEqual(['flapping'])
  })

  it('counts the bursts when the server went away more than once', () => {
    const burst = (at: number) => [drop(at), drop(at + 200), drop(at + 900)]
    const history = [...burst(HOUR), drop(2 * HOUR), ...burst(5 * HOUR)]
    const found = find(history, 'abrupt-shutdown')
    expect(found.evidence).toHaveLength(6)
    expect(found.summary).toBe(
      '6 connections dropped without a close frame (1006 Abnormal Closure ×6), 6 of them in 2 bursts of one ' +
        'second each: the server went away without closing its sockets, as when it crashes or a deploy stops it ' +
        'without draining.',
    )
  })

  it('must not call drops spread over minutes, or a busy second among many drops, a burst', () => {
    const spread = fleet(10, (index) => drop(HOUR + index * 20 * SECOND))
    expect(ids(spread)).toEqual([])
    // Three in one second, ten more within five minutes either side: chance in a large fleet.
    const busy = [
      ...[0, 300, 600].map((offset) => drop(HOUR + offset)),
      ...Array.from({ length: 4 }, (_, index) => drop(HOUR - (index + 1) * 70 * SECOND)),
      ...Array.from({ length: 6 }, (_, index) => drop(HOUR + (index + 1) * 45 * SECOND)),
    ]
    expect(ids(busy)).not.toContain('abrupt-shutdown')
    // As many drops around as in the second: that second stands out.
    const standsOut = [...busy.slice(0, 3), ...busy.slice(3, 6)]
    expect(find(standsOut, 'abrupt-shutdown').evidence).toEqual(
      [...standsOut].sort((a, b) => a.at - b.at).slice(3),
    )
    // The surroundings reach 5 minutes either side of the burst's first drop, not a millisecond more.
    expect(ids([...standsOut, drop(HOUR + 5 * MINUTE)])).not.toContain('abrupt-shutdown')
    expect(ids([...standsOut, drop(HOUR + 5 * MINUTE + 1)])).toContain('abrupt-shutdown')
  })

  it('tells a healthy deploy from a crash in the same fleet', () => {
    const deploy = fleet(10, (index) => closeInfo(1012, { at: HOUR + index * 4 * SECOND }))
    const crash = fleet(10, (index) => drop(9 * HOUR + index * 30))
    const found = diagnose(merged([crash, deploy]))
    expect(found.map((diagnosis) => [diagnosis.id, diagnosis.severity])).toEqual([
      ['abrupt-shutdown', 'warning'],
      ['deploys', 'info'],
    ])
    expect(found[0]!.evidence.every((record) => record.code === 1006)).toBe(true)
    expect(found[1]!.evidence.every((record) => record.code === 1012)).toBe(true)
  })
})

describe('merged histories of any fleet', () => {
  // Clients connected at different times, so their sockets have different ages (7 minutes apart,
  // beyond the 2 % within which lifetimes are a cap), concatenated in any order.
  const fleetOf = fc.record({
    clients: fc.integer({ min: 3, max: 40 }),
    baseLifeMs: fc.integer({ min: MINUTE, max: 3 * HOUR }),
    seed: fc.nat(),
  })

  function shuffled<T>(items: T[], seed: number): T[] {
    return items
      .map((item, index) => ({ item, key: (index * 7919 + seed) % 104_729 }))
      .sort((a, b) => a.key - b.key)
      .map(({ item }) => item)
  }

  it('calls any crash that drops every client within a second abrupt-shutdown, with every drop', () => {
    const crash = fleetOf.chain((fleet) =>
      fc.record({
        fleet: fc.constant(fleet),
        offsets: fc.array(fc.integer({ min: 0, max: 999 }), {
          minLength: fleet.clients,
          maxLength: fleet.clients,
        }),
        retries: fc.array(fc.integer({ min: 0, max: 3 }), {
          minLength: fleet.clients,
          maxLength: fleet.clients,
        }),
      }),
    )
    fc.assert(
      fc.property(crash, ({ fleet, offsets, retries }) => {
        const histories = offsets.map((offset, index) => [
          drop(HOUR + offset, { openForMs: fleet.baseLifeMs + index * 7 * MINUTE }),
          ...Array.from({ length: retries[index]! }, (_, retry) =>
            refused(HOUR + (retry + 1) * 2 * SECOND + offset),
          ),
        ])
        const found = diagnose(merged(shuffled(histories, fleet.seed)))
        const shutdown = found.find((diagnosis) => diagnosis.id === 'abrupt-shutdown')
        expect(shutdown?.severity).toBe('warning')
        expect(shutdown!.evidence.filter((record) => record.openForMs !== null)).toHaveLength(fleet.clients)
        expect(found.map((diagnosis) => diagnosis.id)).not.toContain('deploys')
      }),
    )
  })

  it('calls any drain that closes at most two clients a second with 1012 a healthy deploy', () => {
    const drain = fleetOf.chain((fleet) =>
      fc.record({ fleet: fc.constant(fleet), gapMs: fc.integer({ min: 501, max: 10_000 }) }),
    )
    fc.assert(
      fc.property(drain, ({ fleet, gapMs }) => {
        const histories = Array.from({ length: fleet.clients }, (_, index) => [
          closeInfo(1012, { at: HOUR + index * gapMs, openForMs: fleet.baseLifeMs + index * 7 * MINUTE }),
        ])
        const found = diagnose(merged(shuffled(histories, fleet.seed)))
        expect(found.map((diagnosis) => [diagnosis.id, diagnosis.severity])).toEqual([['deploys', 'info']])
        expect(found[0]!.evidence).toHaveLength(fleet.clients)
        expect(found[0]!.summary).toContain('drains properly')
      }),
    )
  })
})
