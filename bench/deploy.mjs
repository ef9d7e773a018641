// `node bench/deploy.mjs [--clients=300] [--topics=5] [--rate=20] [--window-ms=10000]
// [--modes=spread,at-once,kill]`: the rolling deploy of issue 23 (bench/deploy.ts).
import { buildTypeScript, runTypeScript } from './run-typescript.mjs'

await buildTypeScript('deploy-server.ts')
await runTypeScript('deploy.ts')
