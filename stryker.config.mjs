// Mutation testing of the core: StrykerJS changes one thing in src/core at a time (a condition,
// a number, a string) and runs the core tests; a change no test notices is a test that is missing.
// Run it with `npm run test:mutation`, or one file at a time:
//   npx stryker run --mutate src/core/heartbeat.ts
// Stryker 9.x: 10.x needs Node 22. Survivors judged equivalent (no user-visible difference) are
// marked beside the code with `// Stryker disable next-line <mutator>: <why>`, or listed here
// when a comment would also switch off mutants that tests do kill on the same line:
// - registry.ts signature(): the 'fn' marker for functions may be any string ("" too); only
//   that a function is present matters to the comparison.
// - close-codes.ts toCloseReason(): `<= MAX_REASON_BYTES` as `<`, or the early return never
//   taken: it is a fast path; the character loop after it returns the same string.
// - heartbeat.ts isJsonPong(): `(typeof parsed === 'object' || parsed !== null) && ...`: a
//   primitive's .type is undefined and null's throws into the catch, so the answer is false.
// - connection.ts dispatch(): `if (this.dispatching) return` and `dispatching = true` survive;
//   not judged equivalent yet (a re-entrant dispatch would run an inner event before the rest
//   of the outer one's effects), but no test found an order that the user can see.
// - diagnose/scheduled.ts typicalMinute(): `offset > size / 2` as `>=` and `offset < -size / 2`
//   as `<=`: window members lie within ±2 minutes of one anchor, so no offset is ever exactly
//   half the circle (30 or 720 minutes).
// - diagnose/idle-timeout.ts suggestedInterval(): `half >= 10_000` as `>`: at exactly 10 s both
//   branches give 10000.
// - diagnose/idle-timeout.ts isIdleClose(): `record.idleForMs !== null` as `true`: a null idle
//   time fails both comparisons after it (null >= 10000, and null >= 1000 in isSilentLife).
// - diagnose/detector.ts median(): the empty-array return never taken: the general branch gives
//   (undefined + undefined) / 2, NaN as well. seconds(): `value >= 10` as `>`: at exactly 10 s
//   both branches print "10 s".
// - report-disconnects.ts: `last !== undefined` as `true`: with no report sent yet,
//   `close.at - undefined` is NaN and `NaN < dedupeMs` is false, so the close is not held back.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'stryker.vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/core/**/*.ts',
    // Types only, or the public entry's re-exports: nothing to mutate that a test could see.
    '!src/core/types.ts',
    '!src/core/machine-types.ts',
    '!src/core/index.ts',
  ],
  coverageAnalysis: 'perTest',
  // Two cores on CI; more workers only queue.
  concurrency: 2,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  thresholds: { high: 95, low: 90, break: 90 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
}
