import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def osteon():
    """Runs the built osteon executable (scripts/test builds it first)."""
    binary = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
    assert pathlib.Path(binary).exists(), f"build osteon first: {binary}"

    def run(*args, stdin=None, check=True):
        proc = subprocess.run([binary, *args], input=stdin, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError(f"osteon {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc

    return run


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A real `osteon serve` on embedded SQLite in a fresh folder, with one
    clinician account; yields (base_url, username, password)."""
    import time
    import urllib.request

    binary = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
    data = tmp_path_factory.mktemp("osteon-data")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["OSTEON_ENV"] = "production"
    user, password = "e2e", "e2e-password-long-enough"
    subprocess.run(
        [binary, "user", "add", "--username", user, "--name", "Dr E2E", "--role", "clinician",
         "--specialty", "medical_oncology", "--data-dir", str(data)],
        input=password + "\n", text=True, capture_output=True, check=True, env=env, cwd=ROOT,
    )
    port = _free_port()
    log = open(data / "server.log", "w")
    proc = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", str(data)],
                            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urllib.request.urlopen(base + "/health", timeout=1) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise AssertionError("osteon serve did not start: " + (data / "server.log").read_text())
    yield base, user, password
    proc.terminate()
    proc.wait(timeout=10)
    log.close()
    # The server log must not carry patient data or stack traces.
    text = (data / "server.log").read_text()
    assert "E2E Patient" not in text and "Traceback" not in text
