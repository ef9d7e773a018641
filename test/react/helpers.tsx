import { act } from '@testing-library/react'
import type { ReactElement } from 'react'
import { renderToString } from 'react-dom/server'
import type { ConnectionOptions } from '../../src/core/types'
import { FakeClock } from '../support/fake-clock'
import {
  fakeConnection as sharedFakeConnection,
  fakeOptions as sharedFakeOptions,
} from '../support/fake-connection'
import { FakeNetwork } from '../support/fake-network'
import { FakeWebSocket } from '../support/fake-websocket'

// Round retry delays (no jitter, 1 s, 2 s, ...) so the banner's countdown text is predictable.
const RETRY = { jitter: 'none', initialDelay: 1000, maxDelay: 30000 } as const

/** The shared fake options (test/support) with the round retry delays these tests read back. */
export function fakeOptions(clock = new FakeClock(), network = new FakeNetwork()): ConnectionOptions {
  return { ...sharedFakeOptions(clock, network), retry: RETRY }
}

/** The shared fake connection (test/support) with the round retry delays these tests read back. */
export function fakeConnection(options: ConnectionOptions = {}) {
  return sharedFakeConnection({ retry: RETRY, ...options }, 'ws://lifeline.test/socket')
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
