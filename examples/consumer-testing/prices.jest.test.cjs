// Jest + jest-environment-jsdom, the package's CommonJS build, no transform: a banner after a
// drop and a heartbeat that finds a silent server, under Jest's fake timers and findBy.
const { act, cleanup, render, screen } = require('@testing-library/react')
const { createElement: h } = require('react')
const { ConnectionBanner, useWebSocket } = require('react-lifeline')
const { createMockServer } = require('react-lifeline/testing')

const URL = 'ws://localhost/prices'

function Prices() {
  const { status, lastJsonMessage } = useWebSocket(URL, { heartbeat: true })
  return h(
    'div',
    null,
    h(ConnectionBanner, { target: URL }),
    h('p', null, `Price: ${lastJsonMessage?.price ?? '…'}`),
    h('output', null, status),
  )
}

let server

beforeEach(() => {
  jest.useFakeTimers()
  jest.spyOn(console, 'error')
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  jest.useRealTimers()
  expect(console.error).not.toHaveBeenCalled()
  jest.restoreAllMocks()
})

test('a banner appears after a drop (findBy advances Jest fake timers)', async () => {
  render(h(Prices))
  expect(await screen.findByText('open')).toBeTruthy()
  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('Price: 42')).toBeTruthy()

  server.drop()
  server.refuse()
  // findBy advances Jest's fake clock itself; its 1 s timeout is fake time too, and the banner
  // waits showAfterMs (1 s) before it shows, so give it longer.
  expect(await screen.findByText(/^Reconnecting/, {}, { timeout: 5000 })).toBeTruthy()
  expect(screen.getByText('Code 1006')).toBeTruthy()

  server.restore()
  await act(() => jest.runOnlyPendingTimersAsync())
  expect(screen.getByText('Reconnected')).toBeTruthy()
})

test('the heartbeat finds a silent server', async () => {
  render(h(Prices))
  await act(() => jest.advanceTimersByTimeAsync(0))
  await act(() => jest.advanceTimersByTimeAsync(60_000))
  expect(screen.getByText('open')).toBeTruthy()
  expect(server.pings).toBe(2)

  server.goSilent()
  await act(() => jest.advanceTimersByTimeAsync(35_000))
  expect(screen.getByText('reconnecting')).toBeTruthy()
  expect(screen.getByText('Code 1006: heartbeat timeout')).toBeTruthy()
})
