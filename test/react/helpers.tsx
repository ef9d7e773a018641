import { act } from '@testing-library/react'
import type { ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import { createConnection } from '../../src/core/index'
import type { ConnectionOptions } from '../../src/core/types'
import { FakeClock } from '../support/fake-clock'
import { FakeNetwork, FakeVisibility } from '../support/fake-network'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

/** Options for a connection that talks to FakeWebSocket and runs on a FakeClock. */
export function fakeOptions(clock = new FakeClock(), network = new FakeNetwork()): ConnectionOptions {
  return {
    WebSocket: FakeWebSocketConstructor,
    clock,
    network,
    visibility: new FakeVisibility(),
    retry: { jitter: 'none', initialDelay: 1000, maxDelay: 30000 },
  }
}

/** A connection of its own on fake sockets and time, with the fakes to drive it. */
export function fakeConnection(options: ConnectionOptions = {}) {
  const clock = new FakeClock()
  const network = new FakeNetwork()
  const connection = createConnection('ws://lifeline.test/socket', {
    ...fakeOptions(clock, network),
    ...options,
  })
  return { connection, clock, network }
}

/** The socket the connection opened last. */
export function lastSocket(): FakeWebSocket {
  return FakeWebSocket.last
}

/** Runs `fn` inside act, for fakes that fire synchronously. */
export function step(fn: () => void): void {
  act(fn)
}

/** Counts renders of the components that call it. */
export function createRenderCounter() {
  const counter = {
    count: 0,
    hit() {
      counter.count += 1
    },
  }
  return counter
}

/**
 * Runs `run` as on a server: without a document. jsdom provides one, and React 18 warns about
 * layout effects when it renders to a string where a document exists.
 */
export function onServer<T>(run: () => T): T {
  const document = Object.getOwnPropertyDescriptor(globalThis, 'document')
  Object.defineProperty(globalThis, 'document', { value: undefined, configurable: true, writable: true })
  try {
    return run()
  } finally {
    if (document) Object.defineProperty(globalThis, 'document', document)
  }
}

/** `renderToString` as on a server (see `onServer`). */
export function renderOnServer(element: ReactElement): string {
  return onServer(() => renderToString(element))
}
