import { LifelineConnection, type ShareDriver } from '../core/index'

/**
 * `share: 'origin'` under the testing kit. A test renders one tab, and the one tab of a shared
 * socket holds that socket itself, so a connection that keeps its own socket behaves as the
 * shared one would. Where sharing cannot run (jsdom and Node have no Web Locks; or no
 * `import 'react-lifeline/share'` was loaded), the kit installs this quiet driver while mock
 * servers exist, instead of the development warning every test file would print. Where it can
 * run (a real browser with the share entry loaded), the real driver stays, so tabs of a browser
 * test still elect a holder. An `installShare(environment)` called after `createMockServer`
 * replaces it, for tests that fake several tabs.
 */
const oneTab: ShareDriver = () => {}

let replaced: ShareDriver | undefined

/** Called when the first mock server starts serving. */
export function installOneTabShare(): void {
  const current = LifelineConnection.shareDriver
  if (current && canShareAcrossTabs()) return
  replaced = current
  LifelineConnection.shareDriver = oneTab
}

/** Called when the last mock server is disposed: the driver from before comes back. */
export function uninstallOneTabShare(): void {
  if (LifelineConnection.shareDriver !== oneTab) return
  LifelineConnection.shareDriver = replaced
  replaced = undefined
}

function canShareAcrossTabs(): boolean {
  const locks = typeof navigator === 'undefined' ? undefined : (navigator as { locks?: unknown }).locks
  return locks !== undefined && typeof BroadcastChannel === 'function'
}
