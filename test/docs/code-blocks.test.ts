import { resolve } from 'node:path'
import { expect, it } from 'vitest'
import { checkDocBlocks } from './doc-blocks'

// Every ```ts and ```tsx block of README.md and docs/*.md compiles as a file of a new Vite
// react-ts app with strict on: readers copy these, so a block that does not compile is a bug.
// A block that is a fragment on purpose says so with ```ts nocheck (counted below).

it('every TypeScript block in README.md and docs/*.md compiles under Vite react-ts settings + strict', () => {
  const result = checkDocBlocks(resolve(import.meta.dirname, '../..'))
  console.info(
    `doc blocks: ${result.checked} type-checked, ${result.skipped.length} marked nocheck${
      result.skipped.length ? ` (${result.skipped.join(', ')})` : ''
    }`,
  )
  expect(result.problems).toEqual([])
  expect(result.checked).toBeGreaterThan(0)
})
