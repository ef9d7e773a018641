// `node bench/fanout.mjs [--clients=1000] [--topics=10] [--runs=3] [--rate=50] [--seconds=10]
// [--burst=300] [--impls=lifeline,socket.io,lifeline-ws]`: fan-out against Socket.IO (bench/fanout.ts).
import { buildTypeScript, runTypeScript } from './run-typescript.mjs'

await buildTypeScript('fanout-server.ts')
await buildTypeScript('fanout-clients.ts')
await runTypeScript('fanout.ts')
