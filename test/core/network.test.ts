import { afterEach, describe, expect, it, vi } from 'vitest'

// The browser sources over stand-in globals (the real ones run in Chromium in
// test/integration/browser-environment.test.ts). network.ts reads `window` once, when loaded.
async function load(globals: Record<string, unknown>) {
  for (const [name, value] of Object.entries(globals)) vi.stubGlobal(name, value)
  vi.resetModules()
  return import('../../src/core/network')
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('browserNetwork', () => {
  it('reads navigator.onLine, and counts as online where there is none', async () => {
    const { browserNetwork } = await load({ navigator: { onLine: false } })
    expect(browserNetwork.isOnline()).toBe(false)
    vi.stubGlobal('navigator', { onLine: 'no' })
    expect(browserNetwork.isOnline()).toBe(true)
    vi.stubGlobal('navigator', undefined)
    expect(browserNetwork.isOnline()).toBe(true)
  })

  it('listens to the window\u2019s online and offline events until unsubscribed', async () => {
    const win = new EventTarget()
    const { browserNetwork } = await load({ window: win })
    const heard = vi.fn()
    const unsubscribe = browserNetwork.subscribe(heard)
    win.dispatchEvent(new Event('offline'))
    win.dispatchEvent(new Event('online'))
    expect(heard).toHaveBeenCalledTimes(2)
    unsubscribe()
    win.dispatchEvent(new Event('offline'))
    win.dispatchEvent(new Event('online'))
    expect(heard).toHaveBeenCalledTimes(2)
  })

  it('listens to nothing without a window', async () => {
    const { browserNetwork } = await load({ window: undefined })
    expect(() => browserNetwork.subscribe(() => {})()).not.toThrow()
  })
})

describe('browserVisibility', () => {
  it('is visible unless the document says hidden, and visible with no document', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'hidden' })
    const { browserVisibility } = await load({ document: doc })
    expect(browserVisibility.isVisible()).toBe(false)
    doc.visibilityState = 'visible'
    expect(browserVisibility.isVisible()).toBe(true)
    vi.stubGlobal('document', undefined)
    expect(browserVisibility.isVisible()).toBe(true)
  })

  it('listens to visibilitychange until unsubscribed, and to nothing without a document', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' })
    const { browserVisibility } = await load({ document: doc })
    const heard = vi.fn()
    const unsubscribe = browserVisibility.subscribe(heard)
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(heard).toHaveBeenCalledOnce()
    unsubscribe()
    doc.dispatchEvent(new Event('visibilitychange'))
    expect(heard).toHaveBeenCalledOnce()
    vi.stubGlobal('document', {})
    expect(() => browserVisibility.subscribe(() => {})()).not.toThrow()
  })
})
