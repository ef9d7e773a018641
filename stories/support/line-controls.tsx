import type { ReactNode } from 'react'
import { useSyncExternalStore } from 'react'
import type { MockSocketServer } from './mock-server'
import { Button, Panel, styles } from './ui'

/**
 * The flaky-network controls the topic stories share: cut the line (open sockets dropped
 * without a close frame, new ones refused) and restore it, with the server's own log, as in
 * Playground/Flaky network. `children` adds the story's own server actions.
 */
export function LineControls({ server, children }: { server: MockSocketServer; children?: ReactNode }) {
  const mode = useSyncExternalStore(server.subscribe, () => server.getMode())
  const events = useSyncExternalStore(server.subscribe, () => server.getEvents())
  return (
    <Panel title="Server">
      <p style={{ margin: '0 0 8px' }}>
        Line: <strong>{mode === 'refusing' ? 'cut' : 'up'}</strong>
      </p>
      <div style={styles.row}>
        <Button onClick={() => server.refuse()} disabled={mode === 'refusing'}>
          Cut the line
        </Button>
        <Button onClick={() => server.heal()} disabled={mode !== 'refusing'}>
          Restore the line
        </Button>
        {children}
      </div>
      <ol
        aria-label="Server log"
        style={{ margin: '10px 0 0', paddingLeft: 18, fontSize: 13, maxHeight: 120, overflow: 'auto' }}
      >
        {events.slice(-5).map((event) => (
          <li key={`${event.at}-${event.text}`}>{event.text}</li>
        ))}
      </ol>
    </Panel>
  )
}
