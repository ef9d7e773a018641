import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection, getConnection, LifelineConnection, resetConnections } from '../../src/core/index'
import { shareNameOf } from '../../src/share/channel-name'
import { installShare } from '../../src/share/index'
import { attachTabLink, HANDOVER_GRACE_MS, shareInfoOf } from '../../src/share/tab-link'
import { FakeClock } from '../support/fake-clock'
import { FakeBrowser, type FakeTab, settle } from '../support/fake-tabs'
import { FakeWebSocket, FakeWebSocketConstructor } from '../support/fake-websocket'

const URL = 'wss://chat.example/socket?token=s3cret'

interface Tab {
  tab: FakeTab
  clock: FakeClock
  connection: LifelineConnection
}

let browser: FakeBrowser
let tabs: Tab[]

function openTab(options: Parameters<typeof createConnection>[1] = {}): Tab {
  const tab = browser.openTab()
  const clock = new FakeClock(tabs[0]?.clock.now() ?? 1_000_000)
  const connection = createConnection(URL, {
    WebSocket: FakeWebSocketConstructor,
    clock,
    random: () => 0.5,
    ...options,
  })
  attachTabLink(connection, tab.environment)
  const opened = { tab, clock, connection }
  tabs.push(opened)
  return opened
}

/** Moves every live tab's clock forward together. */
async function advance(ms: number): Promise<void> {
  for (const { tab, clock } of tabs) if (!tab.closed) clock.advance(ms)
  await settle()
}

/** Sockets the server would count: created by a live tab and not closed. */
function liveSockets(): FakeWebSocket[] {
  return FakeWebSocket.instances.filter((socket) => socket.readyState < 2 && !dead.has(socket))
}

const dead = new Set<FakeWebSocket>()

/** A tab goes away; the browser tears its socket down without running any more of its code. */
function kill(tab: Tab, how: 'close' | 'crash'): void {
  const sockets = FakeWebSocket.instances.filter((s) => s.readyState < 2)
  const role = shareInfoOf(tab.connection)?.role
  if (how === 'close') tab.tab.close()
  else tab.tab.crash()
  if (role === 'holder') for (const socket of sockets) if (!dead.has(socket)) dead.add(socket)
}

function holderOf(): Tab {
  const holders = tabs.filter((t) => !t.tab.closed && shareInfoOf(t.connection)?.role === 'holder')
  expect(holders).toHaveLength(1)
  return holders[0]!
}

beforeEach(() => {
  browser = new FakeBrowser()
  tabs = []
  dead.clear()
  FakeWebSocket.reset()
})

afterEach(() => {
  for (const { tab, connection } of tabs) if (!tab.closed) connection.destroy()
})

describe('share: origin across tabs (fake locks and channels)', () => {
  it('opens one socket for three tabs and shows its state in all of them', async () => {
    const all = [openTab(), openTab(), openTab()]
    for (const { connection } of all) connection.retain()
    await settle()
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(all.map((t) => t.connection.getState().status)).toEqual(['connecting', 'connecting', 'connecting'])
    FakeWebSocket.last.open()
    await settle()
    expect(all.map((t) => t.connection.getState().status)).toEqual(['open', 'open', 'open'])
    expect(all.map((t) => shareInfoOf(t.connection)?.role).sort()).toEqual(['follower', 'follower', 'holder'])
  })

  it('delivers every message to every tab, pongs excepted', async () => {
    const all = [openTab({ heartbeat: true }), openTab({ heartbeat: true })]
    const seen = all.map(() => [] as unknown[])
    all.forEach(({ connection }, i) => {
      connection.retain()
      connection.onMessage((data) => seen[i]!.push(data))
    })
    await settle()
    FakeWebSocket.last.open()
    FakeWebSocket.last.receive('one')
    FakeWebSocket.last.receive('{"type":"pong"}')
    FakeWebSocket.last.receive('two')
    await settle()
    expect(seen).toEqual([
      ['one', 'two'],
      ['one', 'two'],
    ])
  })

  it('writes sends from every tab once, in order per tab, and keeps the send results', async () => {
    const [a, b, c] = [openTab(), openTab(), openTab()]
    for (const t of [a, b, c]) t.connection.retain()
    await settle()
    const holder = holderOf()
    const followers = [a, b, c].filter((t) => t !== holder)
    const results = followers.map((t, i) => [1, 2, 3].map((n) => t.connection.send(`f${i}-${n}`)))
    expect(results.flat()).toEqual(Array(6).fill('queued'))
    await settle()
    expect(holder.connection.getState().queued).toBe(6)
    expect(followers[0]!.connection.getState().queued).toBe(6)
    FakeWebSocket.last.open()
    await settle()
    expect(followers[0]!.connection.send('f0-4')).toBe('sent')
    await settle()
    const sent = FakeWebSocket.last.sent as string[]
    expect(sent.filter((m) => m.startsWith('f0-'))).toEqual(['f0-1', 'f0-2', 'f0-3', 'f0-4'])
    expect(sent.filter((m) => m.startsWith('f1-'))).toEqual(['f1-1', 'f1-2', 'f1-3'])
    expect(followers.map((t) => t.connection.getState().queued)).toEqual([0, 0])
  })

  it('hands over when the holding tab closes: a follower opens the socket and nothing queued is lost', async () => {
    const all = [openTab(), openTab(), openTab()]
    for (const t of all) t.connection.retain()
    await settle()
    FakeWebSocket.last.open()
    await settle()
    const holder = holderOf()
    // The server goes away: sends from every tab wait in the queues.
    FakeWebSocket.last.closeFromServer(1012, 'restart')
    await settle()
    const followers = all.filter((t) => t !== holder)
    followers[0]!.connection.send('from-follower')
    holder.connection.send('from-holder')
    await settle()
    expect(followers[0]!.connection.getState()).toMatchObject({ status: 'reconnecting', queued: 2 })
    const due = followers[0]!.connection.getState().nextRetryAt! - followers[0]!.clock.now()
    kill(holder, 'close')
    await settle()
    // The next holder waits for the retry the old one had scheduled: a hand-over is not a storm.
    expect(liveSockets()).toHaveLength(0)
    await advance(due - 1)
    expect(liveSockets()).toHaveLength(0)
    await advance(1)
    expect(liveSockets()).toHaveLength(1)
    const next = holderOf()
    expect(next).not.toBe(holder)
    liveSockets()[0]!.open()
    await settle()
    expect(liveSockets()[0]!.sent).toEqual(expect.arrayContaining(['from-follower', 'from-holder']))
    expect(liveSockets()[0]!.sent).toHaveLength(2)
    expect(followers.map((t) => t.connection.getState().status)).toEqual(['open', 'open'])
  })

  it('resends what a crashed holder never acknowledged, once', async () => {
    const all = [openTab(), openTab()]
    for (const t of all) t.connection.retain()
    await settle()
    const holder = holderOf()
    const follower = all.find((t) => t !== holder)!
    follower.connection.send('m1')
    follower.connection.send('m2')
    await settle()
    kill(holder, 'crash')
    await settle()
    // A crashed holder says goodbye to no one: the follower waits a short grace, then takes over.
    expect(liveSockets()).toHaveLength(0)
    await advance(HANDOVER_GRACE_MS)
    expect(shareInfoOf(follower.connection)?.role).toBe('holder')
    expect(liveSockets()).toHaveLength(1)
    liveSockets()[0]!.open()
    await settle()
    expect(liveSockets()[0]!.sent).toEqual(['m1', 'm2'])
  })

  it('mirrors closes into every tab’s history and close listeners', async () => {
    const all = [openTab(), openTab()]
    const closes = all.map(() => [] as number[])
    all.forEach((t, i) => {
      t.connection.retain()
      t.connection.on('close', (close) => closes[i]!.push(close.code))
    })
    await settle()
    FakeWebSocket.last.open()
    await settle()
    FakeWebSocket.last.closeFromServer(1011, 'oops')
    await settle()
    expect(closes).toEqual([[1011], [1011]])
    for (const t of all) {
      expect(t.connection.getHistory().map((c) => c.code)).toEqual([1011])
      expect(t.connection.getState()).toMatchObject({ status: 'reconnecting', attempt: 1 })
      expect(t.connection.getState().nextRetryAt).toBe(all[0]!.connection.getState().nextRetryAt)
    }
  })

  it('a new tab gets the state and history from the holder', async () => {
    const first = openTab()
    first.connection.retain()
    await settle()
    FakeWebSocket.last.open()
    FakeWebSocket.last.closeFromServer(1006)
    await advance(1000)
    FakeWebSocket.last.open()
    await settle()
    const late = openTab()
    late.connection.subscribe(() => {})
    await settle()
    expect(late.connection.getState().status).toBe('open')
    expect(late.connection.getHistory().map((c) => c.code)).toEqual([1006])
  })

  it('close() in a follower closes the shared socket; connect() there opens it again', async () => {
    const all = [openTab(), openTab()]
    for (const t of all) t.connection.retain()
    await settle()
    FakeWebSocket.last.open()
    await settle()
    const follower = all.find((t) => shareInfoOf(t.connection)?.role === 'follower')!
    follower.connection.close(4000, 'bye')
    await settle()
    expect(FakeWebSocket.last.closeCalls).toEqual([{ code: 4000, reason: 'bye' }])
    FakeWebSocket.last.closeFromServer(4000, 'bye')
    await settle()
    expect(all.map((t) => t.connection.getState().status)).toEqual(['closed', 'closed'])
    follower.connection.connect()
    await settle()
    expect(liveSockets()).toHaveLength(1)
    expect(() => follower.connection.close(1006)).toThrow(RangeError)
  })

  it('a follower that lets go leaves the line after lingerMs and goes on mirroring', async () => {
    const all = [openTab({ lingerMs: 500 }), openTab({ lingerMs: 500 })]
    const releases = all.map((t) => t.connection.retain())
    await settle()
    FakeWebSocket.last.open()
    await settle()
    const index = all.findIndex((t) => shareInfoOf(t.connection)?.role === 'follower')
    all[index]!.connection.subscribe(() => {})
    releases[index]!()
    await advance(499)
    expect(shareInfoOf(all[index]!.connection)?.role).toBe('follower')
    await advance(1)
    expect(shareInfoOf(all[index]!.connection)?.role).toBe('off')
    expect(all[index]!.connection.getState().status).toBe('open')
  })

  it('the holder that lingers out hands over to a tab still in line', async () => {
    const all = [openTab({ lingerMs: 100 }), openTab({ lingerMs: 100 })]
    const releases = all.map((t) => t.connection.retain())
    await settle()
    FakeWebSocket.last.open()
    await settle()
    const holder = holderOf()
    holder.connection.send('late') // written at once
    releases[tabs.indexOf(holder)]!()
    await advance(100)
    expect(FakeWebSocket.instances[0]!.readyState).toBeGreaterThanOrEqual(2)
    expect(liveSockets()).toHaveLength(1)
    expect(holderOf()).not.toBe(holder)
    // Nothing in that tab uses or watches it any more: idle, so the registry may drop it.
    expect(holder.connection.getState().status).toBe('idle')
  })

  it('asks the holder to ping when a follower’s page becomes visible', async () => {
    let visible = false
    const listeners = new Set<() => void>()
    const visibility = {
      isVisible: () => visible,
      subscribe: (cb: () => void) => {
        listeners.add(cb)
        return () => listeners.delete(cb)
      },
    }
    const hidden = { isVisible: () => false, subscribe: () => () => {} }
    const holder = openTab({ heartbeat: true, visibility: hidden })
    holder.connection.retain()
    await settle()
    const follower = openTab({ heartbeat: true, visibility })
    follower.connection.retain()
    await settle()
    FakeWebSocket.last.open()
    await settle()
    visible = true
    for (const cb of listeners) cb()
    await settle()
    expect(FakeWebSocket.last.sent).toEqual(['{"type":"ping"}'])
  })
})

describe('share: origin, bad input', () => {
  it('rejects any other share value with a TypeError naming the option and the allowed values', () => {
    expect(() => createConnection(URL, { share: 'yes' as never })).toThrow(
      new TypeError(`react-lifeline: share must be 'tab' or 'origin'.`),
    )
  })

  it('ignores and counts malformed and foreign channel messages', async () => {
    const t = openTab()
    t.connection.retain()
    await settle()
    const rogue = browser.rogueChannel(shareNameOf(URL, undefined))
    for (const junk of [
      null,
      42,
      'hi',
      { rl: 2, t: 'state' },
      { rl: 1, from: 'x', t: 'send', to: 'y', seq: -1 },
      { rl: 1, from: 'x', t: 'nope' },
    ])
      rogue.postMessage(junk)
    await settle()
    expect(shareInfoOf(t.connection)?.ignoredMessages).toBe(6)
    expect(t.connection.getState().status).toBe('connecting')
  })

  it('warns when two tabs pass different options for one key; the holder’s stand', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    openTab({ connectTimeout: 5000 }).connection.retain()
    await settle()
    openTab({ connectTimeout: 9000 }).connection.retain()
    await settle()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("the holder's options apply"))
    warn.mockRestore()
  })

  it('never puts the URL in a lock or channel name', async () => {
    const t = openTab()
    t.connection.retain()
    await settle()
    const name = shareInfoOf(t.connection)!.name
    expect(name).toMatch(/^react-lifeline:[0-9a-f]{16}$/)
    expect(name).toBe(shareNameOf(URL, undefined))
    expect(shareNameOf(URL, 'v2')).not.toBe(name)
  })

  it('takes a string url only', () => {
    const c = createConnection(() => URL, { WebSocket: FakeWebSocketConstructor })
    expect(() => attachTabLink(c, browser.openTab().environment)).toThrow(/needs a string url/)
  })
})

describe('the share driver', () => {
  afterEach(() => (LifelineConnection.shareDriver = undefined))

  it("without the import, share: 'origin' stays per tab and says which import to add", () => {
    LifelineConnection.shareDriver = undefined
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const c = createConnection('wss://a.example/', { share: 'origin', WebSocket: FakeWebSocketConstructor })
    expect(shareInfoOf(c)).toBeNull()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("import 'react-lifeline/share'"))
    warn.mockRestore()
  })

  it('with the driver installed, every share: origin connection takes part', () => {
    installShare(browser.openTab().environment)
    const c = createConnection('wss://b.example/', { share: 'origin', WebSocket: FakeWebSocketConstructor })
    expect(shareInfoOf(c)?.role).toBe('off')
    expect(
      shareInfoOf(createConnection('wss://b.example/', { WebSocket: FakeWebSocketConstructor })),
    ).toBeNull()
  })

  it('without Web Locks or BroadcastChannel it falls back to per tab with a warning', () => {
    installShare(null)
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const c = createConnection('wss://c.example/', { share: 'origin', WebSocket: FakeWebSocketConstructor })
    expect(shareInfoOf(c)).toBeNull()
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('lacks'))
    warn.mockRestore()
  })
})

describe('share: origin through the registry', () => {
  afterEach(() => {
    LifelineConnection.shareDriver = undefined
    resetConnections()
  })

  it('getConnection shares too, also when a watcher made the connection before the options came', () => {
    installShare(browser.openTab().environment)
    const watched = getConnection('wss://d.example/')
    expect(shareInfoOf(watched)).toBeNull()
    const used = getConnection('wss://d.example/', { share: 'origin', WebSocket: FakeWebSocketConstructor })
    expect(used).toBe(watched)
    expect(shareInfoOf(used)?.role).toBe('off')
  })
})
