import { type UseWebSocketOptions, useWebSocket } from '../../src/index'
import type { BenchMessage } from '../protocol'
import { startHarness } from './harness'

// Fastest sensible reconnects: start at 100 ms, double up to 1 s. One shared socket per page,
// so there is no herd to spread and jitter would only add waiting.
const OPTIONS: UseWebSocketOptions = {
  retry: { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 'none' },
}

startHarness({
  name: 'react-lifeline',
  useOpen: (url) => useWebSocket(url, OPTIONS).status === 'open',
  useLastMessage(url) {
    const socket = useWebSocket<BenchMessage>(url, OPTIONS)
    return { last: socket.lastJsonMessage, send: socket.send }
  },
})
