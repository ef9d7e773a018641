import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { createLifelineServer } from '../../src/server'
import { connectClient } from '../support/frame-client'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function listen(server: Server): Promise<number> {
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

describe('attached to an HTTP server', () => {
  it('takes upgrades on its path and leaves other paths and requests to the app', async () => {
    const http = createServer((_request, response) => response.end('app'))
    const lifeline = createLifelineServer({ server: http, path: '/live' })
    const ready = lifeline.ready() // resolves once the app's server listens
    // The app's own WebSocket endpoint on another path keeps working.
    const other = new WebSocketServer({ noServer: true })
    http.on('upgrade', (request, socket, head) => {
      if (request.url === '/chat') other.handleUpgrade(request, socket, head, (ws) => ws.send('chat here'))
    })
    const port = await listen(http)
    expect(await ready).toBe(port)
    const live = await connectClient(`ws://127.0.0.1:${port}/live`)
    live.send('{"type":"ping"}')
    expect(await live.next()).toEqual({ type: 'pong' })
    const chat = await connectClient(`ws://127.0.0.1:${port}/chat`)
    await chat.next((frame) => frame === undefined)
    expect(chat.texts).toEqual(['chat here'])
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('app')
    chat.socket.close()
    await lifeline.close()
    expect((await live.closed).code).toBe(1012)
    // After the drain the app's server is still the app's: it keeps serving HTTP, and
    // upgrades on the drained path get a 503 rather than no answer.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('app')
    await expect(connectClient(`ws://127.0.0.1:${port}/live`)).rejects.toThrow('HTTP 503')
  })

  it('takes upgrades the app routes to it with handleUpgrade', async () => {
    const http = createServer()
    const lifeline = createLifelineServer()
    http.on('upgrade', (request, socket, head) => lifeline.handleUpgrade(request, socket, head))
    const port = await listen(http)
    const client = await connectClient(`ws://127.0.0.1:${port}/any/path`)
    client.send('{"type":"ping"}')
    expect(await client.next()).toEqual({ type: 'pong' })
    expect(lifeline.clients).toBe(1)
    await lifeline.close()
  })

  it('refuses options that contradict each other', () => {
    expect(() => createLifelineServer({ server: createServer(), port: 1 })).toThrow(
      'pass `server` or `port`, not both',
    )
    expect(() => createLifelineServer({ maxTopicsPerSocket: 0 })).toThrow(
      'maxTopicsPerSocket must be a whole number ≥ 1',
    )
    expect(() => createLifelineServer({ subscribesPerSecond: 0 })).toThrow(
      'subscribesPerSecond must be above 0',
    )
  })
})
