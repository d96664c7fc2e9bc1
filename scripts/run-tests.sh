#!/usr/bin/env bash
# Run the whole test suite (slow, browser and Bolt tests included, as in CI).
set -uo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing, a test run must test something" >&2
  exit 1
fi
exit "$status"
