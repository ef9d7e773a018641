import { describe, expect, it } from 'vitest'
import {
  BUDGETS,
  type BundleSize,
  CEILINGS,
  DIAGNOSE_MARKER,
  LIFELINE_ENTRIES,
  measureBundle,
  NOT_IN_HOOK_ONLY,
  TOPIC_ENGINE_FILES,
} from '../../bench/sizes'

// Bundled the way users ship it: esbuild, minified ESM, React external, NODE_ENV=production,
// then gzip -9. `npm run bench` prints the same numbers with a per-file breakdown.
type Entry = keyof typeof LIFELINE_ENTRIES

const measured = new Map<Entry, Promise<BundleSize>>()
function size(entry: Entry): Promise<BundleSize> {
  let pending = measured.get(entry)
  if (!pending) {
    pending = measureBundle(LIFELINE_ENTRIES[entry])
    measured.set(entry, pending)
  }
  return pending
}

function largest(bundle: BundleSize): string {
  return bundle.inputs
    .slice(0, 5)
    .map((input) => `${input.path} ${input.bytes} B`)
    .join(', ')
}

describe('bundle size (minified + gzip, React external)', () => {
  for (const entry of Object.keys(LIFELINE_ENTRIES) as Entry[]) {
    const target = BUDGETS[entry]
    const ceiling = CEILINGS[entry]
    if (target === undefined && ceiling === undefined) continue

    it(`${entry} stays within ${ceiling === undefined ? `its budget of ${target} B` : `its ceiling of ${ceiling} B`}`, async () => {
      const bundle = await size(entry)
      const limit = ceiling ?? target!
      expect(
        bundle.gzip,
        `${entry} is ${bundle.gzip} B gzipped; largest inputs (minified): ${largest(bundle)}`,
      ).toBeLessThanOrEqual(limit)
    })

    if (target !== undefined && ceiling !== undefined) {
      it(`${entry} is still over its ${target} B target (else drop its ceiling to lock the target in)`, async () => {
        const bundle = await size(entry)
        expect(
          bundle.gzip,
          `${entry} is ${bundle.gzip} B: within the ${target} B target. Delete CEILINGS.${entry} in bench/sizes.ts.`,
        ).toBeGreaterThan(target)
      })
    }
  }
})

describe('tree-shaking', () => {
  it('an app importing only useWebSocket gets no diagnose, inspector or banner code', async () => {
    const bundle = await size('useWebSocket')
    const paths = bundle.inputs.map((input) => input.path)
    for (const pattern of NOT_IN_HOOK_ONLY) {
      expect(paths.filter((path) => pattern.test(path))).toEqual([])
    }
    expect(bundle.code).not.toContain(DIAGNOSE_MARKER)
  })

  it('an app that never passes topics gets no topic engine: it comes with the topics value', async () => {
    for (const entry of ['createConnection', 'useWebSocket', 'useWebSocketAndBanner'] as const) {
      const paths = (await size(entry)).inputs.map((input) => input.path)
      for (const pattern of TOPIC_ENGINE_FILES) expect(paths.filter((path) => pattern.test(path))).toEqual([])
    }
    // The same check on an app that does use topics finds the engine, so the one above can fail.
    const withTopics = (await size('createConnectionWithTopics')).inputs.map((input) => input.path)
    expect(withTopics.some((path) => TOPIC_ENGINE_FILES[0]!.test(path))).toBe(true)
  })

  it('the full entry does carry the diagnose code, so the check above can fail', async () => {
    const bundle = await size('full')
    expect(bundle.code).toContain(DIAGNOSE_MARKER)
    expect(bundle.inputs.some((input) => /ConnectionInspector/.test(input.path))).toBe(true)
  })
})
