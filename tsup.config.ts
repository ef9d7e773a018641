import { resolve } from 'node:path'
import { defineConfig } from 'tsup'

const coreDir = resolve('src/core')

// The React entry reaches the core through the package's own `react-lifeline/core` export
// instead of bundling a second copy: one copy means one registry, so an app importing both
// entries still shares one socket per URL.
const coreAsPackage = {
  name: 'core-as-package',
  setup(build: EsbuildLike) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.importer.startsWith(coreDir)) return undefined
      const target = resolve(args.resolveDir, args.path)
      if (target === coreDir || target.startsWith(`${coreDir}/`))
        return { path: 'react-lifeline/core', external: true }
      return undefined
    })
  },
}

// use-sync-external-store/with-selector is bundled into the React entry so that its peer
// dependency on react does not make npm install React for apps that use only the core. It is
// CommonJS: its `require("react")` would become a `require` call that browsers cannot run in the
// ESM build, so there it is pointed at a module that re-exports the app's React as ESM.
const reactForBundledCommonJs = {
  name: 'react-for-bundled-commonjs',
  setup(build: EsbuildLike) {
    build.onResolve({ filter: /^react(\/.*)?$/ }, (args) =>
      args.path === 'react' && args.importer.includes('/node_modules/use-sync-external-store/')
        ? { path: 'react', namespace: 'react-as-esm' }
        : { path: args.path, external: true },
    )
    build.onLoad({ filter: /.*/, namespace: 'react-as-esm' }, () => ({
      contents: "export * from 'react'",
      resolveDir: '.',
    }))
  },
}

// No source maps in the package: the builds are not minified (each module keeps its
// `// src/...` header and comments), so they read as they are in devtools, and the maps were two
// thirds of the code's weight in the tarball, which check-dist holds under 500 kB.

// Next.js and other React Server Components hosts need this directive as the first statement
// of the React entry: its hooks and components run only on the client.
const useClient = { js: "'use client';" }

export default defineConfig([
  {
    entry: { 'core/index': 'src/core/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: false,
    target: 'es2022',
  },
  {
    // `share/index` is its own entry so apps that never share across tabs do not pay for it.
    entry: { index: 'src/index.ts', 'share/index': 'src/share/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    target: 'es2022',
    banner: useClient,
    // The core's files (matched by resolved path, for the declaration bundle) stay outside the
    // React entry's .d.ts; scripts/link-core-types.mjs points those imports at
    // `react-lifeline/core`, so both entries share one set of types.
    // React is external too: `react` and `react/*` are handed to the plugin below (tsup's own
    // external handling would otherwise take them first).
    external: ['react-dom', 'react-lifeline/core', /[\\/]src[\\/]core[\\/]/],
    noExternal: ['use-sync-external-store', /^react(\/|$)/],
    esbuildPlugins: [coreAsPackage, reactForBundledCommonJs],
    onSuccess: 'cp src/react/banner.css dist/banner.css && cp src/react/inspector.css dist/inspector.css',
  },
  {
    // react-lifeline/testing, for users' tests; apps never import it, so it costs them nothing.
    entry: { 'testing/index': 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    target: 'es2022',
    external: ['react-lifeline/core'],
    esbuildPlugins: [coreAsPackage],
  },
  {
    // react-lifeline/server, for Node ≥ 20. Browser entries never import it, and `ws` and
    // `redis` stay the app's own (optional peer dependencies): installs that never use the
    // server are unchanged.
    entry: { 'server/index': 'src/server/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: false,
    target: 'node20',
    platform: 'node',
    external: ['ws', 'redis'],
  },
])

interface EsbuildLike {
  onResolve(
    options: { filter: RegExp; namespace?: string },
    callback: (args: { path: string; importer: string; resolveDir: string }) => unknown,
  ): void
  onLoad(options: { filter: RegExp; namespace?: string }, callback: (args: { path: string }) => unknown): void
}
