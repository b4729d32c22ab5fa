#!/usr/bin/env bash
# Makes the Python venv with the peer baselines, then runs the benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
exec .venv/bin/python bench/screen_bench.py "$@"
