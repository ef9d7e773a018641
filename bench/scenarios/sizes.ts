import { COMPETITOR_ENTRIES, LIFELINE_ENTRIES, measureBundle } from '../sizes'
import { addSample, emptyRow, type ScenarioResult } from './types'

const KB = (bytes: number) => bytes / 1000

/** Minified + gzip -9 sizes with React external, the lifeline entries beside their counterparts. */
export async function sizes(): Promise<ScenarioResult & { breakdown: string }> {
  const react = emptyRow('bundle, React entry (min+gz)', 'KB', true, 2)
  const hookAndBanner = emptyRow('bundle, useWebSocket + ConnectionBanner (min+gz)', 'KB', true, 2)
  const socketOnly = emptyRow('bundle, createConnection alone (min+gz)', 'KB', true, 2)
  const hookOnly = emptyRow('bundle, the hook alone (min+gz)', 'KB', true, 2)
  const core = emptyRow('bundle, framework-agnostic core (min+gz)', 'KB', true, 2)
  const testing = emptyRow('bundle, the testing kit (min+gz, tests only)', 'KB', true, 2)
  const full = await measureBundle(LIFELINE_ENTRIES.full)
  const measured = {
    lifelineFull: full,
    lifelineHook: await measureBundle(LIFELINE_ENTRIES.useWebSocket),
    lifelineHookAndBanner: await measureBundle(LIFELINE_ENTRIES.useWebSocketAndBanner),
    lifelineSocket: await measureBundle(LIFELINE_ENTRIES.createConnection),
    lifelineCore: await measureBundle(LIFELINE_ENTRIES.core),
    lifelineTesting: await measureBundle(LIFELINE_ENTRIES.testing),
    rws: await measureBundle(COMPETITOR_ENTRIES['react-use-websocket']),
    rwsHook: await measureBundle("export { default } from 'react-use-websocket'"),
    party: await measureBundle(COMPETITOR_ENTRIES.partysocket),
    partyReact: await measureBundle(COMPETITOR_ENTRIES['partysocket/react']),
    partyHook: await measureBundle("export { useWebSocket } from 'partysocket/react'"),
  }
  const set = (
    row: typeof react,
    name: 'react-lifeline' | 'react-use-websocket' | 'partysocket',
    bytes: number,
  ) => {
    addSample(row, name, KB(bytes))
    row.values[name] = KB(bytes)
  }
  set(react, 'react-lifeline', measured.lifelineFull.gzip)
  set(react, 'react-use-websocket', measured.rws.gzip)
  set(react, 'partysocket', measured.partyReact.gzip)
  set(hookOnly, 'react-lifeline', measured.lifelineHook.gzip)
  set(hookOnly, 'react-use-websocket', measured.rwsHook.gzip)
  set(hookOnly, 'partysocket', measured.partyHook.gzip)
  set(hookAndBanner, 'react-lifeline', measured.lifelineHookAndBanner.gzip)
  set(socketOnly, 'react-lifeline', measured.lifelineSocket.gzip)
  set(socketOnly, 'partysocket', measured.party.gzip)
  set(core, 'react-lifeline', measured.lifelineCore.gzip)
  set(core, 'partysocket', measured.party.gzip)
  set(testing, 'react-lifeline', measured.lifelineTesting.gzip)

  const ratio = full.gzip / full.minified
  const breakdown = [
    '| input file | minified bytes | ≈ gzip share |',
    '|---|--:|--:|',
    ...full.inputs.map(
      (input) =>
        `| \`${input.path}\` | ${input.bytes.toLocaleString('en')} | ${Math.round(input.bytes * ratio).toLocaleString('en')} |`,
    ),
    `| **total** | **${full.minified.toLocaleString('en')}** | **${full.gzip.toLocaleString('en')}** |`,
  ].join('\n')

  return {
    id: 'sizes',
    title: 'Bundle size: esbuild --bundle --minify, ESM, React external, NODE_ENV=production, gzip -9',
    rows: [react, hookOnly, hookAndBanner, socketOnly, core, testing],
    notes: [
      'React entry: `src/index.ts` / `react-use-websocket` / `partysocket/react`. The hook alone: an entry importing only `useWebSocket` (react-use-websocket: its default export). Core: `src/core/index.ts` / `partysocket` (its reconnecting socket). 1 KB = 1,000 bytes.',
      'The testing kit: `src/testing/index.ts` with the core code it calls (redaction, resetConnections) bundled in; it runs in tests and never ships in an app.',
      'react-lifeline includes its dependency `use-sync-external-store/with-selector` (not the shim: React 18 is the floor), which users bundle too. Target ES2022 (native class fields and `#private` members).',
    ],
    breakdown,
  }
}
