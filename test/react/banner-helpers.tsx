import axe from 'axe-core'
import { expect } from 'vitest'
import type { Clock, Connection } from '../../src/core/types'
import { ConnectionBanner, type ConnectionBannerProps, useWebSocket } from '../../src/react/index'
import type { FakeClock } from '../support/fake-clock'
import { lastSocket, step } from './helpers'

/** The banner beside a component that holds the connection, as in an app. */
export function App({
  connection,
  ...props
}: { connection: Connection } & Omit<ConnectionBannerProps, 'target'>) {
  function Holder() {
    useWebSocket(connection)
    return null
  }
  return (
    <>
      <ConnectionBanner target={connection} {...props} />
      <Holder />
    </>
  )
}

export function banner(): HTMLElement {
  return document.querySelector('.lifeline-banner') as HTMLElement
}

export function text(): string | null {
  return document.querySelector('.lifeline-banner__text')?.textContent ?? null
}

/** A clock over `clock` that knows which timers the banner itself has pending. */
export function countingClock(clock: FakeClock): Clock & { pending: () => number } {
  const own = new Set<unknown>()
  return {
    now: clock.now,
    setTimeout(callback, ms) {
      const handle = clock.setTimeout(() => {
        own.delete(handle)
        callback()
      }, ms)
      own.add(handle)
      return handle
    },
    clearTimeout(handle) {
      own.delete(handle)
      clock.clearTimeout(handle)
    },
    pending: () => own.size,
  }
}

export async function expectNoAxeViolations(): Promise<void> {
  // jsdom has no layout or canvas, so contrast cannot be measured here (banner.css picks colours
  // with ratios of 6:1 and more); every other rule runs.
  const results = await axe.run(document.body, { rules: { 'color-contrast': { enabled: false } } })
  expect(results.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([])
}

/** Opens the connection's socket, then drops it as a network failure would. */
export function openThenDrop(code = 1006, reason = '') {
  step(() => lastSocket().open())
  step(() => lastSocket().closeFromServer(code, reason))
}
