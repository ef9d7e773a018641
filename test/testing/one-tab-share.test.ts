// What the kit does to share: 'origin': one quiet tab where sharing cannot run, the real driver
// where it can (the Storybook stories share across panels in Chromium through the mock server),
// and nothing left behind once the last mock server is gone.
import { createConnection, LifelineConnection } from 'react-lifeline/core'
import { createMockServer } from 'react-lifeline/testing'
import { afterEach, expect, test, vi } from 'vitest'
import { installShare, shareInfoOf } from '../../src/share/index'
import { FakeBrowser } from '../support/fake-tabs'

const URL = 'ws://localhost/one-tab'
const before = LifelineConnection.shareDriver

afterEach(() => {
  vi.unstubAllGlobals()
  LifelineConnection.shareDriver = before
})

test('where the environment can share (Web Locks and BroadcastChannel), the installed driver stays', async () => {
  const browser = new FakeBrowser()
  vi.stubGlobal('navigator', { ...navigator, locks: {} })
  vi.stubGlobal('BroadcastChannel', class {})
  installShare(browser.openTab().environment)
  const server = createMockServer(URL)
  try {
    const connection = createConnection(URL, { share: 'origin' })
    connection.connect()
    await server.nextConnection()
    expect(shareInfoOf(connection)?.role).toBe('holder')
    connection.destroy()
  } finally {
    server.dispose()
  }
})

test('in jsdom the kit keeps the connection in its tab, and gives the driver back after the last server', () => {
  installShare(null) // what `import 'react-lifeline/share'` does where there are no Web Locks
  const installed = LifelineConnection.shareDriver
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
  const first = createMockServer(URL)
  const second = createMockServer(`${URL}/2`)
  const quiet = createConnection(URL, { share: 'origin' })
  expect(shareInfoOf(quiet)).toBeNull()
  first.dispose()
  createConnection(URL, { share: 'origin' }) // one server is still there: still quiet
  expect(warn).not.toHaveBeenCalled()

  second.dispose()
  expect(LifelineConnection.shareDriver).toBe(installed)
  createConnection(URL, { share: 'origin' })
  expect(warn).toHaveBeenCalledWith(expect.stringMatching(/needs the Web Locks API and BroadcastChannel/))
  warn.mockClear() // the warning above was the point; the file's console check need not see it
})

test('installShare after createMockServer wins, for tests that fake several tabs', async () => {
  const server = createMockServer(URL)
  try {
    const browser = new FakeBrowser()
    installShare(browser.openTab().environment)
    const connection = createConnection(URL, { share: 'origin' })
    connection.connect()
    await server.nextConnection()
    expect(shareInfoOf(connection)?.role).toBe('holder')
    connection.destroy()
  } finally {
    server.dispose()
  }
})
