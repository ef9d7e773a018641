import { warnOnce } from './dev'
import type { ResolvedOptions } from './options'
import { redactText, redactUrl } from './redact'
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
  const where = typeof url === 'string' ? redactUrl(url) : '[function]'
  return `react-lifeline:history:${where} ${[protocols ?? ''].flat().join(',')}`
}

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

// Storage is the user's or the browser's: full, disabled (Safari private mode throws), edited
// by hand, or written by another version. None of that may break the connection.
function failed(key: string): void {
  warnOnce(`historyStorage could not read or write "${key}"; the disconnect history starts fresh.`)
}

/**
 * The history kept for this connection, newest `historySize` records; [] without
 * `historyStorage`, and [] with one warning when storage cannot be read or holds garbage.
 */
export function storedHistory(url: UrlSource, options: ResolvedOptions): CloseInfo[] {
  const { historyStorage: storage, historySize, protocols } = options
  if (!storage || historySize === 0) return []
  const key = historyKey(url, protocols)
  try {
    const text = storage.getItem(key)
    if (text === null) return []
    const saved = JSON.parse(text) as { v?: unknown; h?: unknown } | null
    if (saved?.v === VERSION && Array.isArray(saved.h) && saved.h.every(isRecord))
      return saved.h.slice(-historySize)
  } catch {
    // Reported below, with everything else that cannot be read.
  }
  failed(key)
  return []
}

/** Writes the history; a full or throwing storage leaves it in memory only. */
export function storeHistory(url: UrlSource, options: ResolvedOptions, history: readonly CloseInfo[]): void {
  const storage = options.historyStorage
  if (!storage) return
  const key = historyKey(url, options.protocols)
  try {
    const records = history.map((record) => ({ ...record, reason: redactText(record.reason) }))
    storage.setItem(key, JSON.stringify({ v: VERSION, h: records }))
  } catch {
    failed(key)
  }
}
