"""On a terminal, `osteon import` and `osteon screen` draw a progress bar on
standard error that reaches 100 %; piped (or with --no-progress) they draw none."""
import os
import pathlib
import pty
import subprocess

from conftest import ROOT

BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
# Embedded SQLite in each test's folder, whatever DATABASE_URL the suite runs with.
ENV = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}


def on_a_terminal(args, cwd):
    """Runs with standard error on a pseudo-terminal; returns (exit code, what the terminal showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([BIN, *args], stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL, cwd=cwd, env=ENV)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return proc.wait(timeout=600), shown.decode("utf-8", "replace")


def test_import_draws_a_bar_on_a_terminal_and_none_when_piped(tmp_path):
    export = tmp_path / "export"
    subprocess.run([BIN, "synth", "--patients", "150", "--seed", "3", "--out", str(export)], check=True, capture_output=True)
    code, shown = on_a_terminal(["import", str(export), "--data-dir", str(tmp_path / "a")], tmp_path)
    assert code == 0, shown[-2000:]
    assert "100%" in shown and "[" in shown, shown[-2000:]
    piped = subprocess.run([BIN, "import", str(export), "--data-dir", str(tmp_path / "b")], capture_output=True, text=True, env=ENV)
    assert piped.returncode == 0
    assert "%" not in piped.stderr
    assert piped.stdout.count("imported as") == 150
    code, shown = on_a_terminal(["import", str(export), "--data-dir", str(tmp_path / "c"), "--no-progress"], tmp_path)
    assert code == 0 and "100%" not in shown


def test_screen_draws_a_bar_on_a_terminal(tmp_path):
    export = tmp_path / "export"
    subprocess.run([BIN, "synth", "--patients", "50", "--seed", "4", "--out", str(export)], check=True, capture_output=True)
    code, shown = on_a_terminal(["screen", str(export), "--out", str(tmp_path / "out")], tmp_path)
    assert code == 0, shown[-2000:]
    assert "100%" in shown, shown[-2000:]
