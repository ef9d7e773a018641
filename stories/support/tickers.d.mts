export declare const SYMBOLS: readonly [
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
