/**
 * The lock and channel name for a connection key. The key holds the URL, and URLs carry
 * tokens, so the name holds only a hash of it: lock names show up in `navigator.locks.query()`
 * and in devtools. Two 32-bit FNV-1a lanes with different seeds make collisions between a
 * page's handful of keys vanishingly unlikely; it needs no SubtleCrypto (missing on plain
 * http), and every tab computes it synchronously.
 */
export function shareNameOf(url: string, protocols: string | string[] | undefined): string {
  const key = `${url}\n${Array.isArray(protocols) ? protocols.join(',') : (protocols ?? '')}`
  return `react-lifeline:${lane(key, 0x811c9dc5)}${lane(key, 0x050c5d1f)}`
}

function lane(text: string, seed: number): string {
  let hash = seed
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16).padStart(8, '0')
}

/** A fresh id for one tab's connection object: the protocol's `from` and `to`. */
export function memberId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto
  return crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`
}
