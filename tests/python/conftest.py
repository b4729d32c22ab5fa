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


class Server:
    """A real `osteon serve` on embedded SQLite in `data` (a folder)."""

    def __init__(self, data, env=None):
        self.binary = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
        self.data = pathlib.Path(data)
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env["OSTEON_ENV"] = "production"
        self.env.update(env or {})
        self.proc = None
        self.base = None

    def cli(self, *args, stdin=None):
        return subprocess.run([self.binary, *args, "--data-dir", str(self.data)], input=stdin, text=True,
                              capture_output=True, env=self.env, cwd=ROOT)

    def add_user(self, user, password, role="clinician", specialty="medical_oncology", name=None):
        extra = ["--specialty", specialty] if role == "clinician" else []
        proc = self.cli("user", "add", "--username", user, "--name", name or f"Dr {user}", "--role", role, *extra, stdin=password + "\n")
        assert proc.returncode == 0, proc.stderr

    def start(self):
        import time
        import urllib.request

        port = _free_port()
        self.log = open(self.data / "server.log", "a")
        self.proc = subprocess.Popen([self.binary, "serve", "--port", str(port), "--data-dir", str(self.data)],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT)
        self.base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        raise AssertionError("osteon serve did not start: " + (self.data / "server.log").read_text())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()

    def kill(self):
        self.proc.kill()  # SIGKILL: no shutdown handlers run
        self.proc.wait(timeout=10)
        self.log.close()

    def sign_in(self, user, password):
        """Signs in through the API; returns the session cookie header value,
        carrying the session's CSRF token as `.csrf` (sent as X-CSRF-Token on writes)."""
        import json
        import urllib.request

        req = urllib.request.Request(self.base + "/api/v1/session", data=json.dumps({"username": user, "password": password}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            cookie = SessionCookie(r.headers["Set-Cookie"].split(";")[0])
            cookie.csrf = json.loads(r.read())["csrf_token"]
        return cookie


class SessionCookie(str):
    """The Cookie header value, with the session's CSRF token."""
    csrf = ""


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A real `osteon serve` on embedded SQLite in a fresh folder, with one
    clinician account; yields (base_url, username, password)."""
    s = Server(tmp_path_factory.mktemp("osteon-data"))
    user, password = "e2e", "e2e-password-long-enough"
    s.add_user(user, password, name="Dr E2E")
    s.start()
    yield s.base, user, password
    s.stop()
    # The server log must not carry patient data or stack traces.
    text = (s.data / "server.log").read_text()
    assert "E2E Patient" not in text and "Traceback" not in text
