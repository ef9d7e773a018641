import type { MockSocketServer, ServerEvent, ServerMode } from './mock-server'

/**
 * What the playground's buttons can make a server do. The mocked server (react-lifeline/testing, in the page)
 * and scripts/demo-server.mjs (a real `ws` server, for live mode) both offer it.
 */
export interface ServerControls {
  readonly kind: 'mock' | 'live'
  closeAll(code: number, reason?: string): void
  /** No close frame: the page sees 1006. */
  drop(): void
  goSilent(): void
  refuse(ms: number): void
  flap(openMs: number, ms: number): void
  heal(): void
  getMode(): ServerMode | 'unknown'
  getEvents(): readonly ServerEvent[]
  subscribe(listener: () => void): () => void
}

export function mockControls(server: MockSocketServer): ServerControls {
  return {
    kind: 'mock',
    closeAll: (code, reason) => server.closeAll(code, reason),
    drop: () => server.drop(),
    goSilent: () => server.goSilent(),
    refuse: (ms) => server.refuse(ms),
    flap: (openMs, ms) => server.flap(openMs, ms),
    heal: () => server.heal(),
    getMode: () => server.getMode(),
    getEvents: () => server.getEvents(),
    subscribe: server.subscribe,
  }
}

/** Drives scripts/demo-server.mjs through its HTTP control endpoint (`npm start` runs it). */
export function liveControls(controlUrl: string): ServerControls {
  let mode: ServerMode | 'unknown' = 'unknown'
  let events: readonly ServerEvent[] = []
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const listener of listeners) listener()
  }
  const record = (text: string) => {
    events = [...events.slice(-49), { at: Date.now(), text }]
    notify()
  }
  const send = (params: Record<string, unknown>, label: string) => {
    fetch(controlUrl, { method: 'POST', body: JSON.stringify(params) })
      .then(async (response) => {
        const body = await response.json()
        if (!response.ok) throw new Error(body.error ?? response.statusText)
        mode = body.mode
        record(`${label} → server mode ${body.mode}, ${body.open} open`)
      })
      .catch((error: Error) =>
        record(`${label} failed: ${error.message} (is \`npm run demo-server\` running?)`),
      )
  }
  return {
    kind: 'live',
    closeAll: (code, reason = '') => send({ action: 'close', code, reason }, `close ${code}`),
    drop: () => send({ action: 'drop' }, 'drop'),
    goSilent: () => send({ action: 'silent' }, 'silent'),
    refuse: (ms) => send({ action: 'refuse', ms }, `refuse ${ms} ms`),
    flap: (openMs, ms) => send({ action: 'flap', openMs, ms }, `flap ${openMs}/${ms} ms`),
    heal: () => send({ action: 'heal' }, 'heal'),
    getMode: () => mode,
    getEvents: () => events,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
