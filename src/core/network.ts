import type { NetworkSource, VisibilitySource } from './types'

// Node, workers and server rendering have no window: there the network counts as online and
// nothing is listened to, so the same core runs everywhere without guards at the call sites.
const win: (Window & typeof globalThis) | undefined = typeof window === 'undefined' ? undefined : window

/** Online state from `navigator.onLine` and the window's `online` / `offline` events. */
export const browserNetwork: NetworkSource = {
  // Only a navigator that says false means offline: none at all, or no boolean, counts as online.
  isOnline: () => globalThis.navigator?.onLine !== false,
  subscribe(callback) {
    if (!win?.addEventListener) return () => {}
    win.addEventListener('online', callback)
    win.addEventListener('offline', callback)
    return () => {
      win.removeEventListener('online', callback)
      win.removeEventListener('offline', callback)
    }
  },
}

/** Page visibility from `document.visibilityState`. */
export const browserVisibility: VisibilitySource = {
  isVisible: () => globalThis.document?.visibilityState !== 'hidden',
  subscribe(callback) {
    const doc = globalThis.document
    if (!doc?.addEventListener) return () => {}
    doc.addEventListener('visibilitychange', callback)
    return () => doc.removeEventListener('visibilitychange', callback)
  },
}
