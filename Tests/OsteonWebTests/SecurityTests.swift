import Fluent
import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite struct AuditTrailTests {
    static func addUser(_ app: Application, _ username: String, role: String) async throws {
        try await UserRecord(username: username, displayName: username.capitalized, passwordHash: try Bcrypt.hash(testPassword, cost: 4), role: role,
                             specialty: role == "clinician" ? "radiology" : nil).create(on: app.db)
    }

    @Test("sign-ins, reads, changes and exports are audited with who, role, patient, action, request id and outcome; the chain verifies")
    func everyAccessIsAudited() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            try await b.get("/login")
            let failed = try await b.post("/login", [("username", "clin"), ("password", "wrong password here"), ("next", "/patients")])
            #expect(failed.status == .unauthorized)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let page = try await b.get("/patients/\(pid)")
            #expect(page.status == .ok)
            let readRequest = try #require(page.headers.first(name: "X-Request-ID"))
            try await b.get("/patients/\(pid)/handout")
            try await b.post("/patients/\(pid)/labs", [("test", "calcium"), ("value", "2.4"), ("unit", "mmol/L"), ("date", "2026-11-20")])

            let entries = try await AuditLog(db: app.db).entries(limit: 100).reversed()
            let summary = entries.map { "\($0.actor) \($0.action) \($0.outcome)" }
            #expect(summary.starts(with: ["clin sign_in denied", "clin sign_in success"]), "\(summary)")
            let read = try #require(entries.first { $0.requestID == readRequest })
            #expect(read.action == "read" && read.role == "clinician" && read.outcome == "success")
            #expect(read.patientID?.uuidString == pid && read.object == "/patients/\(pid)")
            #expect(entries.contains { $0.action == "create" && $0.object == "/patients" && $0.outcome == "success" })
            #expect(entries.contains { $0.action == "export" && $0.object.hasSuffix("/handout") && $0.patientID?.uuidString == pid })
            #expect(entries.contains { $0.action == "create" && $0.object.hasSuffix("/labs") && $0.patientID?.uuidString == pid })
            // Search terms (which can be names) never reach the audit object.
            try await b.get("/patients?q=Ana")
            #expect(try await AuditLog(db: app.db).entries(limit: 1).first?.object == "/patients")
            let v = try await AuditLog(db: app.db).verify()
            #expect(v.ok && v.entries == entries.count + 1)
        }
    }

    @Test("each kind of request maps to its audit action; calculators and static files are not audited")
    func actions() async throws {
        let table: [(HTTPMethod, String, String?)] = [
            (.POST, "/login", "sign_in"), (.GET, "/login", nil), (.GET, "/health", nil), (.GET, "/osteon.css", nil), (.POST, "/logout", "sign_out"),
            (.GET, "/patients", "read"), (.GET, "/patients/p", "read"), (.GET, "/patients/p/handout", "export"), (.POST, "/patients", "create"),
            (.POST, "/patients/p/edit", "update"), (.POST, "/patients/p/state", "update"), (.POST, "/patients/p/tasks/t/done", "update"),
            (.POST, "/patients/p/lesions/l/delete", "delete"), (.DELETE, "/api/v1/patients/p/lesions/l", "delete"),
            (.PUT, "/api/v1/patients/p", "update"), (.POST, "/api/v1/patients/p/labs", "create"), (.POST, "/board/m/items/i/signoff", "sign_off"),
            (.POST, "/patients/p/break-glass", "break_glass"), (.POST, "/fhir", "import"), (.GET, "/fhir/Patient/p/$assess", "export"),
            (.GET, "/board/m/summary", "export"), (.GET, "/admin/audit", "read"), (.GET, "/admin/audit.csv", "export"), (.GET, "/me", "read"),
            (.GET, "/me/print", "export"), (.POST, "/api/v1/session", "sign_in"), (.DELETE, "/api/v1/session", "sign_out"),
            (.POST, "/api/v1/assessments", nil), (.POST, "/api/v1/scores/mirels", nil), (.GET, "/api/v1/openapi.json", nil),
        ]
        try await withOsteon { app in
            for (method, path, expected) in table {
                let row = try #require(Self.row(app, method, path), "\(method) \(path) matches no route")
                #expect(row.audit?.rawValue == expected, "\(method) \(path)")
            }
        }
    }

    /// The table row of the registered route a request would match.
    static func row(_ app: Application, _ method: HTTPMethod, _ path: String) -> SiteRoute? {
        let parts = path.split(separator: "/").map(String.init)
        let candidates = app.routes.all.filter { route in
            route.method == method && route.path.count == parts.count && zip(route.path, parts).allSatisfy { c, p in
                if case .constant(let k) = c { return k == p }
                return true
            }
        }
        // A constant segment wins over a parameter (/patients/new before /patients/:pid).
        let best = candidates.max { a, b in
            a.path.filter { if case .constant = $0 { true } else { false } }.count < b.path.filter { if case .constant = $0 { true } else { false } }.count
        }
        return best?.userInfo[SiteRoute.userInfoKey] as? SiteRoute
    }

    @Test("administrators browse, filter and export the audit log; others may not")
    func administratorsBrowseAndExport() async throws {
        try await withOsteon { app in
            try await Self.addUser(app, "admin", role: "administrator")
            let clin = Browser(app)
            _ = try await clin.signIn()
            _ = try await PatientPageTests.createPatient(clin)
            #expect(try await clin.get("/admin/audit").status == .forbidden)
            #expect(try await clin.get("/admin/audit.csv").status == .forbidden)

            let admin = Browser(app)
            try await admin.get("/login")
            let home = try await admin.post("/login", [("username", "admin"), ("password", testPassword), ("next", "/patients")])
            #expect(home.location == "/admin/audit")
            // Administrators do not see clinical records.
            #expect(try await admin.get("/patients").location == "/admin/audit")
            #expect(try await admin.json(.GET, "/api/v1/patients").status == .forbidden)
            let page = try await admin.get("/admin/audit?actor=clin&action=create")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("Chain intact"))
            #expect(page.body.string.contains("<td>/patients</td>"))
            #expect(!page.body.string.contains("<td>sign_in</td>"))  // filtered out
            let csv = try await admin.get("/admin/audit.csv")
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.subType == "csv")
            let lines = csv.body.string.split(separator: "\n")
            #expect(lines.first.map(String.init) == AuditLog.csvHeader)
            // Every entry, oldest first, in an unbroken sequence (the export's own entry may follow it).
            let sequences = lines.dropFirst().compactMap { Int($0.prefix { $0 != "," }) }
            #expect(sequences == Array(1...sequences.count))
            #expect(sequences.count >= (try await AuditLog(db: app.db).verify().entries) - 1)
        }
    }
}

@Suite struct ScopeTests {
    /// A patient whose care team is someone else's.
    static func othersPatient(_ app: Application) async throws -> UUID {
        try await AuditTrailTests.addUser(app, "otherdoc", role: "clinician")
        let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/prostate-cord-compression.json"))))
        let p = try await CaseStore(db: app.db).importCase(read.patientCase, name: "Olga Outside")
        try await joinCareTeam(app, patientID: p.requireID(), username: "otherdoc")
        return try p.requireID()
    }

    @Test("lists show only the user's patients; another team's patient is refused with a way to get access")
    func listsAreScoped() async throws {
        try await withOsteon { app in
            let outside = try await Self.othersPatient(app)
            let b = Browser(app)
            _ = try await b.signIn()
            let mine = try await PatientPageTests.createPatient(b, external: "H-200", name: "Mia Mine")
            let list = try await b.get("/patients").body.string
            #expect(list.contains("Mia Mine") && !list.contains("Olga Outside"))
            let api = try await b.json(.GET, "/api/v1/patients").json?.arrayValue ?? []
            #expect(api.compactMap { $0["id"]?.stringValue } == [mine])
            let refused = try await b.get("/patients/\(outside)")
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("break the glass") && !refused.body.string.contains("Olga Outside"))
            let apiRefused = try await b.json(.GET, "/api/v1/patients/\(outside)")
            #expect(apiRefused.status == .forbidden)
            #expect(apiRefused.json?["error"]?["reason"]?.stringValue?.contains("break-glass") == true)
            #expect(try await b.send(.GET, "/fhir/Patient/\(outside)/$assess").status == .forbidden)
            // A colleague added to the care team sees the patient.
            try await b.post("/patients/\(mine)/care-team", [("username", "otherdoc")])
            let other = Browser(app)
            try await other.get("/login")
            try await other.post("/login", [("username", "otherdoc"), ("password", testPassword), ("next", "/patients")])
            #expect(try await other.get("/patients/\(mine)").status == .ok)
        }
    }

    @Test("break the glass: a written reason opens the record for a while, flagged in the audit")
    func breakTheGlass() async throws {
        try await withOsteon { app in
            let outside = try await Self.othersPatient(app)
            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/\(outside)")
            let short = try await b.post("/patients/\(outside)/break-glass", [("reason", "need")])
            #expect(short.status == .unprocessableEntity)
            #expect(short.body.string.contains("at least 10 characters"))
            let ok = try await b.post("/patients/\(outside)/break-glass", [("reason", "On call: patient in ED with new leg weakness")])
            #expect(ok.location == "/patients/\(outside)")
            let page = try await b.get("/patients/\(outside)")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("emergency (\"break the glass\") access") || page.body.string.contains("emergency (&quot;break the glass&quot;) access"))
            let flagged = try await AuditLog(db: app.db).entries(AuditLog.Filter(flaggedOnly: true))
            // The refused attempt is audited too.
            #expect(flagged.map { "\($0.action) \($0.outcome)" }.sorted() == ["break_glass failed 422", "break_glass success", "read success"])
            #expect(flagged.allSatisfy { $0.patientID == outside && $0.actor == "clin" })
            let reason = try await CareTeamRecord.query(on: app.db).filter(\.$kind == "break_glass").first()?.reason
            #expect(reason == "On call: patient in ED with new leg weakness")
        }
    }

    @Test("disabling an account or resetting its password signs it out at once")
    func disableEndsSessions() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            #expect(try await b.get("/patients").status == .ok)
            try await UserStore(db: app.db).setActive("clin", false)
            #expect(try await b.get("/patients").location?.hasPrefix("/login") == true)
            try await UserStore(db: app.db).setActive("clin", true)
            let again = Browser(app)
            _ = try await again.signIn()
            #expect(try await again.get("/patients").status == .ok)
            try await UserStore(db: app.db).resetPassword("clin", hash: try Bcrypt.hash("a new long password", cost: 4))
            #expect(try await again.get("/patients").location?.hasPrefix("/login") == true)
        }
    }

    @Test("a nurse navigator works the case but neither records nor signs off the board's decision")
    func navigatorCannotDecide() async throws {
        try await withOsteon { app in
            try await AuditTrailTests.addUser(app, "nav", role: "nurse_navigator")
            let b = Browser(app)
            try await b.get("/login")
            try await b.post("/login", [("username", "nav"), ("password", testPassword), ("next", "/patients")])
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await b.json(.POST, "/api/v1/meetings", ["title": "Board", "date": "2026-12-01"])
            let mid = try #require(meeting.json?["id"]?.stringValue)
            let item = try await b.json(.POST, "/api/v1/meetings/\(mid)/agenda", ["patient_id": .string(pid)])
            let iid = try #require(item.json?["id"]?.stringValue)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/opinions", ["text": "Lives alone; needs transport."]).status == .created)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/decision", ["consensus": "Radiotherapy"]).status == .forbidden)
            #expect(try await b.json(.POST, "/api/v1/agenda/\(iid)/signoff").status == .forbidden)
        }
    }
}

@Suite struct HostileInputTests {
    static let payloads = [
        #"<script>alert("x")</script>"#,
        #""><img src=x onerror=alert(1)>"#,
        "Robert'); DROP TABLE patients;--",
        "' OR '1'='1",
    ]

    @Test("stored XSS: every free-text field comes back escaped on every page that shows it", arguments: Self.payloads.indices)
    func storedXSS(index: Int) async throws {
        let evil = Self.payloads[index]
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b, external: "X-\(index)\(evil)", name: "Name \(evil)")
            try await b.post("/patients/\(pid)/imaging", [("modality", "mri"), ("region", "spine \(evil)"), ("date", "2026-11-20"), ("report", "Report \(evil)")])
            try await b.post("/patients/\(pid)/medications", [("name", "zoledronic acid \(evil)"), ("start_date", "2026-11-01")])
            try await b.get("/board")
            let created = try await b.post("/board", [("title", "Board \(evil)"), ("date", "2026-12-01"), ("location", "Room \(evil)")])
            let meeting = try #require(created.location)
            try await b.get(meeting)
            try await b.post("\(meeting)/agenda", [("patient_id", pid), ("question", "Question \(evil)")])
            let mid = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
            let item = try #require(try await BoardStore(db: app.db).agenda(meetingID: mid).first)
            try await b.post("\(meeting)/items/\(try item.requireID())/opinions", [("text", "Opinion \(evil)")])
            try await b.post("\(meeting)/items/\(try item.requireID())/decision", [("consensus", "Consensus \(evil)"), ("task1_title", "Task \(evil)"),
                                                                                   ("task1_owner", "clin"), ("task1_due", "2026-12-09")])
            let pages = ["/patients", "/patients?q=\(Browser.escape(evil))", "/patients/\(pid)", "/patients/\(pid)/edit", "/patients/\(pid)/handout",
                         meeting, "\(meeting)/summary", "/board"]
            var shown = 0
            for path in pages {
                let html = try await b.get(path).body.string
                #expect(!html.contains(evil) || !evil.contains("<"), "raw markup of \(evil) on \(path)")
                #expect(!html.contains("<script>alert") && !html.contains("<img src=x"), "\(path)")
                if html.contains("Name ") || html.contains("Opinion ") { shown += 1 }
            }
            #expect(shown >= 5)
            // The text itself is kept exactly as typed.
            let stored = try #require(try await CaseStore(db: app.db).patient(externalID: "X-\(index)\(evil)"))
            #expect(stored.name == "Name \(evil)")
            #expect(try await BoardStore(db: app.db).opinions(itemID: item.requireID()).first?.text == "Opinion \(evil)")
        }
    }

    @Test("numbers out of range are refused, never trapped on (found by schemathesis: a version of 4.7e33 killed the server)")
    func hugeNumbers() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            for version in ["-4770858021494488646481333742206976", "1e300", "2.5"] {
                let res = try await b.send(.PUT, "/api/v1/patients/\(pid)", headers: ["Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": b.csrf],
                                           body: ByteBuffer(string: #"{"name": "X", "version": \#(version)}"#))
                #expect(res.status == .unprocessableEntity, "version \(version)")
            }
            let bundle = #"{"resourceType": "Bundle", "type": "collection", "entry": [{"resource": {"resourceType": "Patient", "id": "big"}},"#
                + #"{"resource": {"resourceType": "Procedure", "status": "completed", "subject": {"reference": "Patient/big"}, "code": {"text": "radiotherapy"},"#
                + #""extension": [{"url": "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-sessions", "valueUnsignedInt": 1e300}]}},"#
                + #"{"resource": {"resourceType": "Observation", "status": "final", "subject": {"reference": "Patient/big"}, "code": {"coding": [{"system": "http://loinc.org", "code": "89247-1"}]}, "valueInteger": 1e300}}]}"#
            let res = try await b.send(.POST, "/fhir", headers: ["Content-Type": "application/fhir+json", "X-CSRF-Token": b.csrf], body: ByteBuffer(string: bundle))
            #expect(res.status == .ok)
            #expect(try await b.json(.GET, "/api/v1/patients").status == .ok)
        }
    }

    @Test("a NUL character is refused in JSON and forms (SQLite would cut the text there; found by schemathesis)")
    func nulCharacters() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let api = try await b.send(.POST, "/api/v1/patients", headers: ["Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": b.csrf],
                                       body: ByteBuffer(string: #"{"name": "Ana", "external_id": "\u0000H-9"}"#))
            #expect(api.status == .unprocessableEntity)
            #expect(api.body.string.contains("NUL character"))
            try await b.get("/patients/new")
            let form = try await b.post("/patients", [("name", "Ana\u{0}"), ("external_id", "H-9")])
            #expect(form.status == .unprocessableEntity)
            #expect(try await CaseStore(db: app.db).patients().isEmpty)
        }
    }

    @Test("SQL injection: search and free text are data, never SQL")
    func sqlInjection() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            _ = try await PatientPageTests.createPatient(b, external: "H-1", name: "Robert'); DROP TABLE patients;--")
            _ = try await PatientPageTests.createPatient(b, external: "H-2", name: "Alice Plain")
            for q in ["' OR '1'='1", "%' OR 1=1 --", "x'; DELETE FROM patients; --", "\" OR \"\"=\"", "%_%"] {
                let res = try await b.json(.GET, "/api/v1/patients?q=\(Browser.escape(q))")
                #expect(res.status == .ok)
                #expect(res.json?.arrayValue?.isEmpty == true, "\(q) matched rows")
            }
            let found = try await b.json(.GET, "/api/v1/patients?q=\(Browser.escape("DROP TABLE"))").json?.arrayValue ?? []
            #expect(found.count == 1)
            let sql = try #require(app.db as? any SQLDatabase)
            let count = try await sql.raw("SELECT COUNT(*) AS n FROM patients").first()?.decode(column: "n", as: Int.self)
            #expect(count == 2)
            #expect(try await AuditLog(db: app.db).verify().ok)
        }
    }

    @Test("JSON nested too deep is refused with a message, on the API and FHIR endpoints, without harm to the server")
    func jsonDepth() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            for (path, type) in [("/api/v1/assessments", "application/json"), ("/fhir", "application/fhir+json"), ("/api/v1/patients", "application/json")] {
                let res = try await b.send(.POST, path, headers: ["Content-Type": type, "Accept": "application/json", "X-CSRF-Token": b.csrf], body: ByteBuffer(string: deep))
                #expect(res.status == .badRequest, "\(path)")
                #expect(res.body.string.contains("nested deeper than 64 levels"), "\(path): \(res.body.string.prefix(200))")
            }
            #expect(try await b.json(.GET, "/api/v1/patients").status == .ok)
        }
    }

    @Test("sign-in is throttled per address across user names: after 20 failures even the right password waits")
    func signInThrottle() async throws {
        try await withOsteon { app in
            for n in 0..<SignInThrottle.maxFailures {
                let res = try await Browser(app).json(.POST, "/api/v1/session", ["username": .string("guess\(n)"), "password": "wrong password guess"])
                #expect(res.status == .unauthorized)
            }
            let blocked = try await Browser(app).json(.POST, "/api/v1/session", ["username": "clin", "password": .string(testPassword)])
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.json?["error"]?["reason"]?.stringValue?.contains("try again in") == true)
            // The attempt is audited as refused.
            #expect(try await AuditLog(db: app.db).entries(limit: 1).first.map { "\($0.actor) \($0.action) \($0.outcome)" } == "clin sign_in failed 429")
        }
    }
}

@Suite struct StaleEditTests {
    @Test("a board-state move from a stale page is refused with 409; the current page's move goes through")
    func staleStateMove() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let page = try await b.get("/patients/\(pid)").body.string
            let seen = try #require(PatientPageTests.hidden("case_version", in: page))
            #expect(try await b.post("/patients/\(pid)/state", [("state", "work_up"), ("case_version", seen)]).status == .seeOther)
            let stale = try await b.post("/patients/\(pid)/state", [("state", "referred"), ("case_version", seen)])
            #expect(stale.status == .conflict)
            #expect(try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: pid))).state == "work_up")
        }
    }

    @Test("re-recording the board's decision from the meeting page needs the version it replaces")
    func staleDecision() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await b.get("/board")
            let meeting = try #require(try await b.post("/board", [("title", "Board"), ("date", "2026-12-01")]).location)
            try await b.get(meeting)
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let mid = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
            let item = try #require(try await BoardStore(db: app.db).agenda(meetingID: mid).first?.requireID())
            try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "First plan")])
            let page = try await b.get(meeting).body.string
            let version = try #require(PatientPageTests.hidden("decision_version", in: page))
            #expect(try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Second plan"), ("decision_version", version)]).status == .seeOther)
            let stale = try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Third plan"), ("decision_version", version)])
            #expect(stale.status == .conflict)
            #expect(try await BoardStore(db: app.db).decision(itemID: item)?.consensus == "Second plan")
        }
    }
}
