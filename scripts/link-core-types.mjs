// The React entry's declaration bundle leaves the core's files outside (tsup.config.ts marks
// them external), so it refers to them by relative source paths. This points those references
// at `react-lifeline/core`, which exports every one of those names: the React entry then shares
// the core's declarations instead of carrying a copy, and a LifelineConnection from one entry is
// the same type as one from the other.
import { readFileSync, writeFileSync } from 'node:fs'

const coreSource = /(['"])(?:\.\.?\/)+(?:src\/)?core\/[\w./-]+?(?:\.d)?(?:\.ts)?\1/g

for (const file of ['dist/index.d.ts', 'dist/index.d.cts']) {
  const before = readFileSync(file, 'utf8')
  const after = before.replace(coreSource, "'react-lifeline/core'")
  const left = after.match(/['"](?:\.\.?\/)+[^'"]*['"]/g)
  if (left) {
    console.error(`${file} still refers to files outside it: ${left.join(', ')}`)
    process.exit(1)
  }
  writeFileSync(file, after)
}
