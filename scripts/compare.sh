#!/usr/bin/env bash
# The main job: install (first run only), then run all three seed examples on torch and minigrad side by side.
. "$(dirname "$0")/env.sh"
exec minigrad compare all "$@"
