import { render, screen, waitFor } from '@testing-library/react'
import { StrictMode } from 'react'
import { afterEach, describe, expect, test } from 'vitest'
import { getConnection, lifelineTopics } from '../../src/core/index'
import type { ConnectionOptions } from '../../src/core/types'
import { useMessages, useTopic } from '../../src/react/index'
import { memoryStore } from '../../src/server'
import { startServer } from '../support/lifeline-server'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy'
import { waitFor as waitForEvent } from '../support/wait'

// The hooks against react-lifeline/server (createLifelineServer), with the network between them
// cut by a TCP proxy: resets with no close frame, as when a NAT or a Wi-Fi link drops.

const proxies: TcpProxy[] = []
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()))
})

const OPTIONS: ConnectionOptions = {
  topics: lifelineTopics(),
  lingerMs: 0,
  retry: { initialDelay: 10, maxDelay: 40, jitter: 'none' },
}

interface Line {
  n: number
}

function Room({ url, room }: { url: string; room: string }) {
  const lines = useMessages(
    url,
    (all: string[], message) => [...all, `${(message.json as Line).n}${message.meta?.replayed ? 'r' : ''}`],
    [],
    {
      ...OPTIONS,
      topic: room,
    },
  )
  const { status, recovered, gaps } = useTopic(url, room, OPTIONS)
  return <p data-testid={room}>{`${status} ${String(recovered)} ${gaps} | ${lines.join(' ')}`}</p>
}

describe('useTopic and useMessages against react-lifeline/server', () => {
  test('after a cut line, each room shows what it missed, replayed, once, in order', async () => {
    const { server, port } = await startServer({ store: memoryStore({ historySize: 100 }) })
    const proxy = await startTcpProxy({ targetPort: port })
    proxies.push(proxy)
    const url = proxy.url('/')
    render(
      <StrictMode>
        <Room url={url} room="general" />
        <Room url={url} room="random" />
      </StrictMode>,
    )
    await waitFor(() => expect(screen.getByTestId('general').textContent).toMatch(/^live /))
    await waitFor(() => expect(screen.getByTestId('random').textContent).toMatch(/^live /))
    await server.publish('general', { n: 1 })
    await waitFor(() => expect(screen.getByTestId('general').textContent).toBe('live null 0 | 1'))

    const connection = getConnection(url)
    proxy.cutAll()
    await waitForEvent(connection.subscribe, () => connection.getState().status !== 'open')
    await server.publish('general', { n: 2 })
    await server.publish('general', { n: 3 })
    await server.publish('random', { n: 1 })
    await waitFor(() => expect(screen.getByTestId('general').textContent).toBe('live true 0 | 1 2r 3r'))
    await waitFor(() => expect(screen.getByTestId('random').textContent).toBe('live true 0 | 1r'))
    await server.publish('general', { n: 4 })
    await waitFor(() => expect(screen.getByTestId('general').textContent).toBe('live true 0 | 1 2r 3r 4'))
    expect(connection.getStats().messagesInvalid).toBe(0)
  })

  test('when the history ran out during the cut, the room shows a gap and goes on', async () => {
    const { server, port } = await startServer({ store: memoryStore({ historySize: 2 }) })
    const proxy = await startTcpProxy({ targetPort: port })
    proxies.push(proxy)
    const url = proxy.url('/')
    render(<Room url={url} room="news" />)
    await waitFor(() => expect(screen.getByTestId('news').textContent).toMatch(/^live /))
    await server.publish('news', { n: 1 })
    await waitFor(() => expect(screen.getByTestId('news').textContent).toBe('live null 0 | 1'))
    const connection = getConnection(url)
    proxy.cutAll()
    await waitForEvent(connection.subscribe, () => connection.getState().status !== 'open')
    for (let n = 2; n <= 6; n++) await server.publish('news', { n })
    await waitFor(() => expect(screen.getByTestId('news').textContent).toBe('live false 1 | 1'))
    await server.publish('news', { n: 7 })
    await waitFor(() => expect(screen.getByTestId('news').textContent).toBe('live false 1 | 1 7'))
  })
})
