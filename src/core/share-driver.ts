import type { LifelineConnection } from './connection'
import { warnOnce } from './dev'

/**
 * Turns one tab's connection into its view of a socket shared by every tab of the origin.
 * Only `react-lifeline/share` installs one, so apps that never share pay a few bytes here.
 */
export type ShareDriver = (connection: LifelineConnection) => void

let driver: ShareDriver | undefined

/** Installs the cross-tab driver; `import 'react-lifeline/share'` calls it once. */
export function setShareDriver(next: ShareDriver | undefined): void {
  driver = next
}

/** Called for every connection created with `share: 'origin'`. */
export function attachShare(connection: LifelineConnection): void {
  if (driver) driver(connection)
  else warnOnce(`share: 'origin' needs import 'react-lifeline/share' once; using 'tab'.`)
}
