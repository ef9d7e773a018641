import { readFileSync } from 'node:fs'
import type { Plugin } from 'esbuild'
import { LIFELINE_ENTRIES, measureBundle } from './sizes'

/**
 * What each feature a bare reconnecting socket does without costs in the `createConnection`
 * entry (`node bench/feature-costs.mjs`): the entry measured as bench/sizes.ts measures it, then
 * with one module swapped for a stub that keeps its exports and does nothing, then with every
 * stub at once. It answers "could trimming features reach the budget?"; the stubbed bundles are
 * never run.
 */
interface Stub {
  files: string[]
  /** The stub's source, or a rewrite of the real one. */
  replace: string | ((source: string) => string)
}

// Function bodies of the option checks (options.ts, option-checks.ts), emptied by the "option checks" stub.
const OPTION_CHECKS =
  /^((?:export )?function (?:checkRetry|checkDuration|checkCount|checkProtocols|checkObject|checkMethods)\([^)]*\)[^{]*\{)[\s\S]*?^\}/gm

const STUBS: Record<string, Stub> = {
  'close-code descriptions (close-codes.ts)': {
    files: ['close-codes.ts'],
    // Every description is a sentence of 25 characters or more; names are shorter.
    replace: (source) => source.replace(/'[^'\n]{25,}'/g, "''"),
  },
  'handshake sessions (session.ts)': {
    files: ['session.ts'],
    replace: 'export const openSession = () => null',
  },
  'history across page loads (history-storage.ts)': {
    files: ['history-storage.ts'],
    replace: 'export const historyKey = () => "", keepHistory = () => []',
  },
  'secret redaction (redact.ts)': {
    files: ['redact.ts'],
    replace:
      'export const isSecretKey = () => false, redactUrl = (u) => u, redactText = (t) => t, toSafeError = (e) => e',
  },
  'URL functions and URL checks (url.ts)': {
    files: ['url.ts'],
    replace:
      'export const toWebSocketUrl = (u) => u, assertUrlSource = () => {}, resolveUrlSource = (s, done) => done({ url: s })',
  },
  'network and visibility awareness (network.ts)': {
    files: ['network.ts'],
    replace:
      'const always = { isOnline: () => true, isVisible: () => true, subscribe: () => () => {} }\nexport const browserNetwork = always, browserVisibility = always',
  },
  // The engine (topics.ts, topic-order.ts) comes with the `topics` value, not with the
  // connection; what every connection keeps is finding it (and the calls in connection.ts).
  'finding the topic engine (topic-engine.ts)': {
    files: ['topic-engine.ts'],
    replace: 'export const TOPIC_ENGINE = Symbol(), topicEngineOf = () => null',
  },
  'option checks (options.ts, option-checks.ts)': {
    files: ['options.ts', 'option-checks.ts'],
    replace: (source) => source.replace(OPTION_CHECKS, '$1}'),
  },
}

async function measure(stubs: Stub[]): Promise<number> {
  const swap: Plugin = {
    name: 'swap-for-stubs',
    setup(context) {
      context.onLoad({ filter: /[\\/]src[\\/]core[\\/][^\\/]+\.ts$/ }, (args) => {
        const stub = stubs.find((candidate) =>
          candidate.files.some((file) => args.path.endsWith(`/src/core/${file}`)),
        )
        if (!stub) return undefined
        const { replace } = stub
        return {
          contents: typeof replace === 'string' ? replace : replace(readFileSync(args.path, 'utf8')),
          loader: 'ts',
        }
      })
    },
  }
  return (await measureBundle(LIFELINE_ENTRIES.createConnection, [swap])).gzip
}

const whole = await measure([])
console.log(`createConnection, min+gz: ${whole} B`)
for (const [feature, stub] of Object.entries(STUBS)) {
  console.log(`  without ${feature}: -${whole - (await measure([stub]))} B`)
}
console.log(`  without all of them: ${await measure(Object.values(STUBS))} B`)
