import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo, Diagnosis } from '../../src/core/types'
import {
  clientClose,
  closeInfo,
  failedAttempt,
  heartbeatDead,
  idleDrop,
  MINUTE,
  offlineDrop,
  SECOND,
  shortLived,
  spaced,
} from '../support/close-info'

const HOUR = 60 * MINUTE

function ids(history: CloseInfo[], options?: Parameters<typeof diagnose>[1]): string[] {
  return diagnose(history, options).map((diagnosis) => diagnosis.id)
}

function find(history: CloseInfo[], id: string, options?: Parameters<typeof diagnose>[1]): Diagnosis {
  const found = diagnose(history, options).find((diagnosis) => diagnosis.id === id)
  if (!found) throw new Error(`expected a '${id}' diagnosis, got [${ids(history, options).join(', ')}]`)
  return found
}

describe('diagnose', () => {
  it('finds nothing in an empty history', () => {
    expect(diagnose([])).toEqual([])
  })

  it('does not call one 1006 a pattern', () => {
    expect(diagnose([idleDrop(60 * SECOND)])).toEqual([])
  })

  it('takes no evidence from closes the app asked for', () => {
    const history = spaced([
      clientClose({ openForMs: 300 }),
      clientClose({ openForMs: 200 }),
      clientClose({ openForMs: 400 }),
    ])
    history.push(
      ...spaced([
        clientClose({ code: 1000, idleForMs: 60 * SECOND }),
        clientClose({ idleForMs: 60 * SECOND }),
      ]),
    )
    expect(diagnose(history)).toEqual([])
  })

  it('leaves the history untouched', () => {
    const history = Object.freeze(
      spaced([idleDrop(60 * SECOND), idleDrop(60 * SECOND), idleDrop(60 * SECOND)]).map((record) =>
        Object.freeze(record),
      ),
    )
    expect(() => diagnose(history)).not.toThrow()
  })
})

describe('idle-timeout', () => {
  it('finds three drops after about the same idle time', () => {
    const history = spaced([idleDrop(60_000), idleDrop(60_500), idleDrop(59_600)])
    const found = find(history, 'idle-timeout')
    expect(ids(history)).toEqual(['idle-timeout'])
    expect(found.severity).toBe('warning')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('3 connections')
    expect(found.summary).toContain('60 s')
  })

  it('names nginx and AWS ALB at 60 s and suggests a 30 s heartbeat', () => {
    const found = find(spaced([idleDrop(60_000), idleDrop(60_300), idleDrop(59_800)]), 'idle-timeout')
    expect(found.summary).toMatch(/nginx.*proxy_read_timeout/)
    expect(found.summary).toMatch(/AWS Application Load Balancer/)
    expect(found.advice).toContain('interval: 30000')
    expect(found.advice).toContain('proxy_read_timeout')
  })

  it('names Cloudflare at 100 s and suggests a 50 s heartbeat', () => {
    const found = find(spaced([idleDrop(100_200), idleDrop(99_700), idleDrop(100_000)]), 'idle-timeout')
    expect(found.summary).toContain('Cloudflare')
    expect(found.summary).not.toContain('nginx')
    expect(found.advice).toContain('interval: 50000')
  })

  it("names Heroku's router at 55 s, not nginx", () => {
    const found = find(spaced([idleDrop(55_000), idleDrop(55_400), idleDrop(54_800)]), 'idle-timeout')
    expect(found.summary).toContain('Heroku')
    expect(found.summary).not.toContain('nginx')
    expect(found.advice).toContain('interval: 25000')
  })

  it('describes an unknown period by its length', () => {
    const found = find(spaced([idleDrop(75_000), idleDrop(74_000), idleDrop(76_500)]), 'idle-timeout')
    expect(found.summary).toContain('a proxy or load balancer with an idle timeout of about 75 s')
    expect(found.advice).toContain('interval: 35000')
  })

  it('counts proxies that send 1001 on idle', () => {
    const history = spaced([idleDrop(60_000), closeInfo(1001, { idleForMs: 60_200 }), idleDrop(59_900)])
    expect(find(history, 'idle-timeout').evidence).toHaveLength(3)
  })

  it('allows ±2 s on short periods, where 10% is less than the measuring noise', () => {
    expect(ids(spaced([idleDrop(12_000), idleDrop(13_800), idleDrop(10_500)]))).toEqual(['idle-timeout'])
  })

  it('says in full what happened and what to do at 60 s', () => {
    const found = find(spaced([idleDrop(60_000), idleDrop(60_300), idleDrop(59_800)]), 'idle-timeout')
    expect(found.summary).toBe(
      '3 connections closed after about 60 s without a message (1006 Abnormal Closure ×3). ' +
        'Something between client and server closes idle connections: likely ' +
        "nginx's default proxy_read_timeout (60 s) or an AWS Application Load Balancer's default idle timeout (60 s).",
    )
    expect(found.advice).toBe(
      'Never let 60 s pass in silence: turn on the heartbeat with an interval under 60 s, ' +
        'e.g. heartbeat: { interval: 30000 } (30 s); ' +
        'or raise the timeout (nginx: proxy_read_timeout 3600s; AWS ALB: idle_timeout.timeout_seconds).',
    )
  })

  it('says in full which limits cannot be raised, and what to raise when the proxy is unknown', () => {
    const heroku = find(spaced([idleDrop(55_000), idleDrop(55_400), idleDrop(54_800)]), 'idle-timeout')
    expect(heroku.summary).toContain("likely Heroku's router, which closes connections idle for 55 s.")
    expect(heroku.advice).toContain("(25 s); Heroku's 55 s cannot be raised, so the heartbeat is the fix.")
    const cloudflare = find(spaced([idleDrop(100_000), idleDrop(100_000), idleDrop(100_000)]), 'idle-timeout')
    expect(cloudflare.summary).toContain('likely Cloudflare, which closes WebSockets idle for 100 s.')
    expect(cloudflare.advice).toContain(
      "(50 s); Cloudflare's 100 s cannot be raised on most plans, so the heartbeat is the fix.",
    )
    const unknown = find(spaced([idleDrop(75_000), idleDrop(75_000), idleDrop(75_000)]), 'idle-timeout')
    expect(unknown.advice).toBe(
      'Never let 75 s pass in silence: turn on the heartbeat with an interval under 75 s, ' +
        'e.g. heartbeat: { interval: 35000 } (35 s); ' +
        'or raise the idle timeout of the proxy or load balancer in between.',
    )
  })

  it('names a known proxy up to 5 % (at least 2 s) from its default, and the nearer of two', () => {
    const at = (ms: number) =>
      find(spaced([idleDrop(ms), idleDrop(ms), idleDrop(ms)]), 'idle-timeout').summary
    expect(at(63_000)).toContain('nginx')
    expect(at(63_001)).toContain('a proxy or load balancer with an idle timeout of about 63 s')
    expect(at(57_000)).toContain('Heroku')
    expect(at(57_000)).not.toContain('nginx')
    // Within reach of both: Heroku's 55 s (2.6 s off) and nginx's 60 s (2.4 s off), the nearer wins.
    expect(at(57_600)).toContain('nginx')
    expect(at(57_600)).not.toContain('Heroku')
    expect(at(40_000)).toContain('a proxy or load balancer with an idle timeout of about 40 s')
    expect(at(52_250)).toContain('Heroku')
    expect(at(52_249)).not.toContain('Heroku')
  })

  it('takes idle times exactly 2 s apart on short periods into one cluster', () => {
    expect(ids(spaced([idleDrop(12_000), idleDrop(12_000), idleDrop(14_000)]))).toEqual(['idle-timeout'])
    expect(ids(spaced([idleDrop(12_000), idleDrop(12_000), idleDrop(14_001)]))).toEqual([])
  })

  it('counts an idle time of exactly 10 s, and the 1005 and network-closed drops', () => {
    const history = spaced([
      idleDrop(10_000),
      closeInfo(1005, { idleForMs: 10_000 }),
      idleDrop(10_000, { initiator: 'network' }),
    ])
    expect(find(history, 'idle-timeout').evidence).toEqual(history)
  })

  it('must not count closes the app asked for, the heartbeat ended or that came while offline', () => {
    const others = [
      idleDrop(60_000, { initiator: 'heartbeat' }),
      idleDrop(60_000, { offline: true }),
      closeInfo(1011, { idleForMs: 60_000 }),
    ]
    const history = spaced([idleDrop(60_000), idleDrop(60_000), ...others])
    expect(ids(history)).not.toContain('idle-timeout')
  })

  it('fires when the cluster is exactly a third of the idle drops', () => {
    const spread = [15, 25, 35, 45, 80, 120].map((s) => idleDrop(s * SECOND))
    const history = spaced([...spread, idleDrop(60_000), idleDrop(61_000), idleDrop(59_000)])
    expect(find(history, 'idle-timeout').evidence).toEqual(history.slice(6))
    expect(ids([...history, idleDrop(160 * SECOND, { at: 100 * MINUTE })])).not.toContain('idle-timeout')
  })

  it('rounds periods from 10 s up to whole seconds and gives tenths below', () => {
    const period = (ms: number) =>
      find(spaced([idleDrop(ms), idleDrop(ms), idleDrop(ms)]), 'idle-timeout').summary.match(
        /after about (\S+ s)/,
      )![1]
    expect(period(60_400)).toBe('60 s')
    expect(period(10_400)).toBe('10 s')
    expect(period(12_600)).toBe('13 s')
    const short = heartbeatDead(9_440)
    expect(find(spaced([short, short]), 'heartbeat').summary).toContain('after about 9.4 s of silence')
  })

  it('names the earlier of two proxies exactly as near', () => {
    const history = spaced([idleDrop(57_500), idleDrop(57_500), idleDrop(57_500)])
    expect(find(history, 'idle-timeout').summary).toContain("likely Heroku's router")
  })

  it('picks the cluster around the median idle time, not around the first anchor', () => {
    // Each history was found where a cluster anchored on one record, or not re-centred, differs.
    const evidence = (idle: number[]) =>
      find(spaced(idle.map((ms) => idleDrop(ms))), 'idle-timeout').evidence.map((record) => record.idleForMs)
    // Re-centring on the median takes in 63 s, which no single anchor reaches together with 73 s.
    expect(evidence([73_000, 72_000, 66_000, 63_000, 66_000])).toEqual([
      73_000, 72_000, 66_000, 63_000, 66_000,
    ])
    // The centred cluster is used only when it is at least as large as the anchored one.
    expect(evidence([63_000, 69_000, 74_000, 74_000, 50_000, 72_000])).toEqual([
      63_000, 69_000, 74_000, 74_000, 72_000,
    ])
    // As large: the centred one wins.
    expect(evidence([65_000, 60_000, 53_000, 54_000, 54_000, 72_000])).toEqual([
      60_000, 53_000, 54_000, 54_000,
    ])
    // Among equally large anchored clusters, the first.
    expect(evidence([70_000, 62_000, 56_000, 53_000, 65_000, 50_000])).toEqual([62_000, 56_000, 65_000])
  })

  it('must not fire on two drops at 60 s idle', () => {
    expect(diagnose(spaced([idleDrop(60_000), idleDrop(60_000)]))).toEqual([])
  })

  it('must not fire on spread-out idle times', () => {
    expect(diagnose(spaced([idleDrop(30_000), idleDrop(60_000), idleDrop(90_000)]))).toEqual([])
  })

  it('must not fire on a chatty stream whose drops all come a second after a message', () => {
    expect(diagnose(spaced([idleDrop(1_000), idleDrop(1_200), idleDrop(900)]))).toEqual([])
  })

  it('must not fire when three close idle times are a small share of many spread ones', () => {
    const spread = [10, 20, 30, 45, 80, 120, 150].map((s) => idleDrop(s * SECOND))
    const history = spaced([
      ...spread.slice(0, 3),
      idleDrop(60_000),
      ...spread.slice(3),
      idleDrop(61_000),
      idleDrop(59_000),
    ])
    expect(ids(history)).not.toContain('idle-timeout')
  })

  it('finds the cluster among noise and takes only the cluster as evidence', () => {
    const timeouts = [idleDrop(60_100), idleDrop(59_400), idleDrop(60_800), idleDrop(60_000)]
    const history = spaced([
      clientClose(),
      timeouts[0]!,
      closeInfo(1008),
      failedAttempt(),
      timeouts[1]!,
      idleDrop(20_000),
      closeInfo(1011),
      timeouts[2]!,
      idleDrop(140_000),
      closeInfo(1000, { initiator: 'server' }),
      timeouts[3]!,
    ])
    const found = find(history, 'idle-timeout')
    expect(found.evidence.map((record) => record.idleForMs)).toEqual([60_100, 59_400, 60_800, 60_000])
  })
})

describe('deploys', () => {
  it('finds three 1001 closes within two minutes', () => {
    const history = [
      closeInfo(1001, { at: 0 }),
      closeInfo(1001, { at: 40 * SECOND }),
      closeInfo(1001, { at: 90 * SECOND }),
    ]
    const found = find(history, 'deploys')
    expect(ids(history)).toEqual(['deploys'])
    expect(found.severity).toBe('info')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('3 times')
    expect(found.advice).toMatch(/drain/i)
    expect(found.advice).toMatch(/jitter/)
  })

  it('counts attempts that failed while the server was down', () => {
    const history = [
      closeInfo(1001, { at: 0 }),
      failedAttempt({ at: 1 * SECOND }),
      failedAttempt({ at: 3 * SECOND }),
    ]
    const found = find(history, 'deploys')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('2 attempts failed')
  })

  it('finds repeated bursts of two', () => {
    const history = [
      closeInfo(1012, { at: 0 }),
      closeInfo(1012, { at: 30 * SECOND }),
      closeInfo(1012, { at: 24 * HOUR }),
      closeInfo(1001, { at: 24 * HOUR + 20 * SECOND }),
    ]
    expect(find(history, 'deploys').summary).toContain('2 bursts')
  })

  it('says in full how often the server sent connections away, that it drains properly, and how to keep it so', () => {
    const history = [
      closeInfo(1001, { at: 0 }),
      closeInfo(1012, { at: 40 * SECOND }),
      failedAttempt({ at: 50 * SECOND }),
      closeInfo(1001, { at: 90 * SECOND }),
    ]
    const found = find(history, 'deploys')
    expect(found.evidence).toEqual(history)
    expect(found.severity).toBe('info')
    expect(found.summary).toBe(
      'The server sent connections away 3 times (1001 Going Away ×2, 1012 Service Restart) in 1 burst over 90 s, ' +
        'and 1 attempt failed while it was down: the server restarts, most likely for deployments, and drains ' +
        'properly, closing its sockets with a close frame before it goes.',
    )
    expect(found.advice).toBe(
      'Nothing to fix if these are your deploys: a close frame before each restart is what draining looks like. ' +
        'Keep the closes spread out so clients do not all return in the same instant: drain({ windowMs }) from ' +
        'react-lifeline/server stops taking new sockets and closes the open ones with 1012 Service Restart in ' +
        "batches spread over the window (Phoenix's socket drainer does the same; with ws, close each socket with " +
        '1012 yourself, in batches, before server.close()). Reconnects are jittered by default; keep jitter on.',
    )
  })

  it('says once, without failed attempts or a time span, when there were none', () => {
    const once = [
      closeInfo(1001, { at: 0 }),
      failedAttempt({ at: SECOND }),
      failedAttempt({ at: 2 * SECOND }),
    ]
    expect(find(once, 'deploys').summary).toMatch(
      /^The server sent connections away once \(1001 Going Away\) in 1 burst, and 2 attempts failed/,
    )
    const noFailures = [0, 1, 2].map((n) => closeInfo(1001, { at: n * MINUTE }))
    expect(find(noFailures, 'deploys').summary).toBe(
      'The server sent connections away 3 times (1001 Going Away ×3) in 1 burst over 2 min: ' +
        'the server restarts, most likely for deployments, and drains properly, closing its sockets with a ' +
        'close frame before it goes.',
    )
    const twoBursts = [0, 30, 24 * 3600, 24 * 3600 + 20].map((s) => closeInfo(1012, { at: s * SECOND }))
    expect(find(twoBursts, 'deploys').summary).toMatch(/ ×4\) in 2 bursts: the server restarts/)
  })

  it('keeps closes exactly five minutes apart in one burst, not a millisecond more', () => {
    const fiveApart = [0, 5, 10].map((n) => closeInfo(1001, { at: n * MINUTE }))
    expect(find(fiveApart, 'deploys').evidence).toEqual(fiveApart)
    const apart = [0, 1, 2].map((n) => closeInfo(1001, { at: n * (5 * MINUTE + 1) }))
    expect(ids(apart)).not.toContain('deploys')
  })

  it('takes failed attempts only after a restart and within the burst', () => {
    // Connect timeouts, so that three of them are not also refused handshakes.
    const before = failedAttempt({ at: 0, initiator: 'timeout' })
    const restarts = [closeInfo(1001, { at: MINUTE }), closeInfo(1001, { at: 2 * MINUTE })]
    const during = failedAttempt({ at: 3 * MINUTE, initiator: 'timeout' })
    const after = failedAttempt({ at: 9 * MINUTE, initiator: 'timeout' })
    const history = [before, ...restarts, during, after]
    const found = find(history, 'deploys')
    expect(found.evidence).toEqual([...restarts, during])
    // A close that opened is not an attempt that failed while the server was down.
    const opened = [...restarts, closeInfo(1006, { at: 3 * MINUTE })]
    expect(ids(opened)).not.toContain('deploys')
  })

  it('must not fire on two 1001 closes in one window', () => {
    expect(diagnose([closeInfo(1001, { at: 0 }), closeInfo(1001, { at: 30 * SECOND })])).toEqual([])
  })

  it('must not fire on 1001 closes hours apart', () => {
    // Three restarts on the hour are a schedule (test/core/diagnose-scheduled.test.ts), not a deploy.
    expect(ids(spaced([closeInfo(1001), closeInfo(1001), closeInfo(1001)], 3 * HOUR))).not.toContain(
      'deploys',
    )
  })

  it('must not call a proxy that sends 1001 on idle a deployment', () => {
    const history = spaced(
      [1, 2, 3, 4].map(() => closeInfo(1001, { idleForMs: 60 * SECOND, openForMs: 61 * SECOND })),
      62 * SECOND,
    )
    expect(ids(history)).toEqual(['idle-timeout'])
  })
})

describe('network', () => {
  it('finds a drop while the browser reported offline', () => {
    const found = find([offlineDrop()], 'network')
    expect(found.severity).toBe('info')
    expect(found.summary).toContain('1 connection dropped while the device was offline')
  })

  it('reads the offline flag whoever closed the socket', () => {
    expect(ids([closeInfo(1006, { offline: true })])).toEqual(['network'])
  })

  it('counts a 1006 right after coming back, but not one minutes later', () => {
    const offline = offlineDrop({ at: 0 })
    const rightAfter = failedAttempt({ at: 10 * SECOND })
    const later = closeInfo(1006, { at: 3 * MINUTE })
    const found = find([offline, rightAfter, later], 'network')
    expect(found.evidence).toEqual([offline, rightAfter])
    expect(found.summary).toContain('1 within 30 s of coming back')
  })

  it('must not fire on a 1006 while online', () => {
    expect(diagnose([closeInfo(1006, { offline: false })])).toEqual([])
  })

  it('says the network ended it, and what to do, for one offline drop', () => {
    const found = find([offlineDrop()], 'network')
    expect(found.summary).toBe(
      '1 connection dropped while the device was offline: the network ended it, not the server.',
    )
    expect(found.advice).toBe(
      'Nothing to fix on the server. Attempts pause while the browser reports offline and resume when it is back; ' +
        'keep the send queue on so messages sent meanwhile go out after reconnecting.',
    )
  })

  it('says them for more than one record', () => {
    const offline = offlineDrop({ at: 0 })
    const rightAfter = failedAttempt({ at: 5 * SECOND })
    expect(find([offline, rightAfter], 'network').summary).toBe(
      '1 connection dropped while the device was offline, and 1 within 30 s of coming back: ' +
        'the network ended them, not the server.',
    )
    const twoOffline = [offlineDrop({ at: 0 }), offlineDrop({ at: 10 * MINUTE })]
    expect(find(twoOffline, 'network').summary).toBe(
      '2 connections dropped while the device was offline: the network ended them, not the server.',
    )
  })

  it('counts a 1006 exactly 30 s after the offline drop, not one a millisecond later', () => {
    const offline = offlineDrop({ at: 0 })
    const atLimit = closeInfo(1006, { at: 30 * SECOND })
    expect(find([offline, atLimit], 'network').evidence).toEqual([offline, atLimit])
    const pastLimit = closeInfo(1006, { at: 30 * SECOND + 1 })
    expect(find([offline, pastLimit], 'network').evidence).toEqual([offline])
  })

  it('counts from the latest offline drop', () => {
    const first = offlineDrop({ at: 0 })
    const second = offlineDrop({ at: 10 * MINUTE })
    const rightAfter = closeInfo(1006, { at: 10 * MINUTE + 20 * SECOND })
    expect(find([first, second, rightAfter], 'network').evidence).toEqual([first, second, rightAfter])
  })

  it('takes neither a 1006 before the offline drop nor another code right after it', () => {
    const before = closeInfo(1006, { at: 0 })
    const offline = offlineDrop({ at: 10 * SECOND })
    const serverError = closeInfo(1011, { at: 20 * SECOND })
    const found = find([before, offline, serverError], 'network')
    expect(found.evidence).toEqual([offline])
    expect(found.summary).not.toContain('coming back')
  })

  it('reads a close the library put down to the network as offline, without the flag', () => {
    const found = find([closeInfo(1006, { initiator: 'network' })], 'network')
    expect(found.summary).toContain('1 connection dropped while the device was offline')
  })
})

describe('policy', () => {
  it('finds two 1008 closes', () => {
    const history = spaced([closeInfo(1008), closeInfo(1008)])
    const found = find(history, 'policy')
    expect(ids(history)).toEqual(['policy'])
    expect(found.severity).toBe('error')
    expect(found.summary).toContain('1008 Policy Violation ×2')
    expect(found.advice).toMatch(/Retrying cannot help/)
  })

  it('knows the common auth codes 4001, 4003, 4401 and 4403', () => {
    expect(ids(spaced([closeInfo(4401), closeInfo(4003)]))).toEqual(['policy'])
    expect(ids(spaced([closeInfo(4001), closeInfo(4403)]))).toEqual(['policy'])
  })

  it('reads auth-like names from closeCodes', () => {
    const history = spaced([closeInfo(4100), closeInfo(4100)])
    expect(ids(history)).toEqual([])
    const found = find(history, 'policy', { closeCodes: { 4100: { name: 'Token Expired' } } })
    expect(found.summary).toContain('4100 Token Expired ×2')
  })

  it('reads auth-like names the records already carry', () => {
    const named = (code: number) =>
      closeInfo(code, { info: { code, name: 'Unauthorized', description: '', retry: false } })
    expect(ids(spaced([named(4999), named(4999)]))).toEqual(['policy'])
  })

  it('explains a server that accepts and then refuses as policy, not flapping', () => {
    const history = spaced([shortLived(300, 1008), shortLived(250, 1008), shortLived(400, 1008)], 5 * SECOND)
    expect(ids(history)).toEqual(['policy'])
  })

  it('says in full what the server refused and what to change', () => {
    const history = spaced([
      closeInfo(1008),
      closeInfo(4401, { info: { ...closeInfo(4401).info, name: 'Unauthorized' } }),
    ])
    const found = find(history, 'policy')
    expect(found.severity).toBe('error')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toBe(
      'The server refused this client 2 times (1008 Policy Violation, 4401 Unauthorized): ' +
        'it rejects the credentials or breaks one of its policies.',
    )
    expect(found.advice).toBe(
      'Retrying cannot help: the server will refuse again until the credentials change. Fix the token or ' +
        'credentials (a function url can fetch a fresh token before every attempt), and give these codes ' +
        'retry: false in closeCodes so the connection stops instead of retrying.',
    )
  })

  it('reads every auth-like word in a name, in any case', () => {
    for (const name of [
      'AUTH failed',
      'Forbidden',
      'unauthorised',
      'Token expired',
      'Bad Credential',
      'POLICY',
    ]) {
      const record = closeInfo(4100, { info: { ...closeInfo(4100).info, name } })
      expect(ids(spaced([record, record])), name).toEqual(['policy'])
    }
  })

  it('takes the name from closeCodes over the one the record carries', () => {
    const record = closeInfo(4100, { info: { ...closeInfo(4100).info, name: 'Unauthorized' } })
    expect(diagnose(spaced([record, record]), { closeCodes: { 4100: { name: 'Room Closed' } } })).toEqual([])
  })

  it('must not fire on one 1008', () => {
    expect(diagnose([closeInfo(1008)])).toEqual([])
  })

  it('must not fire on application codes that are not about auth', () => {
    const roomClosed = { 4000: { name: 'Room Closed' } }
    expect(diagnose(spaced([closeInfo(4000), closeInfo(4000)]), { closeCodes: roomClosed })).toEqual([])
  })
})

describe('flapping', () => {
  it('finds three connections in a row that drop within minUptime', () => {
    const history = spaced([shortLived(800), shortLived(1_200), shortLived(300)], 3 * SECOND)
    const found = find(history, 'flapping')
    expect(ids(history)).toEqual(['flapping'])
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('3 connections in a row')
    expect(found.summary).toContain('0.3 s to 1.2 s')
  })

  it('is not interrupted by attempts that never opened', () => {
    const history = spaced(
      [shortLived(800), failedAttempt(), shortLived(900), failedAttempt(), shortLived(700)],
      3 * SECOND,
    )
    expect(find(history, 'flapping').evidence).toHaveLength(3)
  })

  it('uses the minUptime option', () => {
    const history = spaced([shortLived(7_000), shortLived(6_000), shortLived(8_000)], 10 * SECOND)
    expect(ids(history)).toEqual([])
    expect(ids(history, { minUptime: 10_000 })).toEqual(['flapping'])
  })

  it('must not fire when a stable connection breaks the run', () => {
    const history = spaced([
      shortLived(800),
      shortLived(900),
      closeInfo(1006),
      shortLived(700),
      shortLived(600),
    ])
    expect(diagnose(history)).toEqual([])
  })

  it('says how many, how long they lasted and what to check, in full', () => {
    const history = spaced([shortLived(800), shortLived(1_200), shortLived(300)], 3 * SECOND)
    const found = find(history, 'flapping')
    expect(found.severity).toBe('warning')
    expect(found.summary).toBe(
      '3 connections in a row closed less than 5 s after opening (open for 0.3 s to 1.2 s): ' +
        'the server accepts the socket and then drops it.',
    )
    expect(found.advice).toBe(
      'Reconnecting will not fix this: check what the server does right after the handshake (a crash, an auth ' +
        'check after connect, a first message it rejects). The retry counter resets only after a connection stays ' +
        'open for 5 s (minUptime), so backoff keeps growing instead of hammering the server.',
    )
  })

  it('counts the runs when a stable connection splits them', () => {
    const history = spaced([
      shortLived(800),
      shortLived(900),
      shortLived(700),
      closeInfo(1006),
      shortLived(600),
      shortLived(500),
      shortLived(400),
    ])
    const found = find(history, 'flapping')
    expect(found.evidence).toEqual([...history.slice(0, 3), ...history.slice(4)])
    expect(found.summary).toContain('6 connections in 2 runs closed less than 5 s after opening')
  })

  it('counts a connection open exactly minUptime as stable, and one a millisecond shorter as a flap', () => {
    const stable = spaced([shortLived(800), shortLived(900), shortLived(5_000), shortLived(700)], 10 * SECOND)
    expect(ids(stable)).not.toContain('flapping')
    const short = spaced([shortLived(800), shortLived(900), shortLived(4_999)], 10 * SECOND)
    expect(find(short, 'flapping').evidence).toEqual(short)
  })

  it('fires on a run of exactly three, not two', () => {
    expect(ids(spaced([shortLived(800), shortLived(900)], 3 * SECOND))).not.toContain('flapping')
    expect(ids(spaced([shortLived(800), shortLived(900), shortLived(700)], 3 * SECOND))).toContain('flapping')
  })

  it('neither counts nor breaks a run on a short connection another detector explained', () => {
    // The 1008s are policy's; the three 1006s around them are still one run.
    const history = spaced(
      [shortLived(800), shortLived(300, 1008), shortLived(900), shortLived(300, 1008), shortLived(700)],
      3 * SECOND,
    )
    expect(ids(history)).toEqual(['policy', 'flapping'])
    expect(find(history, 'flapping').evidence).toEqual([history[0], history[2], history[4]])
  })

  it('must not fire on long-lived connections closing with 1006', () => {
    expect(diagnose(spaced(Array.from({ length: 10 }, () => closeInfo(1006))))).toEqual([])
  })

  it('must not fire on attempts that never opened', () => {
    // Those are refused handshakes (or a server that is down), diagnosed as such.
    expect(
      ids(
        spaced(
          Array.from({ length: 5 }, () => failedAttempt()),
          5 * SECOND,
        ),
      ),
    ).toEqual(['refused-handshake'])
  })
})

describe('heartbeat', () => {
  it('finds two dead connections and reports the median detection time', () => {
    const history = spaced([heartbeatDead(35_000), heartbeatDead(35_000)])
    const found = find(history, 'heartbeat')
    expect(ids(history)).toEqual(['heartbeat'])
    expect(found.summary).toContain('2 dead connections after about 35 s')
    expect(found.summary).toContain('half-open')
  })

  it('takes the median, not the mean', () => {
    const history = spaced([heartbeatDead(31_000), heartbeatDead(35_000), heartbeatDead(90_000)])
    expect(find(history, 'heartbeat').summary).toContain('about 35 s')
  })

  it('says in full what the heartbeat found and what to tune', () => {
    const found = find(spaced([heartbeatDead(40_000), heartbeatDead(50_000)]), 'heartbeat')
    expect(found.severity).toBe('warning')
    expect(found.summary).toBe(
      'The heartbeat found 2 dead connections after about 45 s of silence (median): the TCP connection was gone ' +
        'without a close (half-open), as when a NAT, firewall or mobile network forgets the flow.',
    )
    expect(found.advice).toBe(
      'Without the heartbeat these sockets would have looked open forever. A dead connection is noticed within ' +
        'heartbeat interval + timeout; lower them to notice sooner, and a shorter interval also keeps NAT entries alive.',
    )
  })

  it('leaves out the silence when no record has an idle time, and skips the ones without', () => {
    const unknown = spaced([heartbeatDead(0, { idleForMs: null }), heartbeatDead(0, { idleForMs: null })])
    expect(find(unknown, 'heartbeat').summary).toMatch(/^The heartbeat found 2 dead connections: the TCP/)
    const mixed = spaced([heartbeatDead(0, { idleForMs: null }), heartbeatDead(40_000)])
    expect(find(mixed, 'heartbeat').summary).toContain(
      '2 dead connections after about 40 s of silence (median)',
    )
  })

  it('must not fire on one dead connection', () => {
    expect(diagnose([heartbeatDead(35_000)])).toEqual([])
  })
})

describe('server-error', () => {
  it('finds two 1011 closes', () => {
    const history = spaced([closeInfo(1011), closeInfo(1011)])
    const found = find(history, 'server-error')
    expect(ids(history)).toEqual(['server-error'])
    expect(found.severity).toBe('error')
    expect(found.summary).toContain('2 times')
  })

  it('says in full what the server did and where to look', () => {
    const found = find(spaced([closeInfo(1011), closeInfo(1011), closeInfo(1011)]), 'server-error')
    expect(found.summary).toBe(
      'The server hit an internal error (1011) 3 times while serving this connection.',
    )
    expect(found.advice).toBe(
      "Look at the server's logs around these times: 1011 means an unhandled error in its connection handler. " +
        'Reconnects back off, but if a message or some state triggers the bug, every new connection will fail the same way.',
    )
  })

  it('must not fire on one 1011', () => {
    expect(diagnose([closeInfo(1011)])).toEqual([])
  })
})

describe('mixed histories', () => {
  it('finds every pattern in one noisy history, each record explained once', () => {
    const day = 24 * HOUR
    const history = [
      idleDrop(60_200, { at: 1 * HOUR }),
      clientClose({ at: 2 * HOUR }),
      closeInfo(1008, { at: 3 * HOUR }),
      idleDrop(59_700, { at: 4 * HOUR }),
      closeInfo(1001, { at: 5 * HOUR }),
      failedAttempt({ at: 5 * HOUR + 2 * SECOND }),
      failedAttempt({ at: 5 * HOUR + 5 * SECOND }),
      idleDrop(25_000, { at: 6 * HOUR }),
      offlineDrop({ at: 7 * HOUR }),
      idleDrop(60_600, { at: 8 * HOUR }),
      closeInfo(4401, { at: day }),
      closeInfo(1011, { at: day + HOUR }),
    ]
    const found = diagnose(history)
    expect(found.map((diagnosis) => diagnosis.id)).toEqual(['policy', 'idle-timeout', 'network', 'deploys'])
    const evidence = found.flatMap((diagnosis) => diagnosis.evidence)
    expect(new Set(evidence).size).toBe(evidence.length)
  })

  const codes = [1000, 1001, 1005, 1006, 1008, 1011, 1012, 4000, 4001, 4401]
  const initiators = ['server', 'client', 'heartbeat', 'timeout', 'network'] as const

  const anyHistory = fc
    .array(
      fc.record({
        gap: fc.integer({ min: 0, max: 2 * HOUR }),
        code: fc.constantFrom(...codes),
        openForMs: fc.option(fc.integer({ min: 0, max: 30 * MINUTE })),
        idleForMs: fc.option(fc.integer({ min: 0, max: 5 * MINUTE })),
        initiator: fc.constantFrom(...initiators),
        offline: fc.option(fc.boolean(), { nil: undefined }),
      }),
      { maxLength: 40 },
    )
    .map((rows) => {
      let at = 0
      return rows.map(({ gap, code, ...fields }) => {
        at += gap
        return closeInfo(code, { ...fields, at })
      })
    })

  it('holds its invariants on any history', () => {
    fc.assert(
      fc.property(anyHistory, (history) => {
        const found = diagnose(history)
        const evidence = found.flatMap((diagnosis) => diagnosis.evidence)
        expect(new Set(found.map((diagnosis) => diagnosis.id)).size).toBe(found.length)
        expect(new Set(evidence).size).toBe(evidence.length)
        for (const record of evidence) {
          expect(history).toContain(record)
          expect(record.initiator).not.toBe('client')
        }
        for (const diagnosis of found) {
          expect(diagnosis.evidence.length).toBeGreaterThan(0)
          expect(diagnosis.summary).not.toMatch(/NaN|undefined|Infinity/)
          expect(diagnosis.advice).not.toMatch(/NaN|undefined|Infinity/)
        }
      }),
    )
  })

  it('gives the same answer with client closes mixed in anywhere', () => {
    const withClients = anyHistory.chain((history) =>
      fc.tuple(fc.constant(history), fc.array(fc.nat({ max: history.length }), { maxLength: 10 })),
    )
    fc.assert(
      fc.property(withClients, ([history, positions]) => {
        const mixed = [...history]
        for (const position of positions) {
          const at = mixed[position - 1]?.at ?? 0
          mixed.splice(position, 0, clientClose({ at, openForMs: 100, idleForMs: 60 * SECOND }))
        }
        expect(diagnose(mixed)).toEqual(diagnose(history))
      }),
    )
  })

  it('finds an idle timeout of any period among any ordinary noise', () => {
    const noise = fc.constantFrom(
      () => clientClose(),
      () => closeInfo(1000, { initiator: 'server' }),
      () => closeInfo(1006),
      () => failedAttempt(),
      () => closeInfo(1008),
      () => closeInfo(1011),
      () => heartbeatDead(35_000),
      () => closeInfo(1001),
    )
    const scenario = fc.record({
      periodMs: fc.integer({ min: 11 * SECOND, max: 10 * MINUTE }),
      offsets: fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 3, maxLength: 6 }),
      noise: fc.array(noise, { maxLength: 12 }),
      seed: fc.nat(),
    })
    fc.assert(
      fc.property(scenario, ({ periodMs, offsets, noise, seed }) => {
        const timeouts = offsets.map((offset) => idleDrop(Math.round(periodMs * (1 + offset))))
        const records = [...timeouts, ...noise.map((make) => make())]
        // A seeded shuffle keeps the case reproducible when fast-check shrinks it.
        const order = records.map((record, index) => ({ record, key: (index * 7919 + seed) % 104729 }))
        order.sort((a, b) => a.key - b.key)
        const history = spaced(order.map(({ record }) => record))
        const found = find(history, 'idle-timeout')
        expect(found.evidence).toHaveLength(timeouts.length)
      }),
    )
  })
})
