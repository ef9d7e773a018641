import { LifelineConnection } from '../../src/core/connection'
import type { ConnectionOptions } from '../../src/core/types'
import { FakeClock } from './fake-clock'
import { FakeNetwork, FakeVisibility } from './fake-network'
import { FakeWebSocket, FakeWebSocketConstructor } from './fake-websocket'

/** Options that put a connection on a fake socket, clock, network and visibility, with deterministic jitter. */
export function fakeOptions(clock = new FakeClock(), network = new FakeNetwork()): ConnectionOptions {
  return {
    WebSocket: FakeWebSocketConstructor,
    clock,
    network,
    visibility: new FakeVisibility(),
    random: () => 0.5,
  }
}

/** A connection wired to a fake clock, socket, network and visibility, with the fakes to drive it. */
export function fakeConnection(
  options: ConnectionOptions = {},
  url: string | (() => string | Promise<string>) = 'ws://test.local/socket',
) {
  FakeWebSocket.reset()
  const clock = new FakeClock()
  const network = new FakeNetwork()
  const base = fakeOptions(clock, network)
  const visibility = base.visibility as FakeVisibility
  const connection = new LifelineConnection(url, { ...base, ...options })
  const socket = () => FakeWebSocket.last
  const statuses: string[] = []
  connection.subscribe(() => {
    const status = connection.getState().status
    if (statuses.at(-1) !== status) statuses.push(status)
  })
  return { connection, clock, network, visibility, socket, statuses, sockets: () => FakeWebSocket.instances }
}
