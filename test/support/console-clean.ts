import { afterEach, beforeEach, expect } from 'vitest'

// A warning or error printed by a test is either a bug the test did not look at or a message the
// test means to cause. Every console.warn and console.error is caught here; one the test did not
// announce with expectConsole() fails it, so a new warning cannot hide in a green run. A test
// may also take a level over itself with vi.spyOn(console, level).mockImplementation(...) and
// assert on the spy; its mockRestore hands the level back to this catcher.

type Level = 'warn' | 'error'

interface Expected {
  level: Level
  pattern: RegExp
  seen: number
}

const expected: Expected[] = []
const unexpected: string[] = []

function format(args: unknown[]): string {
  return args
    .map((arg) =>
      arg instanceof Error ? `${arg.name}: ${arg.message}` : typeof arg === 'string' ? arg : String(arg),
    )
    .join(' ')
}

const original = { warn: console.warn, error: console.error }

function catcher(level: Level) {
  return (...args: unknown[]): void => {
    const text = format(args)
    const match = expected.find((entry) => entry.level === level && entry.pattern.test(text))
    if (match) match.seen += 1
    else unexpected.push(`console.${level}: ${text}`)
  }
}

/**
 * Announces a console message the test means to cause. The test fails if none matching
 * `pattern` is printed before it ends; any other message still fails it.
 */
export function expectConsole(level: Level, pattern: RegExp): void {
  expected.push({ level, pattern, seen: 0 })
}

beforeEach(() => {
  expected.length = 0
  unexpected.length = 0
  console.warn = catcher('warn')
  console.error = catcher('error')
})

afterEach(() => {
  const missing = expected
    .filter((entry) => entry.seen === 0)
    .map((entry) => `console.${entry.level} ${entry.pattern}`)
  const printed = unexpected.splice(0)
  expected.length = 0
  console.warn = original.warn
  console.error = original.error
  expect(printed, 'unexpected console output').toEqual([])
  expect(missing, 'console output the test expected but never saw').toEqual([])
})
