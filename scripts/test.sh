#!/usr/bin/env bash
# The test suite: install (first run only), then lint, type-check and run every test.
. "$(dirname "$0")/env.sh"
ruff check .
mypy minigrad/
exec python -m pytest "$@"
