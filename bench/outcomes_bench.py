"""Outcomes benchmark: `osteon outcomes` on a synthetic Bulk export beside `osteon screen` on the same
files (time, MB/s, peak RSS), and lifelines on the extracted (time, event) table.

Usage: OSTEON_BIN=.build/release/osteon .venv/bin/python bench/outcomes_bench.py --patients 20000 [200000]
"""
import argparse
import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "release" / "osteon"))


def measured(args):
    t0 = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *args], capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return secs, rss_kib / 1024, proc.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--patients", type=int, nargs="+", default=[20000])
    ap.add_argument("--data", default=str(ROOT / ".build-bench-data"))
    a = ap.parse_args()
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test
    rows = ["| patients | export MB | osteon screen s | osteon outcomes s | outcomes MB/s | outcomes peak RSS MiB | lifelines KM + log-rank s (table only) |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for n in a.patients:
        export = pathlib.Path(a.data) / f"outcomes-synth-{n}"
        if not (export / "manifest.json").exists():
            subprocess.run([BIN, "synth", "--patients", str(n), "--seed", "3", "--out", str(export)], check=True, capture_output=True)
        mb = sum(f.stat().st_size for f in export.glob("*.ndjson")) / 1e6
        screen_s, _, _ = measured([BIN, "screen", str(export), "--out", str(pathlib.Path(a.data) / "outcomes-screen-out"), "--no-progress"])
        out_s, rss, stdout = measured([BIN, "outcomes", str(export), "--as-of", "2026-06-30", "--format", "json"])
        report = json.loads(stdout)
        # The (time, event, group) table lifelines needs, rebuilt from the by-primary risk tables.
        durations, events, groups = [], [], []
        for g, km in report["survival_by_primary"].items():
            for r in km["table"]:
                durations += [r["t_days"]] * (r["events"] + r["censored"])
                events += [1] * r["events"] + [0] * r["censored"]
                groups += [g] * (r["events"] + r["censored"])
        t0 = time.perf_counter()
        KaplanMeierFitter().fit(durations, events)
        multivariate_logrank_test(durations, groups, events)
        ll = time.perf_counter() - t0
        rows.append(f"| {n:,} | {mb:.0f} | {screen_s:.1f} | {out_s:.1f} | {mb / out_s:.0f} | {rss:.0f} | {ll:.2f} |")
        print(rows[-1], file=sys.stderr)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
