"""Every section of every guide reads at grade 8 or below (reading ease 60 or
above), and Osteon's own measure agrees with textstat within 1 grade."""
import json
import pathlib
import tempfile

import pytest
import textstat

from conftest import ROOT

CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))


def handouts(osteon, path, *extra):
    data = json.loads(osteon("handout", str(path), "--format", "json", *extra).stdout)
    return data if isinstance(data, list) else [data]


@pytest.fixture(scope="module")
def cohort(osteon):
    """A generated cohort of 220 synthetic patients, one guide each."""
    with tempfile.TemporaryDirectory() as tmp:
        export = pathlib.Path(tmp) / "export"
        osteon("synth", "--patients", "220", "--seed", "21", "--out", str(export))
        yield handouts(osteon, export, "--all", "--as-of", "2026-06-30")


def check(guides):
    assert guides
    for guide in guides:
        assert guide["sections"][0]["id"] == "warning_signs", "warning signs come first"
        for section in guide["sections"]:
            text = section["text"]
            ours, theirs = section["flesch_kincaid_grade"], textstat.flesch_kincaid_grade(text)
            where = f'{guide["patient_id"]} / {section["id"]}'
            assert ours <= 8.0 and section["flesch_reading_ease"] >= 60.0, where
            assert abs(ours - theirs) <= 1.0, f"{where}: osteon {ours}, textstat {theirs}"
            assert theirs <= 8.0 and textstat.flesch_reading_ease(text) >= 60.0, where


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_example_guides(osteon, path):
    check(handouts(osteon, path))


def test_synthetic_cohort_guides(cohort):
    assert len(cohort) >= 200
    check(cohort)


def test_textstat_uses_the_cmu_dictionary():
    # "medicine" has 3 syllables in CMUdict; hyphenation alone says 1.
    assert textstat.syllable_count("medicine") == 3
