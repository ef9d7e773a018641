import type { CloseInfo } from '../types'
import { codeList, count, type Detector, unclaimed } from './detector'

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MINUTES = 24 * 60

// A job that starts at :00 takes a minute or two to load the server or restart it, and the
// drops it causes land anywhere in that stretch: ±2 minutes around the busiest minute.
const SPREAD_MINUTES = 2

// Three hours with a drop at the same minute is a rhythm; two can be chance.
const MIN_HOURS = 3

// A five-minute window holds 1/12 of drops spread evenly over the hour. A quarter is three
// times that: the window must stand out from the rest of the history, not just have drops.
const MIN_SHARE = 1 / 4

/** Minutes between two positions on a circle of `size` minutes (59 and 1 are 2 apart). */
function distance(a: number, b: number, size: number): number {
  const d = Math.abs(a - b) % size
  return Math.min(d, size - d)
}

// Local time, because cron jobs and maintenance windows are set on a wall clock. `at` is
// clock time: epoch milliseconds with the default clock.
function minuteOfDay(record: CloseInfo): number {
  const date = new Date(record.at)
  return date.getHours() * 60 + date.getMinutes()
}

/** The records within the spread of the busiest minute, on a circle of `size` minutes. */
function busiestWindow(records: readonly CloseInfo[], size: number): CloseInfo[] {
  const minutes = records.map((record) => minuteOfDay(record) % size)
  // Stryker disable next-line ArrayDeclaration: a one-element start only survives when every window holds one drop: one hour and one day, below MIN_HOURS either way.
  let best: CloseInfo[] = []
  for (const anchor of new Set(minutes)) {
    const members = records.filter((_, index) => distance(minutes[index]!, anchor, size) <= SPREAD_MINUTES)
    if (members.length > best.length) best = members
  }
  return best
}

function distinctHours(records: readonly CloseInfo[]): number {
  return new Set(records.map((record) => Math.floor(record.at / HOUR_MS))).size
}

function distinctDays(records: readonly CloseInfo[]): number {
  return new Set(records.map((record) => new Date(record.at).toDateString())).size
}

/** The median minute of the window, read around the circle from its first member. */
function typicalMinute(records: readonly CloseInfo[], size: number): number {
  const first = minuteOfDay(records[0]!) % size
  const offsets = records
    .map((record) => {
      const offset = (minuteOfDay(record) % size) - first
      return offset > size / 2 ? offset - size : offset < -size / 2 ? offset + size : offset
    })
    .sort((a, b) => a - b)
  return (first + offsets[Math.floor(offsets.length / 2)]! + size) % size
}

const pad = (n: number) => String(n).padStart(2, '0')

/** Drops that come back at the same minute of the hour or time of day: cron jobs, batch loads, restarts. */
export const scheduled: Detector = (history, context) => {
  const drops = unclaimed(history, context)
  const hourly = busiestWindow(drops, 60)
  if (distinctHours(hourly) < MIN_HOURS || hourly.length < drops.length * MIN_SHARE) return null

  // A daily job also shows up as a minute of the hour; when most of that minute's drops share
  // one time of day on several days, the daily rhythm is the finer explanation.
  const daily = busiestWindow(hourly, DAY_MINUTES)
  const isDaily = distinctDays(daily) >= MIN_HOURS && daily.length * 2 > hourly.length
  const evidence = isDaily ? daily : hourly
  const minute = typicalMinute(evidence, isDaily ? DAY_MINUTES : 60)
  const where = isDaily ? `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}` : `:${pad(minute)}`
  const when = isDaily
    ? `at about ${where} on ${distinctDays(evidence)} days`
    : `at about ${where} past the hour in ${distinctHours(evidence)} different hours`

  return {
    id: 'scheduled',
    severity: 'info',
    summary:
      `${count(evidence.length, 'disconnect')} came ${when} (${codeList(evidence, context.closeCodes)})` +
      (drops.length > evidence.length ? `, ${drops.length - evidence.length} at other times` : '') +
      ': something runs on a schedule.',
    advice:
      `Look for what starts at ${where} (client local time) ${isDaily ? 'every day' : 'every hour'}: cron jobs, ` +
      'batch loads or backups that saturate the server or database, scheduled restarts or certificate reloads, ' +
      'log rotation. Spread the job out, move it off the WebSocket servers, or drain connections before a ' +
      'scheduled restart.',
    evidence,
  }
}
