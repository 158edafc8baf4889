#!/usr/bin/env bash
# The test suite: install (first run only), then lint and run every test.
. "$(dirname "$0")/env.sh"
ruff check .
exec python -m pytest "$@"
