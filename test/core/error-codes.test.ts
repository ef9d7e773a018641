import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'
import { build } from 'esbuild'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { LIFELINE_ENTRIES, measureBundle, ROOT } from '../../bench/sizes'
import type { Session } from '../../src/core'
import {
  createConnection,
  diagnose,
  getConnection,
  lifelineTopics,
  reportDisconnects,
  resetConnections,
} from '../../src/core'
import { openSession } from '../../src/core/session'
import { toWebSocketUrl } from '../../src/core/url'
import { assertSchema, checkSchema } from '../../src/react/standard-schema'
import { attachTabLink } from '../../src/share/tab-link'
import { FakeClock } from '../support/fake-clock'

// Every programmer mistake, thrown in both builds: development keeps the sentence that says
// what to fix, production throws the same error type with the code that docs/errors.md
// explains. The source reads process.env.NODE_ENV at the throw, so stubbing it switches builds.

type Case = [what: string, run: () => unknown, type: ErrorConstructor, code: number, sentence: RegExp]

const connection = () => createConnection('ws://h/errors')

const CASES: Case[] = [
  [
    'options not an object',
    () => createConnection('ws://h', 5 as never),
    TypeError,
    1,
    /options must be an object/,
  ],
  [
    'retry neither false nor an object',
    () => createConnection('ws://h', { retry: true as never }),
    TypeError,
    2,
    /retry must be false or an object/,
  ],
  [
    'a duration out of range',
    () => createConnection('ws://h', { connectTimeout: 0 }),
    RangeError,
    3,
    /connectTimeout must be a finite number of milliseconds >= 1/,
  ],
  [
    'a count that is not whole',
    () => createConnection('ws://h', { historySize: 1.5 }),
    RangeError,
    4,
    /historySize must be a whole number/,
  ],
  [
    'heartbeat.isPong',
    () => createConnection('ws://h', { heartbeat: { isPong: 1 as never } }),
    TypeError,
    5,
    /isPong must be a function/,
  ],
  [
    'heartbeat.message',
    () => createConnection('ws://h', { heartbeat: { message: 1 as never } }),
    TypeError,
    6,
    /heartbeat.message must be a string/,
  ],
  [
    'binaryType',
    () => createConnection('ws://h', { binaryType: 'text' as never }),
    TypeError,
    7,
    /binaryType must be 'blob' or 'arraybuffer'/,
  ],
  [
    'protocols with a space',
    () => createConnection('ws://h', { protocols: 'a b' }),
    SyntaxError,
    8,
    /subprotocol tokens/,
  ],
  [
    'protocols repeated',
    () => createConnection('ws://h', { protocols: ['a', 'a'] }),
    SyntaxError,
    8,
    /must not repeat/,
  ],
  [
    'random',
    () => createConnection('ws://h', { random: 1 as never }),
    TypeError,
    9,
    /random must be a function/,
  ],
  [
    'handshake',
    () => createConnection('ws://h', { handshake: 1 as never }),
    TypeError,
    10,
    /handshake must be a function/,
  ],
  [
    'WebSocket',
    () => createConnection('ws://h', { WebSocket: 1 as never }),
    TypeError,
    11,
    /constructor such as WebSocket/,
  ],
  [
    'retry.maxDelay below initialDelay',
    () => createConnection('ws://h', { retry: { initialDelay: 10, maxDelay: 5 } }),
    RangeError,
    12,
    /raise maxDelay/,
  ],
  [
    'retry.factor',
    () => createConnection('ws://h', { retry: { factor: 0.5 } }),
    RangeError,
    13,
    /retry.factor must be a finite number of at least 1/,
  ],
  [
    'retry.jitter',
    () => createConnection('ws://h', { retry: { jitter: 'some' as never } }),
    TypeError,
    14,
    /retry.jitter must be/,
  ],
  [
    'retry.maxAttempts',
    () => createConnection('ws://h', { retry: { maxAttempts: -1 } }),
    RangeError,
    15,
    /retry.maxAttempts must be a whole number/,
  ],
  [
    'retry.shouldRetry',
    () => createConnection('ws://h', { retry: { shouldRetry: 1 as never } }),
    TypeError,
    16,
    /shouldRetry must be a function/,
  ],
  [
    'a clock without methods',
    () => createConnection('ws://h', { clock: {} as never }),
    TypeError,
    17,
    /clock must be an object with now\(\)/,
  ],
  [
    'a url of the wrong type',
    () => createConnection(42 as never),
    TypeError,
    18,
    /url must be a ws:\/\/ or wss:\/\/ string/,
  ],
  ['an empty url', () => toWebSocketUrl(''), SyntaxError, 19, /expected a ws:\/\/ or wss:\/\/ URL string/],
  [
    'a relative url',
    () => toWebSocketUrl('notaurl'),
    SyntaxError,
    20,
    /expected an absolute ws:\/\/ or wss:\/\/ URL/,
  ],
  [
    'an http url',
    () => toWebSocketUrl('http://x'),
    SyntaxError,
    21,
    /the scheme must be ws:\/\/ or wss:\/\//,
  ],
  ['a url with a fragment', () => toWebSocketUrl('ws://x/#a'), SyntaxError, 22, /cannot have a #fragment/],
  [
    'getConnection with a function',
    () => getConnection((() => 'ws://h') as never),
    TypeError,
    23,
    /getConnection\(url\) takes a URL string/,
  ],
  [
    'close with a reserved code',
    () => connection().close(1006),
    RangeError,
    24,
    /a client may only send 1000/,
  ],
  [
    'close with a reason that is not a string',
    () => connection().close(1000, 5 as never),
    TypeError,
    25,
    /reason must be a string/,
  ],
  [
    'subscribe without a function',
    () => connection().subscribe(5 as never),
    TypeError,
    26,
    /subscribe\(listener\) takes a function/,
  ],
  [
    'on with an unknown event',
    () => connection().on('open' as never, () => {}),
    TypeError,
    27,
    /only 'close' exists/,
  ],
  ['send of an object', () => connection().send({} as never), TypeError, 28, /use sendJson for other values/],
  [
    'share',
    () => createConnection('ws://h', { share: 'yes' as never }),
    TypeError,
    29,
    /share must be 'tab' or 'origin'/,
  ],
  ['session.sendJson(undefined)', () => sessionOf().sendJson(undefined), TypeError, 30, /sendJson: no JSON/],
  [
    'diagnose without an array',
    () => diagnose(5 as never),
    TypeError,
    31,
    /diagnose\(history\) takes an array/,
  ],
  [
    'reportDisconnects sampleRate',
    () => reportDisconnects(connection(), () => {}, { sampleRate: 2 }),
    RangeError,
    32,
    /sampleRate must be a number from 0 to 1/,
  ],
  [
    'reportDisconnects without a sink',
    () => reportDisconnects(connection(), 5 as never),
    TypeError,
    33,
    /takes a sink function/,
  ],
  [
    'reportDisconnects without a connection',
    () => reportDisconnects({} as never, () => {}),
    TypeError,
    34,
    /takes a connection from createConnection/,
  ],
  [
    'a schema that is not a Standard Schema',
    () => assertSchema({ parse: () => null }),
    TypeError,
    35,
    /schema must be a Standard Schema/,
  ],
  [
    "share: 'origin' with a url function",
    () => attachTabLink({ url: () => 'ws://h' } as never, {} as never),
    TypeError,
    36,
    /share: 'origin' needs a string url/,
  ],
  [
    'topic() without the topics option',
    () => connection().topic('room'),
    TypeError,
    38,
    /topic\(\) needs the topics option/,
  ],
  [
    'topic() with a name that is not a non-empty string',
    () => createConnection('ws://h', { topics: lifelineTopics() }).topic(7 as never),
    TypeError,
    39,
    /topic\(name\) takes a non-empty string/,
  ],
  [
    'a topics option that is a plain object, not wrapped with topicProtocol()',
    () =>
      createConnection('ws://h', {
        topics: { subscribe: () => 's', unsubscribe: () => null, read: () => null },
      }),
    TypeError,
    40,
    /wrap it with topicProtocol\(\) from 'react-lifeline\/core'/,
  ],
  [
    'an asynchronous message schema (the error onError gets, thrown here)',
    () => {
      const check = checkSchema(
        { '~standard': { version: 1, vendor: 'test', validate: async () => ({ value: 1 }) } },
        1,
      )
      if (!check.ok) throw check.error
    },
    TypeError,
    54,
    /Message schema is asynchronous; pass a synchronous schema/,
  ],
]

// Codes that are reported on the console rather than thrown, each with its own test:
// 37 in test/core/registry.test.ts ('reports a differing option in production too'); and the
// one a promise rejects with rather than throws: 41 in test/core/connection-handshake.test.ts;
// and those in state.error: 42 and 43 in test/core/connection-error-codes.test.ts, 48 in
// test/core/machine.test.ts; 49 (handed to reportError) in test/core/hardening.test.ts.
const REPORTED = [37, 41, 42, 43, 48, 49]

function sessionOf(): Session {
  let session: Session | undefined
  const run = openSession({ send: () => {}, clock: new FakeClock(), attempt: 0, lastClose: null })
  run.start(
    (given) => {
      session = given
    },
    () => {},
  )
  return session!
}

function thrown(run: () => unknown): unknown {
  try {
    run()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

afterEach(() => {
  vi.unstubAllEnvs()
  resetConnections()
})

describe('development build: the sentence that says what to fix', () => {
  for (const [what, run, type, , sentence] of CASES) {
    it(what, () => {
      const error = thrown(run)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toMatch(sentence)
      expect((error as Error).message).not.toMatch(/errors\.md/)
    })
  }
})

describe('production build: the same type, a code and the page that explains it', () => {
  for (const [what, run, type, code] of CASES) {
    it(`${what}: error ${code}`, () => {
      vi.stubEnv('NODE_ENV', 'production')
      const error = thrown(run)
      expect(error).toBeInstanceOf(type)
      expect((error as Error).message).toMatch(
        new RegExp(
          `^react-lifeline error ${code}\\b.*https://unpkg\\.com/react-lifeline/docs/errors\\.md#error-${code}$`,
        ),
      )
    })
  }

  it('names the option in brackets where one code covers several', () => {
    vi.stubEnv('NODE_ENV', 'production')
    expect(() => createConnection('ws://h', { retry: { initialDelay: -1 } })).toThrow(
      'react-lifeline error 3 (retry.initialDelay);',
    )
  })
})

describe('docs/errors.md', () => {
  const page = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8')
  const src = join(ROOT, 'src')
  const thrownInSource = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    // errorCode(40) and errorCode(a ? 40 : 38) alike.
    .flatMap((file) => [
      ...readFileSync(join(src, file), 'utf8').matchAll(/errorCode\((?:[\w.]+ \? (\d+) : )?(\d+)/g),
    ])
    .flatMap((match) => match.slice(1).filter(Boolean).map(Number))

  it('explains every code the source throws or reports, and each has a case', () => {
    const documented = [...page.matchAll(/^### Error (\d+)$/gm)].map((match) => Number(match[1]))
    const tested = [...new Set([...CASES.map((entry) => entry[3]), ...REPORTED])].sort((a, b) => a - b)
    expect(documented).toEqual(tested)
    expect([...new Set(thrownInSource)].sort((a, b) => a - b)).toEqual(tested)
  })
})

describe('production bundles', () => {
  it('carry the codes, not the sentences', async () => {
    const bundle = await measureBundle(LIFELINE_ENTRIES.full)
    expect(bundle.code).toContain('docs/errors.md#error-')
    for (const sentence of [
      'must be a finite number',
      'a client may only send',
      'takes a URL string',
      'must be an object with',
    ]) {
      expect(bundle.code).not.toContain(sentence)
    }
    expect(bundle.code).not.toContain('the first options stay in force')
  })

  // Every text the sources write behind `process.env.NODE_ENV !== 'production'` (thrown
  // sentences and development warnings alike), found afresh in src/, so a new one is covered.
  const sentences = developmentSentences(join(ROOT, 'src'))

  it('the sources have development-only sentences to look for (so the check below can fail)', () => {
    expect(sentences.length).toBeGreaterThan(40)
    expect(sentences).toContain(' differ from those of the tab that holds the socket; the holder')
  })

  for (const [entry, source] of [
    ['react-lifeline', LIFELINE_ENTRIES.full],
    ['react-lifeline/core', LIFELINE_ENTRIES.core],
    ['react-lifeline/share', "export * from './src/share/index.ts'"],
  ]) {
    it(`${entry} carries none of the development-only sentences`, async () => {
      const bundle = await measureBundle(source!)
      expect(sentences.filter((sentence) => bundle.code.includes(sentence))).toEqual([])
    })
  }
})

/**
 * The text pieces (20+ characters, cut at quotes and `${}`, as minifiers may re-quote) of the
 * string literals written between `process.env.NODE_ENV !== 'production'` and the `catch` that
 * closes its guard, and of every `warnOnce(…)` call, in every source file.
 */
function developmentSentences(src: string): string[] {
  const pieces = new Set<string>()
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (!/\.tsx?$/.test(file)) continue
    const text = readFileSync(join(src, file), 'utf8')
    // Development warnings count wherever they are called: an unguarded one is the bug to find.
    for (const guard of text.matchAll(/process\.env\.NODE_ENV !== 'production'|(?<!function )warnOnce\(/g)) {
      const start = (guard.index ?? 0) + guard[0].length
      const end = text.indexOf('} catch', start)
      const region = text.slice(start, end === -1 ? start + 600 : Math.min(end, start + 600))
      for (const [literal] of region.matchAll(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g)) {
        for (const piece of literal.slice(1, -1).split(/\$\{[^}]*\}|['"`\\]/)) {
          if (piece.length >= 20) pieces.add(piece)
        }
      }
    }
  }
  return [...pieces]
}

describe('browser bundles, run where there is no `process`', () => {
  // Vite's dev server, webpack and Next.js replace process.env.NODE_ENV but leave no `process`
  // in the page; a page with no bundler has neither.
  async function thrownInBrowserBundle(nodeEnv: string | undefined): Promise<Error> {
    const result = await build({
      entryPoints: [join(ROOT, 'src/core/index.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'Lifeline',
      // esbuild itself defines NODE_ENV for the browser platform; 'neutral' leaves the
      // source as a page without a bundler would load it.
      platform: nodeEnv ? 'browser' : 'neutral',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'silent',
      define: nodeEnv ? { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) } : {},
    })
    const page = { URL, TextEncoder, Lifeline: undefined as never }
    runInNewContext(result.outputFiles?.[0]?.text ?? '', page)
    const { createConnection: create } = (
      page as unknown as { Lifeline: { createConnection: typeof createConnection } }
    ).Lifeline
    return thrown(() => create('ws://h', { connectTimeout: 0 })) as Error
  }

  it('development build: the sentence', async () => {
    const error = await thrownInBrowserBundle('development')
    expect(error.name).toBe('RangeError')
    expect(error.message).toMatch(/connectTimeout must be a finite number of milliseconds >= 1/)
  })

  it('no bundler: the code and its page, not a ReferenceError', async () => {
    const error = await thrownInBrowserBundle(undefined)
    expect(error.name).toBe('RangeError')
    expect(error.message).toMatch(/^react-lifeline error 3 \(connectTimeout\); see https:\/\/unpkg\.com/)
  })
})
