import type { ReactElement } from 'react'
import type { CloseInfo } from '../../core/types'
import { clockTime, closeKind, seconds } from './format'

function HistoryItem({ close }: { close: CloseInfo }): ReactElement {
  const parts = [
    `by ${close.initiator}`,
    close.openForMs === null ? 'never opened' : `open for ${seconds(close.openForMs)}`,
    close.idleForMs === null ? null : `idle for ${seconds(close.idleForMs)}`,
  ].filter(Boolean)
  return (
    <li className="lifeline-inspector__close" data-code={close.code} data-kind={closeKind(close)}>
      <time dateTime={new Date(close.at).toISOString()}>{clockTime(close.at)}</time>{' '}
      <strong>
        {close.code} {close.info.name}
      </strong>
      {close.reason ? ` "${close.reason}"` : ''} ({parts.join(', ')})
    </li>
  )
}

/** Every recorded disconnect, newest first. */
export function HistoryList({ history }: { history: readonly CloseInfo[] }): ReactElement {
  if (history.length === 0) return <p className="lifeline-inspector__empty">None yet.</p>
  return (
    <ol className="lifeline-inspector__history" reversed>
      {history
        .map((close, index) => (
          // Rows hold no state, and two closes can share a clock time, so position is the key.
          // biome-ignore lint/suspicious/noArrayIndexKey: stateless rows
          <HistoryItem key={index} close={close} />
        ))
        .reverse()}
    </ol>
  )
}
