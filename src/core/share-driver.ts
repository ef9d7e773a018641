import { LifelineConnection } from './connection'
import { warnOnce } from './dev'
import { errorCode } from './errors'

/**
 * Turns one tab's connection into its view of a socket shared by every tab of the origin.
 * Only `react-lifeline/share` installs one (as `LifelineConnection.shareDriver`), so apps that
 * never share pay a few bytes here.
 */
export type ShareDriver = (connection: LifelineConnection) => void

/**
 * Checks the `share` option and hands connections that ask for `'origin'` to the driver. Kept
 * here rather than in the options so that all of sharing costs the core one small function.
 */
export function attachShare(connection: LifelineConnection, options?: { share?: unknown }): void {
  const share = options?.share
  if (share === 'origin') {
    LifelineConnection.shareDriver?.(connection)
    // Written out so that production bundles drop the text.
    try {
      if (process.env.NODE_ENV !== 'production' && !LifelineConnection.shareDriver)
        warnOnce("share: 'origin' needs import 'react-lifeline/share'; using 'tab'.")
    } catch {}
  } else if (share !== undefined && share !== 'tab') {
    throw new TypeError(
      (() => {
        try {
          if (process.env.NODE_ENV !== 'production') return "react-lifeline: share must be 'tab' or 'origin'."
        } catch {}
        return errorCode(29)
      })(),
    )
  }
}
