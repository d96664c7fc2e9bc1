#!/usr/bin/env bash
# Lint with ruff (configured in pyproject.toml), then run the whole test suite (slow, browser and Bolt
# tests included, as in CI). A lint failure fails the run before any test starts.
set -uo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/ruff check .; then
  echo "ruff check failed: fix the findings above (ruff check --fix for the safe ones)" >&2
  exit 1
fi
.venv/bin/python -m pytest "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing, a test run must test something" >&2
  exit 1
fi
exit "$status"
