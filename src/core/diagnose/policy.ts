import type { CloseInfo } from '../types'
import { codeList, count, type Detector, type DetectorContext, unclaimed } from './detector'

// 1008 is the standard refusal; 4001/4003 and 4401/4403 are the common application spellings
// of HTTP 401/403.
const POLICY_CODES = new Set([1008, 4001, 4003, 4401, 4403])

const AUTH_LIKE_NAME = /auth|forbidden|unauthori|token|credential|policy/i

function isRefusal(record: CloseInfo, context: DetectorContext): boolean {
  if (POLICY_CODES.has(record.code)) return true
  const name = context.closeCodes[record.code]?.name ?? record.info.name
  return AUTH_LIKE_NAME.test(name)
}

/** Repeated 1008 or auth-like application codes: the server refuses this client. */
export const policy: Detector = (history, context) => {
  const refusals = unclaimed(history, context).filter((record) => isRefusal(record, context))
  // One refusal can be a token that expired a moment ago; the next attempt fetches a new one.
  if (refusals.length < 2) return null

  return {
    id: 'policy',
    severity: 'error',
    summary:
      `The server refused this client ${count(refusals.length, 'time')} ` +
      `(${codeList(refusals, context.closeCodes)}): it rejects the credentials or breaks one of its policies.`,
    advice:
      'Retrying cannot help: the server will refuse again until the credentials change. Fix the token or ' +
      'credentials (a function url can fetch a fresh token before every attempt), and give these codes ' +
      'retry: false in closeCodes so the connection stops instead of retrying.',
    evidence: refusals,
  }
}
