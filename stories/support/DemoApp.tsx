import type { ReactNode } from 'react'
import { type Connection, type ConnectionOptions, useWebSocket } from '../../src'
import { useStoryConnection } from './environment'
import { styles } from './ui'

interface Quote {
  type: 'quote'
  symbol: string
  price: number
}

/** Sends a quote to each socket that opens, so the demo app has something to show. */
export function sendQuote(client: { send(data: string): void }, price = 101.25): void {
  client.send(JSON.stringify({ type: 'quote', symbol: 'ACME', price } satisfies Quote))
}

/** A stand-in for an app: it holds the connection with `useWebSocket` and shows the banner on top. */
export function DemoApp({
  connection,
  banner,
  aside,
}: {
  connection: Connection
  banner: ReactNode
  aside?: ReactNode
}) {
  const { status, lastJsonMessage } = useWebSocket<Quote>(connection)
  return (
    <div style={{ maxWidth: 560, display: 'grid', gap: 12 }}>
      {banner}
      <section aria-label="Market watch" style={styles.panel}>
        <h1 style={{ fontSize: 18, margin: '0 0 4px' }}>Market watch</h1>
        <p style={{ margin: 0 }}>
          ACME <strong>{lastJsonMessage ? lastJsonMessage.price.toFixed(2) : '–'}</strong>
        </p>
        <p style={{ margin: '4px 0 0', ...styles.muted }}>Socket: {status}</p>
      </section>
      {aside}
    </div>
  )
}

/** Creates the story's own connection to `url` and renders the demo app once it exists. */
export function DemoStage({
  url,
  options,
  banner,
  aside,
}: {
  url: string
  options: ConnectionOptions
  banner: (connection: Connection) => ReactNode
  aside?: (connection: Connection) => ReactNode
}) {
  const connection = useStoryConnection(url, options)
  if (!connection) return null
  return <DemoApp connection={connection} banner={banner(connection)} aside={aside?.(connection)} />
}
