import type { ReactNode } from 'react'
import { useSyncExternalStore } from 'react'
import type { ServerControls } from './server-controls'
import { Button, formatTime, Panel, styles } from './ui'

/**
 * The flaky-network controls the topic stories share: cut the line (open sockets dropped
 * without a close frame, new ones refused until restored) and restore it, with the server's log,
 * as in Playground/Flaky network. `children` adds the story's own server actions.
 */
export function LineControls({ controls, children }: { controls: ServerControls; children?: ReactNode }) {
  const mode = useSyncExternalStore(controls.subscribe, controls.getMode)
  const events = useSyncExternalStore(controls.subscribe, controls.getEvents)
  const title = controls.kind === 'live' ? 'Server: scripts/demo-server.mjs' : 'Server: mocked in the page'
  return (
    <Panel title={title}>
      <p style={{ margin: '0 0 8px' }}>
        Line: <strong>{mode === 'refusing' ? 'cut' : mode === 'unknown' ? 'unknown' : 'up'}</strong>
      </p>
      <div style={styles.row}>
        <Button onClick={() => controls.refuse(Number.POSITIVE_INFINITY)} disabled={mode === 'refusing'}>
          Cut the line
        </Button>
        <Button onClick={() => controls.heal()} disabled={mode === 'up'}>
          Restore the line
        </Button>
        {children}
      </div>
      <ol
        aria-label="Server log"
        style={{ margin: '10px 0 0', paddingLeft: 18, fontSize: 13, maxHeight: 120, overflow: 'auto' }}
      >
        {events.slice(-5).map((event) => (
          <li key={`${event.at}-${event.text}`}>
            <span style={styles.muted}>{formatTime(event.at)}</span> {event.text}
          </li>
        ))}
      </ol>
    </Panel>
  )
}
