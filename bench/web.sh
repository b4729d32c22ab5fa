#!/usr/bin/env bash
# Web benchmark: builds the release server, then measures /health, a patient
# page and POST /api/v1/assessments with wrk and at a fixed offered rate.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product osteon
exec python3 bench/web_bench.py "$@"
