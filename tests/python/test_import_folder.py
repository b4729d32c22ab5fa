"""`osteon import FOLDER` reads a Bulk export a group of patients at a time (bounded memory).
What it stores must be exactly what reading the whole export at once stores: the same
patients with the same case documents and the same lesion, lab, medicine, procedure and
imaging rows, whatever the number of groups."""
import os
import sqlite3
import subprocess

from conftest import ROOT

BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
ROWS = {"lesions": "label, bone, level, data", "labs": "test, value, unit, date, reference_low, reference_high, interpretation",
        "medications": "name, status, data", "procedures": "kind, date, data", "imaging_studies": "modality, region, date, report"}


def stored(db):
    con = sqlite3.connect(db)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    out = {}
    for pid, ext, name, birth, sex in con.execute("SELECT id, external_id, name, birth_date, sex FROM patients"):
        (case_id, document), = con.execute("SELECT id, document FROM cases WHERE patient_id = ?", (pid,))
        rows = {}
        for table, cols in ROWS.items():
            if table in tables:
                rows[table] = sorted(map(repr, con.execute(f"SELECT {cols} FROM {table} WHERE case_id = ?", (case_id,))))
        out[ext] = (name, birth, sex, document, rows)
    return out


def run(*args, env=None):
    e = dict(os.environ, OSTEON_ENV="production")
    e.pop("DATABASE_URL", None)
    e.update(env or {})
    proc = subprocess.run([BIN, *args], capture_output=True, text=True, env=e)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_a_folder_in_many_groups_stores_what_the_whole_export_stores(tmp_path):
    export = tmp_path / "export"
    run("synth", "--patients", "120", "--seed", "11", "--out", str(export))
    whole = tmp_path / "whole.ndjson"
    with open(whole, "wb") as out:
        for f in sorted(export.iterdir()):
            if f.suffix == ".ndjson":
                out.write(f.read_bytes())
    run("import", str(whole), "--data-dir", str(tmp_path / "a"))
    # About 40 groups for this export.
    grouped = run("import", str(export), "--data-dir", str(tmp_path / "b"), env={"OSTEON_IMPORT_BUCKET_BYTES": "200000"})
    a, b = stored(tmp_path / "a" / "osteon.sqlite"), stored(tmp_path / "b" / "osteon.sqlite")
    assert len(a) == 120
    assert a.keys() == b.keys()
    for ext in a:
        assert a[ext] == b[ext], ext
    assert grouped.stdout.count("imported as") == 120


def test_a_bad_line_in_a_folder_is_named_and_the_rest_imported(tmp_path):
    export = tmp_path / "export"
    run("synth", "--patients", "5", "--seed", "12", "--out", str(export))
    target = sorted(export.glob("Observation*.ndjson"))[0]
    lines = target.read_bytes().split(b"\n")
    lines.insert(1, b'{"resourceType": "Observation", "value": 01}')
    target.write_bytes(b"\n".join(lines))
    proc = run("import", str(export), "--data-dir", str(tmp_path / "d"))
    assert f"{target}:2:" in proc.stderr
    assert proc.stdout.count("imported as") == 5
