"""Load: many clinicians reading and editing at once, on loopback only.

A release `osteon serve` on embedded SQLite with the demo cohort. N clinician
accounts (each its own session) loop for --seconds: most requests read
(patient page, API patient, assessment), some edit a small "hot" set of
patients with optimistic concurrency (GET the version, PUT with it; a 409 is
retried from a fresh read). At the end:
  - errors: any 5xx, connection failure or unexpected status (must be 0);
  - lost updates: each edit adds 1 to a counter kept in the patient's name,
    from the value it read. Every acknowledged edit must be in the final
    counter and the version (a lost update would leave them short);
  - latency per kind of request (p50/p95/p99/max) and throughput.

Usage: bench/load.sh [--clinicians 24] [--seconds 20] [--hot 4]   (prints a markdown table)
"""
import argparse
import collections
import json
import os
import pathlib
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import http.client

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "release" / "osteon"))
PASSWORD = "load-test-password"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data, clinicians):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["OSTEON_ENV"] = "production"
    names = [f"clin{n:02d}" for n in range(clinicians)]
    for name in names:
        subprocess.run([BIN, "user", "add", "--username", name, "--name", f"Dr {name}", "--role", "clinician",
                        "--specialty", "medical_oncology", "--data-dir", data],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True, env=env, cwd=ROOT)
    team = [arg for name in names for arg in ("--care-team", name)]
    subprocess.run([BIN, "demo", *team, "--data-dir", data], check=True, capture_output=True, env=env, cwd=ROOT)
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            if c.getresponse().status == 200:
                return proc, port, names
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


class Client:
    """One clinician: a keep-alive connection and a session cookie."""

    def __init__(self, port, username):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        status, body, headers = self.call("POST", "/api/v1/session", {"username": username, "password": PASSWORD})
        assert status == 200, (status, body)
        self.cookie = headers["Set-Cookie"].split(";")[0]
        self.csrf = json.loads(body)["csrf_token"] if isinstance(body, (bytes, str)) else body["csrf_token"]

    requests = 0  # every HTTP request of every client, retries included (approximate under threads)

    def call(self, method, path, body=None, accept="application/json"):
        Client.requests += 1
        headers = {"Accept": accept}
        if getattr(self, "cookie", None):
            headers["Cookie"] = self.cookie
            if method != "GET":
                headers["X-CSRF-Token"] = self.csrf
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        raw = r.read()
        return r.status, raw, r.headers


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clinicians", type=int, default=24)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--hot", type=int, default=4, help="patients that every clinician edits (contention)")
    ap.add_argument("--edit-share", type=float, default=0.25)
    args = ap.parse_args()
    if not pathlib.Path(BIN).exists():
        raise SystemExit(f"build the release binary first: {BIN}")

    data = tempfile.mkdtemp(prefix="osteon-load-")
    proc, port, names = start_server(data, args.clinicians)
    try:
        setup = Client(port, names[0])
        patients = json.loads(setup.call("GET", "/api/v1/patients")[1])
        ids = [p["id"] for p in patients]
        hot = ids[: args.hot]
        # Each hot patient's name carries a counter that edits increment.
        initial = {}
        for pid in hot:
            p = json.loads(setup.call("GET", f"/api/v1/patients/{pid}")[1])
            base = re.sub(r" #\d+$", "", p["name"])
            status, body, _ = setup.call("PUT", f"/api/v1/patients/{pid}", {"version": p["version"], "name": f"{base} #0"})
            assert status == 200, body
            initial[pid] = json.loads(body)["version"]

        latencies = collections.defaultdict(list)
        errors = collections.Counter()
        acknowledged = collections.Counter()
        conflicts = collections.Counter()
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def clinician(name, seed):
            rnd = random.Random(seed)
            client = Client(port, name)
            while time.monotonic() < deadline:
                if rnd.random() < args.edit_share:
                    pid = rnd.choice(hot)
                    t0 = time.perf_counter()
                    while True:  # optimistic concurrency: read, change, write; on 409 read again
                        status, body, _ = client.call("GET", f"/api/v1/patients/{pid}")
                        if status != 200:
                            with lock: errors[f"GET patient {status}"] += 1
                            break
                        p = json.loads(body)
                        m = re.search(r"^(.*) #(\d+)$", p["name"])
                        status, body, _ = client.call("PUT", f"/api/v1/patients/{pid}",
                                                      {"version": p["version"], "name": f"{m.group(1)} #{int(m.group(2)) + 1}"})
                        if status == 200:
                            with lock:
                                acknowledged[pid] += 1
                                latencies["edit (read + PUT, with retries)"].append(time.perf_counter() - t0)
                            break
                        if status == 409:
                            with lock: conflicts[pid] += 1
                            continue
                        with lock: errors[f"PUT {status}"] += 1
                        break
                else:
                    pid = rnd.choice(ids)
                    kind, path, accept = rnd.choice([
                        ("patient page (HTML)", f"/patients/{pid}", "text/html"),
                        ("GET /api/v1/patients/{id}", f"/api/v1/patients/{pid}", "application/json"),
                        ("GET assessment", f"/api/v1/patients/{pid}/assessment", "application/json"),
                    ])
                    t0 = time.perf_counter()
                    try:
                        status, _, _ = client.call("GET", path, accept=accept)
                    except OSError as e:
                        with lock: errors[f"connection {type(e).__name__}"] += 1
                        continue
                    with lock:
                        if status == 200:
                            latencies[kind].append(time.perf_counter() - t0)
                        else:
                            errors[f"{kind} {status}"] += 1

        started = time.monotonic()
        threads = [threading.Thread(target=clinician, args=(n, i)) for i, n in enumerate(names)]
        for t in threads: t.start()
        for t in threads: t.join()
        elapsed = time.monotonic() - started

        lost = {}
        for pid in hot:
            p = json.loads(setup.call("GET", f"/api/v1/patients/{pid}")[1])
            counter = int(re.search(r" #(\d+)$", p["name"]).group(1))
            if counter != acknowledged[pid] or p["version"] - initial[pid] != acknowledged[pid]:
                lost[pid] = (acknowledged[pid], counter, p["version"] - initial[pid])
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    total = sum(len(v) for v in latencies.values())
    print(f"{args.clinicians} clinicians, {elapsed:.1f} s, {Client.requests} HTTP requests in all ({Client.requests / elapsed:.0f}/s), "
          f"{total} completed operations; "
          f"edits acknowledged {sum(acknowledged.values())}, 409 conflicts retried {sum(conflicts.values())}; "
          f"errors {sum(errors.values())}; lost updates {len(lost)}")
    print()
    print("| request | count | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for kind, values in sorted(latencies.items()):
        ms = [v * 1000 for v in values]
        print(f"| {kind} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} | {percentile(ms, 99):.1f} | {max(ms):.1f} |")
    if errors:
        print("\nerrors:", dict(errors))
    if lost:
        print("\nLOST UPDATES (acknowledged, counter, version delta):", lost)
    sys.exit(1 if errors or lost else 0)


if __name__ == "__main__":
    main()
