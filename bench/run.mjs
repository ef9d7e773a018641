// `npm run bench`: the whole comparison (bench/runner.ts).
import { runTypeScript } from './run-typescript.mjs'

await runTypeScript('runner.ts')
