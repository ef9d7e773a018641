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
if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log('dist checked: core has no React import, publint clean.')
