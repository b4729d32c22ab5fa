"""`osteon outcomes` against lifelines on generated FHIR cohorts whose survival times are known by
construction: the Kaplan–Meier table, its confidence limits and median, and the log-rank test equal
lifelines' within 1e-6; the cumulative incidence of the first skeletal-related event (death
competing) equals an independent implementation of the Aalen–Johansen formula; suppression hides small cells."""
import datetime
import json
import math
import os
import random
import subprocess

import pytest

from conftest import ROOT

lifelines = pytest.importorskip("lifelines")
from lifelines import KaplanMeierFitter  # noqa: E402
from lifelines.statistics import multivariate_logrank_test  # noqa: E402

BIN = os.environ.get("OSTEON_BIN", str(ROOT / ".build" / "debug" / "osteon"))
PRIMARY = {"breast": "254837009", "prostate": "399068003", "lung": "254637007", "thyroid": "363478007"}
AS_OF = "2030-01-01"
BMA = {}


def day(d):
    return d.isoformat()


def generate(seed, n, groups, no_events=()):
    """FHIR NDJSON lines and the truth: (days, died, group, first SRE day or None) per patient."""
    rng = random.Random(seed)
    lines, truth = [], []
    for i in range(n):
        pid = f"p{seed}-{i}"
        group = groups[i % len(groups)]
        index = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randint(0, 300))
        t = rng.randint(0, 40) * 7  # weeks: many ties
        if i == 0:
            t = 0  # an event or censoring at the first time
        died = group not in no_events and rng.random() < 0.6
        end = index + datetime.timedelta(days=t)
        sre = None
        if t > 1 and rng.random() < 0.35:
            sre = rng.randint(1, t)
        patient = {"resourceType": "Patient", "id": pid, "gender": "female"}
        if died:
            patient["deceasedDateTime"] = day(end)
        lines.append(patient)
        ref = {"reference": f"Patient/{pid}"}
        lines.append({"resourceType": "Condition", "id": f"{pid}-primary", "subject": ref, "onsetDateTime": day(index - datetime.timedelta(days=90)),
                      "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": PRIMARY[group]}]}})
        lines.append({"resourceType": "Condition", "id": f"{pid}-bone", "subject": ref, "onsetDateTime": day(index),
                      "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
                      "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008", "display": "Secondary malignant neoplasm of bone"}]}})
        if sre is not None:
            lines.append({"resourceType": "Condition", "id": f"{pid}-fracture", "subject": ref,
                          "onsetDateTime": day(index + datetime.timedelta(days=sre)),
                          "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M84.50XA",
                                               "display": "Pathological fracture in neoplastic disease, unspecified site"}]}})
        bma = None
        if rng.random() < 0.5:
            bma = rng.randint(-45, min(t, 120))
            lines.append({"resourceType": "MedicationRequest", "id": f"{pid}-zol", "status": "completed", "intent": "order", "subject": ref,
                          "authoredOn": day(index + datetime.timedelta(days=bma)),
                          "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1114085",
                                                                    "display": "100 ML zoledronic acid 0.04 MG/ML Injection"}]}})
        if not died:
            lines.append({"resourceType": "Encounter", "id": f"{pid}-last", "status": "finished", "subject": ref, "period": {"start": day(end)}})
        BMA[pid] = (bma, t, group)
        truth.append((t, died, group, sre))
    return lines, truth


def run_outcomes(tmp_path, lines, *extra):
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    proc = subprocess.run([BIN, "outcomes", str(path), "--as-of", AS_OF, "--format", "json", *extra], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_km(km, durations, events):
    fit = KaplanMeierFitter().fit(durations, events)
    assert km["n"] == len(durations) and km["events"] == sum(events)
    table = fit.event_table
    times = sorted(set(durations))
    assert [r["t_days"] for r in km["table"]] == times
    ci = fit.confidence_interval_survival_function_
    for r in km["table"]:
        t = r["t_days"]
        assert r["at_risk"] == table.loc[t, "at_risk"]
        assert r["events"] == table.loc[t, "observed"]
        assert r["censored"] == table.loc[t, "censored"]
        assert abs(r["survival"] - fit.survival_function_.loc[t].iloc[0]) < 1e-6
        assert abs(r["ci_lower"] - ci.loc[t].iloc[0]) < 1e-6, (t, r, ci.loc[t])
        assert abs(r["ci_upper"] - ci.loc[t].iloc[1]) < 1e-6, (t, r, ci.loc[t])
    median = fit.median_survival_time_
    assert km["median_days"] == (None if math.isinf(median) else median)


def aalen_johansen(truth):
    """CIF(t) = Σ_{tj ≤ t} S(tj−) d_sre,j / n_j with S the KM of 'SRE or death' (ties all at tj)."""
    rows = [(sre, "sre") if sre is not None else (t, "death" if died else "censored") for t, died, _, sre in truth]
    s, cif, out = 1.0, 0.0, []
    for tj in sorted({r[0] for r in rows}):
        n = sum(1 for r in rows if r[0] >= tj)
        d_sre = sum(1 for r in rows if r[0] == tj and r[1] == "sre")
        d_all = d_sre + sum(1 for r in rows if r[0] == tj and r[1] == "death")
        cif += s * d_sre / n
        s *= 1 - d_all / n
        out.append((tj, cif))
    return out


@pytest.mark.parametrize("seed,n", [(1, 60), (2, 200), (3, 15)])
def test_outcomes_equal_lifelines_and_the_aalen_johansen_formula(tmp_path, seed, n):
    groups = ["breast", "prostate", "lung", "thyroid"]
    lines, truth = generate(seed, n, groups, no_events=("thyroid",))
    out = run_outcomes(tmp_path, lines)
    assert out["cohort"]["patients_read"] == n and out["cohort"]["included"] == n and out["cohort"]["excluded"] == []
    durations, events = [t for t, *_ in truth], [int(d) for _, d, *_ in truth]
    check_km(out["overall_survival"], durations, events)
    present = sorted({g for *_, g, _ in truth})
    for g in present:
        sub = [(t, d) for t, d, grp, _ in truth if grp == g]
        check_km(out["survival_by_primary"][g], [t for t, _ in sub], [int(d) for _, d in sub])
    # Thyroid has no death: its curve stays at 1.
    assert all(r["survival"] == 1 for r in out["survival_by_primary"]["thyroid"]["table"])
    lr = multivariate_logrank_test(durations, [g for *_, g, _ in truth], events)
    assert abs(out["logrank_by_primary"]["statistic"] - lr.test_statistic) < 1e-6
    assert abs(out["logrank_by_primary"]["p"] - lr.p_value) < 1e-6
    assert out["logrank_by_primary"]["df"] == lr.degrees_of_freedom == len(present) - 1
    sre = out["skeletal_events"]
    assert sre["first_events"] == sum(1 for *_, s in truth if s is not None)
    assert sre["deaths_before_event"] == sum(1 for _, d, _, s in truth if d and s is None)
    expected = aalen_johansen(truth)
    assert [r["t_days"] for r in sre["cumulative_incidence"]] == [t for t, _ in expected]
    for r, (_, cif) in zip(sre["cumulative_incidence"], expected):
        assert abs(r["cif"] - cif) < 1e-9
    efs = [(s if s is not None else t, int(s is not None or d)) for t, d, _, s in truth]
    check_km(sre["event_free_survival"], [t for t, _ in efs], [e for _, e in efs])
    # bma_within_90_days by its definition: prostate (castration status unrecorded) left out; a start before
    # day -30 left out; the denominator needs 90 days of follow-up or a start in the window.
    num = den = 0
    for pid, (bma, t, group) in BMA.items():
        if not pid.startswith(f"p{seed}-") or group == "prostate" or (bma is not None and bma < -30):
            continue
        in_window = bma is not None and bma <= 90
        if in_window or t >= 90:
            den += 1
            num += in_window
    m = next(m for m in out["measures"] if m["id"] == "bma_within_90_days")
    assert (m["numerator"], m["denominator"]) == (num, den)
    assert abs(m["rate"] - num / den) < 1e-12


def test_exclusions_are_counted_by_reason(tmp_path):
    lines, truth = generate(4, 10, ["breast"])
    ref = {"reference": "Patient/x1"}
    # A bone metastasis with no date; a death with no date; a death before the index date; no bone metastasis at all.
    lines += [{"resourceType": "Patient", "id": "x1"},
              {"resourceType": "Condition", "id": "x1-b", "subject": ref, "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]}},
              {"resourceType": "Patient", "id": "x2", "deceasedBoolean": True},
              {"resourceType": "Condition", "id": "x2-b", "subject": {"reference": "Patient/x2"}, "onsetDateTime": "2021-01-01",
               "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]}},
              {"resourceType": "Patient", "id": "x3", "deceasedDateTime": "2020-06-01"},
              {"resourceType": "Condition", "id": "x3-b", "subject": {"reference": "Patient/x3"}, "onsetDateTime": "2021-01-01",
               "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]}},
              {"resourceType": "Patient", "id": "x4"},
              {"resourceType": "Patient", "id": "x5"},
              {"resourceType": "Condition", "id": "x5-b", "subject": {"reference": "Patient/x5"}, "onsetDateTime": "2031-01-01",
               "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94222008"}]}}]
    out = run_outcomes(tmp_path, lines)
    c = out["cohort"]
    assert c["patients_read"] == 15 and c["with_bone_metastasis"] == 14 and c["included"] == 10
    assert {e["reason"]: e["count"] for e in c["excluded"]} == {
        "bone metastasis with no date": 1, "death with no date": 1, "death before the index date": 1,
        "no dated record on or before the as-of date": 1}


def test_small_cells_are_suppressed(tmp_path):
    lines, truth = generate(5, 30, ["breast", "prostate", "lung"])
    out = run_outcomes(tmp_path, lines, "--suppress-below", "11")
    os_ = out["overall_survival"]
    assert os_["n"] == 30
    for r in os_["table"]:
        for k in ("at_risk", "events", "censored"):
            assert r[k] == "suppressed" or r[k] == 0 or r[k] >= 11
        if r["at_risk"] == "suppressed":
            assert r["survival"] is None and r["ci_lower"] is None
    # Groups of 10 are below 11: no curve, no test.
    assert all(v is None for v in out["survival_by_primary"].values())
    assert out["logrank_by_primary"] is None


def test_the_html_report_draws_the_curves_with_the_numbers_at_risk(tmp_path):
    lines, truth = generate(6, 80, ["breast", "lung"])
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    proc = subprocess.run([BIN, "outcomes", str(path), "--as-of", AS_OF, "--format", "html", "--out", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "out" / "outcomes.html").read_text()
    assert page.count("<svg") == 3  # overall, by primary, skeletal events
    assert "<polygon" in page  # the 95 % band
    assert ">80</text>" in page  # all 80 at risk at day 0
    assert "Harrell" in page or "no concordance" in page
    import re
    body = re.sub(r"<[^>]+>", " ", page.split("<main>")[1])
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", body), re.findall(r"\b[a-z]+_[a-z_]+\b", body)[:5]  # no snake_case key on the page


def test_measures_as_csv_and_as_valid_fhir_measure_reports(tmp_path):
    import csv
    import io
    from fhir.resources.bundle import Bundle
    from fhir.resources.measurereport import MeasureReport
    lines, truth = generate(7, 90, ["breast", "lung"])
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    def run(fmt, *extra):
        proc = subprocess.run([BIN, "outcomes", str(path), "--as-of", AS_OF, "--format", fmt, *extra], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    measure = next(m for m in json.loads(run("json"))["measures"] if m["id"] == "bma_within_90_days")
    rows = list(csv.DictReader(io.StringIO(run("csv"))))
    head = next(r for r in rows if r["measure"] == "bma_within_90_days" and not r["left_out_reason"])
    assert (int(head["numerator"]), int(head["denominator"])) == (measure["numerator"], measure["denominator"])
    bundle = json.loads(run("measure-report"))
    Bundle.parse_obj(bundle)
    report = bundle["entry"][0]["resource"]
    MeasureReport.parse_obj(report)
    counts = {p["code"]["coding"][0]["code"]: p.get("count") for p in report["group"][0]["population"]}
    assert counts["numerator"] == measure["numerator"] and counts["denominator"] == measure["denominator"]
    assert abs(report["group"][0]["measureScore"]["value"] - measure["rate"]) < 1e-12
    # Suppressed: small counts leave the population (and the score) out, never a made-up number.
    small = json.loads(run("measure-report", "--suppress-below", "1000"))
    Bundle.parse_obj(small)
    group = small["entry"][0]["resource"]["group"][0]
    assert all("count" not in p or p["count"] == 0 for p in group["population"]) and "measureScore" not in group


def test_the_servers_database_as_source_equals_lifelines(tmp_path):
    """The same definitions on the server's own record: the cohort imported with `osteon import`, then
    `osteon outcomes --data-dir`. The case format keeps no encounters, so each living patient's last
    contact is a dated calcium result (a fact the case keeps); survival must equal lifelines on the truth."""
    lines, truth = generate(7, 80, ["breast", "lung", "thyroid"], no_events=("thyroid",))
    lines = [x for x in lines if x["resourceType"] != "Encounter"]
    for (t, died, _, _), pid in zip(truth, [f"p7-{i}" for i in range(80)]):
        if not died:
            index = next(x for x in lines if x.get("id") == f"{pid}-bone")["onsetDateTime"]
            end = datetime.date.fromisoformat(index) + datetime.timedelta(days=t)
            lines.append({"resourceType": "Observation", "id": f"{pid}-ca", "status": "final", "subject": {"reference": f"Patient/{pid}"},
                          "code": {"coding": [{"system": "http://loinc.org", "code": "17861-6"}]}, "effectiveDateTime": day(end),
                          "valueQuantity": {"value": 9.6, "unit": "mg/dL", "system": "http://unitsofmeasure.org", "code": "mg/dL"}})
    path = tmp_path / "cohort.ndjson"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    imported = subprocess.run([BIN, "import", str(path), "--data-dir", str(data), "--no-progress"], capture_output=True, text=True, env=env)
    assert imported.returncode == 0, imported.stderr
    proc = subprocess.run([BIN, "outcomes", "--data-dir", str(data), "--as-of", AS_OF, "--format", "json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["cohort"]["included"] == 80, out["cohort"]
    durations, events = [t for t, *_ in truth], [int(d) for _, d, *_ in truth]
    check_km(out["overall_survival"], durations, events)
    for g in ("breast", "lung", "thyroid"):
        sub = [(t, d) for t, d, grp, _ in truth if grp == g]
        check_km(out["survival_by_primary"][g], [t for t, _ in sub], [int(d) for _, d in sub])
    lr = multivariate_logrank_test(durations, [g for *_, g, _ in truth], events)
    assert abs(out["logrank_by_primary"]["statistic"] - lr.test_statistic) < 1e-6
    # Neither a source nor a database: told what to give.
    bare = subprocess.run([BIN, "outcomes", "--as-of", AS_OF], capture_output=True, text=True, env=env)
    assert bare.returncode != 0 and "--data-dir" in bare.stderr


TOMITA_GROWTH = {"breast": 1, "kidney": 2, "lung": 4}  # REFERENCE §4: slow, moderate, rapid (Tomita's examples)
TOMITA_VISCERAL = {"none": 0, "treatable": 2, "untreatable": 4}


def outcomes_of_case_files(tmp_path, folder):
    """The case files of `folder` imported into a new server database, and `osteon outcomes` on it (JSON)."""
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    files = sorted(str(f) for f in folder.iterdir())  # a folder is read as a Bulk export; case files are named
    imported = subprocess.run([BIN, "import", *files, "--data-dir", str(data), "--no-progress"], capture_output=True, text=True, env=env)
    assert imported.returncode == 0, imported.stderr
    proc = subprocess.run([BIN, "outcomes", "--data-dir", str(data), "--as-of", AS_OF, "--format", "json"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_score_groups(groups, totals, bands, times, events):
    """Every patient's score was computed, and each band's curve equals lifelines on the patients whose total is in it."""
    assert groups["not_computed"] == 0
    for band, (low, high) in bands.items():
        members = [i for i, x in enumerate(totals) if low <= x <= high]
        if members:
            check_km(groups[band], [times[i] for i in members], [events[i] for i in members])
        else:
            assert groups.get(band) is None or groups[band]["n"] == 0, band


@pytest.mark.parametrize("seed", [11, 12])
def test_concordance_of_the_score_at_index_equals_lifelines(tmp_path, seed):
    """Harrell's C of the Tomita total at index against survival equals lifelines' `concordance_index`.
    The cases are written in the case format with every Tomita input, imported with `osteon import`, and
    read back with `osteon outcomes --data-dir`; the totals are computed here from REFERENCE §4's table
    (not read from Osteon). A higher Tomita total means shorter survival, so lifelines is given −total."""
    from lifelines.utils import concordance_index
    rng = random.Random(seed)
    folder = tmp_path / "cases"
    folder.mkdir()
    times, events, totals = [], [], []
    for i in range(120):
        primary = rng.choice(sorted(TOMITA_GROWTH))
        visceral = rng.choice(sorted(TOMITA_VISCERAL))
        extraspinal, vertebral = rng.randint(0, 3), rng.randint(1, 3)
        total = TOMITA_GROWTH[primary] + TOMITA_VISCERAL[visceral] + (2 if extraspinal + vertebral > 1 else 1)
        index = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 200))
        # Shorter survival with a higher total, plus noise and ties (whole weeks).
        t = max(1, int(rng.expovariate(1.0) * 700 / total)) // 7 * 7 + 7
        died = rng.random() < 0.7
        end = index + datetime.timedelta(days=t)
        case = {
            "patient_id": f"C{seed}-{i}",
            "patient": {"sex": "female", **({"deceased_on": day(end)} if died else {})},
            "cancers": [{"primary_site": primary}],
            "lesions": [{"id": "L1", "bone": "vertebra", "level": "T8", "origin": "metastasis", "detected_date": day(index)}],
            "other_metastases": [] if visceral == "none" else [{"site": "liver", "treatable": visceral == "treatable"}],
            "skeletal_metastasis_counts": {"extraspinal": extraspinal, "vertebral": vertebral},
            # The last contact of a living patient: a dated result (the case keeps no encounters).
            "labs": [{"test": "calcium", "value": 9.4, "unit": "mg/dL", "date": day(end)}],
        }
        (folder / f"case-{i}.json").write_text(json.dumps(case))
        times.append(t)
        events.append(int(died))
        totals.append(total)
    out = outcomes_of_case_files(tmp_path, folder)
    assert out["cohort"]["included"] == 120, out["cohort"]
    check_km(out["overall_survival"], times, events)
    tomita = out["concordance"]["tomita_2001"]
    assert tomita["n"] == 120
    expected = concordance_index(times, [-x for x in totals], events)
    assert abs(tomita["c_index"] - expected) < 1e-9, (tomita, expected)
    assert tomita["c_index"] > 0.5  # the generator made a higher total die sooner
    # The groups are REFERENCE §4's bands of the total, each curve equal to lifelines on its patients.
    check_score_groups(out["survival_by_score"]["tomita_2001"], totals, {"2-3": (2, 3), "4-5": (4, 5), "6-7": (6, 7), "8-10": (8, 10)},
                       times, events)


# REFERENCE §3 (Tokuhashi revised 2005) and §5 (Katagiri new 2014), for primaries both tables name.
# primary → (case cancer, Tokuhashi primary points, Katagiri growth points).
PRIMARIES = {
    "breast, hormone-dependent": ({"primary_site": "breast", "hormone_status": "hormone_dependent"}, 5, 0),
    "breast, hormone-independent": ({"primary_site": "breast", "hormone_status": "hormone_independent"}, 5, 2),
    "prostate, hormone-dependent": ({"primary_site": "prostate", "hormone_status": "hormone_dependent"}, 5, 0),
    "thyroid": ({"primary_site": "thyroid"}, 5, 0),
    "kidney": ({"primary_site": "kidney"}, 3, 2),
    "lung, targeted": ({"primary_site": "lung", "lung_type": "non_small_cell", "targeted_therapy": True}, 0, 2),
    "lung, not targeted": ({"primary_site": "lung", "lung_type": "non_small_cell", "targeted_therapy": False}, 0, 3),
    "colorectal": ({"primary_site": "colorectal"}, 2, 3),  # Tokuhashi "others (e.g. colon)"
    "stomach": ({"primary_site": "stomach"}, 0, 3),
    "liver": ({"primary_site": "liver"}, 1, 3),
    "unknown primary": ({"primary_site": "unknown_primary"}, 1, 3),
}
# other metastases → (case entries, Tokuhashi major-organ points, Katagiri visceral points).
VISCERA = {
    "none": ([], 2, 0),
    "liver, removable": ([{"site": "liver", "pattern": "nodular", "removable": True, "treatable": True}], 1, 1),
    "liver, unremovable": ([{"site": "liver", "pattern": "nodular", "removable": False, "treatable": False}], 0, 1),
    "liver and peritoneum": ([{"site": "liver", "pattern": "nodular", "removable": False, "treatable": False},
                              {"site": "peritoneum", "pattern": "disseminated", "removable": False, "treatable": False}], 0, 2),
}
# (ECOG, Karnofsky) → Tokuhashi general condition points, Katagiri ECOG 3–4 point.
PERFORMANCE = {(1, 80): (2, 0), (2, 60): (1, 0), (3, 40): (0, 1), (4, 20): (0, 1)}
FRANKEL = {"A": 0, "B": 0, "C": 1, "D": 1, "E": 2}
NORMAL_LABS = {"crp": (0.2, "mg/dL"), "ldh": (200, "U/L"), "albumin": (4.0, "g/dL"), "platelets": (250000, "/µL"),
               "calcium": (9.4, "mg/dL"), "bilirubin": (0.5, "mg/dL")}
# Katagiri laboratory item: abnormal (CRP ≥ 0.4 mg/dL, LDH ≥ 250, albumin < 3.7) 1; critical (platelets < 100,000/µL,
# calcium ≥ 10.3 mg/dL, bilirubin ≥ 1.4 mg/dL) 2, never 3.
LAB_TIERS = {"normal": ({}, 0), "abnormal": ({"crp": (1.2, "mg/dL"), "albumin": (3.2, "g/dL")}, 1),
             "critical": ({"platelets": (80000, "/µL")}, 2), "both": ({"ldh": (400, "U/L"), "bilirubin": (2.0, "mg/dL")}, 2)}


def tokuhashi_count_points(n, vertebral):
    if vertebral:
        return 0 if n >= 3 else 1 if n == 2 else 2
    return 0 if n >= 3 else 1 if n >= 1 else 2


@pytest.mark.parametrize("seed", [21, 22])
def test_concordance_of_katagiri_and_tokuhashi_at_index_equals_lifelines(tmp_path, seed):
    """Harrell's C of the new Katagiri and the revised Tokuhashi totals at index equals lifelines'
    `concordance_index`, and each score group's curve equals lifelines on its patients. The totals are computed
    here from REFERENCE §3 and §5 (not read from Osteon). A higher Tokuhashi total means longer survival, a higher
    Katagiri total shorter, so lifelines is given +Tokuhashi and −Katagiri."""
    from lifelines.utils import concordance_index
    rng = random.Random(seed)
    folder = tmp_path / "cases"
    folder.mkdir()
    times, events, katagiri, tokuhashi = [], [], [], []
    for i in range(150):
        primary, tok_primary, kat_primary = PRIMARIES[rng.choice(sorted(PRIMARIES))]
        viscera, tok_organ, kat_visceral = VISCERA[rng.choice(sorted(VISCERA))]
        (ecog, kps) = rng.choice(sorted(PERFORMANCE))
        tok_general, kat_ecog = PERFORMANCE[(ecog, kps)]
        frankel = rng.choice("ABCDE")
        extraspinal, vertebral = rng.randint(0, 4), rng.randint(1, 4)
        tier_labs, kat_labs = LAB_TIERS[rng.choice(sorted(LAB_TIERS))]
        chemo = rng.random() < 0.5
        tok = (tok_general + tokuhashi_count_points(extraspinal, False) + tokuhashi_count_points(vertebral, True)
               + tok_organ + tok_primary + FRANKEL[frankel])
        kat = kat_primary + kat_visceral + kat_labs + kat_ecog + int(chemo) + int(extraspinal + vertebral > 1)
        index = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randint(0, 200))
        # Longer survival with a higher Tokuhashi total and a lower Katagiri total, with noise and ties (whole weeks).
        t = max(1, int(rng.expovariate(1.0) * 40 * (tok + 1) / (kat + 1))) // 7 * 7 + 7
        died = rng.random() < 0.7
        end = index + datetime.timedelta(days=t)
        labs = {**NORMAL_LABS, **tier_labs}
        case = {
            "patient_id": f"K{seed}-{i}",
            "patient": {"sex": "female", **({"deceased_on": day(end)} if died else {})},
            "cancers": [primary],
            "lesions": [{"id": "L1", "bone": "vertebra", "level": "T8", "origin": "metastasis", "detected_date": day(index)}],
            "other_metastases": viscera,
            "skeletal_metastasis_counts": {"extraspinal": extraspinal, "vertebral": vertebral},
            "performance_status": {"ecog": ecog, "kps": kps, "date": day(index)},
            "neurology": {"frankel_grade": frankel},
            "medications": [{"name": "docetaxel", "class": "chemotherapy", "status": "completed",
                             "start_date": day(index - datetime.timedelta(days=200))}] if chemo else [],
            "labs": [{"test": k, "value": v, "unit": u, "date": day(index)} for k, (v, u) in sorted(labs.items())]
            # The last contact of a living patient: a dated result (the case keeps no encounters).
            + [{"test": "creatinine", "value": 0.9, "unit": "mg/dL", "date": day(end)}],
        }
        (folder / f"case-{i}.json").write_text(json.dumps(case))
        times.append(t)
        events.append(int(died))
        katagiri.append(kat)
        tokuhashi.append(tok)
    out = outcomes_of_case_files(tmp_path, folder)
    assert out["cohort"]["included"] == 150, out["cohort"]
    for key, totals, sign, bands in (
        ("katagiri_new_2014", katagiri, -1, {"low": (0, 3), "intermediate": (4, 6), "high": (7, 10)}),
        ("tokuhashi_revised_2005", tokuhashi, 1, {"0-8": (0, 8), "9-11": (9, 11), "12-15": (12, 15)}),
    ):
        c = out["concordance"][key]
        assert c["n"] == 150, (key, c, out["survival_by_score"][key].get("not_computed"))
        expected = concordance_index(times, [sign * x for x in totals], events)
        assert abs(c["c_index"] - expected) < 1e-9, (key, c, expected)
        assert c["c_index"] > 0.5, key  # the generator made the better score live longer
        check_score_groups(out["survival_by_score"][key], totals, bands, times, events)
