import { afterEach, beforeAll } from 'vitest'

// Storybook's Vitest plugin applies .storybook/preview and the addons' annotations by itself
// (since 10.3); this file only adds a guard for the test run.
//
// Every story's sockets are served in the page by react-lifeline/testing, which puts its
// stand-in on globalThis.WebSocket while a story's mock servers run and restores what it found
// (this guard) after. A socket that reaches the real WebSocket class slipped past its mock (a
// server missing from the story): in tests that is a bug, even when it would only reach
// 127.0.0.1. The guard is installed before any story runs.
const escaped: string[] = []

beforeAll(() => {
  const RealWebSocket = globalThis.WebSocket
  const Guarded = new Proxy(RealWebSocket, {
    construct(target, args, newTarget) {
      escaped.push(String(args[0]))
      return Reflect.construct(target, args, newTarget)
    },
  })
  globalThis.WebSocket = Guarded
})

afterEach(() => {
  if (escaped.length === 0) return
  const urls = escaped.splice(0)
  throw new Error(
    `A story opened a real WebSocket (${urls.join(', ')}). Serve its URL with a MockSocketServer ` +
      'in parameters.msw.handlers, or tag the story `live` if it needs scripts/demo-server.mjs.',
  )
})
