"""Web benchmark: a release `osteon serve` on SQLite with the demo cohort.

Two measurements per route (/health, a patient page, POST /api/v1/assessments):
1. wrk (closed loop, as fast as it goes): throughput and wrk's p50/p99 latency.
2. A fixed offered load of --rate requests/s (open loop, latency counted from
   the moment each request was due, so a stall is not hidden): p50/p99/max.

Usage: bench/web.sh [--rate 500] [--seconds 10]   (prints a markdown table)
"""
import argparse
import asyncio
import http.cookiejar
import json
import os
import pathlib
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request

from lists_bench import wait_for_day_pass

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "release" / "osteon"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


COPY = "osteon_web_bench"


def on_database(url, name):
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path="/" + name))


def copy_database(source_url):
    """A copy of a PostgreSQL cohort (CREATE DATABASE … TEMPLATE), so the demo added here leaves the cohort as it was."""
    admin, source = on_database(source_url, "postgres"), urllib.parse.urlsplit(source_url).path.lstrip("/")
    subprocess.run(["psql", admin, "-c", f"DROP DATABASE IF EXISTS {COPY}"], check=True, capture_output=True)
    subprocess.run(["psql", admin, "-c", f"CREATE DATABASE {COPY} TEMPLATE {source}"], check=True, capture_output=True)
    return on_database(source_url, COPY)


def start_server(data, cohort=False, database_url=None):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["OSTEON_ENV"] = "production"
    if database_url:
        env["DATABASE_URL"] = database_url
    # A copied cohort (bench/lists_bench.py's) already has the bench clinician.
    subprocess.run([BIN, "user", "add", "--username", "bench", "--name", "Bench", "--role", "clinician", "--data-dir", data],
                   input="bench-password-long\n", text=True, check=not cohort, capture_output=True, env=env, cwd=ROOT)
    subprocess.run([BIN, "demo", "--care-team", "bench", "--data-dir", data], check=True, capture_output=True, env=env, cwd=ROOT)
    port = free_port()
    proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--data-dir", data],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/health", timeout=1)
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not start")


def sign_in(base):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(base + "/api/v1/session", data=json.dumps({"username": "bench", "password": "bench-password-long"}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    token = json.loads(opener.open(req).read())["csrf_token"]
    cookie = next(c for c in jar if c.name == "osteon_session")
    patients = json.loads(opener.open(urllib.request.Request(base + "/api/v1/patients", headers={"Accept": "application/json"})).read())
    # The busiest case: most alerts, so the page has the most to render.
    patient = max(patients, key=lambda p: (len(p.get("alerts", [])), len(p.get("care_gaps", []))))
    # The CSRF token rides along in the header block (wrk and the open loop send it on every request).
    return f"osteon_session={cookie.value}\r\nX-CSRF-Token: {token}", patient["id"]


def wrk(base, path, cookie, body, seconds):
    if not shutil.which("wrk"):
        return None
    script = None
    session, token = cookie.split("\r\nX-CSRF-Token: ")
    args = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"Cookie: {session}", "-H", f"X-CSRF-Token: {token}", "-H", "Accept: text/html"]
    if body is not None:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ' + json.dumps(body.decode()) + "\n")
        script.close()
        args += ["-s", script.name]
    out = subprocess.run(args + [base + path], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99), "non2xx": int(errors.group(1)) if errors else 0}


async def fixed_rate(port, path, cookie, body, rate, seconds, connections=8):
    """Open loop: request i is due at start + i/rate; latency = done - due."""
    method = "POST" if body is not None else "GET"
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nAccept: text/html\r\n"
            + (f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n" if body is not None else "") + "\r\n").encode()
    request = head + (body or b"")
    total = int(rate * seconds)
    queue = asyncio.Queue()
    latencies, statuses = [], []

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while True:
            due = await queue.get()
            if due is None:
                writer.close()
                return
            writer.write(request)
            await writer.drain()
            status_line = await reader.readline()
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - due) * 1000)
            statuses.append(int(status_line.split()[1]))

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    start = time.perf_counter() + 0.2
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(due)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {"achieved": len(latencies) / elapsed, "p50": statistics.median(latencies), "p99": latencies[int(len(latencies) * 0.99) - 1],
            "max": latencies[-1], "non2xx": sum(1 for s in statuses if not 200 <= s < 400)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rate", type=float, default=500)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--cohort", help="a data folder to copy and add the demo to (e.g. .build-bench-data/lists/100000-SQLite)")
    ap.add_argument("--cohort-database", help="with --cohort: the cohort's PostgreSQL database (lists_bench's osteon_lists_N), copied for the run")
    ap.add_argument("--during-pass", action="store_true", help="measure at once, while the server's summary pass after start runs")
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="osteon-bench-")
    if args.cohort:
        shutil.copytree(args.cohort, data, dirs_exist_ok=True)
    database_url = copy_database(args.cohort_database) if args.cohort_database else None
    proc, port = start_server(data, cohort=bool(args.cohort), database_url=database_url)
    try:
        base = f"http://127.0.0.1:{port}"
        # A copied cohort was summarised for an earlier day: the server recomputes every summary after start.
        # Measure after that pass (its time is reported), as a server runs most of the day; --during-pass skips the wait.
        day_pass = None if args.during_pass else wait_for_day_pass(base)
        cookie, patient = sign_in(base)
        case = (ROOT / "examples" / "cases" / "breast-femur-spine.json").read_bytes()
        routes = [("GET /health", "/health", None), ("GET patient page", f"/patients/{patient}", None),
                  ("POST /api/v1/assessments", "/api/v1/assessments", case)]
        rows = []
        for name, path, body in routes:
            w = wrk(base, path, cookie, body, args.seconds)
            f = asyncio.run(fixed_rate(port, path, cookie, body, args.rate, args.seconds))
            rows.append((name, w, f))
        cohort = f"demo cohort added to a copy of {args.cohort}" if args.cohort else "demo cohort"
        cohort += "; measured during the summary pass after start" if day_pass is None else f"; measured after the summary pass after start ({day_pass:.0f} s)"
        backend = "PostgreSQL" if database_url else "SQLite"
        print(f"Release build, {backend}, {cohort}; 2 cores shared by server and load generator; {args.seconds} s per run.\n")
        print(f"| route | wrk req/s (16 conn) | wrk p50 ms | wrk p99 ms | offered {args.rate:.0f}/s: achieved | p50 ms | p99 ms | max ms | non-2xx |")
        print("|---|---|---|---|---|---|---|---|---|")
        for name, w, f in rows:
            ws = (f"{w['rps']:.0f} | {w['p50']:.2f} | {w['p99']:.2f}" if w else "wrk not installed | – | –")
            print(f"| {name} | {ws} | {f['achieved']:.0f} | {f['p50']:.2f} | {f['p99']:.2f} | {f['max']:.1f} | {f['non2xx'] + (w['non2xx'] if w else 0)} |")
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(data, ignore_errors=True)
        if database_url:
            subprocess.run(["psql", on_database(database_url, "postgres"), "-c", f"DROP DATABASE IF EXISTS {COPY}"], capture_output=True)


if __name__ == "__main__":
    main()
