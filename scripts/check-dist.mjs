// Checks the built package the way users meet it: the core entry must not pull in React,
// every exported file must exist, and publint must find nothing wrong.
import { readdirSync, readFileSync, statSync } from 'node:fs'
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
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const { messages } = await publint({ pkgDir: '.', strict: true })
for (const message of messages) problems.push(`publint: ${formatMessage(message, pkg)}`)
for (const target of [
  'dist/index.js',
  'dist/index.cjs',
  'dist/core/index.js',
  'dist/core/index.cjs',
  'dist/banner.css',
]) {
  if (!statSync(target, { throwIfNoEntry: false })) problems.push(`${target} is missing from the build.`)
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
    ['react-lifeline/share', ['installShare', 'shareInfoOf']],
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
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('dist checked: core has no React import, publint clean.')
