import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startTabBrowser, type TabBrowser } from '../support/share-browser'
import { type ServerClient, startTestServer, type TestServer } from '../support/ws-server'

// The token recipe for shared sockets (README "A token with share: 'origin'",
// docs/sharing-across-tabs.md "Tokens"): a URL function cannot be shared, so the token goes in
// the handshake. Real Chromium tabs of one origin fetch it from the page's origin; a real `ws`
// server takes the first message as the credentials and closes with 4401 unless it carries
// the token the auth endpoint hands out now.
let tabs: TabBrowser
let server: TestServer
let currentToken = 'token-1'
/** Every socket the server accepted, in order (`server.clients` lists only the open ones). */
const accepted: ServerClient[] = []

const lifeline = <T>(page: Page, call: string) =>
  page.evaluate((name) => (window as any).lifeline[name]() as T, call)
const firstMessage = (client: ServerClient) => JSON.parse(client.received[0] ?? 'null')

async function waitOpen(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as any).lifeline.state().status === 'open')
}

beforeAll(async () => {
  server = await startTestServer()
  server.onConnection((client) => {
    accepted.push(client)
    client.socket.once('message', (raw) => {
      let first: { type?: string; token?: string } | null = null
      try {
        first = JSON.parse(String(raw))
      } catch {}
      if (first?.type === 'auth' && first.token === currentToken) client.send('{"type":"authenticated"}')
      else client.close(4401, 'token expired')
    })
  })
  tabs = await startTabBrowser({ page: 'token-page.ts', routes: { '/api/ws-token': () => currentToken } })
})

afterAll(async () => {
  await tabs?.close()
  await server?.close()
})

it('the holding tab authenticates in the handshake, refreshes the token on 4401, and a new holder authenticates after a hand-over', async () => {
  const first = await tabs.openTab(server.url)
  await waitOpen(first)
  const second = await tabs.openTab(server.url)
  await waitOpen(second)

  // One socket for both tabs; its first message is the holder's token.
  expect(server.totalConnections).toBe(1)
  expect(firstMessage(accepted[0]!)).toEqual({ type: 'auth', token: 'token-1' })
  expect([await lifeline(first, 'role'), await lifeline(second, 'role')]).toEqual(['holder', 'follower'])
  expect(await lifeline(second, 'tokensFetched')).toBe(0) // followers never run the handshake

  // A follower's send goes out on the authenticated socket, after the credentials.
  await second.evaluate(() => (window as any).lifeline.send('hello from the follower'))
  await server.waitForMessage((message) => message.data === 'hello from the follower')
  expect(accepted[0]!.received.slice(1)).toEqual(['hello from the follower'])

  // The token expires: the server closes with 4401; the next attempt fetches a fresh token.
  currentToken = 'token-2'
  accepted[0]!.close(4401, 'token expired')
  await server.waitForTotalConnections(2)
  await waitOpen(first)
  await waitOpen(second)
  expect(firstMessage(accepted[1]!)).toEqual({ type: 'auth', token: 'token-2' })
  expect(await lifeline(first, 'tokensFetched')).toBe(2)
  expect(server.refusedHandshakes).toBe(0)

  // The holding tab closes: the follower takes the socket over and authenticates itself.
  currentToken = 'token-3'
  await first.close()
  await second.waitForFunction(
    () => (window as any).lifeline.role() === 'holder' && (window as any).lifeline.state().status === 'open',
  )
  expect(server.totalConnections).toBe(3)
  expect(firstMessage(accepted[2]!)).toEqual({ type: 'auth', token: 'token-3' })
  expect(await lifeline(second, 'tokensFetched')).toBe(1)
  expect(server.connections).toBe(1)

  await second.evaluate(() => (window as any).lifeline.send('after the hand-over'))
  await server.waitForMessage((message) => message.data === 'after the hand-over')
  expect(accepted[2]!.received.slice(1)).toEqual(['after the hand-over'])
  // The server closed once for the token; the other close is the old holder's tab going away.
  expect(server.disconnects.map((close) => close.code)[0]).toBe(4401)
  expect(server.disconnects).toHaveLength(2)
  await second.close()
})
