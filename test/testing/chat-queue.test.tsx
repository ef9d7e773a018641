// Shown whole in docs/testing.md; test/docs/testing-mirror.test.ts keeps the two identical.
// chat-queue.test.tsx
// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { useWebSocket } from 'react-lifeline'
import { createMockServer, type MockServer } from 'react-lifeline/testing'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'

const URL = 'ws://localhost/chat'

function Chat() {
  const { status, queued, sendJson } = useWebSocket(URL)
  const [text, setText] = useState('')
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault()
        sendJson({ type: 'say', text })
        setText('')
      }}
    >
      <label>
        Message <input value={text} onChange={(event) => setText(event.target.value)} />
      </label>
      <button type="submit">Send</button>
      <output>{queued > 0 ? `${status}, ${queued} waiting` : status}</output>
    </form>
  )
}

let server: MockServer

beforeEach(() => {
  vi.useFakeTimers()
  server = createMockServer(URL)
})

afterEach(() => {
  cleanup()
  server.dispose()
  vi.useRealTimers()
})

const wait = (ms: number) => act(() => vi.advanceTimersByTimeAsync(ms))

function say(text: string) {
  fireEvent.change(screen.getByLabelText('Message'), { target: { value: text } })
  fireEvent.click(screen.getByRole('button', { name: 'Send' }))
}

test('messages typed while the connection is down wait, then go out in order', async () => {
  render(<Chat />)
  await wait(0)
  expect(screen.getByRole('status').textContent).toBe('open')

  server.drop()
  server.refuse()
  await wait(0)
  expect(screen.getByRole('status').textContent).toBe('reconnecting')

  say('first')
  say('second')
  expect(screen.getByRole('status').textContent).toBe('reconnecting, 2 waiting')
  expect(server.received).toEqual([])

  server.restore()
  await act(() => vi.runOnlyPendingTimersAsync())
  expect(screen.getByRole('status').textContent).toBe('open')
  expect(server.received).toEqual([
    { type: 'say', text: 'first' },
    { type: 'say', text: 'second' },
  ])
})

test('a message sent while open reaches the server at once', async () => {
  render(<Chat />)
  await wait(0)
  const arrived = server.nextMessage()
  say('hello')
  expect(await arrived).toEqual({ type: 'say', text: 'hello' })
})
