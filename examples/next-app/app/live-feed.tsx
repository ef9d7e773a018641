'use client'

import { useWebSocket } from 'react-lifeline'
import { LIVE_URL } from './live-url'

interface Update {
  text: string
}

// Hooks need a client component. On the server this renders the idle state and opens nothing;
// the socket opens after hydration.
export function LiveFeed() {
  const { status, lastJsonMessage, sendJson } = useWebSocket<Update>(LIVE_URL, { heartbeat: true })
  return (
    <section>
      <p>
        Status: <output data-testid="status">{status}</output>
      </p>
      <p data-testid="message">{lastJsonMessage?.text ?? 'No update yet'}</p>
      <button type="button" onClick={() => sendJson({ type: 'hello' })}>
        Say hello
      </button>
    </section>
  )
}
