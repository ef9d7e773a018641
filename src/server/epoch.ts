import { randomBytes } from 'node:crypto'

/** A fresh epoch: 8 random base-36 characters, enough that two restarts never share one. */
export function newEpoch(): string {
  let epoch = ''
  for (const byte of randomBytes(8)) epoch += (byte % 36).toString(36)
  return epoch
}
