// README's "React" example, as written there apart from the URL (set with `pointAt`, since the
// servers that run it pick their ports) and the button's type: `Status` asks for no options and
// mounts (and starts the shared socket) before `Messages` asks for `heartbeat: true`.
// test/react/readme-example.test.tsx renders it in jsdom; bench/readme-pings/page.tsx in real
// Chromium, built for production. It imports the package name, as the README does: the react
// projects and the bench map it to the sources.
import { ConnectionBanner, useWebSocket } from 'react-lifeline'

let URL = ''

/** Where the example connects from now on. */
export function pointAt(url: string): void {
  URL = url
}

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
