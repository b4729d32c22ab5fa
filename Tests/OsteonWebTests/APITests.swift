import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

@Suite struct APITests {
    static func signedIn(_ app: Application) async throws -> Browser {
        let b = Browser(app)
        let res = try await b.json(.POST, "/api/v1/session", ["username": "clin", "password": .string(testPassword)])
        #expect(res.status == .ok)
        #expect(res.json?["role"]?.stringValue == "clinician")
        #expect(res.json?["csrf_token"]?.stringValue?.isEmpty == false)
        return b
    }

    static func example(_ name: String) throws -> JSONValue {
        try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/\(name).json")))
    }

    @Test("session: wrong password 401, right one sets the cookie, DELETE signs out")
    func session() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            #expect(try await b.json(.POST, "/api/v1/session", ["username": "clin", "password": "nope"]).status == .unauthorized)
            #expect(try await b.json(.POST, "/api/v1/session", ["username": "clin"]).status == .unprocessableEntity)
            _ = try await b.json(.POST, "/api/v1/session", ["username": "clin", "password": .string(testPassword)])
            #expect(try await b.json(.GET, "/api/v1/patients").status == .ok)
            #expect(try await b.json(.DELETE, "/api/v1/session").status == .noContent)
            #expect(try await b.json(.GET, "/api/v1/patients").status == .unauthorized)
        }
    }

    @Test("POST /api/v1/assessments assesses a case without storing it; errors say what to fix")
    func statelessAssessment() async throws {
        try await withOsteon { app in
            let b = try await Self.signedIn(app)
            let res = try await b.json(.POST, "/api/v1/assessments", try Self.example("breast-femur-spine"))
            #expect(res.status == .ok)
            let mirels = res.json?["lesion_scores"]?.arrayValue?.first { $0["score"] == "mirels" }
            #expect(mirels?["result"]?["total"] == 10)
            let sins = res.json?["lesion_scores"]?.arrayValue?.first { $0["score"] == "sins" }
            #expect(sins?["result"]?["total"] == 10)
            #expect(try await PatientRecord.query(on: app.db).count() == 0)

            let noID = try await b.json(.POST, "/api/v1/assessments", ["lesions": []])
            #expect(noID.status == .unprocessableEntity)
            #expect(noID.json?["error"]?["reason"]?.stringValue?.contains("patient_id missing") == true)
            let notJSON = try await b.json(.POST, "/api/v1/assessments", ["patient_id": "x"], contentType: "application/x-www-form-urlencoded")
            #expect(notJSON.status == .unsupportedMediaType)
            let broken = try await b.send(.POST, "/api/v1/assessments", headers: ["Content-Type": "application/json", "X-CSRF-Token": b.csrf],
                                          body: ByteBuffer(string: "{\"patient_id\": "))
            #expect(broken.status == .badRequest)
            #expect(broken.json?["error"]?["request_id"] != nil)
        }
    }

    @Test("patients: create, read, edit with versions, case document, lesions and labs")
    func patientCRUD() async throws {
        try await withOsteon { app in
            let b = try await Self.signedIn(app)
            let invalid = try await b.json(.POST, "/api/v1/patients", ["name": "", "external_id": "E1", "birth_date": "1961-13-45", "case": ["patient": ["sex": "x"]]])
            #expect(invalid.status == .unprocessableEntity)
            let reason = invalid.json?["error"]?["reason"]?.stringValue ?? ""
            #expect(reason.contains("name: required") && reason.contains("birth_date: use YYYY-MM-DD"))

            let created = try await b.json(.POST, "/api/v1/patients", [
                "name": "Api Patient", "external_id": "E1", "birth_date": "1950-05-05", "sex": "male",
                "case": ["cancers": [["primary_site": "prostate", "hormone_status": "hormone_dependent"]]],
            ])
            #expect(created.status == .created)
            let id = try #require(created.json?["id"]?.stringValue)
            // A number already used, by a patient this user sees: 409 with where it is; spelled differently, it is the same number.
            for spelling in ["E1", " e1 "] {
                let dup = try await b.json(.POST, "/api/v1/patients", ["name": "Dup", "external_id": .string(spelling)])
                #expect(dup.status == .conflict, "\(spelling)")
                #expect(dup.json?["error"]?["reason"]?.stringValue?.contains("already exists") == true)
            }

            let list = try await b.json(.GET, "/api/v1/patients?q=api")
            #expect(list.json?.arrayValue?.map { $0["id"]?.stringValue } == [id])

            let edited = try await b.json(.PUT, "/api/v1/patients/\(id)", ["version": 1, "name": "Api Patient Renamed"])
            #expect(edited.status == .ok)
            #expect(edited.json?["version"] == 2)
            let stale = try await b.json(.PUT, "/api/v1/patients/\(id)", ["version": 1, "name": "Lost"])
            #expect(stale.status == .conflict)
            // What changed: the record as it is now, and where it differs from what was sent.
            #expect(stale.json?["error"]?["current"]?["name"] == "Api Patient Renamed")
            #expect(stale.json?["error"]?["current"]?["version"] == 2)
            #expect(stale.json?["error"]?["differing_fields"] == ["name"])

            let doc = try await b.json(.GET, "/api/v1/patients/\(id)/case")
            let caseVersion = try #require(doc.json?["case_version"])
            var document = try #require(doc.json?["document"])
            if case .object(var pairs) = document {
                pairs.append(("performance_status", ["ecog": 1]))
                document = .object(pairs)
            }
            #expect(try await b.json(.PUT, "/api/v1/patients/\(id)/case", ["version": caseVersion, "document": document]).status == .ok)
            #expect(try await b.json(.PUT, "/api/v1/patients/\(id)/case", ["version": caseVersion, "document": document]).status == .conflict)
            let badDoc = try await b.json(.PUT, "/api/v1/patients/\(id)/case", ["version": 2, "document": ["performance_status": ["ecog": 9]]])
            #expect(badDoc.status == .unprocessableEntity)

            let lesion = try await b.json(.POST, "/api/v1/patients/\(id)/lesions", [
                "bone": "femur", "region": "diaphysis", "phenotype": "blastic", "size_fraction": 0.2, "pain": "mild",
            ])
            #expect(lesion.status == .created)
            let lid = try #require(lesion.json?["id"]?.stringValue)
            #expect(try await b.json(.POST, "/api/v1/patients/\(id)/lesions", ["bone": "femur", "phenotype": "purple"]).status == .unprocessableEntity)
            var a = try await b.json(.GET, "/api/v1/patients/\(id)/assessment")
            #expect(a.json?["lesion_scores"]?.arrayValue?.first?["result"]?["total"] == 5)  // lower limb 2, mild 1, blastic 1, < 1/3 1
            let update = try await b.json(.PUT, "/api/v1/patients/\(id)/lesions/\(lid)", [
                "version": 1, "lesion": ["bone": "femur", "region": "diaphysis", "phenotype": "lytic", "size_fraction": 0.8, "pain": "functional"],
            ])
            #expect(update.status == .ok)
            a = try await b.json(.GET, "/api/v1/patients/\(id)/assessment")
            #expect(a.json?["lesion_scores"]?.arrayValue?.first?["result"]?["total"] == 11)
            #expect(try await b.json(.DELETE, "/api/v1/patients/\(id)/lesions/\(lid)").status == .noContent)
            #expect(try await b.json(.DELETE, "/api/v1/patients/\(id)/lesions/\(lid)").status == .notFound)

            #expect(try await b.json(.POST, "/api/v1/patients/\(id)/labs", ["test": "psa", "value": 12.5, "unit": "ng/mL", "date": "2026-11-01"]).status == .created)
            #expect(try await b.json(.POST, "/api/v1/patients/\(id)/labs", ["test": "psa", "value": 12.5, "unit": "furlongs"]).status == .unprocessableEntity)
            let one = try await b.json(.GET, "/api/v1/patients/\(id)")
            #expect(one.json?["name"]?.stringValue == "Api Patient Renamed")
            #expect(one.json?["case"]?["labs"]?.arrayValue?.count == 1)
            #expect(try await b.json(.GET, "/api/v1/patients/\(UUID().uuidString)").status == .notFound)
        }
    }

    @Test("scores: the catalogue and one score with its breakdown, or what is missing")
    func scores() async throws {
        try await withOsteon { app in
            let b = try await Self.signedIn(app)
            let list = try await b.json(.GET, "/api/v1/scores")
            let ids = list.json?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.contains("mirels") && ids.contains("sins"))
            let mirels = try await b.json(.POST, "/api/v1/scores/mirels", ["site": "peritrochanteric", "pain": "functional", "lesion_type": "lytic", "size": "gt_two_thirds"])
            #expect(mirels.status == .ok)
            #expect(mirels.json?["total"] == 12)
            let missing = try await b.json(.POST, "/api/v1/scores/mirels", ["site": "peritrochanteric"])
            #expect(missing.json?["valid"] == false)
            #expect(missing.json?["missing"]?.arrayValue?.contains("pain") == true)
            #expect(try await b.json(.POST, "/api/v1/scores/astrology", [:]).status == .notFound)
        }
    }

    @Test("board API: meeting, agenda, opinion, decision with tasks, sign-off")
    func board() async throws {
        try await withOsteon { app in
            let b = try await Self.signedIn(app)
            let pid = try #require(try await b.json(.POST, "/api/v1/patients", ["name": "Board Api", "external_id": "B1"]).json?["id"]?.stringValue)
            #expect(try await b.json(.POST, "/api/v1/meetings", ["title": "Board", "date": "soon"]).status == .unprocessableEntity)
            let mid = try #require(try await b.json(.POST, "/api/v1/meetings", ["title": "Board", "date": "2026-12-02"]).json?["id"]?.stringValue)
            let iid = try #require(try await b.json(.POST, "/api/v1/meetings/\(mid)/agenda", ["patient_id": .string(pid)]).json?["id"]?.stringValue)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/opinions", ["specialty": "astrology", "text": "x"]).status == .unprocessableEntity)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/opinions", ["specialty": "pathology", "text": "Adenocarcinoma, breast origin"]).status == .unprocessableEntity)
            // The specialty is the author's account's; the key may be sent only when it matches.
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/opinions", ["specialty": "medical_oncology", "text": "Adenocarcinoma, breast origin"]).status == .created)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/signoff").status == .unprocessableEntity)
            let decided = try await b.json(.POST, "/api/v1/agenda/\(iid)/decision", [
                "consensus": "Radiotherapy 8 Gy", "tasks": [["title": "Book RT", "owner": "clin", "due_on": "2026-12-09"]],
            ])
            #expect(decided.status == .created)
            let badPlan = try await b.json(.POST, "/api/v1/agenda/\(iid)/decision", ["consensus": "x", "version": 1,
                                                                                  "plan": ["surgery": "magic", "bone_medicine": "aspirin", "scans": ["x-ray vision"]]])
            #expect(badPlan.status == .unprocessableEntity)
            #expect(badPlan.json?["error"]?["fields"]?.objectKeys.sorted() == ["plan_bone_medicine", "plan_scans", "plan_surgery"])
            // Recording again needs the version replaced: without it, 409.
            let blind = try await b.json(.POST, "/api/v1/agenda/\(iid)/decision", ["consensus": "Overwrite"])
            #expect(blind.status == .conflict)
            #expect(blind.json?["error"]?["reason"]?.stringValue?.contains("now version 1") == true)
            // Recording again before sign-off replaces the plan instead of adding to it.
            _ = try await b.json(.POST, "/api/v1/agenda/\(iid)/decision", [
                "version": 1, "consensus": "Radiotherapy 8 Gy and zoledronic acid", "tasks": [["title": "Book RT", "owner": "clin", "due_on": "2026-12-09"],
                                                                                 ["title": "Dental check", "owner": "clin", "due_on": "in 2 weeks"]],
            ])
            // Radiology, surgery and radiation oncology have not given an opinion: sign-off needs the reason.
            let missing = try await b.json(.POST, "/api/v1/agenda/\(iid)/signoff")
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.json?["error"]?["fields"]?["missing_opinions_reason"]?.stringValue?.contains("Radiology") == true)
            let signed = try await b.json(.POST, "/api/v1/agenda/\(iid)/signoff", ["missing_opinions_reason": "Urgent; colleagues consulted by phone"])
            #expect(signed.json?["signed_off_by"]?.stringValue == "Dr Test")
            #expect(signed.json?["sha256"]?.stringValue?.count == 64)
            let meeting = try await b.json(.GET, "/api/v1/meetings/\(mid)")
            let item = try #require(meeting.json?["agenda"]?.arrayValue?.first)
            #expect(item["opinions"]?.arrayValue?.count == 1)
            #expect(item["decision"]?["signed_off"] == true)
            #expect(item["tasks"]?.arrayValue?.compactMap { $0["title"]?.stringValue }.sorted() == ["Book RT", "Dental check"])
            #expect(item["state"]?.stringValue == "follow_up")
            #expect(try await b.json(.GET, "/api/v1/meetings").json?.arrayValue?.count == 1)
        }
    }

    @Test("FHIR: POST a real mCODE bundle imports the patient once; $assess returns a Bundle; errors are OperationOutcomes")
    func fhir() async throws {
        try await withOsteon { app in
            let b = try await Self.signedIn(app)
            let dir = repositoryRoot.appendingPathComponent("Tests/OsteonFHIRTests/Fixtures/external")
            let bundleFile = try #require(FileManager.default.enumerator(atPath: dir.path)?.compactMap { $0 as? String }
                .first { $0.hasSuffix(".json") && (try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8))?.contains("\"Bundle\"") == true })
            let bundle = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent(bundleFile)))
            let first = try await b.json(.POST, "/fhir", bundle, contentType: "application/fhir+json")
            #expect(first.status == .ok, "\(bundleFile)")
            #expect(first.headers.contentType?.description.contains("fhir+json") == true)
            #expect(first.json?["resourceType"] == "OperationOutcome")
            let info = first.json?["issue"]?.arrayValue?.compactMap { $0["diagnostics"]?.stringValue } ?? []
            let imported = try #require(info.first { $0.contains("imported as") })
            let again = try await b.json(.POST, "/fhir", bundle, contentType: "application/fhir+json")
            #expect(again.json?["issue"]?.arrayValue?.contains { $0["diagnostics"]?.stringValue?.contains("already exists") == true } == true)

            let uuid = String(try #require(imported.split(separator: " ").last))
            let assess = try await b.json(.GET, "/fhir/Patient/\(uuid)/$assess")
            #expect(assess.status == .ok)
            #expect(assess.json?["resourceType"] == "Bundle")
            #expect((assess.json?["entry"]?.arrayValue?.count ?? 0) > 0)

            // An unknown number answers as one outside the user's scope does (pen test row 12).
            let unknown = try await b.json(.GET, "/fhir/Patient/nobody/$assess")
            #expect(unknown.status == .forbidden)
            #expect(unknown.json?["issue"]?.arrayValue?.first?["diagnostics"]?.stringValue?.contains("or does not exist") == true)
            let notFHIR = try await b.json(.POST, "/fhir", ["hello": "world"], contentType: "application/fhir+json")
            #expect(notFHIR.status == .badRequest)
            #expect(notFHIR.json?["resourceType"] == "OperationOutcome")
        }
    }

    /// The OpenAPI document and the router list the same operations.
    @Test("openapi.json describes exactly the API and FHIR routes")
    func openAPIMatchesRoutes() async throws {
        try await withOsteon { app in
            func normalize(_ path: String) -> String {
                path.split(separator: "/").map { $0.hasPrefix(":") || ($0.hasPrefix("{") && $0.hasSuffix("}")) ? "{}" : String($0) }.joined(separator: "/")
            }
            let routes = Set(app.routes.all.compactMap { route -> String? in
                let path = "/" + route.path.map(\.description).joined(separator: "/")
                guard path.hasPrefix("/api/") || path.hasPrefix("/fhir") else { return nil }
                return "\(route.method.rawValue) \(normalize(path))"
            })
            let served = try await Browser(app).json(.GET, "/api/v1/openapi.json")
            #expect(served.status == .ok)
            let doc = try #require(served.json)
            #expect(doc["openapi"]?.stringValue?.hasPrefix("3.1") == true)
            guard case .object(let paths)? = doc["paths"] else { Issue.record("no paths"); return }
            var documented = Set<String>()
            for (path, item) in paths {
                guard case .object(let ops) = item else { continue }
                for (method, _) in ops where ["get", "post", "put", "patch", "delete"].contains(method) {
                    documented.insert("\(method.uppercased()) \(normalize(path))")
                }
            }
            #expect(routes.subtracting(documented).isEmpty, "routes missing from openapi.json: \(routes.subtracting(documented).sorted())")
            #expect(documented.subtracting(routes).isEmpty, "openapi.json paths with no route: \(documented.subtracting(routes).sorted())")
            // The served document is the file with the case format's schema as `Case`.
            let file = try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("Sources/OsteonWeb/Resources/openapi.json")))
            let caseFormat = try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("schemas/case.schema.json")))
            #expect(doc["info"] == file["info"] && doc["paths"] == file["paths"])
            #expect(doc["components"]?["schemas"]?["Case"]?["properties"]?["neurology"] == caseFormat["properties"]?["neurology"])
            #expect(doc["components"]?["schemas"]?["Lesion"] == caseFormat["properties"]?["lesions"]?["items"])
        }
    }

    @Test("errors: JSON for machines with a request id, a page for people, never internals")
    func errors() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            let json = try await b.json(.GET, "/api/v1/nothing-here")
            #expect(json.status == .notFound)
            #expect(json.json?["error"]?["status"] == 404)
            let html = try await b.get("/nothing-here")
            #expect(html.status == .notFound)
            #expect(html.headers.contentType == .html)
            #expect(html.body.string.contains("Check the address"))
        }
    }
}
