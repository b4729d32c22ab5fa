"""The assessment exported as FHIR must parse as valid R4 with fhir.resources."""
import json

import fhir.resources
import pytest
from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle

from conftest import ROOT

CASES = sorted((ROOT / "examples" / "cases").glob("*.json"))
FHIR_INPUTS = sorted((ROOT / "Tests" / "OsteonFHIRTests" / "Fixtures" / "external").glob("*.json"))


def test_the_validator_is_r4():
    assert fhir.resources.__fhir_version__ == "4.0.1"


@pytest.mark.parametrize("path", CASES + FHIR_INPUTS, ids=lambda p: p.name)
def test_assessment_bundle_is_valid_r4(osteon, path):
    out = osteon("assess", str(path), "--as-of", "2026-11-26", "--format", "fhir").stdout
    bundles = json.loads(out)
    for data in bundles if isinstance(bundles, list) else [bundles]:
        bundle = Bundle.parse_obj(data)
        assert bundle.type == "collection"
        kinds = set()
        for entry in data["entry"]:
            resource = entry["resource"]
            construct_fhir_element(resource["resourceType"], resource)
            kinds.add(resource["resourceType"])
        assert kinds <= {"RiskAssessment", "CarePlan", "DetectedIssue"}


def test_a_metastatic_case_exports_every_part(osteon):
    path = ROOT / "examples" / "cases" / "breast-femur-spine.json"
    data = json.loads(osteon("assess", str(path), "--format", "fhir").stdout)
    assessment = json.loads(osteon("assess", str(path), "--format", "json").stdout)
    kinds = [e["resource"]["resourceType"] for e in data["entry"]]
    valid_scores = [s for s in assessment["scores"].values() if s["valid"]]
    per_lesion = [s for s in assessment["lesion_scores"] if s["result"]["valid"]]
    patient_level = [s for s in valid_scores if "lesion_id" not in s]
    assert kinds.count("RiskAssessment") == len(per_lesion) + len(patient_level)
    assert kinds.count("DetectedIssue") == len(assessment["alerts"]) + len(assessment["care_gaps"])
    assert kinds.count("CarePlan") == 1


# Required bindings that fhir.resources 6 does not enforce (FHIR R4 value sets).
OBSERVATION_STATUS = {"registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"}
CAREPLAN_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
CAREPLAN_INTENT = {"proposal", "plan", "order", "option"}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled", "stopped", "unknown", "entered-in-error"}
ISSUE_SEVERITY = {"high", "moderate", "low"}


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_required_bindings_use_r4_codes(osteon, path):
    data = json.loads(osteon("assess", str(path), "--format", "fhir").stdout)
    for entry in data["entry"]:
        r = entry["resource"]
        if r["resourceType"] in ("RiskAssessment", "DetectedIssue"):
            assert r["status"] in OBSERVATION_STATUS
        if r["resourceType"] == "DetectedIssue":
            assert r["severity"] in ISSUE_SEVERITY
        if r["resourceType"] == "CarePlan":
            assert r["status"] in CAREPLAN_STATUS and r["intent"] in CAREPLAN_INTENT
            assert all(a["detail"]["status"] in ACTIVITY_STATUS for a in r["activity"])
