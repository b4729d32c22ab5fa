#!/usr/bin/env bash
# Load: many clinicians reading and editing at once (loopback only); fails on
# any error or lost update. Builds the release server first.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product osteon
exec python3 bench/load.py "$@"
