import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import { resetConnections } from '../../../src/core/index'
import { FakeWebSocket } from '../../support/fake-websocket'

// Vitest runs without globals, so testing-library cannot register its own cleanup.
afterEach(() => {
  cleanup()
  resetConnections()
  FakeWebSocket.reset()
})
