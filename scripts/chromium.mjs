// Debian's Chromium, launched headless so that nothing reaches past 127.0.0.1: Playwright's own
// browsers cannot be downloaded here, and without the background-networking flags Chromium
// tries Google's services at every start. Shared by the story tests, the screenshots and the
// benchmark.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]
