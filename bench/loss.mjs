// `node bench/loss.mjs [--seconds=60] [--outage-ms=3000] [--seed=1] [--history=1000,10]`:
// the loss harness of issue 22 (bench/loss.ts).
import { runTypeScript } from './run-typescript.mjs'

await runTypeScript('loss.ts')
