// share: 'origin' in a test file that never loads react-lifeline/share (a component tested on its
// own, away from the app's entry): without the kit, development builds warn that the import is
// missing; under the kit the component runs as the only tab, quietly. The file's console-clean
// setup fails the test on any warning.
import { act, cleanup, render, screen } from '@testing-library/react'
import { useWebSocket } from 'react-lifeline'
import { createMockServer } from 'react-lifeline/testing'
import { afterEach, expect, test } from 'vitest'

const URL = 'ws://localhost/alone'

function Status() {
  const { status, lastMessage } = useWebSocket(URL, { share: 'origin', heartbeat: true })
  return (
    <output>
      {status} {String(lastMessage ?? '')}
    </output>
  )
}

afterEach(cleanup)

test("share: 'origin' without the share entry: one tab, no warning", async () => {
  const server = createMockServer(URL)
  try {
    render(<Status />)
    expect(await screen.findByText(/^open/)).toBeTruthy()
    await act(async () => server.send('hi'))
    expect(screen.getByRole('status').textContent).toBe('open hi')
    expect(server.connections).toBe(1)
  } finally {
    server.dispose()
  }
})
