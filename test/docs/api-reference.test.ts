import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import ts from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { apiEntries, generateApiDocs, pageOf } from '../../scripts/api-docs.mjs'

// docs/api.md and docs/api/ ship in the package as the API reference the README links to. They
// are generated (`npm run docs:api`); these tests fail when they no longer match the sources, and
// when an export of an entry of package.json is missing from its page.
const root = resolve(import.meta.dirname, '../..')
const fresh = mkdtempSync(join(tmpdir(), 'lifeline-api-'))

afterAll(() => rmSync(fresh, { recursive: true, force: true }))

/** docs/api.md and every page under docs/api/, relative to `docsDir`. */
function referenceFiles(docsDir: string): string[] {
  const pages = readdirSync(join(docsDir, 'api'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => `api/${file}`)
  return ['api.md', ...pages].sort()
}

describe('the API reference', () => {
  it('is what `npm run docs:api` makes from the sources today', async () => {
    const written = await generateApiDocs(fresh)
    expect(referenceFiles(fresh)).toEqual([...written].sort())
    expect(referenceFiles(join(root, 'docs')), 'run `npm run docs:api` and commit docs/api*').toEqual(
      referenceFiles(fresh),
    )
    for (const file of referenceFiles(fresh)) {
      expect(
        readFileSync(join(root, 'docs', file), 'utf8'),
        `docs/${file} is stale: run \`npm run docs:api\` and commit it`,
      ).toBe(readFileSync(join(fresh, file), 'utf8'))
    }
  })

  it('has a page for every entry of package.json exports, and each page every export of its entry', () => {
    const entries = apiEntries()
    expect(entries.map((entry) => entry.specifier)).toEqual(
      expect.arrayContaining([
        'react-lifeline',
        'react-lifeline/core',
        'react-lifeline/testing',
        'react-lifeline/share',
      ]),
    )
    const program = ts.createProgram(
      entries.map((entry) => join(root, entry.source)),
      {
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        jsx: ts.JsxEmit.ReactJSX,
        noEmit: true,
      },
    )
    const checker = program.getTypeChecker()
    const index = readFileSync(join(root, 'docs/api.md'), 'utf8')
    for (const entry of entries) {
      expect(index).toContain(`](${pageOf(entry.specifier)})`)
      const page = readFileSync(join(root, 'docs', pageOf(entry.specifier)), 'utf8')
      // Headings escape Markdown: DEFAULT\_RETRY.
      const headings = new Set(
        [...page.matchAll(/^### ([\w\\]+)/gm)].map((match) => match[1]!.replaceAll('\\', '')),
      )
      const module = checker.getSymbolAtLocation(program.getSourceFile(join(root, entry.source))!)!
      const exported = checker
        .getExportsOfModule(module)
        // @internal exports are plumbing between the package's own entries, not API.
        .filter((symbol) => !isInternal(declarationOf(checker, symbol)))
        .map((symbol) => symbol.name)
      expect(exported.length, entry.specifier).toBeGreaterThan(0)
      expect(
        exported.filter((name) => !headings.has(name)),
        `exports of ${entry.specifier} missing from its page`,
      ).toEqual([])
    }
  })
})

/** Tagged @internal on the declaration or on the export statement that carries it. */
function isInternal(node: ts.Node): boolean {
  for (let at: ts.Node | undefined = node; at && !ts.isSourceFile(at); at = at.parent) {
    if (ts.getJSDocTags(at).some((tag) => tag.tagName.text === 'internal')) return true
    if (ts.isStatement(at)) break
  }
  return false
}

/** Where a (possibly re-exported) symbol is written down: its export specifier carries the tags. */
function declarationOf(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Node {
  const declaration = symbol.declarations?.[0]
  if (declaration) return declaration
  return checker.getAliasedSymbol(symbol).declarations?.[0] ?? ts.factory.createEmptyStatement()
}
