import { describe, expect, it } from 'vitest'
import { diagnose } from '../../src/core/diagnose'
import type { CloseInfo, Diagnosis } from '../../src/core/types'
import { closeInfo, failedAttempt, MINUTE, SECOND, shortLived } from '../support/close-info'

// Wall-clock times in the test's own time zone: the detector reads local minutes, as cron does.
function at(day: number, hour: number, minute: number, second = 0): number {
  return new Date(2026, 10, day, hour, minute, second).getTime()
}

/** A long-lived socket dropped (1006) at `time`. */
const dropAt = (time: number, fields: Partial<CloseInfo> = {}) => closeInfo(1006, { at: time, ...fields })

function ids(history: CloseInfo[]): string[] {
  return diagnose(history).map((diagnosis) => diagnosis.id)
}

function scheduled(history: CloseInfo[]): Diagnosis {
  const found = diagnose(history).find((diagnosis) => diagnosis.id === 'scheduled')
  if (!found) throw new Error(`expected 'scheduled', got [${ids(history).join(', ')}]`)
  return found
}

describe('scheduled', () => {
  it('fires on the smallest history: three drops at :00 in three different hours', () => {
    const history = [dropAt(at(2, 10, 0, 20)), dropAt(at(2, 11, 1, 5)), dropAt(at(2, 12, 0, 40))]
    const found = scheduled(history)
    expect(ids(history)).toEqual(['scheduled'])
    expect(found.severity).toBe('info')
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('3 disconnects came at about :00 past the hour in 3 different hours')
    expect(found.advice).toContain('Look for what starts at :00')
    expect(found.advice).toMatch(/cron jobs.*batch loads.*scheduled restarts/)
  })

  it('finds five drops at about :00 among drops spread over the day, and takes only those', () => {
    const onTheHour = [
      [9, 0],
      [11, 1],
      [13, 0],
      [14, 59],
      [17, 0],
    ].map(([hour, minute]) => dropAt(at(3, hour!, minute!)))
    const spread = [
      [8, 12],
      [10, 25],
      [12, 41],
      [14, 7],
      [16, 33],
      [18, 48],
    ].map(([hour, minute]) => dropAt(at(3, hour!, minute!)))
    const history = [...onTheHour, ...spread].sort((a, b) => a.at - b.at)
    const found = scheduled(history)
    expect(found.evidence).toEqual(onTheHour.sort((a, b) => a.at - b.at))
    expect(found.summary).toContain('5 disconnects came at about :00')
    expect(found.summary).toContain('6 at other times')
  })

  it('names the time of day when the drops come back daily', () => {
    const nightly = [4, 5, 6].map((day) =>
      dropAt(at(day, 3, 2), { code: 1012, info: { ...closeInfo(1012).info } }),
    )
    const other = [dropAt(at(4, 14, 20)), dropAt(at(5, 9, 45))]
    const history = [...nightly, ...other].sort((a, b) => a.at - b.at)
    const found = scheduled(history)
    expect(found.evidence).toEqual(nightly)
    expect(found.summary).toContain('at about 03:02 on 3 days')
    expect(found.summary).toContain('1012 Service Restart ×3')
    expect(found.advice).toContain('Look for what starts at 03:02 (client local time) every day')
  })

  it('says in full what came when and where to look, hourly', () => {
    const history = [dropAt(at(2, 10, 0, 20)), dropAt(at(2, 11, 1, 5)), dropAt(at(2, 12, 0, 40))]
    const found = scheduled(history)
    expect(found.summary).toBe(
      '3 disconnects came at about :00 past the hour in 3 different hours (1006 Abnormal Closure ×3): ' +
        'something runs on a schedule.',
    )
    expect(found.advice).toBe(
      'Look for what starts at :00 (client local time) every hour: cron jobs, batch loads or backups that ' +
        'saturate the server or database, scheduled restarts or certificate reloads, log rotation. Spread the job ' +
        'out, move it off the WebSocket servers, or drain connections before a scheduled restart.',
    )
  })

  it('says in full what came when and where to look, daily', () => {
    const nightly = [4, 5, 6].map((day) => dropAt(at(day, 3, 2)))
    const history = [...nightly, dropAt(at(4, 14, 20)), dropAt(at(5, 9, 45))].sort((a, b) => a.at - b.at)
    const found = scheduled(history)
    expect(found.summary).toBe(
      '3 disconnects came at about 03:02 on 3 days (1006 Abnormal Closure ×3), 2 at other times: ' +
        'something runs on a schedule.',
    )
    expect(found.advice).toMatch(
      /^Look for what starts at 03:02 \(client local time\) every day: cron jobs, /,
    )
  })

  it('takes drops two minutes either side of the busiest minute, across the full hour', () => {
    const history = [dropAt(at(2, 10, 58)), dropAt(at(2, 12, 0)), dropAt(at(2, 13, 2))]
    const found = scheduled(history)
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('at about :00 past the hour')
  })

  it('names the middle minute of a window that crosses the hour, whichever side comes first', () => {
    const history = [dropAt(at(2, 10, 1)), dropAt(at(2, 11, 59)), dropAt(at(2, 13, 58))]
    const found = scheduled(history)
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('at about :59 past the hour in 3 different hours')
  })

  it('must not take a drop three minutes from the others', () => {
    const history = [dropAt(at(2, 10, 0)), dropAt(at(2, 11, 0)), dropAt(at(2, 12, 3))]
    expect(ids(history)).not.toContain('scheduled')
  })

  it('fires when the window holds exactly a quarter of the drops, not less', () => {
    const onTheHour = [10, 11, 12].map((hour) => dropAt(at(8, hour, 0)))
    // Five minutes apart: no two of them share a window.
    const spread = [10, 15, 20, 25, 30, 35, 40, 45, 50].map((minute, index) =>
      dropAt(at(8, 13 + index, minute)),
    )
    const quarter = [...onTheHour, ...spread]
    expect(scheduled(quarter).evidence).toEqual(onTheHour)
    expect(ids([...quarter, dropAt(at(8, 23, 55))])).not.toContain('scheduled')
  })

  it('names the first of two equally busy minutes', () => {
    const history = [10, 11, 12].map((hour) => dropAt(at(9, hour, 0)))
    history.push(...[13, 14, 15].map((hour) => dropAt(at(9, hour, 30))))
    const found = scheduled(history)
    expect(found.evidence).toEqual(history.slice(0, 3))
    expect(found.summary).toContain('3 disconnects came at about :00 past the hour in 3 different hours')
    expect(found.summary).toContain(', 3 at other times')
  })

  it('stays hourly when the time of day holds only half of the minute', () => {
    const nightly = [4, 5, 6].map((day) => dropAt(at(day, 3, 2)))
    const daytime = [dropAt(at(4, 10, 2)), dropAt(at(5, 14, 2)), dropAt(at(6, 18, 2))]
    const history = [...nightly, ...daytime].sort((a, b) => a.at - b.at)
    const found = scheduled(history)
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('6 disconnects came at about :02 past the hour in 6 different hours')
    // One fewer in the daytime and the nightly three are more than half: daily.
    const fewer = history.filter((record) => record !== daytime[2])
    expect(scheduled(fewer).summary).toContain(
      '3 disconnects came at about 03:02 on 3 days (1006 Abnormal Closure ×3), 2 at other times',
    )
  })

  it('stays hourly when the time of day comes back on only two days', () => {
    const history = [dropAt(at(4, 3, 2)), dropAt(at(5, 3, 2)), dropAt(at(5, 3, 3)), dropAt(at(6, 10, 2))]
    const found = scheduled(history)
    expect(found.evidence).toEqual(history)
    expect(found.summary).toContain('4 disconnects came at about :02 past the hour in 3 different hours')
  })

  it('must not fire on drops spread evenly over the hour', () => {
    // One drop every five minutes for three hours: every minute of the hour is as busy as any other.
    const start = at(7, 10, 0)
    const history = Array.from({ length: 36 }, (_, index) => dropAt(start + index * 5 * MINUTE))
    expect(ids(history)).not.toContain('scheduled')
  })

  it('must not fire on one burst', () => {
    const start = at(7, 10, 0)
    const history = Array.from({ length: 12 }, (_, index) =>
      index % 2 === 0
        ? shortLived(2 * SECOND, 1006, { at: start + index * 15 * SECOND })
        : failedAttempt({ at: start + index * 15 * SECOND }),
    )
    expect(ids(history)).not.toContain('scheduled')
  })

  it('must not fire on a history that spans fewer than three distinct hours', () => {
    const history = [at(7, 10, 0), at(7, 10, 30), at(7, 11, 0), at(7, 11, 1), at(7, 11, 59)].map((time) =>
      dropAt(time),
    )
    expect(ids(history)).not.toContain('scheduled')
  })

  it('must not fire when the minute is a small share of many drops', () => {
    const onTheHour = [10, 11, 12].map((hour) => dropAt(at(8, hour, 0)))
    const spread = Array.from({ length: 10 }, (_, index) => dropAt(at(8, 10 + (index % 3), 6 + index * 5)))
    expect(ids([...onTheHour, ...spread].sort((a, b) => a.at - b.at))).not.toContain('scheduled')
  })
})
