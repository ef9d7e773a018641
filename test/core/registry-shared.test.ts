import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'

type Core = typeof import('../../src/core/index')

// Built the way tsup builds the package (one bundle per format), so this process holds two
// copies of the registry module, as an app does when one dependency imports the library and
// another requires it. `npm run build` checks the same against dist/ (scripts/check-dist.mjs).
const outDir = mkdtempSync(join(tmpdir(), 'lifeline-registry-'))
const REGISTRY_KEY = Symbol.for('react-lifeline.registry')
const host = globalThis as Record<symbol, unknown>
let esm: Core
let cjs: Core

async function bundle(format: 'esm' | 'cjs', name: string): Promise<string> {
  const outfile = join(outDir, name)
  await build({
    entryPoints: ['src/core/index.ts'],
    bundle: true,
    format,
    platform: 'node',
    outfile,
    logLevel: 'silent',
  })
  return outfile
}

let saved: unknown

beforeAll(async () => {
  saved = host[REGISTRY_KEY]
  delete host[REGISTRY_KEY]
  esm = (await import(pathToFileURL(await bundle('esm', 'core.mjs')).href)) as Core
  cjs = createRequire(import.meta.url)(await bundle('cjs', 'core.cjs')) as Core
})

// Whatever held the slot before (another test file's copy in this worker) gets it back.
afterAll(() => {
  esm?.resetConnections()
  if (saved === undefined) delete host[REGISTRY_KEY]
  else host[REGISTRY_KEY] = saved
  rmSync(outDir, { recursive: true, force: true })
})

describe('one registry per process', () => {
  it('gives the ESM and the CJS build the same connection for one URL', () => {
    expect(esm.LifelineConnection).not.toBe(cjs.LifelineConnection) // really two copies
    const fromEsm = esm.getConnection('ws://127.0.0.1:9/shared')
    expect(cjs.getConnection('ws://127.0.0.1:9/shared')).toBe(fromEsm)
    expect(cjs.isShared(fromEsm)).toBe(true)
    expect(cjs.getConnection('ws://127.0.0.1:9/other')).not.toBe(fromEsm)
  })

  it('lets either copy reset the registry for both', () => {
    const before = esm.getConnection('ws://127.0.0.1:9/reset')
    cjs.resetConnections()
    expect(before.destroyed).toBe(true)
    expect(esm.isShared(before)).toBe(false)
    expect(esm.getConnection('ws://127.0.0.1:9/reset')).not.toBe(before)
  })

  it('keeps a separate registry, with a warning, when another version holds the slot', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const current = host[REGISTRY_KEY]
    host[REGISTRY_KEY] = [-1]
    try {
      const other = (await import(`${pathToFileURL(join(outDir, 'core.mjs')).href}?other`)) as Core
      expect(other.getConnection('ws://127.0.0.1:9/versions')).not.toBe(
        esm.getConnection('ws://127.0.0.1:9/versions'),
      )
      expect(host[REGISTRY_KEY]).toEqual([-1])
      expect(warn.mock.calls.flat().join(' ')).toMatch(/another version of react-lifeline/)
      other.resetConnections()
    } finally {
      host[REGISTRY_KEY] = current
      warn.mockRestore()
    }
  })
})
