// Makes the screenshots light enough to ship in the package (check-dist holds the tarball under
// 500 kB): a palette of at most 256 colours with pngquant, which keeps flat UI readable at about
// a third of the bytes. pngquant is a Debian package (`apt-get install pngquant`) needed only to
// regenerate images (`npm run screenshots`, scripts/inspector-screenshots.mjs), never in CI.
import { spawnSync } from 'node:child_process'

/** Rewrites each PNG in place as a palette PNG; fails with the install hint if pngquant is missing. */
export function shrinkPng(...paths) {
  const result = spawnSync(
    'pngquant',
    ['--quality=50-80', '--speed=1', '--strip', '--force', '--ext', '.png', '--', ...paths],
    { stdio: 'inherit' },
  )
  if (result.error?.code === 'ENOENT')
    throw new Error('pngquant is missing: apt-get install pngquant (needed only to regenerate screenshots).')
  // 99: the quality floor could not be met; the image is left as it was, which check-dist reports.
  if (result.status !== 0 && result.status !== 99) throw new Error(`pngquant exited with ${result.status}`)
}
