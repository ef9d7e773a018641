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
import { LifelineConnection, TopicRegistry } from '../core/index'
import { browserShareEnvironment, type ShareEnvironment } from './environment'
import { attachTabLink } from './tab-link'
import { attachTopics } from './tab-topics'
import { warnOnce } from './warn'

export type { ChannelLike, LockManagerLike, ShareEnvironment } from './environment'
export { type ShareInfo, type ShareRole, shareInfoOf } from './tab-link'

/**
 * Installs cross-tab sharing (importing this module already did, with the browser's Web Locks
 * and BroadcastChannel). Pass an environment to run it elsewhere, e.g. fakes in tests.
 */
export function installShare(environment: ShareEnvironment | null = browserShareEnvironment()): void {
  const attach = (connection: LifelineConnection) => {
    if (environment) return attachTabLink(connection, environment)
    warnOnce(
      "share: 'origin' needs the Web Locks API and BroadcastChannel, which this browser lacks; each tab keeps its own socket.",
    )
  }
  LifelineConnection.shareDriver = attach
  TopicRegistry.created = attachTopics
  attachOnConfigure((connection) => attach(connection))
}

let configureAttach: ((connection: LifelineConnection) => void) | null = null

/**
 * The registry creates a connection without options when a watcher (a banner at the app root)
 * asks first, and gives it the options of the first caller that brings some. The core only
 * looks at `share` on creation, to stay small, so that later `share: 'origin'` is caught here.
 */
function attachOnConfigure(attach: (connection: LifelineConnection) => void): void {
  const patched = configureAttach !== null
  configureAttach = attach
  if (patched) return
  const configure = LifelineConnection.prototype.configure
  LifelineConnection.prototype.configure = function (this: LifelineConnection, options) {
    const done = configure.call(this, options)
    if (done && options?.share === 'origin') configureAttach?.(this)
    return done
  }
}

installShare()
