import { resolve } from 'node:path'
import { defineConfig } from 'tsup'

const coreDir = resolve('src/core')

// The React entry reaches the core through the package's own `react-lifeline/core` export
// instead of bundling a second copy: one copy means one registry, so an app importing both
// entries still shares one socket per URL.
const coreAsPackage = {
  name: 'core-as-package',
  setup(build: { onResolve: (options: { filter: RegExp }, callback: (args: any) => any) => void }) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.importer.startsWith(coreDir)) return undefined
      const target = resolve(args.resolveDir, args.path)
      if (target === coreDir || target.startsWith(`${coreDir}/`))
        return { path: 'react-lifeline/core', external: true }
      return undefined
    })
  },
}

export default defineConfig([
  {
    entry: { 'core/index': 'src/core/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2020',
  },
  {
    // `share/index` is its own entry so apps that never share across tabs do not pay for it.
    entry: { index: 'src/index.ts', 'share/index': 'src/share/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2020',
    external: ['react', 'react-dom', 'use-sync-external-store', 'react-lifeline/core'],
    esbuildPlugins: [coreAsPackage],
    onSuccess: 'cp src/react/banner.css dist/banner.css',
  },
])
