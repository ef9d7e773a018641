// The test page: the Sentry SDK set up as an app would, a connection to a flapping server and
// the recipe. It tells the test it is done through window.lifelineDone.
import * as Sentry from '@sentry/browser'
import { createConnection } from '../../../src/core/index'
import { reportToSentry } from './report-to-sentry'

const params = new URLSearchParams(location.search)
const closesWanted = Number(params.get('closes'))

Sentry.init({ dsn: params.get('dsn')!, release: 'lifeline-sentry-test', sendClientReports: false })

// As an app would: a short-lived token from its own API, put in the socket URL.
const token = await (await fetch('/token')).text()
const connection = createConnection(`${params.get('ws')}&token=${token}`, {
  retry: { initialDelay: 50, maxDelay: 200, jitter: 'none' },
})
reportToSentry(connection, { dedupeMs: 60_000 })

let closes = 0
connection.on('close', () => {
  closes++
  if (closes !== closesWanted) return
  connection.close()
  // A last event after the run, so the breadcrumbs of closes the dedupe window held back are seen too.
  Sentry.captureMessage('sentry test finished', { level: 'info' })
  void Sentry.flush(5_000).then((flushed) => {
    ;(window as { lifelineDone?: unknown }).lifelineDone = { flushed, history: connection.getHistory() }
  })
})
connection.connect()
