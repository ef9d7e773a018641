// `node bench/hardening/run.mjs`: the figures of issue 10 (timer overflow, the 1013 herd),
// measured against real `ws` servers on 127.0.0.1. Compiles figures.ts with esbuild (Node 20
// cannot run .ts) and runs it. To measure another checkout (0.1 for "before"), copy this folder
// into it and run it there: figures.ts imports the core of the checkout it sits in.
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const here = fileURLToPath(new URL('.', import.meta.url))
const outfile = join(here, '.out', 'figures.mjs')
await build({
  entryPoints: [join(here, 'figures.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
})
await import(pathToFileURL(outfile).href)
