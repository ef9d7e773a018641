import {
  type CloseInfo,
  type ConnectionState,
  isClientCloseCode,
  type LifelineConnection,
} from '../core/index'
import type { Call, Outgoing } from './protocol'
import type { TabListeners } from './tab-listeners'

/** The connection's own methods: they drive this tab's socket while it holds the lock. */
export type LocalConnection = Pick<
  LifelineConnection,
  'getState' | 'send' | 'connect' | 'reconnect' | 'close' | 'retain' | 'destroy'
>

/** What the replaced methods ask of the tab's link. */
export interface LinkPort {
  readonly listeners: TabListeners
  view(): ConnectionState
  history(): readonly CloseInfo[]
  /** Someone in this tab listens: hear the channel. */
  listen(): void
  /** A listener left: stop hearing the channel if nothing else needs it. */
  unlisten(): void
  send(data: Outgoing): ReturnType<LifelineConnection['send']>
  call(call: Call, code?: number, reason?: string): void
  retain(): () => void
  destroy(): void
}

/**
 * Replaces the app-facing methods on the connection object itself, so every holder of that
 * object (hooks, the banner, the registry) sees the shared socket. Returns the originals.
 */
export function overrideConnection(connection: LifelineConnection, link: LinkPort): LocalConnection {
  const bound = <K extends keyof LocalConnection>(key: K) =>
    (connection[key] as (...args: unknown[]) => unknown).bind(connection) as LocalConnection[K]
  const local: LocalConnection = {
    getState: connection.getState,
    send: bound('send'),
    connect: bound('connect'),
    reconnect: bound('reconnect'),
    close: bound('close'),
    retain: bound('retain'),
    destroy: bound('destroy'),
  }
  const subscribe = connection.subscribe
  const onMessage = connection.onMessage.bind(connection)
  const on = connection.on.bind(connection)
  // Each original is called once and undone at once: it checks the listener the same way.
  const adder =
    <L>(check: (listener: L) => () => void, set: Set<L>) =>
    (listener: L) => {
      check(listener)()
      link.listen()
      set.add(listener)
      return () => {
        set.delete(listener)
        link.unlisten()
      }
    }
  const c = connection as unknown as Record<string, unknown>
  c.getState = () => link.view()
  c.subscribe = adder(subscribe, link.listeners.state)
  c.onMessage = adder(onMessage, link.listeners.message)
  c.on = (event: 'close', listener: (close: CloseInfo) => void) =>
    adder((l: typeof listener) => on(event, l), link.listeners.close)(listener)
  c.send = (data: Outgoing) => link.send(data)
  c.connect = () => link.call('connect')
  c.reconnect = () => link.call('reconnect')
  c.close = (code = 1000, reason = '') => {
    // The original throws the library's RangeError for codes a client may not send.
    if (!isClientCloseCode(code)) local.close(code, reason)
    link.call('close', code, String(reason))
  }
  c.retain = () => link.retain()
  c.getHistory = () => link.history()
  c.destroy = () => link.destroy()
  return local
}
