// Jest + jest-environment-jsdom, the package's CommonJS build: a component with share: 'origin'
// runs as the one tab it is, and nothing is printed.
const { act, cleanup, render, screen } = require('@testing-library/react')
const { createElement: h } = require('react')
const { useWebSocket } = require('react-lifeline')
require('react-lifeline/share')
const { createMockServer } = require('react-lifeline/testing')

const URL = 'ws://localhost/ticker'

function Ticker() {
  const { status, lastJsonMessage } = useWebSocket(URL, { share: 'origin', heartbeat: true })
  return h('p', null, `${status}: ${lastJsonMessage?.price ?? '…'}`)
}

let server

beforeEach(() => {
  jest.spyOn(console, 'warn')
  jest.spyOn(console, 'error')
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  expect(console.warn).not.toHaveBeenCalled()
  expect(console.error).not.toHaveBeenCalled()
  jest.restoreAllMocks()
})

test("share: 'origin' in jsdom: one tab, its own socket, no console output", async () => {
  render(h(Ticker))
  expect(await screen.findByText('open: …')).toBeTruthy()
  await act(async () => server.sendJson({ price: 42 }))
  expect(screen.getByText('open: 42')).toBeTruthy()
  expect(server.connections).toBe(1)
})
