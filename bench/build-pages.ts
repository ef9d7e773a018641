import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { ROOT } from './sizes'

/** The implementations compared, in the order of the result columns; raw is the reference. */
export const IMPLEMENTATIONS = ['raw', 'react-lifeline', 'react-use-websocket', 'partysocket'] as const
export type Implementation = (typeof IMPLEMENTATIONS)[number]

const PAGE_FILES: Record<Implementation, string> = {
  raw: 'raw.tsx',
  'react-lifeline': 'lifeline.tsx',
  'react-use-websocket': 'react-use-websocket.tsx',
  partysocket: 'partysocket.tsx',
}

/**
 * The routing pages (bench/scenarios/routing.ts): many components on many topics over one socket,
 * a hand-written router against `useTopic`. Page names, by the implementation they stand for.
 */
export const ROUTING_PAGES: Partial<Record<Implementation, string>> = {
  raw: 'routing-raw',
  'react-lifeline': 'routing-lifeline',
}

export const PAGES_DIR = join(ROOT, 'bench', '.out', 'pages')

export interface PageOptions {
  /** Readable identifiers, for CPU profiles. */
  readable?: boolean
  /** Another copy of `src/` for the react-lifeline page, to measure a change before it lands. */
  lifelineSrc?: string
}

/** One production bundle per implementation (React included, minified, NODE_ENV=production). */
export async function buildPages(options: PageOptions = {}): Promise<void> {
  const lifelineSrc = options.lifelineSrc ? resolve(options.lifelineSrc) : null
  await build({
    entryPoints: {
      ...Object.fromEntries(
        IMPLEMENTATIONS.map((name) => [name, join(ROOT, 'bench', 'pages', PAGE_FILES[name])]),
      ),
      ...Object.fromEntries(
        Object.values(ROUTING_PAGES).map((page) => [page, join(ROOT, 'bench', 'pages', `${page}.tsx`)]),
      ),
    },
    outdir: PAGES_DIR,
    bundle: true,
    minifySyntax: true,
    minifyWhitespace: !options.readable,
    // Readable names for profiles; the measured pages are fully minified, as they ship.
    minifyIdentifiers: !options.readable,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
    legalComments: 'none',
    // A copy of src/ outside the repository still finds React and friends here.
    nodePaths: [join(ROOT, 'node_modules')],
    plugins: lifelineSrc
      ? [
          {
            name: 'lifeline-src',
            setup(builder) {
              builder.onResolve({ filter: /^\.\.\/\.\.\/src\/index$/ }, () => ({
                path: join(lifelineSrc, 'index.ts'),
              }))
            },
          },
        ]
      : [],
  })
}
