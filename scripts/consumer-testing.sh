#!/usr/bin/env bash
# The consumer check for react-lifeline/testing: packs the built library (run `npm run build`
# first), installs the tarball into examples/consumer-testing, and runs its Vitest test (ESM
# build) and its Jest test (CommonJS build), both in jsdom under fake timers.
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
