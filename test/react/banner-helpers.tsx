import axe from 'axe-core'
import { expect } from 'vitest'
import type { Connection } from '../../src/core/types'
import { ConnectionBanner, type ConnectionBannerProps, useWebSocket } from '../../src/react/index'
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
