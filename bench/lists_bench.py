"""List benchmark: the patient list, the urgent filter, search, the API list and
the quality dashboard (with one measure's drill-down) at N patients, on a release `osteon serve` (SQLite by default, PostgreSQL with
DATABASE_URL). The cohort is `osteon synth --patients N` imported with
`osteon import --care-team bench` (timed). Each route is requested --requests
times one after another (closed loop, one client); p50/p99/max are reported with
the server's RSS afterwards.

Usage: bench/lists.sh [--patients 1000 10000 100000] [--requests 200]
"""
import argparse
import http.cookiejar
import json
import os
import pathlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "release" / "osteon"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def env(database_url=None):
    e = dict(os.environ)
    e["OSTEON_ENV"] = "production"
    if database_url:
        e["DATABASE_URL"] = database_url
    return e


def postgres_for(n):
    """One database per cohort size on the server of DATABASE_URL (created when missing)."""
    url = os.environ["DATABASE_URL"]
    parts = urllib.parse.urlsplit(url)
    name = f"osteon_lists_{n}"
    exists = subprocess.run(["psql", url, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"], check=True,
                            capture_output=True, text=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", url, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name)), not exists


DB_URL = None  # the cohort's PostgreSQL database, when benchmarking PostgreSQL


def run(*args, **kw):
    return subprocess.run([BIN, *args], check=True, capture_output=True, text=True, env=env(DB_URL), cwd=ROOT, **kw)


def prepare(n, data, work):
    run("user", "add", "--username", "bench", "--name", "Bench", "--role", "clinician", "--data-dir", data, input="bench-password-long\n")
    export = pathlib.Path(work) / f"synth-{n}"
    t0 = time.perf_counter()
    run("synth", "--patients", str(n), "--seed", "7", "--out", str(export))
    synth = time.perf_counter() - t0
    t0 = time.perf_counter()
    run("import", str(export), "--care-team", "bench", "--data-dir", data)
    imported = time.perf_counter() - t0
    shutil.rmtree(export)
    return synth, imported


def serve(data):
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", data], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env(DB_URL), cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(6000):  # an upgrade migrates the cohort before the server listens
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def wait_for_day_pass(base, timeout=3600):
    """The daily pass runs in the background after start: wait until /health names today (OSTEON_TODAY when set)."""
    today = os.environ.get("OSTEON_TODAY") or time.strftime("%Y-%m-%d", time.gmtime())
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        text = urllib.request.urlopen(base + "/health").read().decode()
        if text.rstrip().endswith(today):  # and no "N waiting" after it
            return time.perf_counter() - t0
        time.sleep(0.5)
    raise SystemExit("the daily summary pass did not finish")


def opener_for(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(base + "/api/v1/session", data=json.dumps({"username": "bench", "password": "bench-password-long"}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    opener.open(req).read()
    return opener


def measure(opener, url, accept, requests):
    times = []
    for _ in range(requests):
        t0 = time.perf_counter()
        with opener.open(urllib.request.Request(url, headers={"Accept": accept})) as r:
            r.read()
            assert r.status == 200
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1], times[-1]


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--data", default=str(ROOT / ".build-bench-data" / "lists"),
                    help="imported cohorts are kept here and reused (the import of 100,000 patients takes long)")
    a = ap.parse_args()
    backend = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    lines = [f"| patients | import (s) | first summary pass (s) | route | p50 ms | p99 ms | max ms |", "|---:|---:|---:|---|---:|---:|---:|"]
    rss = []
    for n in a.patients:
        with tempfile.TemporaryDirectory() as work:
            global DB_URL
            data = os.path.join(a.data, f"{n}-{backend}")
            timing = pathlib.Path(data) / "import-seconds"
            fresh = False
            if backend == "PostgreSQL":
                DB_URL, fresh = postgres_for(n)
            if fresh or not timing.exists():
                if backend == "PostgreSQL" and not fresh:  # an import that did not finish: start again
                    subprocess.run(["psql", os.environ["DATABASE_URL"], "-c", f"DROP DATABASE osteon_lists_{n}"], check=True, capture_output=True)
                    DB_URL, _ = postgres_for(n)
                shutil.rmtree(data, ignore_errors=True)
                os.makedirs(data)
                print(f"{n} patients: synth and import…", file=sys.stderr)
                _, imported = prepare(n, data, work)
                timing.write_text(f"{imported:.1f}")
            imported = float(timing.read_text())
            proc, base = serve(data)
            try:
                first_pass = wait_for_day_pass(base)
                opener = opener_for(base)
                routes = [("GET /patients", "/patients", "text/html"), ("GET /patients?urgent=1", "/patients?urgent=1", "text/html"),
                          ("GET /patients?q=smith", "/patients?q=smith", "text/html"),
                          ("GET /api/v1/patients?limit=50", "/api/v1/patients?limit=50", "application/json"),
                          # The quality dashboard and a drill-down read every patient's stored outcome facts.
                          ("GET /quality", "/quality", "text/html"),
                          ("GET /quality/measures/bma_persistence_12_months", "/quality/measures/bma_persistence_12_months", "text/html")]
                for k, (name, path, accept) in enumerate(routes):
                    measure(opener, base + path, accept, 5)  # warm
                    p50, p99, mx = measure(opener, base + path, accept, a.requests)
                    lead = f"| {n:,} | {imported:.0f} | {first_pass:.0f} |" if k == 0 else "| | | |"
                    lines.append(f"{lead} {name} | {p50:.1f} | {p99:.1f} | {mx:.1f} |")
                    print(lines[-1], file=sys.stderr)
                rss.append(f"| {n:,} | {rss_mib(proc.pid):.0f} MiB |")
            finally:
                proc.terminate()
                proc.wait(timeout=30)
    print(f"Backend: {backend}; {a.requests} requests per route, one client, release build.\n")
    print("\n".join(lines))
    print("\n| patients | server RSS after the runs |\n|---:|---:|")
    print("\n".join(rss))


if __name__ == "__main__":
    main()
