#!/usr/bin/env node
// `npm run docs:api`: the API reference that ships in the package, generated from the sources'
// declarations and TSDoc comments with TypeDoc and typedoc-plugin-markdown. One page per entry
// of package.json `exports` (found there, so a new entry gets its page), in docs/api/, and
// docs/api.md, the index the README links to. test/docs/api-reference.test.ts fails when the
// committed pages differ from what this produces, or when an export is missing from them.
//
//   node scripts/api-docs.mjs            write docs/api.md and docs/api/
//   node scripts/api-docs.mjs --out DIR  write them under DIR instead (the test compares)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Application } from 'typedoc'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * Each entry of package.json `exports` that has types: its import specifier, its source file and
 * the first sentence of the comment that opens that file (if any). The root entry comes last, so
 * a declaration it re-exports from another entry is documented on that entry's page.
 */
export function apiEntries() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const entries = Object.entries(pkg.exports)
    .filter(([, target]) => typeof target === 'object' && target.import?.types)
    .map(([subpath, target]) => {
      // ./dist/core/index.d.ts is built from src/core/index.ts.
      const source = target.import.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts')
      const code = readFileSync(join(root, source), 'utf8')
      const opening = /^\/\*\*([\s\S]*?)\*\//.exec(code)?.[1] ?? /^(?:\/\/.*\n)+/.exec(code)?.[0] ?? ''
      const text = opening
        .replace(/^\s*(\*|\/\/) ?/gm, '')
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/^`[^`]+`:\s*/, '')
      return {
        specifier: subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`,
        source,
        summary: (/^(.*?[.:])(\s|$)/.exec(text)?.[1] ?? '')
          .replace(/:$/, '.')
          .replace(/^./, (first) => first.toUpperCase()),
      }
    })
  return [
    ...entries.filter((entry) => entry.specifier !== pkg.name),
    ...entries.filter((entry) => entry.specifier === pkg.name),
  ]
}

/** The page of an entry, relative to docs/: `react-lifeline/core` is api/react-lifeline/core.md. */
export function pageOf(specifier) {
  return `api/${specifier}.md`
}

/** Writes docs/api.md and docs/api/**.md under `docsDir`; returns the files written, relative to it. */
export async function generateApiDocs(docsDir = join(root, 'docs')) {
  const entries = apiEntries()
  const work = join(root, 'node_modules/.cache/api-docs')
  rmSync(work, { recursive: true, force: true })
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((entry) => join(root, entry.source)),
    entryPointStrategy: 'resolve',
    tsconfig: join(root, 'scripts/api-docs.tsconfig.json'),
    plugin: ['typedoc-plugin-markdown'],
    out: work,
    readme: 'none',
    // Source links would point into the repository, which the package does not ship.
    disableSources: true,
    excludePrivate: true,
    excludeInternal: true,
    hideGenerator: true,
    logLevel: 'Warn',
    // One page per entry.
    router: 'module',
    hideBreadcrumbs: true,
    hidePageHeader: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
    classPropertiesFormat: 'table',
    typeAliasPropertiesFormat: 'table',
  })
  const project = await app.convert()
  if (!project) throw new Error('TypeDoc could not convert the sources (see the messages above).')
  // Modules are named after the import specifier users write, not after the file path.
  for (const module of project.children ?? []) {
    const entry = entries.find(
      (candidate) =>
        candidate.source.replace(/^src\//, '').replace(/\/?index\.ts$/, '') ===
        module.name.replace(/^index$/, ''),
    )
    if (!entry)
      throw new Error(`TypeDoc made a module "${module.name}" that no entry of package.json exports matches.`)
    module.name = entry.specifier
  }
  await app.generateOutputs(project)

  const written = []
  const write = (path, text) => {
    mkdirSync(dirname(join(docsDir, path)), { recursive: true })
    writeFileSync(join(docsDir, path), text)
    written.push(path)
  }
  rmSync(join(docsDir, 'api'), { recursive: true, force: true })
  for (const entry of entries) {
    write(pageOf(entry.specifier), readFileSync(join(work, `${entry.specifier}.md`), 'utf8'))
  }
  write('api.md', indexPage(entries))
  return written
}

function indexPage(entries) {
  const rows = entries
    .slice()
    .sort((a, b) => a.specifier.length - b.specifier.length || a.specifier.localeCompare(b.specifier))
    .map(
      (entry) =>
        `| [\`${entry.specifier}\`](${pageOf(entry.specifier)}) | ${entry.summary.replace(/\|/g, '\\|')} |`,
    )
  return `# API reference

Every export of every entry of the package, with its options and types, generated from the
type declarations and TSDoc comments by TypeDoc (\`npm run docs:api\` in the repository; a test
fails when this reference and the sources disagree). How the pieces fit together is in the
[README](../README.md) and the guides beside this page.

| entry | |
|---|---|
${rows.join('\n')}

\`react-lifeline\` re-exports everything from \`react-lifeline/core\`; those declarations are
described once, on the core's page. \`react-lifeline/banner.css\` and
\`react-lifeline/inspector.css\` are stylesheets, with nothing to import from.
`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outIndex = process.argv.indexOf('--out')
  const written = await generateApiDocs(outIndex > 0 ? process.argv[outIndex + 1] : undefined)
  console.log(`[docs:api] wrote ${written.map((path) => `docs/${path}`).join(', ')}`)
}
