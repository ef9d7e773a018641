// The twelve ticker symbols of the topic dashboard: the story renders one card per symbol and
// scripts/demo-server.mjs publishes quotes on `ticker:<symbol>` for them, so both read this list.
// Plain .mjs (typed by tickers.d.mts) because the demo server runs in Node without a build step.
export const SYMBOLS = [
  'ACME',
  'GLOBEX',
  'INITECH',
  'UMBRELLA',
  'HOOLI',
  'STARK',
  'WAYNE',
  'WONKA',
  'TYRELL',
  'SOYLENT',
  'VANDELAY',
  'MASSIVE',
]
