import { act, render } from '@testing-library/react'
import { StrictMode, Suspense, startTransition, useState } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { findConnection } from '../../src/core/registry'
import {
  ConnectionBanner,
  ConnectionInspector,
  useConnectionState,
  useWebSocket,
} from '../../src/react/index'
import { FakeClock } from '../support/fake-clock'
import { FakeWebSocket } from '../support/fake-websocket'
import { fakeOptions, lastSocket, onServer, renderOnServer, step } from './helpers'

const RENDERS = 20_000

function userUrl(n: number): string {
  return `ws://lifeline.test/live?token=user-${n}-${'s'.repeat(64)}`
}

function Live({ url }: { url: string }) {
  const { status, lastJsonMessage } = useWebSocket(url, { heartbeat: true })
  const attempt = useConnectionState(url, (state) => state.attempt)
  return <p>{`${status} ${attempt} ${String(lastJsonMessage)}`}</p>
}

function Page({ url }: { url: string }) {
  return (
    <main>
      <Live url={url} />
      <ConnectionBanner target={url} />
      <ConnectionInspector target={url} />
    </main>
  )
}

function heapMb(): number {
  ;(globalThis as { gc?: () => void }).gc?.()
  return process.memoryUsage().heapUsed / 1e6
}

describe('server rendering registers nothing', () => {
  // React's development build renders about 1 ms per component on a loaded machine, hence the timeout.
  test(
    `${RENDERS} server renders with per-user URLs leave no connection registered`,
    { timeout: 300_000 },
    () => {
      // Warm up once, so module-level caches are not counted as growth.
      renderOnServer(<Live url={userUrl(-1)} />)
      const before = heapMb()
      onServer(() => {
        for (let n = 0; n < RENDERS; n++) {
          const html = renderToString(<Live url={userUrl(n)} />)
          if (n === 0) expect(html).toContain('idle 0 null')
        }
      })
      const after = heapMb()
      let registered = 0
      for (let n = -1; n < RENDERS; n++) if (findConnection(userUrl(n))) registered += 1
      console.info(
        `${RENDERS} server renders: ${registered} registered connections; heap ${before.toFixed(1)} MB before, ${after.toFixed(1)} MB after${(globalThis as { gc?: unknown }).gc ? '' : ' (run with --expose-gc for settled figures)'}`,
      )
      expect(registered).toBe(0)
      expect(FakeWebSocket.instances).toHaveLength(0)
    },
  )

  test('the banner and the inspector register nothing on a server either', () => {
    onServer(() => {
      for (let n = 0; n < 50; n++)
        expect(renderToString(<Page url={userUrl(n)} />)).toContain('role="status"')
    })
    for (let n = 0; n < 50; n++) expect(findConnection(userUrl(n))).toBeUndefined()
  })

  test('a bad URL does not throw during a server render; the error shows after hydration', async () => {
    const options = fakeOptions()
    function Probe() {
      const { status, error } = useWebSocket('http://not-a-websocket', options)
      return <p id="state">{`${status}:${error ? error.message : ''}`}</p>
    }
    const container = document.createElement('div')
    container.innerHTML = renderOnServer(<Probe />)
    expect(container.textContent).toBe('idle:')
    document.body.append(container)
    const { hydrateRoot } = await import('react-dom/client')
    let root: ReturnType<typeof hydrateRoot> | undefined
    await act(async () => {
      root = hydrateRoot(container, <Probe />)
    })
    expect(container.textContent).toMatch(/^failed:Invalid WebSocket URL/)
    act(() => root!.unmount())
    container.remove()
  })

  test('invalid options still throw during a server render, naming the option', () => {
    function Probe() {
      useWebSocket('ws://lifeline.test/bad-options', { connectTimeout: -1 })
      return null
    }
    expect(() => renderOnServer(<Probe />)).toThrow(/connectTimeout must be a finite number/)
    expect(findConnection('ws://lifeline.test/bad-options')).toBeUndefined()
  })
})

describe('discarded renders register nothing', () => {
  test('an abandoned transition leaves nothing registered', () => {
    const options = fakeOptions()
    const abandoned = 'ws://lifeline.test/abandoned'
    const never = new Promise<never>(() => {})
    let go: ((url: string) => void) | undefined
    // Suspends while the URL is the abandoned one, so that render never commits.
    function Gate({ url }: { url: string }) {
      if (url === abandoned) throw never
      return null
    }
    function Probe() {
      const [url, setUrl] = useState('ws://lifeline.test/first')
      go = (next) => startTransition(() => setUrl(next))
      const { status } = useWebSocket(url, options)
      const watched = useConnectionState(url, (state) => state.status)
      return (
        <>
          <p data-testid="status">{`${status}/${watched}`}</p>
          <ConnectionBanner target={url} />
          <Gate url={url} />
        </>
      )
    }
    const view = render(
      <Suspense fallback={<p>loading</p>}>
        <Probe />
      </Suspense>,
    )
    // The transition renders Probe with the abandoned URL, suspends, and keeps the old UI.
    act(() => go!(abandoned))
    expect(view.getByTestId('status').textContent).toBe('connecting/connecting')
    // A newer transition supersedes it before it ever commits.
    act(() => go!('ws://lifeline.test/third'))
    expect(findConnection(abandoned)).toBeUndefined()
    expect(findConnection('ws://lifeline.test/third')).toBeDefined()
    expect(FakeWebSocket.instances.map((socket) => socket.url)).not.toContain(abandoned)
  })

  test('a suspended tree that never commits leaves nothing registered', () => {
    const options = fakeOptions()
    const never = new Promise<never>(() => {})
    function Suspends(): never {
      throw never
    }
    function Probe() {
      useWebSocket('ws://lifeline.test/suspended', options)
      useConnectionState('ws://lifeline.test/suspended-state', (state) => state.status)
      return <ConnectionBanner target="ws://lifeline.test/suspended-banner" />
    }
    render(
      <Suspense fallback={<p>loading</p>}>
        <Probe />
        <Suspends />
      </Suspense>,
    )
    for (const url of ['suspended', 'suspended-state', 'suspended-banner']) {
      expect(findConnection(`ws://lifeline.test/${url}`)).toBeUndefined()
    }
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  test('StrictMode leaves nothing registered once unmounted and lingered out', () => {
    const clock = new FakeClock()
    const options = { ...fakeOptions(clock), lingerMs: 100 }
    const url = 'ws://lifeline.test/strict'
    function Probe() {
      const { status } = useWebSocket(url, options)
      const state = useConnectionState(url, (s) => s.status)
      return <p data-testid="status">{`${status}/${state}`}</p>
    }
    const view = render(
      <StrictMode>
        <Probe />
        <ConnectionBanner target={url} />
      </StrictMode>,
    )
    step(() => lastSocket().open())
    expect(view.getByTestId('status').textContent).toBe('open/open')
    expect(FakeWebSocket.instances).toHaveLength(1)
    view.unmount()
    step(() => clock.advance(100))
    expect(findConnection(url)).toBeUndefined()
  })
})
