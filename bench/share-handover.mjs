// `node bench/share-handover.mjs [runs]`: compiles the TypeScript bench with esbuild (Node 20
// cannot run .ts) and runs it.
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const bench = fileURLToPath(new URL('.', import.meta.url))
const outfile = join(bench, '.out', 'share-handover.mjs')
await build({
  entryPoints: [join(bench, 'share-handover.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
})
await import(pathToFileURL(outfile).href)
