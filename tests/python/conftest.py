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
