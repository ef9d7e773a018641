import { warnOnce } from './dev'
import type { ResolvedOptions } from './options'
import { redactUrl } from './redact'
import type { CloseInfo, UrlSource } from './types'

// Bumped when the stored shape changes; records of another version are dropped, not guessed at.
const VERSION = 1

/**
 * The storage key of a connection's history: its URL with secrets redacted (so a token that
 * changes every session keeps the same history, and no token lands in storage) and its
 * subprotocols, as the shared registry keys connections. A function url has no URL to key
 * by until it runs, so its history is kept under its subprotocols alone.
 */
export function historyKey(url: UrlSource, protocols: string | string[] | undefined): string {
  return `react-lifeline:history:${typeof url === 'string' ? redactUrl(url) : '[function]'} ${[protocols ?? ''].flat()}`
}

// Only what the detectors compute with is checked: a record that passes cannot make NaN of a diagnosis.
function isRecord(value: unknown): value is CloseInfo {
  const record = value as Partial<CloseInfo> | null
  return (
    typeof record?.code === 'number' &&
    typeof record.at === 'number' &&
    typeof record.reason === 'string' &&
    typeof record.initiator === 'string' &&
    typeof record.info?.name === 'string' &&
    [record.openForMs, record.idleForMs].every((ms) => ms === null || typeof ms === 'number')
  )
}

/**
 * Without `history`, reads the history kept for this connection (newest `historySize`
 * records); with it, writes it. Storage is the browser's or the user's: full, disabled
 * (Safari private mode throws), edited by hand or written by another version. None of that
 * may break the connection: the history starts fresh (or stays in memory only) and a
 * development warning says so once. Closes are redacted before they reach the history.
 */
export function keepHistory(
  url: UrlSource,
  options: ResolvedOptions,
  history?: readonly CloseInfo[],
): CloseInfo[] {
  const { historyStorage: storage, historySize, protocols } = options
  if (!storage || historySize === 0) return []
  const key = historyKey(url, protocols)
  try {
    if (history) {
      storage.setItem(key, JSON.stringify({ v: VERSION, h: history }))
      // Stryker disable next-line ArrayDeclaration: a write's return value is never read.
      return []
    }
    const text = storage.getItem(key)
    if (text === null) return []
    const saved = JSON.parse(text) as { v?: unknown; h?: unknown } | null
    // Stryker disable next-line OptionalChaining: `null.v` throws into the catch, which ends the same way.
    if (saved?.v === VERSION && Array.isArray(saved.h) && saved.h.every(isRecord))
      return saved.h.slice(-historySize)
  } catch {
    // Reported below with everything else that cannot be read or written.
  }
  try {
    if (process.env.NODE_ENV !== 'production')
      warnOnce(`historyStorage failed for ${key}; the history starts fresh.`)
  } catch {}
  return []
}
