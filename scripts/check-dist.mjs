// Checks the built package the way users meet it: the core entry must not pull in React,
// every exported file must exist, publint and attw must find nothing wrong, the React entry
// starts with 'use client' and shares the core's types, and every README link ships.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'

const problems = []
for (const file of readdirSync('dist/core')) {
  const text = readFileSync(join('dist/core', file), 'utf8')
  if (/from\s*['"]react['"]|require\(['"]react['"]\)|['"]use-sync-external-store/.test(text)) {
    problems.push(`dist/core/${file} imports React; the core entry must stay framework-agnostic.`)
  }
}
// The server entry is for Node: no browser entry may reach it, `ws` or Node's own modules.
for (const dir of ['dist', 'dist/core', 'dist/share', 'dist/testing']) {
  for (const file of readdirSync(dir).filter((name) => /\.(c?js)$/.test(name))) {
    const text = readFileSync(join(dir, file), 'utf8')
    if (
      /^import\b[^\n]*['"](ws|redis|node:\w+)['"]|\brequire\(['"](ws|redis|node:\w+)['"]\)|server\/index\.c?js/m.test(
        text,
      )
    ) {
      problems.push(
        `${dir}/${file} imports the server entry, ws, redis or a node: module; browser entries must not.`,
      )
    }
  }
}
for (const file of readdirSync('dist/server').filter((name) => /\.(c?js)$/.test(name))) {
  const text = readFileSync(join('dist/server', file), 'utf8')
  if (/from\s*['"]react['"]|require\(['"]react['"]\)/.test(text))
    problems.push(`dist/server/${file} imports React.`)
  if (/from\s*['"]redis['"]|require\(['"]redis['"]\)/.test(text))
    problems.push(`dist/server/${file} imports redis; redisStore takes the app's client instead.`)
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const { messages } = await publint({ pkgDir: '.', strict: true })
for (const message of messages) problems.push(`publint: ${formatMessage(message, pkg)}`)
for (const target of [
  'dist/index.js',
  'dist/index.cjs',
  'dist/core/index.js',
  'dist/core/index.cjs',
  'dist/testing/index.js',
  'dist/testing/index.cjs',
  'dist/server/index.js',
  'dist/server/index.cjs',
  'dist/banner.css',
  'dist/inspector.css',
]) {
  if (!statSync(target, { throwIfNoEntry: false })) problems.push(`${target} is missing from the build.`)
}
// Server Components hosts (Next.js) read the directive only as the file's first statement.
for (const file of ['dist/index.js', 'dist/index.cjs']) {
  if (!/^(['"])use client\1;?\s/.test(readFileSync(file, 'utf8'))) {
    problems.push(`${file} does not start with 'use client'.`)
  }
}
// One set of core types: the React entry imports them, so a connection from either entry fits both.
for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
  const text = readFileSync(file, 'utf8')
  if (!text.includes("from 'react-lifeline/core'") || /class LifelineConnection\b/.test(text)) {
    problems.push(`${file} must import the core's types from react-lifeline/core, not copy them.`)
  }
}
// Types under every moduleResolution (node10, node16 from CJS and ESM, bundler).
// Stylesheets are not modules, so attw has nothing to check there.
const attw = spawnSync(
  'npx',
  [
    '--no-install',
    'attw',
    '--pack',
    '.',
    '--exclude-entrypoints',
    './banner.css',
    './inspector.css',
    '--format',
    'table-flipped',
  ],
  { encoding: 'utf8' },
)
if (attw.status !== 0) problems.push(`attw (are the types wrong):\n${attw.stdout}${attw.stderr}`)
// A consumer under each moduleResolution: a connection made by one entry must be the type the
// other entry takes (one set of core declarations), and node10 must find react-lifeline/core.
const consumer = mkdtempSync(join(tmpdir(), 'lifeline-types-'))
try {
  mkdirSync(join(consumer, 'node_modules'))
  symlinkSync(process.cwd(), join(consumer, 'node_modules', 'react-lifeline'), 'dir')
  const source = `import { createConnection, type LifelineConnection } from 'react-lifeline/core'
import { type LifelineConnection as FromReactEntry, useWebSocket } from 'react-lifeline'
const fromCore: LifelineConnection = createConnection('ws://127.0.0.1/x')
const asReact: FromReactEntry = fromCore
export const back: LifelineConnection = asReact
export const result = () => useWebSocket(fromCore).connection?.getStats().messagesReceived
`
  writeFileSync(join(consumer, 'consumer.ts'), source)
  writeFileSync(join(consumer, 'consumer.mts'), source)
  const tsc = join(process.cwd(), 'node_modules', 'typescript', 'bin', 'tsc')
  for (const [label, file, flags] of [
    [
      'node10',
      'consumer.ts',
      ['--module', 'commonjs', '--moduleResolution', 'node10', '--ignoreDeprecations', '5.0'],
    ],
    ['node16 (CJS)', 'consumer.ts', ['--module', 'node16', '--moduleResolution', 'node16']],
    ['node16 (ESM)', 'consumer.mts', ['--module', 'node16', '--moduleResolution', 'node16']],
    ['bundler', 'consumer.ts', ['--module', 'esnext', '--moduleResolution', 'bundler']],
  ]) {
    const checked = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--preserveSymlinks',
        '--lib',
        'es2022,dom',
        ...flags,
        file,
      ],
      { cwd: consumer, encoding: 'utf8' },
    )
    if (checked.status !== 0)
      problems.push(`a ${label} consumer does not type-check:\n${checked.stdout}${checked.stderr}`)
  }
} finally {
  rmSync(consumer, { recursive: true, force: true })
}
// Links in the shipped Markdown must point at files in the tarball: the README is the npm page.
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
)
const shipped = new Set(packed[0].files.map((file) => file.path))
for (const doc of [...shipped].filter((path) => path.endsWith('.md'))) {
  const base = doc.includes('/') ? doc.slice(0, doc.lastIndexOf('/') + 1) : ''
  for (const [, target] of readFileSync(doc, 'utf8').matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:|^#/.test(target)) continue
    const path = new URL(target.split('#')[0], `file:///${base}`).pathname.slice(1)
    if (!shipped.has(path)) problems.push(`${doc} links to ${target}, which the package does not ship.`)
  }
}
// Load the built entries as users do (the React entry imports the core through the package's
// own name), so an import the core entry does not export fails here, not in an app.
const { createRequire } = await import('node:module')
const require = createRequire(import.meta.url)
for (const [format, load] of [
  ['ESM', (path) => import(path)],
  ['CJS', async (path) => require(path)],
]) {
  for (const [entry, names] of [
    [
      'react-lifeline',
      ['useWebSocket', 'useConnectionState', 'ConnectionBanner', 'ConnectionInspector', 'getConnection'],
    ],
    ['react-lifeline/core', ['createConnection', 'getConnection', 'describeCloseCode', 'diagnose']],
    ['react-lifeline/testing', ['createMockServer']],
    ['react-lifeline/share', ['installShare', 'shareInfoOf']],
    ['react-lifeline/server', ['createLifelineServer', 'memoryStore', 'redisStore']],
  ]) {
    try {
      const loaded = await load(entry)
      for (const name of names) {
        if (typeof loaded[name] !== 'function') problems.push(`${format} ${entry} does not export ${name}.`)
      }
    } catch (error) {
      problems.push(`${format} ${entry} does not load: ${error.message}`)
    }
  }
}
// One registry per process: the ESM and the CJS build hand out the same connection for a URL.
try {
  const url = 'ws://127.0.0.1:9/check-dist'
  const [esm, cjs] = [await import('react-lifeline/core'), require('react-lifeline/core')]
  if (esm.getConnection(url) !== cjs.getConnection(url))
    problems.push('the ESM and CJS builds keep separate registries.')
  esm.resetConnections()
} catch (error) {
  problems.push(`registry check: ${error.message}`)
}
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(
  `dist checked: core has no React import; publint and attw clean; 'use client' on the React entry; ${shipped.size} files packed, every Markdown link ships.`,
)
