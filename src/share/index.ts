/**
 * `react-lifeline/share`: one socket for every tab of the origin. Import it once, in the app's
 * entry, and every connection created with `share: 'origin'` shares its socket across tabs:
 *
 * ```ts
 * import 'react-lifeline/share'
 * useWebSocket(url, { share: 'origin' })
 * ```
 *
 * Without this import, `share: 'origin'` stays per tab and says so in development.
 */
import { type LifelineConnection, setShareDriver } from '../core/index'
import { browserShareEnvironment, type ShareEnvironment } from './environment'
import { attachTabLink } from './tab-link'
import { warnOnce } from './warn'

export type { ChannelLike, LockManagerLike, ShareEnvironment } from './environment'
export { type ShareInfo, type ShareRole, shareInfoOf } from './tab-link'

/**
 * Installs cross-tab sharing (importing this module already did, with the browser's Web Locks
 * and BroadcastChannel). Pass an environment to run it elsewhere, e.g. fakes in tests.
 */
export function installShare(environment: ShareEnvironment | null = browserShareEnvironment()): void {
  setShareDriver((connection: LifelineConnection) => {
    if (environment) return attachTabLink(connection, environment)
    warnOnce(
      "share: 'origin' needs the Web Locks API and BroadcastChannel, which this browser lacks; each tab keeps its own socket.",
    )
  })
}

installShare()
