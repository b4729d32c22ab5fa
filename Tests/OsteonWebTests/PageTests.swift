import Fluent
import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

@Suite struct SignInTests {
    @Test("pages send people to the sign-in page; the API answers 401; /health is open")
    func signedOut() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            let page = try await b.get("/patients")
            #expect(page.status == .seeOther)
            #expect(page.location == "/login?next=/patients")
            let api = try await b.json(.GET, "/api/v1/patients")
            #expect(api.status == .unauthorized)
            #expect(api.json?["error"]?["reason"]?.stringValue?.contains("sign in") == true)
            let fhir = try await b.json(.GET, "/fhir/Patient/x/$assess")
            #expect(fhir.status == .unauthorized)
            #expect(fhir.json?["resourceType"]?.stringValue == "OperationOutcome")
            let health = try await Browser(app).get("/health")
            #expect(health.body.string.hasPrefix("ok\n"))
            #expect(health.body.string.contains("patient summaries computed for: no patients yet"))
            #expect(health.headers.setCookie == nil)  // no session made for a request without one
            #expect(try await SessionRecord.query(on: app.db).count() == 0)
        }
    }

    @Test("sign-in needs the form's token, gives a new session id, and a wrong password says nothing about which part was wrong")
    func signIn() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            let login = try await b.get("/login")
            #expect(login.status == .ok)
            #expect(login.body.string.contains(#"<label for="username""#))
            let before = b.cookie
            #expect(before != nil)
            let forged = try await b.post("/login", [("username", "clin"), ("password", testPassword)], withCSRF: false)
            #expect(forged.status == .forbidden)

            let wrong = try await b.signIn(password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.body.string.contains(SignIn.failureMessage))
            let ok = try await b.signIn()
            #expect(ok.status == .seeOther)
            #expect(ok.location == "/patients")
            #expect(b.cookie != nil && b.cookie != before)
            #expect(try await b.get("/patients").status == .ok)
            let noToken = try await b.post("/patients", [("name", "X"), ("external_id", "X1")], withCSRF: false)
            #expect(noToken.status == .forbidden)
            #expect(try await PatientRecord.query(on: app.db).count() == 0)

            try await b.post("/logout", [])
            #expect(try await b.get("/patients").status == .seeOther)
        }
    }

    @Test("five wrong passwords lock the account for a while, even for the right password")
    func lockout() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            for _ in 0..<SignIn.maxFailures { _ = try await b.signIn(password: "guess") }
            let locked = try await b.signIn()
            #expect(locked.status == .unauthorized)
            // The same answer as any other failure: a locked account cannot be told from a wrong password (row 13).
            #expect(locked.body.string.contains(SignIn.failureMessage))
            #expect(try await UserStore(db: app.db).find("clin").lockedUntil != nil)
        }
    }

    @Test("after the inactivity time the session ends and the sign-in page says why")
    func inactivityLogOff() async throws {
        let clock = TestClock()  // moved by the test: no sleep, and a busy machine cannot end the session early
        try await withOsteon(sessionTimeout: 15 * 60, clock: clock.wall) { app in
            let b = Browser(app)
            _ = try await b.signIn()
            clock.advance(14 * 60)
            #expect(try await b.get("/patients").status == .ok)  // activity within the time keeps the session
            clock.advance(15 * 60 + 1)
            let res = try await b.get("/patients")
            #expect(res.status == .seeOther)
            #expect(res.location == "/login?next=/patients&timeout=1")
            #expect(try await b.get("/login?timeout=1").body.string.contains("signed out after a period of inactivity"))
        }
    }

    @Test("a request that does not change its session does not write it back")
    func sessionWritesSkipped() async throws {
        final class Spy: SessionDriver, @unchecked Sendable {
            var updates = 0
            let stored = SessionData(initialData: ["user": "u", "seen": "1"])
            func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> { request.eventLoop.makeSucceededFuture(.init(string: "s")) }
            func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> { request.eventLoop.makeSucceededFuture(stored) }
            func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
                updates += 1
                return request.eventLoop.makeSucceededFuture(sessionID)
            }
            func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> { request.eventLoop.makeSucceededVoidFuture() }
        }
        try await withApp { app in
            let spy = Spy()
            let driver = SkipUnchangedSessions(base: spy)
            let id = SessionID(string: "s")
            let unchanged = Request(application: app, on: app.eventLoopGroup.next())
            let read = try await driver.readSession(id, for: unchanged).get()
            _ = try await driver.updateSession(id, to: try #require(read), for: unchanged).get()
            #expect(spy.updates == 0)
            let changed = Request(application: app, on: app.eventLoopGroup.next())
            var data = try #require(try await driver.readSession(id, for: changed).get())
            data["seen"] = "2"
            _ = try await driver.updateSession(id, to: data, for: changed).get()
            #expect(spy.updates == 1)
        }
    }

    @Test("an open redirect through next= is refused")
    func noOpenRedirect() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            try await b.get("/login")
            let res = try await b.post("/login", [("username", "clin"), ("password", testPassword), ("next", "//evil.example/")])
            #expect(res.location == "/patients")
        }
    }
}

@Suite struct PatientPageTests {
    /// Creates a patient through the form; returns its id.
    static func createPatient(_ b: Browser, external: String = "H-100", name: String = "Ana Test") async throws -> String {
        try await b.get("/patients/new")
        let res = try await b.post("/patients", [
            ("name", name), ("external_id", external), ("birth_date", "1961-04-23"), ("sex", "female"),
            ("primary_site", "breast"), ("hormone_status", "hormone_dependent"), ("ecog", "1"),
        ])
        #expect(res.status == .seeOther)
        return try #require(patientID(fromLocation: res.location))
    }

    @Test("the new-patient form shows each error next to its field and keeps what was typed")
    func validation() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/new")
            let res = try await b.post("/patients", [("name", "Ana Test"), ("external_id", ""), ("birth_date", "23/04/1961"), ("weight_kg", "heavy")])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains(#"<p class="error" id="external_id-error">Enter the hospital number"#))
            #expect(html.contains(#"<p class="error" id="birth_date-error">Use the form YYYY-MM-DD"#))
            #expect(html.contains(#"id="weight_kg-error">Enter the weight in kilograms"#))
            #expect(html.contains(#"value="Ana Test""#))
            #expect(html.contains(#"aria-invalid="true""#))
        }
    }

    @Test("a femoral lesion shows Mirels, a spinal one SINS, each with points and source; the list ranks urgent first")
    func lesionsAndScores() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            try await b.get("/patients/\(id)/lesions/new")
            let femur = try await b.post("/patients/\(id)/lesions", [
                ("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"), ("phenotype", "lytic"),
                ("size", "one_third_to_two_thirds"), ("size_fraction", "50%"), ("pain", "functional"),
            ])
            #expect(femur.status == .seeOther)
            var page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains("Mirels"))
            #expect(page.contains("Total 10"))
            #expect(page.contains("Source: Mirels H 1989"))
            #expect(page.contains("<svg"))  // the skeleton map

            try await b.get("/patients/\(id)/lesions/new")
            let spine = try await b.post("/patients/\(id)/lesions", [
                ("bone", "vertebra"), ("level", "T12"), ("origin", "metastasis"), ("phenotype", "lytic"), ("pain", "mechanical"),
                ("alignment", "normal"), ("vertebral_body_collapse", "lt_50_percent"), ("posterolateral_involvement", "none"),
            ])
            #expect(spine.status == .seeOther)
            page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains("SINS"))
            #expect(page.contains("Total 10"))

            // Mirels 10 is an urgent alert: this patient heads the list above a calm one.
            _ = try await Self.createPatient(b, external: "H-101", name: "Aaron Calm")
            let list = try await b.get("/patients").body.string
            let urgent = try #require(list.range(of: "Ana Test"))
            let calm = try #require(list.range(of: "Aaron Calm"))
            #expect(urgent.lowerBound < calm.lowerBound)
            let urgentOnly = try await b.get("/patients?urgent=1").body.string
            #expect(urgentOnly.contains("Ana Test") && !urgentOnly.contains("Aaron Calm"))
            #expect(try await b.get("/patients?q=calm").body.string.contains("Aaron Calm"))
        }
    }

    @Test("a lesion form with a wrong width or a vertebra without a level is refused with the reason")
    func lesionValidation() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            try await b.get("/patients/\(id)/lesions/new")
            let res = try await b.post("/patients/\(id)/lesions", [("bone", "vertebra"), ("size_fraction", "1.5")])
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("Give the vertebral level"))
            #expect(res.body.string.contains("0.5, 50 % or 2/3"))
        }
    }

    @Test("editing keeps what the form does not show, and a stale edit is refused with 409")
    func editKeepsFacts() async throws {
        try await withOsteon { app in
            let store = CaseStore(db: app.db)
            let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/breast-stage-iii-staging.json"))))
            let p = try await store.importCase(read.patientCase, name: "Staged Patient")
            try await joinCareTeam(app, patientID: p.requireID())
            let id = try p.requireID().uuidString
            let before = try await store.caseRecord(patientID: p.requireID())
            #expect(try JSONValue.parse(before.document)["cancers"]?.arrayValue?.first?.objectKeys.contains { $0 != "primary_site" } == true)

            let b = Browser(app)
            _ = try await b.signIn()
            let form = try await b.get("/patients/\(id)/edit").body.string
            let patientVersion = try #require(Self.hidden("patient_version", in: form))
            let caseVersion = try #require(Self.hidden("case_version", in: form))
            let res = try await b.post("/patients/\(id)/edit", [
                ("name", "Staged Patient"), ("external_id", p.externalID), ("birth_date", p.birthDate ?? ""), ("sex", p.sex ?? ""),
                ("primary_site", "breast"), ("ecog", "2"), ("patient_version", patientVersion), ("case_version", caseVersion),
            ])
            #expect(res.status == .seeOther)
            let after = try JSONValue.parse(try await store.caseRecord(patientID: p.requireID()).document)
            let oldCancer = try #require(try JSONValue.parse(before.document)["cancers"]?.arrayValue?.first)
            let newCancer = try #require(after["cancers"]?.arrayValue?.first)
            for key in oldCancer.objectKeys where !PatientController.formKeys["cancers[0]"]!.contains(key) {
                #expect(newCancer[key]?.serialized() == oldCancer[key]?.serialized(), "cancers[0].\(key) lost on edit")
            }
            #expect(after["performance_status"]?["ecog"] == 2)

            let stale = try await b.post("/patients/\(id)/edit", [
                ("name", "Someone"), ("external_id", p.externalID), ("patient_version", patientVersion), ("case_version", caseVersion),
            ])
            #expect(stale.status == .conflict)
            let html = stale.body.string
            #expect(html.contains("Someone else saved this patient while you were editing"))
            #expect(html.contains("differs from them in:") && html.contains("name"))
            #expect(html.contains(#"value="Someone""#))  // what was typed is kept
            #expect(try await store.patient(p.requireID()).name == "Staged Patient")
            // The form now carries the current versions: saving again applies the change knowingly.
            let again = try await b.post("/patients/\(id)/edit", [
                ("name", "Someone"), ("external_id", p.externalID), ("patient_version", try #require(Self.hidden("patient_version", in: html))),
                ("case_version", try #require(Self.hidden("case_version", in: html))),
            ])
            #expect(again.status == .seeOther)
            #expect(try await store.patient(p.requireID()).name == "Someone")
        }
    }

    /// REFERENCE §9.1: the weight's kind is recorded with it, never assumed ("weight_kind: actual" was written silently).
    @Test("a weight without its kind is stored without a kind, and the assessment asks for it")
    func weightKindNotDefaulted() {
        let (_, document, errors) = PatientController.readPatientForm(["name": "W", "external_id": "W-1", "weight_kg": "72"], today: Day("2026-12-01")!)
        #expect(errors.isEmpty)
        #expect(document["patient"]?["weight_kg"] == 72.0)
        #expect(document["patient"]?["weight_kind"] == nil)
        let (_, chosen, _) = PatientController.readPatientForm(["name": "W", "external_id": "W-1", "weight_kg": "72", "weight_kind": "ideal"], today: Day("2026-12-01")!)
        #expect(chosen["patient"]?["weight_kind"] == "ideal")
    }

    @Test("unanswered neurology questions stay unrecorded instead of becoming 'no'")
    func neurologyNotDefaulted() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            let c = try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: id)))
            #expect(try JSONValue.parse(c.document)["neurology"] == nil)
        }
    }

    @Test("patient page sections, the patient guide, the state change, and a 404 page without internals")
    func pagesRender() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            let page = try await b.get("/patients/\(id)")
            #expect(page.status == .ok)
            for heading in ["Alerts", "Bone lesions", "Plan", "Care gaps", "Data needed", "Timeline"] {
                #expect(page.body.string.contains(heading), "missing section \(heading)")
            }
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY")
            let guide = try await b.get("/patients/\(id)/handout")
            #expect(guide.status == .ok)
            #expect(guide.body.string.contains("Get help now if you notice these signs"))
            let moved = try await b.post("/patients/\(id)/state", [("state", "work_up")])
            #expect(moved.status == .seeOther)
            #expect(try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: id))).state == "work_up")
            let bad = try await b.post("/patients/\(id)/state", [("state", "lost")])
            #expect(bad.status == .unprocessableEntity || bad.status == .badRequest)
            let missing = try await b.get("/patients/\(UUID().uuidString)")
            #expect(missing.status == .notFound)
            #expect(missing.body.string.contains("<h1"))
            #expect(!missing.body.string.contains("StoreError"))
        }
    }

    @Test("labs, medications, imaging and procedures added on the page reach the assessment")
    func clinicalRecords() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            try await b.get("/patients/\(id)")
            #expect(try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "13.1"), ("unit", "mg/dL"), ("date", "2026-11-20")]).status == .seeOther)
            #expect(try await b.post("/patients/\(id)/labs", [("test", "albumin"), ("value", "4.0"), ("unit", "g/dL"), ("date", "2026-11-20")]).status == .seeOther)
            let badLab = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "high"), ("unit", "mg/dL")])
            #expect(badLab.status == .unprocessableEntity || badLab.status == .badRequest)
            try await b.post("/patients/\(id)/medications", [("name", "denosumab"), ("class", "bone_modifying_agent"), ("agent", "denosumab"),
                                                             ("status", "active"), ("start_date", "2026-10-01")])
            try await b.post("/patients/\(id)/imaging", [("modality", "mri"), ("region", "whole_spine"), ("date", "2026-11-21"), ("report", "No ESCC")])
            try await b.post("/patients/\(id)/procedures", [("kind", "radiotherapy"), ("site", "femur"), ("dose_gy", "8"), ("fractions", "1"),
                                                            ("date", "2026-11-22")])
            let a = try await b.json(.GET, "/api/v1/patients/\(id)/assessment")
            #expect(a.status == .ok)
            let score = a.json?["scores"]?["corrected_calcium"]
            #expect(score?["valid"] == true)
            #expect(score?["severity"]?.stringValue == "moderate")
            let c = try await b.json(.GET, "/api/v1/patients/\(id)/case")
            #expect(c.json?["document"]?["imaging"]?.arrayValue?.count == 1)
            #expect(c.json?["document"]?["radiotherapy"]?.arrayValue?.count == 1)
            #expect(c.json?["document"]?["medications"]?.arrayValue?.count == 1)
        }
    }

    /// The persistence measure reads each dose (README "Outcomes"); a clinician records one as it is given.
    @Test("a dose given is recorded on the patient page: shown with the course, read by the rules; a later date, a second on one day and another patient's medicine are refused, kept as typed")
    func recordADose() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await Self.createPatient(b)
            let other = try await Self.createPatient(b, external: "H-200", name: "Bo Other")
            var page = try await b.get("/patients/\(id)")
            #expect(!page.body.string.contains("/doses\""), "no bone-modifying agent yet: nothing to record a dose of")
            try await b.post("/patients/\(id)/medications", [("name", "zoledronic acid"), ("agent", "zoledronic_acid"), ("status", "active"), ("start_date", "2026-08-01")])
            try await b.post("/patients/\(id)/medications", [("name", "letrozole"), ("class", "hormonal"), ("status", "active")])
            try await b.post("/patients/\(other)/medications", [("name", "denosumab"), ("agent", "denosumab"), ("status", "active")])
            page = try await b.get("/patients/\(id)")
            let html = page.body.string
            #expect(html.contains(">Record dose</button>"))
            let form = try #require(html.range(of: #"action="[^"]*/doses""#, options: .regularExpression).map { String(html[$0.lowerBound...].prefix(1200)) })
            let options = form.matches(of: /<option value="([0-9A-F-]{36})">([^<]*)</).map { (String($0.1), String($0.2)) }
            #expect(options.count == 1 && options.first?.1 == "zoledronic acid, started 2026-08-01", "only the bone-modifying agent, in words: \(options)")
            let zid = try #require(options.first?.0)
            for day in ["2026-08-01", "2026-10-24"] {
                #expect(try await b.post("/patients/\(id)/doses", [("medication_id", zid), ("date", day)]).status == .seeOther)
            }
            page = try await b.get("/patients/\(id)")
            #expect(page.body.string.contains("zoledronic acid (active); 2 doses recorded, the latest on 2026-10-24"))
            let c = try await b.json(.GET, "/api/v1/patients/\(id)/case")
            let z = c.json?["document"]?["medications"]?.arrayValue?.first { $0["agent"] == "zoledronic_acid" }
            #expect(z?["dose_dates"] == ["2026-08-01", "2026-10-24"] && z?["last_dose_date"] == nil)  // the rows hold the doses
            let rules = try await CaseStore(db: app.db).patientCase(patientID: try #require(UUID(uuidString: id))).0
            #expect(rules.medications?.first { $0.agent == .zoledronicAcid }?.lastDoseDate == Day("2026-10-24"))

            // Today is 2026-11-26 in the harness.
            let later = try await b.post("/patients/\(id)/doses", [("medication_id", zid), ("date", "2026-11-27")])
            #expect(later.status == .unprocessableEntity && later.body.string.contains("cannot be dated after today"))
            #expect(later.body.string.contains(#"value="2026-11-27""#), "what was typed is kept")
            let twice = try await b.post("/patients/\(id)/doses", [("medication_id", zid), ("date", "2026-10-24")])
            #expect(twice.status == .unprocessableEntity && twice.body.string.contains("already recorded"))
            let otherPage = try await b.get("/patients/\(other)").body.string
            let foreign = try #require(otherPage.firstMatch(of: /<option value="([0-9A-F-]{36})">denosumab/).map { String($0.1) })
            let wrong = try await b.post("/patients/\(id)/doses", [("medication_id", foreign), ("date", "2026-10-01")])
            #expect(wrong.status == .unprocessableEntity && wrong.body.string.contains("bone-modifying agents."))
            #expect(try await b.post("/patients/\(id)/doses", [("medication_id", zid), ("date", "")]).status == .unprocessableEntity)
            let pid = try #require(UUID(uuidString: id))
            let letrozole = try #require(try await CaseStore(db: app.db).records(patientID: pid).medications.first { $0.name == "letrozole" }?.id)
            #expect(try await b.post("/patients/\(id)/doses", [("medication_id", letrozole.uuidString), ("date", "2026-10-01")]).status == .unprocessableEntity)
            #expect(try await CaseStore(db: app.db).records(patientID: try #require(UUID(uuidString: id))).doses.count == 2)
            let audit = try await AuditLog(db: app.db).entries(limit: 100)
            #expect(audit.filter { $0.object.hasSuffix("/doses") && $0.action == "create" }.count >= 2)
        }
    }

    static func hidden(_ name: String, in html: String) -> String? {
        guard let r = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        let rest = html[r.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

extension JSONValue {
    var objectKeys: [String] {
        if case .object(let pairs) = self { return pairs.map(\.0) }
        return []
    }
}
