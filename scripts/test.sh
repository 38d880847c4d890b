#!/usr/bin/env bash
# The project's test command (README: `npm test` runs jest; this wraps it with
# typecheck and lint and prints the plain "N passed, N failed" closing line).
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp)
status=0
npm run --silent build >/dev/null || status=1
npm run --silent typecheck || status=1
npm run --silent lint || status=1
NODE_OPTIONS=--experimental-vm-modules npx jest --json --outputFile="$results" "$@" || status=1
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' "$results" || status=1
rm -f "$results"
exit $status
