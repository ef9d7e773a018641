import type { ConnectionOptions } from '../core/types'

/**
 * A hook's own options (callbacks, `enabled`, `schema`, ...) with every connection option
 * forbidden: what a hook takes beside a `Connection` target, or a target that may be one. A
 * `Connection` keeps the options it was created with, so connection options beside it would
 * do nothing; this makes them a type error rather than a silent no-op.
 *
 * | target | options a hook may pass |
 * |---|---|
 * | a URL string (or `null`) | the connection options (merged with the shared connection's other holders) and the hook's own |
 * | a `Connection` | the hook's own only; set connection options in `createConnection(url, options)` |
 * | `string \| Connection` | the hook's own only |
 *
 * New hooks follow the pattern: an overload with `target: string | null` and
 * `ConnectionOptions & Own`, then one with `target: ConnectionTarget` and `HookOnlyOptions<Own>`.
 */
export type HookOnlyOptions<Own> = Own & { [K in Exclude<keyof ConnectionOptions, keyof Own>]?: never }
