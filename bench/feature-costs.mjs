// `node bench/feature-costs.mjs`: what each optional feature costs in the createConnection entry.
import { runTypeScript } from './run-typescript.mjs'

await runTypeScript('feature-costs.ts')
