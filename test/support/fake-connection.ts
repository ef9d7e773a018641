import { LifelineConnection } from '../../src/core/connection'
import type { ConnectionOptions } from '../../src/core/types'
import { FakeClock } from './fake-clock'
import { FakeNetwork, FakeVisibility } from './fake-network'
import { FakeWebSocket, FakeWebSocketConstructor } from './fake-websocket'

/** A connection wired to a fake clock, socket, network and visibility, with deterministic jitter. */
export function fakeConnection(
  options: ConnectionOptions = {},
  url: string | (() => string | Promise<string>) = 'ws://test.local/socket',
) {
  FakeWebSocket.reset()
  const clock = new FakeClock()
  const network = new FakeNetwork()
  const visibility = new FakeVisibility()
  const connection = new LifelineConnection(url, {
    WebSocket: FakeWebSocketConstructor,
    clock,
    network,
    visibility,
    random: () => 0.5,
    ...options,
  })
  const socket = () => FakeWebSocket.last
  const statuses: string[] = []
  connection.subscribe(() => {
    const status = connection.getState().status
    if (statuses.at(-1) !== status) statuses.push(status)
  })
  return { connection, clock, network, visibility, socket, statuses, sockets: () => FakeWebSocket.instances }
}
