#!/usr/bin/env bash
# List benchmark (issue "Scale"): builds the release server, then times the
# patient list, urgent filter, search and API list at each cohort size.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product osteon
exec python3 bench/lists_bench.py "$@"
