// One tab of an app that shares its socket across tabs and authenticates in the handshake, as
// README.md ("A token with share: 'origin'") and docs/sharing-across-tabs.md show it.
import { type ConnectionState, createConnection } from '../../../src/core/index'
import '../../../src/share/index'
import { shareInfoOf } from '../../../src/share/index'

let tokensFetched = 0

async function getToken(): Promise<string> {
  tokensFetched++
  const response = await fetch('/api/ws-token')
  return response.text()
}

const url = new URL(location.href).searchParams.get('ws') ?? ''
const live = createConnection(url, {
  share: 'origin',
  handshake: async (session) => {
    session.sendJson({ type: 'auth', token: await getToken() })
    await session.receive((data) => String(data).includes('"authenticated"'), { timeout: 5000 })
  },
  closeCodes: { 4401: { name: 'Token Expired', retry: true, retryImmediately: true } },
})
const received: string[] = []
live.onMessage((data) => received.push(String(data)))

const api = {
  start(): void {
    live.retain()
  },
  send(text: string): string {
    return live.send(text)
  },
  state(): ConnectionState {
    return live.getState()
  },
  role(): string {
    return shareInfoOf(live)?.role ?? 'none'
  },
  tokensFetched(): number {
    return tokensFetched
  },
  received(): string[] {
    return received
  },
}

;(window as unknown as { lifeline: typeof api }).lifeline = api
