import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BenchContext, launchBrowser } from './browser'
import { buildPages, IMPLEMENTATIONS, type Implementation, PAGES_DIR } from './build-pages'
import { figuresMarkdown } from './figures'
import { profileRouting, profileThroughput } from './profile'
import { environment, scenarioSection, table } from './report'
import { latency } from './scenarios/latency'
import { leaks } from './scenarios/leaks'
import { recovery } from './scenarios/recovery'
import { renders } from './scenarios/renders'
import { routing } from './scenarios/routing'
import { sizes } from './scenarios/sizes'
import { throughput } from './scenarios/throughput'
import type { Row, ScenarioResult } from './scenarios/types'
import { startServer } from './server'
import { ROOT } from './sizes'

/**
 * `npm run bench [-- --only=renders,throughput] [--runs=N] [--impls=raw,react-lifeline]
 * [--profile=react-lifeline:100 | --profile=routing:react-lifeline] [--lifeline-src=DIR]`. A full run writes bench/RESULTS.md
 * (and bench/.out/results.json, from which `--rewrite` regenerates it after FINDINGS.md
 * changes); a partial one writes bench/.out/RESULTS.partial.md.
 */
type Scenario = (context: BenchContext, runs: number) => Promise<ScenarioResult>

const SCENARIOS: Record<string, { run: Scenario; runs: number }> = {
  renders: { run: renders, runs: 3 },
  throughput: { run: throughput, runs: 3 },
  latency: { run: latency, runs: 3 },
  leaks: { run: leaks, runs: 2 },
  recovery: { run: recovery, runs: 5 },
  routing: { run: routing, runs: 3 },
}

const SAVED = join(ROOT, 'bench', '.out', 'results.json')

interface Saved {
  results: ScenarioResult[]
  implementations: Implementation[]
  env: Parameters<typeof environment>[0]
  breakdown: string
}

function option(name: string): string | undefined {
  const prefix = `--${name}=`
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length)
}

const SUMMARY: [scenario: string, label: string, short: string][] = [
  ['renders', 'renders per status-only component', 'Renders of a status-only component, 1,000 messages'],
  ['renders', 'renders per message component', 'Renders of a message component, 1,000 messages'],
  ['throughput', 'throughput, 100 subscribers', 'Throughput, 100 subscribers'],
  ['throughput', 'throughput, 1 subscriber', 'Throughput, 1 subscriber'],
  ['latency', 'echo latency p50, 100 subscribers', 'Echo latency p50 (100 subscribers, 500 msg/s)'],
  ['latency', 'echo latency p99, 100 subscribers', 'Echo latency p99'],
  [
    'leaks',
    'of which JavaScript values (objects, closures, arrays, strings)',
    'Heap kept after 500 mount/unmount cycles (JS values)',
  ],
  ['leaks', 'sockets still open on the server afterwards', 'Sockets left open afterwards'],
  [
    'recovery',
    'of which after the server was back',
    'Wait after a server restart (beyond its 500 ms downtime)',
  ],
  ['sizes', 'bundle, React entry (min+gz)', 'Bundle, React entry, min+gz'],
]

function summary(results: ScenarioResult[], implementations: readonly Implementation[]): string {
  const rows: Row[] = []
  for (const [id, label, short] of SUMMARY) {
    const row = results.find((result) => result.id === id)?.rows.find((entry) => entry.label === label)
    if (row) rows.push({ ...row, label: short })
  }
  // Ours first: the README is about react-lifeline.
  const order: Implementation[] = ['react-lifeline', 'raw', 'react-use-websocket', 'partysocket']
  return table(
    rows,
    order.filter((name) => implementations.includes(name)),
  )
}

async function main(): Promise<void> {
  if (process.argv.includes('--rewrite')) {
    // Rewrites RESULTS.md from the last full run, e.g. after editing FINDINGS.md.
    // JSON keeps NaN (a measure with no sample) as null; it is read back as NaN.
    const saved = JSON.parse(readFileSync(SAVED, 'utf8'), (_key, value) =>
      value === null ? Number.NaN : value,
    ) as Saved
    writeFileSync(
      join(ROOT, 'bench', 'RESULTS.md'),
      document(saved.results, saved.implementations, saved.env, saved.breakdown),
    )
    console.log('rewrote bench/RESULTS.md from bench/.out/results.json')
    return
  }
  const only = option('only')?.split(',')
  const runsOverride = option('runs')
  const profile = option('profile')
  const chosen = option('impls')?.split(',') ?? IMPLEMENTATIONS
  const implementations = IMPLEMENTATIONS.filter((name) => chosen.includes(name))
  const log = (line: string) => console.log(line)
  const started = performance.now()
  await buildPages({ readable: profile !== undefined, lifelineSrc: option('lifeline-src') })
  const server = await startServer(PAGES_DIR)
  const browser = await launchBrowser()
  const context: BenchContext = { implementations, browser, server, log }
  const results: ScenarioResult[] = []
  const runs: Record<string, number> = {}
  let breakdown = ''
  try {
    if (profile) {
      const [name, subscribers] = profile.split(':')
      if (name === 'routing') log(await profileRouting(context, subscribers as Implementation))
      else log(await profileThroughput(context, name as Implementation, Number(subscribers ?? 100)))
      return
    }
    for (const [id, scenario] of Object.entries(SCENARIOS)) {
      if (only && !only.includes(id)) continue
      const count = runsOverride ? Number(runsOverride) : scenario.runs
      runs[id] = count
      const scenarioStarted = performance.now()
      log(`${id} (${count} runs)...`)
      const result = await scenario.run(context, count)
      results.push(result)
      log(
        `${table(result.rows, result.implementations ?? implementations)}\n  (${((performance.now() - scenarioStarted) / 1000).toFixed(0)} s)`,
      )
    }
    if (!only || only.includes('sizes')) {
      const measured = await sizes()
      breakdown = measured.breakdown
      results.push(measured)
      log(table(measured.rows, implementations))
    }
  } finally {
    const chromium = browser.version()
    await browser.close()
    await server.close()
    if (results.length > 0) {
      const seconds = (performance.now() - started) / 1000
      const partial =
        only !== undefined ||
        runsOverride !== undefined ||
        option('impls') !== undefined ||
        option('lifeline-src') !== undefined
      const target = partial
        ? join(ROOT, 'bench', '.out', 'RESULTS.partial.md')
        : join(ROOT, 'bench', 'RESULTS.md')
      mkdirSync(join(ROOT, 'bench', '.out'), { recursive: true })
      const env = { chromium, seconds, runs }
      writeFileSync(target, document(results, implementations, env, breakdown))
      if (!partial) {
        const saved: Saved = { results, implementations, env, breakdown }
        writeFileSync(SAVED, JSON.stringify(saved))
      }
      log(`wrote ${target}`)
    }
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

function document(
  results: ScenarioResult[],
  implementations: readonly Implementation[],
  env: Parameters<typeof environment>[0],
  breakdown: string,
): string {
  const findingsFile = join(ROOT, 'bench', 'FINDINGS.md')
  const findings = existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8').trim() : ''
  return `${[
    '# Benchmarks: react-lifeline against the libraries users pick today',
    '',
    `Generated by \`npm run bench\` (bench/runner.ts) on ${new Date().toISOString().slice(0, 10)}. Every number is a median over runs; the figure in brackets is the ratio to the raw reference measured in the same run (for throughput higher is better, for everything else lower is better).`,
    '',
    '## Summary',
    '',
    summary(results, implementations),
    '',
    findings,
    '',
    '## All results',
    '',
    ...results.map((result) => `${scenarioSection(result, implementations)}\n`),
    breakdown
      ? `### What is in the react-lifeline bundle (full entry, per input file)\n\n${breakdown}\n`
      : '',
    figuresMarkdown(),
    '## Machine and versions',
    '',
    environment(env),
    '',
    METHOD,
  ].join('\n')}\n`
}

const METHOD = `## Method

- **Pages.** One page per implementation, bundled by esbuild with \`NODE_ENV=production\`, minified, React 19 included, no StrictMode (bench/build-pages.ts, bench/pages/). Each page renders the same harness (bench/pages/harness.tsx): *status components* that read only whether the socket is open, and *message components* that read the last message (parsed JSON) and render its sequence number; layout effects record what each component has committed.
- **Implementations.** *raw*: one \`WebSocket\` per URL while anyone is subscribed, the message parsed once, \`useSyncExternalStore\` per field, doubling retry from 100 ms to 1 s (bench/pages/raw.tsx). *react-lifeline*: \`useWebSocket(url, options)\` from \`src/index.ts\`, reading \`status\` or \`lastJsonMessage\`/\`send\`. *react-use-websocket*: \`useWebSocket(url, { share: true, ... })\`, reading \`readyState\` or \`lastJsonMessage\`/\`sendMessage\`. *partysocket*: its hook opens one socket per call, so the page opens one with \`useWebSocket\` from \`partysocket/react\` in a provider and hands it down through context; components keep \`useState\` from its \`open\`/\`close\`/\`message\` events (100 hook calls would be 100 sockets).
- **Retry settings (fastest sensible, the same curve for all).** react-lifeline: \`retry: { initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 'none' }\` (one shared socket per page, so there is no herd to spread). react-use-websocket: \`shouldReconnect: () => true\` (it does not reconnect otherwise), \`reconnectAttempts: 10000\`, \`reconnectInterval: n => min(1000, 100 * 2^n)\`. partysocket: \`minReconnectionDelay: 100, maxReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2\` (its first retry is immediate). raw: \`min(1000, 100 * 2^n)\`.
- **Server.** A \`ws\` server and a static HTTP server in the bench process, both on 127.0.0.1 (bench/server.ts). Messages look like \`{"seq":123,"echo":4,"pad":"abcdefghijklmnop"}\`. Before any measurement every message component must have rendered a first message, so all subscriptions are live.
- **Browser.** Debian Chromium, headless, via playwright-core with \`--no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic\` plus no background timer throttling. A fresh page per run; the implementations take turns within each run, and the order rotates from run to run (bench/browser.ts \`runOrder\`), so slow drift of the machine hits all of them alike and no implementation always goes first.
- **Measures.** Renders: counted in the component body while 1,000 messages arrive 2 ms apart (each message its own task). Throughput: 20,000 messages in one burst, clock from the first send to the commit in which the last subscribed component shows the last message. Latency: echo requests through each library's own send while the server streams 500 messages/s, after 10 warm-up echoes that are not counted; the clock stops when all 100 message components have rendered a message carrying that echo. Leaks: heap after forced GC (CDP) before and after 500 mount/unmount cycles, and sockets open on the server at the end. Recovery: the server closes every socket with 1012 and stops listening for 500 ms; the clock runs from the first status component showing the drop to the last showing open again. Routing: 1,000 components in 100 panels (10 per topic) on one socket to \`createLifelineServer\` (react-lifeline/server); 9,000 messages published in one burst round-robin over 90 topics (10 stay quiet); renders counted per component, the clock from the first publish to the commit in which every component of a busy topic shows its topic's last message; pages bench/pages/routing-raw.tsx (hand-written router) and routing-lifeline.tsx (\`useTopic\`). Sizes: bench/sizes.ts, the same function the budget test (test/core/bundle-size.test.ts) uses.
- **Noise.** Two cores carry the browser process, the renderer and the server, so throughput varies by about ±10 % between runs; compare ratios within one run, not absolute numbers across machines.
- **Tools.** \`npm run bench -- --profile=react-lifeline:100\` prints a CPU profile (self and inclusive time per function) of one throughput run with readable names (\`--profile=routing:react-lifeline\` or \`routing:raw\`: one routing burst); \`--lifeline-src=DIR\` measures another copy of \`src/\` (a change under review) against the same competitors.`

await main()
