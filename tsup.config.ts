import { defineConfig } from 'tsup'

// Two entries, ESM + CJS + declarations. React and use-sync-external-store stay external so
// apps dedupe them; splitting off keeps each entry self-contained for simple tree-shaking checks.
export default defineConfig({
  entry: { index: 'src/index.ts', 'core/index': 'src/core/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  treeshake: true,
  target: 'es2020',
  external: ['react', 'react-dom', 'use-sync-external-store'],
  onSuccess: 'cp src/react/banner.css dist/banner.css',
})
