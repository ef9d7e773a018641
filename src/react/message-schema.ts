import type { Connection } from '../core/types'
import type { ReceivedMessage } from './message-store'
import { checkSchema, type StandardSchemaV1 } from './standard-schema'

interface Checked {
  readonly schema: StandardSchemaV1
  /** The message with `json` replaced by the schema's output, or why it does not fit. */
  readonly result: ReceivedMessage | Error
  counted: boolean
}

// One entry per message, for the schema that checked it last: hooks on one connection usually
// share one schema, so each message is checked once however many hooks read it.
const checks = new WeakMap<ReceivedMessage, Checked>()

/**
 * `message` as `schema` types it: a message whose `json` is the schema's output, or the error
 * that says why it does not fit. With `countOn`, an invalid message is counted once in that
 * connection's `getStats().messagesInvalid`, however many hooks reject it.
 */
export function checkMessage(
  message: ReceivedMessage,
  schema: StandardSchemaV1,
  countOn: Connection | null,
): ReceivedMessage | Error {
  let checked = checks.get(message)
  if (!checked || checked.schema !== schema) {
    const check = checkSchema(schema, message.json)
    const result = check.ok ? { data: message.data, event: message.event, json: check.value } : check.error
    checked = { schema, result, counted: false }
    checks.set(message, checked)
  }
  if (countOn && checked.result instanceof Error && !checked.counted) {
    checked.counted = true
    ;(countOn as { countInvalidMessage?: () => void }).countInvalidMessage?.()
  }
  return checked.result
}
