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
  const attached = new WeakSet<LifelineConnection>()
  const attach = (connection: LifelineConnection) => {
    // The registry may configure a connection that has not started more than once, as holders
    // join; it is linked to the other tabs once.
    if (attached.has(connection)) return
    attached.add(connection)
    if (environment) return attachTabLink(connection, environment)
    // Written out so that production bundles drop the text.
    try {
      if (process.env.NODE_ENV !== 'production')
        warnOnce(
          "share: 'origin' needs the Web Locks API and BroadcastChannel, which this browser lacks; each tab keeps its own socket.",
        )
    } catch {}
  }
  LifelineConnection.shareDriver = attach
  TopicRegistry.created = attachTopics
  attachOnConfigure()
}

let patched = false

/**
 * The registry creates a connection without options when a watcher (a banner at the app root)
 * asks first, and gives it the options of the first caller that brings some. The core only
 * looks at `share` on creation, to stay small, so that later `share: 'origin'` is caught here.
 * It goes through `LifelineConnection.shareDriver`, so a driver installed later (another
 * `installShare`, or the testing kit's one-tab driver) applies here too.
 */
function attachOnConfigure(): void {
  if (patched) return
  patched = true
  const configure = LifelineConnection.prototype.configure
  LifelineConnection.prototype.configure = function (this: LifelineConnection, options) {
    const done = configure.call(this, options)
    if (done && options?.share === 'origin') LifelineConnection.shareDriver?.(this)
    return done
  }
}

installShare()
