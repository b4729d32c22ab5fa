"""The OpenAPI document is valid 3.1, and a running server honours the
contract at the edges the in-process tests cannot reach (body limits, real
sockets, cookies)."""
import http.cookiejar
import json
import pathlib
import urllib.error
import urllib.request

from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

ROOT = pathlib.Path(__file__).resolve().parents[2]
SPEC = ROOT / "Sources" / "OsteonWeb" / "Resources" / "openapi.json"


CASE = ROOT / "schemas" / "case.schema.json"


def served_spec():
    """openapi.json with the case format as its `Case` schema and a case's lesion as `Lesion` (what the server serves)."""
    spec = json.loads(SPEC.read_text())
    case = json.loads(CASE.read_text())
    for key in ("$schema", "$id", "required"):
        case.pop(key, None)
    lesion = case["properties"]["lesions"]["items"]
    case["properties"]["lesions"]["items"] = {"$ref": "#/components/schemas/Lesion"}
    spec["components"]["schemas"]["Case"] = case
    spec["components"]["schemas"]["Lesion"] = lesion
    return spec


def test_openapi_document_is_valid_3_1():
    spec, _ = read_from_filename(str(SPEC))
    assert spec["openapi"].startswith("3.1")
    assert "Case" not in spec["components"]["schemas"]  # added from the case format when served
    validate(served_spec())  # raises on any violation


def test_every_operation_has_an_id_and_error_responses():
    spec = json.loads(SPEC.read_text())
    ids = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            ids.append(op["operationId"])
            codes = set(op["responses"])
            assert any(c.startswith("2") for c in codes), f"{method} {path}: no success response"
            if path not in {"/api/v1/openapi.json", "/api/v1/session"}:
                assert "401" in codes, f"{method} {path}: signed-out answer not documented"
    assert len(ids) == len(set(ids)), "operationIds must be unique"


class Client:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.csrf = None

    def call(self, method, path, body=None, content_type="application/json"):
        data = body if isinstance(body, bytes) else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": content_type, "Accept": "application/json"}
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as r:
                status, head, raw = r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            status, head, raw = e.code, dict(e.headers), e.read()
        if path == "/api/v1/session" and method == "POST" and status == 200:
            self.csrf = json.loads(raw)["csrf_token"]
        return status, head, raw


def test_served_document_matches_the_file(server):
    base, _, _ = server
    status, headers, body = Client(base).call("GET", "/api/v1/openapi.json")
    assert status == 200
    assert json.loads(body) == served_spec()


def test_api_round_trip_and_errors(server):
    base, user, password = server
    c = Client(base)
    status, _, body = c.call("GET", "/api/v1/patients")
    assert status == 401 and "sign in" in json.loads(body)["error"]["reason"]
    status, _, body = c.call("POST", "/api/v1/session", {"username": user, "password": password})
    assert status == 200, body
    case = json.loads((ROOT / "examples" / "cases" / "prostate-cord-compression.json").read_text())
    status, _, body = c.call("POST", "/api/v1/assessments", case)
    assert status == 200
    assessment = json.loads(body)
    assert assessment["patient_id"] == case["patient_id"]
    assert any(a["severity"] == "emergency" for a in assessment["alerts"])

    # A body over the limit is refused before it is read, with a JSON reason.
    status, _, body = c.call("POST", "/api/v1/assessments", b"{" + b" " * (3 * 1024 * 1024) + b"}")
    assert status == 413
    assert json.loads(body)["error"]["status"] == 413

    # Malformed JSON: a 400 that says where, and no stack trace.
    status, _, body = c.call("POST", "/api/v1/assessments", b'{"patient_id": ')
    assert status == 400
    text = body.decode()
    assert "request_id" in text and "Swift" not in text and ".swift" not in text


def test_pages_carry_security_headers(server):
    base, _, _ = server
    with urllib.request.urlopen(base + "/login") as r:
        assert r.status == 200
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        cookie = r.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
