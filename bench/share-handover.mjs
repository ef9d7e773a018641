// `node bench/share-handover.mjs [runs]`: hand-over times of a socket shared by every tab.
import { runTypeScript } from './run-typescript.mjs'

await runTypeScript('share-handover.ts')
