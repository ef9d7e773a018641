import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

/** A ```ts or ```tsx block of a Markdown file, with where it starts (1-based line of its first code line). */
export interface DocBlock {
  file: string
  line: number
  lang: 'ts' | 'tsx'
  /** True for a block marked ```ts nocheck: a fragment on purpose, counted but not compiled. */
  nocheck: boolean
  code: string
}

/** Every Markdown file whose blocks are checked: README.md and each docs/*.md, found afresh each run. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`)
  return ['README.md', ...docs]
}

/** The ```ts / ```tsx blocks of one Markdown text, in order. */
export function blocksOf(file: string, markdown: string): DocBlock[] {
  const blocks: DocBlock[] = []
  const lines = markdown.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const opening = /^(\s*)(`{3,}|~{3,})(ts|tsx)\b(.*)$/.exec(lines[index] ?? '')
    if (!opening) continue
    const [, indent = '', fence = '```', lang, info = ''] = opening
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && !(lines[end] ?? '').trimStart().startsWith(fence)) {
      body.push((lines[end] ?? '').slice(indent.length))
      end++
    }
    blocks.push({
      file,
      line: index + 2,
      lang: lang as 'ts' | 'tsx',
      nocheck: /\bnocheck\b/.test(info),
      code: `${body.join('\n')}\n`,
    })
    index = end
  }
  return blocks
}

/**
 * The settings of a new Vite app (create-vite 9.3's `react-ts` template, tsconfig.app.json)
 * plus `strict`, which the template leaves to TypeScript 7's default. `DOM.Iterable` is added
 * because TypeScript 5.9 (ours) keeps it apart from `DOM`, where TypeScript 7 has merged it.
 * The package's entries resolve to the sources.
 */
export function viteReactTsOptions(root: string): ts.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.ESNext,
    types: ['vite/client'],
    allowArbitraryExtensions: true,
    skipLibCheck: true,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    noEmit: true,
    jsx: ts.JsxEmit.ReactJSX,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
    strict: true,
    baseUrl: root,
    paths: {
      'react-lifeline': ['src/index.ts'],
      'react-lifeline/*': ['src/*/index.ts'],
    },
  }
}

export interface DocCheck {
  /** Blocks compiled. */
  checked: number
  /** Blocks marked nocheck, as `file:line`. */
  skipped: string[]
  /** One line per compiler error, as `file:line: message`, lines counted in the Markdown file. */
  problems: string[]
}

/**
 * Compiles each checked block as its own module (a file of a Vite app) and reports errors at
 * their line in the Markdown. The block files live under node_modules/.cache so that imports
 * of react, vitest or zod resolve as they would in an app with those installed.
 */
export function checkDocBlocks(root: string): DocCheck {
  const blocks = docFiles(root).flatMap((file) => blocksOf(file, readFileSync(join(root, file), 'utf8')))
  const dir = join(root, 'node_modules/.cache/doc-blocks')
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const byPath = new Map<string, DocBlock>()
  for (const [index, block] of blocks.entries()) {
    if (block.nocheck) continue
    const name = `${block.file.replace(/[^\w]+/g, '-')}-${index}.${block.lang}`
    const path = join(dir, name)
    writeFileSync(path, block.code)
    byPath.set(path, block)
  }
  const program = ts.createProgram([...byPath.keys()], viteReactTsOptions(root))
  const problems: string[] = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')
    const block = diagnostic.file ? byPath.get(diagnostic.file.fileName) : undefined
    if (!diagnostic.file) {
      problems.push(`TS${diagnostic.code}: ${message}`)
    } else if (block) {
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
      problems.push(`${block.file}:${block.line + line}: TS${diagnostic.code}: ${message}`)
    }
    // Errors inside the library's sources are the other tests' business (tsc --noEmit).
  }
  return {
    checked: byPath.size,
    skipped: blocks.filter((block) => block.nocheck).map((block) => `${block.file}:${block.line - 1}`),
    problems: problems.map((problem) => problem.replace(`${relative(root, dir)}/`, '')),
  }
}
