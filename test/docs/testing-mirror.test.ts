import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { expect, it } from 'vitest'
import { blocksOf } from './doc-blocks'

// docs/testing.md shows whole test files; each is the file of the same name in test/testing/,
// which the `testing` project runs. A block that starts with `// <name>.test.tsx` must be that
// file from that line on, so the page can only show tests that pass.
const root = resolve(import.meta.dirname, '../..')

it('every test file shown in docs/testing.md is the test of that name in test/testing/, word for word', () => {
  const page = readFileSync(resolve(root, 'docs/testing.md'), 'utf8')
  const shown = blocksOf('docs/testing.md', page).flatMap((block) => {
    const name = /^\/\/ ([\w-]+\.test\.tsx?)\n/.exec(block.code)?.[1]
    return name ? [{ name, code: block.code }] : []
  })
  expect(shown.map((file) => file.name)).toEqual([
    'banner-after-drop.test.tsx',
    'chat-queue.test.tsx',
    'silent-server.test.tsx',
    'share-origin.test.tsx',
  ])
  for (const { name, code } of shown) {
    const file = readFileSync(resolve(root, 'test/testing', name), 'utf8')
    expect(file.slice(file.indexOf(`// ${name}\n`)), `docs/testing.md's ${name}`).toBe(code)
  }
})
