import { act } from '@testing-library/react'
import { hydrateRoot } from 'react-dom/client'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { getConnection } from '../../src/core/index'
import { ConnectionBanner, useConnectionState, useWebSocket } from '../../src/react/index'
import { FakeWebSocket } from '../support/fake-websocket'
import { fakeOptions, lastSocket, renderOnServer } from './helpers'

const URL = 'ws://lifeline.test/ssr'

afterEach(() => {
  vi.restoreAllMocks()
})

function App({ options }: { options: ReturnType<typeof fakeOptions> }) {
  const { status, lastMessage } = useWebSocket(URL, options)
  const attempt = useConnectionState(URL, (state) => state.attempt)
  return (
    <main>
      <p id="status">{status}</p>
      <p id="message">{String(lastMessage)}</p>
      <p id="attempt">{attempt}</p>
      <ConnectionBanner target={URL} showAfterMs={0} />
    </main>
  )
}

describe('server rendering', () => {
  test('renders idle and opens nothing', () => {
    const options = fakeOptions()
    const html = renderOnServer(<App options={options} />)
    expect(html).toContain('<p id="status">idle</p>')
    expect(html).toContain('<p id="message">null</p>')
    expect(html).toContain('<p id="attempt">0</p>')
    expect(html).toContain('role="status"')
    expect(FakeWebSocket.instances).toHaveLength(0)
    expect(getConnection(URL).getState().status).toBe('idle')
  })

  test('hydrates without a mismatch, then connects', async () => {
    const options = fakeOptions()
    const container = document.createElement('div')
    container.innerHTML = renderOnServer(<App options={options} />)
    document.body.append(container)
    const errors = vi.spyOn(console, 'error')

    let root: ReturnType<typeof hydrateRoot> | undefined
    await act(async () => {
      root = hydrateRoot(container, <App options={options} />)
    })
    expect(errors).not.toHaveBeenCalled()
    expect(container.querySelector('#status')?.textContent).toBe('connecting')

    act(() => lastSocket().open())
    expect(container.querySelector('#status')?.textContent).toBe('open')
    act(() => root!.unmount())
    container.remove()
  })
})
