#!/usr/bin/env bash
# The consumer check for react-lifeline/testing: packs the built library (run `npm run build`
# first), installs the tarball into examples/consumer-testing, and runs its Vitest tests (ESM
# build) and its Jest tests (CommonJS build), both in jsdom: a banner under fake timers, and a
# component with share: 'origin', which must run with no console output at all.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=examples/consumer-testing
rm -f "$dir"/react-lifeline-*.tgz
tarball=$(npm pack --silent --pack-destination "$dir" | tail -n 1)
cd "$dir"
trap 'rm -f "$tarball"' EXIT
npm ci --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "./$tarball"
npx vitest run
npx jest
# The share: 'origin' tests assert on console spies; their runs must print nothing from the library
# either (a warning that slipped past the spies, or one printed at import time).
for run in "npx vitest run share" "npx jest share"; do
  output=$($run 2>&1) || { echo "$output"; exit 1; }
  if grep -q 'react-lifeline:\|console\.\(warn\|error\)\|stderr |' <<<"$output"; then
    echo "$output"
    echo "consumer-testing: '$run' printed console output" >&2
    exit 1
  fi
done
echo "consumer-testing: Vitest and Jest pass; share: 'origin' components run with no console output"
