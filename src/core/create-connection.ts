import { LifelineConnection } from './connection'
import type { ConnectionOptions, UrlSource } from './types'

/**
 * A connection of its own (not shared). `url` may be a function, called before every
 * attempt, so each attempt can carry a fresh short-lived token. Nothing opens until
 * `connect()` or `retain()`.
 */
export function createConnection(url: UrlSource, options?: ConnectionOptions): LifelineConnection {
  return new LifelineConnection(url, options)
}
