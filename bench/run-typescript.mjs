// Node 20 cannot run .ts: the bench scripts compile their TypeScript entry with esbuild into
// bench/.out and import it.
import { basename, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const bench = fileURLToPath(new URL('.', import.meta.url))

/**
 * Compiles `entry` (a path under bench/, or an absolute one) with its imports, dependencies left
 * to node_modules, into `outfile` (bench/.out by default); returns the .mjs file's path.
 */
export async function buildTypeScript(
  entry,
  outfile = join(bench, '.out', basename(entry).replace(/\.ts$/, '.mjs')),
) {
  await build({
    entryPoints: [resolve(bench, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
  return outfile
}

/** Compiles `bench/<entry>` and runs it. */
export async function runTypeScript(entry) {
  await import(pathToFileURL(await buildTypeScript(entry)).href)
}
