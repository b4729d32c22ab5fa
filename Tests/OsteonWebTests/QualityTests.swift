import Foundation
import Fluent
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// The quality dashboard: aggregate figures for quality staff (no patient page, no identifier), the same
/// figures for clinicians with a drill-down to their own patients, exports, and the facts it is built on.
@Suite struct QualityTests {
    /// Two breast cancer patients with bone metastases detected 2026-11-10 (the worked example): "Ada Own"
    /// on the clinician's care team, died 2026-11-24; "Oscar Other" on nobody's, alive.
    static func setUp(_ app: Application) async throws -> (own: UUID, other: UUID) {
        let url = repositoryRoot.appendingPathComponent("examples/cases/breast-femur-spine.json")
        var ids: [UUID] = []
        for (n, (name, died)) in [("Ada Own", "2026-11-24"), ("Oscar Other", nil)].enumerated() {
            var c = try CaseReader.read(try JSONValue.parse(Data(contentsOf: url))).patientCase
            c.patientID = "QUAL-\(n)"
            c.patient.deceasedOn = died.flatMap(Day.init)
            ids.append(try await CaseStore(db: app.db).importCase(c, name: name).requireID())
        }
        try await joinCareTeam(app, patientID: ids[0])
        try await addColleague(app, "qa", specialty: nil, role: "quality", name: "Quinn Quality")
        return (ids[0], ids[1])
    }

    @Test("a death recorded in the case reaches the stored outcome facts the dashboard reads")
    func storedFacts() async throws {
        try await withOsteon { app in
            let (own, other) = try await Self.setUp(app)
            try await SummaryStore(db: app.db).refresh(today: Day("2026-11-26")!)
            let (rows, waiting) = try await SummaryStore(db: app.db).outcomes()
            #expect(waiting == 0 && rows.count == 2)
            let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.patientID, $0.read) })
            guard case .included(let dead)? = byID[own], case .included(let alive)? = byID[other] else {
                Issue.record("both patients belong to the cohort: \(rows)")
                return
            }
            #expect(dead.died && dead.end == Day("2026-11-24")! && dead.index == Day("2026-11-10")!)
            #expect(!alive.died && alive.end == Day("2026-11-20")!)
        }
    }

    @Test("a quality account sees the figures and no patient: no name, no hospital number, no patient link; every patient page refused")
    func qualityRole() async throws {
        try await withOsteon { app in
            let (own, _) = try await Self.setUp(app)
            let b = Browser(app)
            #expect(try await b.signIn(username: "qa").status == .seeOther)
            let page = try await b.get("/quality")
            #expect(page.status == .ok)
            let html = page.body.string
            for expected in ["Overall survival", "<svg", "numbers at risk", "Bone-modifying agent started within 90 days"] {
                #expect(html.contains(expected), "dashboard shows \(expected)")
            }
            for hidden in ["Ada Own", "Oscar Other", "QUAL-0", "QUAL-1", "/patients/", own.uuidString, "/quality/measures/"] {
                #expect(!html.contains(hidden), "a quality account never sees \(hidden)")
            }
            // Clinicians' words: no key or snake_case in the text a person reads.
            let text = html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
            #expect(text.range(of: "[a-z0-9]+_[a-z0-9_]+", options: .regularExpression) == nil, "snake_case on the dashboard")
            #expect(try await b.get("/patients").location == "/quality")
            #expect(try await b.get("/patients/\(own)").location == "/quality")
            #expect(try await b.get("/quality/measures/bma_within_90_days").location == "/quality")
            #expect(try await b.json(.GET, "/api/v1/patients/\(own)").status == .forbidden)
            #expect(try await b.json(.GET, "/api/v1/patients").status == .forbidden)
            let audit = try await AuditLog(db: app.db).entries(limit: 50)
            #expect(audit.contains { $0.object.contains("/quality") && $0.actor == "qa" && $0.patientID == nil })
            // The refused patient pages are in the log as refused; nothing about a patient was shown.
            #expect(audit.contains { $0.actor == "qa" && $0.patientID == own && $0.outcome == "denied" })
            #expect(!audit.contains { $0.actor == "qa" && $0.patientID != nil && $0.outcome != "denied" })
        }
    }

    @Test("a clinician drills from a measure to their own patients only, and each one shown is audited")
    func drillDown() async throws {
        try await withOsteon { app in
            let (own, other) = try await Self.setUp(app)
            let b = Browser(app)
            _ = try await b.signIn()
            #expect(try await b.get("/patients/\(own)").body.string.contains("<strong>died 2026-11-24</strong>"))
            let dashboard = try await b.get("/quality").body.string
            #expect(dashboard.contains(#"href="/quality/measures/bma_within_90_days""#))
            let res = try await b.get("/quality/measures/bma_within_90_days")
            #expect(res.status == .ok)
            let html = res.body.string
            // The example takes letrozole and no bone-modifying agent: followed 10 days, no agent → left out (fewer than 90 days).
            #expect(html.contains("Ada Own") && html.contains("/patients/\(own)"))
            #expect(html.contains("fewer than 90 days of follow-up"))
            #expect(!html.contains("Oscar Other") && !html.contains(other.uuidString))
            #expect(html.contains("1 other patients in the cohort are not in your care teams or boards"))
            let audit = try await AuditLog(db: app.db).entries(limit: 50)
            #expect(audit.contains { $0.object.contains("/quality/measures/") && $0.patientID == own })
            #expect(!audit.contains { $0.patientID == other })
            #expect(try await b.get("/quality/measures/no_such_measure").status == .notFound)
        }
    }

    @Test("a measure of radiotherapy courses shows one result per course; the sarcoma measure lists a patient outside the cohort")
    func coursesAndSarcoma() async throws {
        try await withOsteon { app in
            let url = repositoryRoot.appendingPathComponent("examples/cases/breast-femur-spine.json")
            var c = try CaseReader.read(try JSONValue.parse(Data(contentsOf: url))).patientCase
            c.patientID = "QUAL-RT"
            var first = RadiotherapyCourse(), again = RadiotherapyCourse()
            (first.lesionID, first.doseGy, first.fractions, first.date) = ("L2", 8, 1, Day("2026-11-15"))
            (again.lesionID, again.doseGy, again.fractions, again.date) = ("L2", 8, 1, Day("2026-11-22"))
            c.radiotherapy = [first, again]
            let rt = try await CaseStore(db: app.db).importCase(c, name: "Rhea Course").requireID()
            let sarcoma = try CaseReader.read(try JSONValue.parse(#"""
                {"patient_id": "QUAL-OS", "patient": {"sex": "male", "birth_date": "2010-05-01"},
                 "cancers": [{"primary_site": "osteosarcoma", "diagnosis_date": "2026-10-20"}],
                 "lesions": [{"id": "L1", "bone": "femur", "origin": "primary", "detected_date": "2026-10-01"}],
                 "surgeries": [{"kind": "biopsy", "lesion_id": "L1", "date": "2026-10-15"}],
                 "referrals": [{"specialty": "sarcoma_centre", "date": "2026-10-25"}]}
                """#)).patientCase
            let os = try await CaseStore(db: app.db).importCase(sarcoma, name: "Otto Sarcoma").requireID()
            for id in [rt, os] { try await joinCareTeam(app, patientID: id) }
            let b = Browser(app)
            _ = try await b.signIn()
            let dashboard = try await b.get("/quality").body.string
            for id in ["single_fraction_or_short_course_rt", "mscc_mri_within_24h", "sarcoma_referral_before_biopsy"] {
                #expect(dashboard.contains(#"href="/quality/measures/\#(id)""#), "\(id) on the dashboard")
            }
            let courses = try await b.get("/quality/measures/single_fraction_or_short_course_rt").body.string
            #expect(courses.contains("Rhea Course") && courses.contains("Course 1") && courses.contains("Course 2"))
            #expect(courses.contains("previous radiotherapy to the site") && courses.contains("eligible radiotherapy courses"))
            let page = try await b.get("/quality/measures/sarcoma_referral_before_biopsy")
            #expect(page.status == .ok)
            let html = page.body.string
            // Biopsied 2026-10-15, referred 2026-10-25: not met; he has no bone metastasis, so he is not in the cohort.
            #expect(html.contains("Otto Sarcoma") && html.contains("/patients/\(os)") && html.contains("2026-10-15") && html.contains("Not met"))
            #expect(html.contains("0 of 1 eligible patients"))
            let text = html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
            #expect(text.range(of: "[a-z0-9]+_[a-z0-9_]+", options: .regularExpression) == nil, "snake_case on the page")
            let audit = try await AuditLog(db: app.db).entries(limit: 50)
            #expect(audit.contains { $0.object.contains("/quality/measures/sarcoma") && $0.patientID == os })
        }
    }

    @Test("exports: the measures as CSV and as FHIR MeasureReports, with small counts hidden on request")
    func exports() async throws {
        try await withOsteon { app in
            _ = try await Self.setUp(app)
            let b = Browser(app)
            _ = try await b.signIn(username: "qa")
            let csv = try await b.get("/quality/measures.csv")
            #expect(csv.status == .ok && csv.headers.contentType?.subType == "csv")
            #expect(csv.body.string.hasPrefix("measure,title,numerator,denominator,rate,left_out_reason,left_out,citation\n"))
            #expect(csv.body.string.contains("bma_within_90_days"))
            let hidden = try await b.get("/quality/measures.csv?suppress=11").body.string
            #expect(hidden.contains("suppressed") && !hidden.contains(",2,"))
            #expect(try await b.get("/quality/measures.csv?suppress=1").status == .badRequest)
            let report = try await b.get("/quality/measure-report.json")
            #expect(report.status == .ok && report.headers.contentType?.subType == "fhir+json")
            let bundle = try JSONValue.parse(Data(report.body.readableBytesView))
            #expect(bundle["resourceType"] == "Bundle")
            #expect(bundle["entry"]?.arrayValue?.first?["resource"]?["resourceType"] == "MeasureReport")
        }
    }

    @Test("the patient form records a date of death, and a date it cannot read is an error on that field, never dropped")
    func dateOfDeathOnTheForm() {
        let (_, document, errors) = PatientController.readPatientForm(["name": "D", "external_id": "D-1", "deceased_on": "2026-11-24"], today: Day("2026-12-01")!)
        #expect(errors.isEmpty && document["patient"]?["deceased_on"] == "2026-11-24")
        let (_, _, bad) = PatientController.readPatientForm(["name": "D", "external_id": "D-1", "deceased_on": "24/11/2026"], today: Day("2026-12-01")!)
        #expect(bad["deceased_on"] != nil)
    }

    @Test("the header names the role in words, never its key (a navigator saw \"nurse_navigator\")")
    func roleInWords() async throws {
        try await withOsteon { app in
            try await addColleague(app, "nav", specialty: nil, role: "nurse_navigator", name: "Nurse N")
            let b = Browser(app)
            _ = try await b.signIn(username: "nav")
            let html = try await b.get("/patients").body.string
            #expect(html.contains("Signed in as Nurse N (nurse navigator)"))
            #expect(!html.contains("nurse_navigator"))
        }
    }
}

/// The drill-down and the dashboard at a site's size: a page of patients at a time (only those shown are read and
/// audited), and the report kept until a stored fact changes.
@Suite struct QualityScaleTests {
    @Test("a measure's patients come 50 to a page, not met first; only the page's patients are audited; a bad page is a clear error")
    func pages() async throws {
        try await withOsteon { app in
            let url = repositoryRoot.appendingPathComponent("examples/cases/breast-femur-spine.json")
            var ids: [UUID] = []
            for n in 0..<61 {
                var c = try CaseReader.read(try JSONValue.parse(Data(contentsOf: url))).patientCase
                c.patientID = "PAGE-\(n)"
                // One patient started zoledronic acid in the window (met); the others are left out (followed 10 days, no agent).
                if n == 60 {
                    var z = Medication()
                    (z.agent, z.medicationClass, z.status, z.startDate) = (.zoledronicAcid, .boneModifyingAgent, .active, Day("2026-11-12"))
                    c.medications = (c.medications ?? []) + [z]
                }
                let id = try await CaseStore(db: app.db).importCase(c, name: "Page Patient \(n)").requireID()
                try await joinCareTeam(app, patientID: id)
                ids.append(id)
            }
            let b = Browser(app)
            _ = try await b.signIn()
            let first = try await b.get("/quality/measures/bma_within_90_days").body.string
            func rows(_ html: String) -> [String] { html.matches(of: /<tr><td><a href="\/patients\/([0-9A-F-]{36})">/).map { String($0.1) } }
            #expect(rows(first).count == 50)
            #expect(rows(first).first == ids[60].uuidString, "the one patient met comes before the 60 left out")
            #expect(first.contains("1–50 of 61") && first.contains(#"href="/quality/measures/bma_within_90_days?page=2""#) && first.contains("Page 1 of 2"))
            let second = try await b.get("/quality/measures/bma_within_90_days?page=2").body.string
            #expect(rows(second).count == 11 && second.contains("51–61 of 61") && second.contains("Previous page") && !second.contains("Next page"))
            #expect(Set(rows(first)).isDisjoint(with: rows(second)) && Set(rows(first) + rows(second)).count == 61)
            #expect(try await b.get("/quality/measures/bma_within_90_days?page=0").status == .badRequest)
            #expect(try await b.get("/quality/measures/bma_within_90_days?page=two").status == .badRequest)
            // Each page audits the patients it shows, and no other.
            let audit = try await AuditLog(db: app.db).entries(limit: 1000).filter { $0.object.contains("/quality/measures/") && $0.patientID != nil }
            #expect(Set(audit.compactMap(\.patientID)) == Set(ids))
            #expect(audit.count == 61, "each patient shown once, on its page: \(audit.count)")
        }
    }

    @Test("the dashboard's figures follow every change to a record: the kept report is computed again when a fact changes")
    func keptReportFollowsChanges() async throws {
        try await withOsteon { app in
            _ = try await QualityTests.setUp(app)
            let b = Browser(app)
            _ = try await b.signIn()
            let today = Day("2026-11-26")!, summaries = SummaryStore(db: app.db)
            let before = try await b.get("/quality").body.string
            let stamp = try await summaries.outcomeStamp(today: today)
            let kept = try #require(app.outcomeReports.report(stamp: stamp), "the report is kept after a view")
            #expect(kept.0.overall.n == 2 && kept.0.overall.events == 1)
            #expect(try await b.get("/quality").body.string == before)
            // Oscar Other dies: a change to his record reaches the figures at once.
            let other = try #require(try await PatientRecord.query(on: app.db).filter(\PatientRecord.$externalID == "QUAL-1").first()).requireID()
            let record = try await CaseStore(db: app.db).caseRecord(patientID: other)
            guard case .object(var pairs) = try JSONValue.parse(record.document) else { Issue.record("no document"); return }
            pairs.removeAll { $0.0 == "patient" }
            pairs.append(("patient", .object([("sex", "male"), ("deceased_on", "2026-11-22")])))
            _ = try await CaseStore(db: app.db).updateDocument(caseID: try record.requireID(), expectedVersion: record.version, .object(pairs))
            let after = try await b.get("/quality").body.string
            #expect(after != before)
            let now = try await summaries.outcomeStamp(today: today)
            #expect(now != stamp)
            let again = try #require(app.outcomeReports.report(stamp: now))
            #expect(again.0.overall.events == 2, "both deaths counted after the change")
            // A new day recomputes every row: the stamp moves with it.
            #expect(try await summaries.outcomeStamp(today: Day("2026-11-27")!) != now)
        }
    }
}
