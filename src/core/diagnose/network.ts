import type { CloseInfo } from '../types'
import { count, type Detector, unclaimed } from './detector'

// Right after the browser reports online, radios wake up, DHCP and DNS settle and captive
// portals intercept: the first sockets often drop within seconds of opening or never open.
const AFTER_OFFLINE_MS = 30_000

function wasOffline(record: CloseInfo): boolean {
  return record.offline === true || record.initiator === 'network'
}

/** Drops while the device was offline, or right after it came back. */
export const network: Detector = (history, context) => {
  const evidence: CloseInfo[] = []
  let offline = 0
  let lastOfflineAt = Number.NEGATIVE_INFINITY
  for (const record of unclaimed(history, context)) {
    if (wasOffline(record)) {
      evidence.push(record)
      offline++
      lastOfflineAt = record.at
    } else if (record.code === 1006 && record.at - lastOfflineAt <= AFTER_OFFLINE_MS) {
      evidence.push(record)
    }
  }
  // The browser's own offline report is evidence, not a guess, so one such close is enough.
  if (offline === 0) return null
  const afterwards = evidence.length - offline

  return {
    id: 'network',
    severity: 'info',
    summary:
      `${count(offline, 'connection')} dropped while the device was offline` +
      (afterwards > 0 ? `, and ${afterwards} within ${AFTER_OFFLINE_MS / 1000} s of coming back` : '') +
      `: the network ended ${evidence.length === 1 ? 'it' : 'them'}, not the server.`,
    advice:
      'Nothing to fix on the server. Attempts pause while the browser reports offline and resume when it is back; ' +
      'keep the send queue on so messages sent meanwhile go out after reconnecting.',
    evidence,
  }
}
