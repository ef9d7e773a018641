import { afterEach, beforeEach, vi } from 'vitest'

// The docs promise tests without act() warnings; any console.error or console.warn (React's
// act warning among them) fails the test that caused it.
beforeEach(() => {
  vi.spyOn(console, 'error')
  vi.spyOn(console, 'warn')
})

afterEach(() => {
  const calls = [...vi.mocked(console.error).mock.calls, ...vi.mocked(console.warn).mock.calls]
  vi.restoreAllMocks()
  if (calls.length > 0) throw new Error(`console output during the test:\n${calls.map(String).join('\n')}`)
})
