import { count, type Detector, median, seconds, unclaimed } from './detector'

/** Dead connections found by the heartbeat: half-open TCP that never delivered a close. */
export const heartbeat: Detector = (history, context) => {
  const dead = unclaimed(history, context).filter((record) => record.initiator === 'heartbeat')
  // One dead socket is the heartbeat doing its job; a habit of them says something on the path drops flows.
  if (dead.length < 2) return null

  const silences = dead.flatMap((record) => (record.idleForMs === null ? [] : [record.idleForMs]))
  const detected = silences.length > 0 ? ` after about ${seconds(median(silences))} of silence (median)` : ''
  return {
    id: 'heartbeat',
    severity: 'warning',
    summary:
      `The heartbeat found ${count(dead.length, 'dead connection')}${detected}: the TCP connection was gone ` +
      'without a close (half-open), as when a NAT, firewall or mobile network forgets the flow.',
    advice:
      'Without the heartbeat these sockets would have looked open forever. A dead connection is noticed within ' +
      'heartbeat interval + timeout; lower them to notice sooner, and a shorter interval also keeps NAT entries alive.',
    evidence: dead,
  }
}
