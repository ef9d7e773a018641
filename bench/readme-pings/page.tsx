// README's "React" example as written there, apart from the URL (read from the page), the
// button's type and the stylesheet import; rendered with createRoot as an app does. Built for
// production by run.mjs.
import { createRoot } from 'react-dom/client'
import { ConnectionBanner, useWebSocket } from 'react-lifeline'

const URL = (globalThis as { LIFELINE_URL?: string }).LIFELINE_URL ?? ''

function Messages() {
  // Reads lastJsonMessage, so it re-renders once per message.
  const { lastJsonMessage, sendJson } = useWebSocket<{ text: string }>(URL, { heartbeat: true })
  return (
    <p>
      {lastJsonMessage?.text}{' '}
      <button type="button" onClick={() => sendJson({ type: 'like' })}>
        Like
      </button>
    </p>
  )
}

function Status() {
  // Reads only status: messages never re-render this component.
  const { status } = useWebSocket(URL)
  return <span>{status}</span>
}

export function App() {
  return (
    <>
      <ConnectionBanner target={URL} />
      <Status />
      <Messages />
    </>
  )
}

createRoot(document.getElementById('root')!).render(<App />)
