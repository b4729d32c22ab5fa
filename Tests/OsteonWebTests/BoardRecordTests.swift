import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// "The tumour board's record": each finding of the issue, tried through the
/// pages as a board would.
@Suite struct BoardRecordTests {
    /// An example case imported for the test clinician's care team, with its JSON changed first.
    static func importExample(_ app: Application, _ file: String, external: String, name: String,
                              _ change: (JSONValue) -> JSONValue = { $0 }) async throws -> String {
        let json = try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/\(file).json")))
        var c = try CaseReader.read(change(json)).patientCase
        c.patientID = external
        let p = try await CaseStore(db: app.db).importCase(c, name: name)
        try await joinCareTeam(app, patientID: p.requireID())
        return try p.requireID().uuidString
    }

    /// The same JSON object with some keys replaced.
    static func with(_ base: JSONValue, _ changes: [(String, JSONValue)]) -> JSONValue {
        guard case .object(var pairs) = base else { return base }
        for (key, value) in changes {
            if let i = pairs.firstIndex(where: { $0.0 == key }) { pairs[i].1 = value } else { pairs.append((key, value)) }
        }
        return .object(pairs)
    }

    static func meeting(_ b: Browser, date: String, title: String = "Bone board") async throws -> String {
        try await b.get("/board")
        let res = try await b.post("/board", [("title", title), ("date", date)])
        #expect(res.status == .seeOther)
        return try #require(res.location)
    }

    static func itemID(_ app: Application, _ meeting: String) async throws -> UUID {
        let mid = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
        return try #require(try await BoardStore(db: app.db).agenda(meetingID: mid).first?.requireID())
    }

    @Test("a case with suspected cord compression is refused for a meeting days away unless its interim handling is written; emergencies come first")
    func emergencyFirst() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let calm = try await PatientPageTests.createPatient(b)
            let cord = try await Self.importExample(app, "prostate-cord-compression", external: "H-CORD", name: "Carl Cord")
            // Today is 2026-11-26 in the harness.
            let later = try await Self.meeting(b, date: "2026-11-30")
            #expect(try await b.post("\(later)/agenda", [("patient_id", calm), ("question", "Routine review")]).status == .seeOther)
            let refused = try await b.post("\(later)/agenda", [("patient_id", cord), ("question", "Decompression or RT?")])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(page.contains("cannot wait for a meeting on 2026-11-30"))
            #expect(page.contains("value=\"Decompression or RT?\""))  // what was typed is kept
            #expect(page.contains("<nav"))
            let noted = try await b.post("\(later)/agenda", [("patient_id", cord), ("question", "Decompression or RT?"),
                                                           ("emergency_note", "Dexamethasone started; urgent MRI and spinal surgeon today")])
            #expect(noted.status == .seeOther)
            let agenda = try await b.get(later).body.string
            #expect(agenda.contains("Handled outside the board meanwhile"))
            let cordAt = try #require(agenda.range(of: "Carl Cord")?.lowerBound)
            let calmAt = try #require(agenda.range(of: "Ana Test (H-100)")?.lowerBound ?? agenda.range(of: "Ana Test")?.lowerBound)
            #expect(cordAt < calmAt, "the emergency is first though added second")
            #expect(agenda.contains("badge-emergency"))
            #expect(agenda.contains("alert-emergency"))

            // Tomorrow's meeting takes it without a note.
            let tomorrow = try await Self.meeting(b, date: "2026-11-27", title: "Tomorrow")
            #expect(try await b.post("\(tomorrow)/agenda", [("patient_id", cord)]).status == .seeOther)

            // The MRI resolves the alert, which stays with the record that resolved it.
            try await b.post("/patients/\(cord)/imaging", [("modality", "mri"), ("region", "whole spine"), ("date", "2026-11-26")])
            let resolved = try await b.get(tomorrow).body.string
            #expect(resolved.contains("Resolved by MRI of the whole spine on 2026-11-26"))
        }
    }

    @Test("opinions by people: the author's specialty, one per author, on behalf of a named absent colleague; sign-off needs a reason for a missing required opinion")
    func peopleNotSpecialties() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await addColleague(app, "rad", specialty: .radiology, name: "Dr Rae Diology")
            try await addColleague(app, "nobody", specialty: nil, name: "Dr No Specialty")
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            for name in ["rad", "nobody"] { try await b.post("\(meeting)/members", [("username", name)]) }
            let item = try await Self.itemID(app, meeting)

            try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", ""), ("text", "First view")])
            try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", ""), ("text", "Second view")])
            try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", "rad"), ("text", "Lytic, 70% cortex")])
            let opinions = try await BoardStore(db: app.db).opinions(itemID: item)
            #expect(opinions.count == 2, "one opinion per author")
            #expect(opinions.first { $0.author == "Dr Test" }?.specialty == "medical_oncology")
            #expect(opinions.first { $0.author == "Dr Test" }?.text == "Second view")
            let rad = try #require(opinions.first { $0.author == "Dr Rae Diology" })
            #expect(rad.specialty == "radiology")
            #expect(rad.recordedBy == "Dr Test")
            let page = try await b.get(meeting).body.string
            #expect(page.contains("Dr Rae Diology (recorded by Dr Test on their behalf)"))
            // A form cannot make anyone a radiologist.
            #expect(try await b.post("\(meeting)/items/\(item)/opinions", [("specialty", "radiology"), ("text", "x")]).status == .seeOther)
            #expect(try await BoardStore(db: app.db).opinions(itemID: item).filter { $0.specialty == "radiology" }.count == 1)
            let none = try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", "nobody"), ("text", "Anything")])
            #expect(none.status == .unprocessableEntity)
            #expect(none.body.string.contains("has no board specialty"))
            #expect(none.body.string.contains("Anything"))

            // Any number of tasks, each with a named owner and a typed due date.
            var rows: [(String, String)] = [("consensus", "Radiotherapy 20 Gy in 5 fractions")]
            for n in 1...5 { rows += [("task\(n)_title", "Task \(n)"), ("task\(n)_owner", n.isMultiple(of: 2) ? "rad" : "clin"), ("task\(n)_due", "in \(n) weeks")] }
            #expect(try await b.post("\(meeting)/items/\(item)/decision", rows).status == .seeOther)
            let tasks = try await BoardStore(db: app.db).tasks(caseID: CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: pid))).requireID())
            #expect(tasks.count == 5)
            #expect(tasks.first { $0.title == "Task 2" }?.owner == "Dr Rae Diology")
            #expect(tasks.first { $0.title == "Task 1" }?.dueOn == "2026-12-03")

            // Surgery and radiation oncology are still missing (radiology and medical oncology gave theirs).
            let refused = try await b.post("\(meeting)/items/\(item)/signoff", [])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Orthopaedic oncology or Spine surgery"))
            #expect(refused.body.string.contains("Radiation oncology"))
            #expect(try await BoardStore(db: app.db).snapshot(itemID: item) == nil)
            #expect(try await b.post("\(meeting)/items/\(item)/signoff", [("missing_opinions_reason", "Surgeon reviewed by phone; RT booked")]).status == .seeOther)
            let signed = try await b.get(meeting).body.string
            #expect(signed.contains("Signed without"))
            #expect(signed.contains("Surgeon reviewed by phone; RT booked"))
        }
    }

    @Test("a refused consensus form comes back whole: the typed text, each message beside its field, the menu")
    func nothingTypedIsLost() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            let res = try await b.post("\(meeting)/items/\(item)/decision", [
                ("consensus", "Nail the femur, then 8 Gy"), ("task1_title", "Nail"), ("task1_owner", "clin"), ("task1_due", "next blursday"),
                ("task2_title", "Dental check"), ("task2_owner", ""), ("task2_due", "tomorrow"),
                ("plan_radiotherapy", "a lot"),
            ])
            #expect(res.status == .unprocessableEntity)
            let page = res.body.string
            #expect(page.contains("Nail the femur, then 8 Gy"))
            #expect(page.contains("value=\"next blursday\""))
            #expect(page.contains("&#39;next blursday&#39; is not a date") || page.contains("'next blursday' is not a date"))
            #expect(page.contains("Choose who owns this task."))
            #expect(page.contains("Give the course as total dose and fractions"))
            #expect(page.contains("<nav"))
            #expect(try await BoardStore(db: app.db).decision(itemID: item) == nil, "nothing half-saved")
        }
    }

    @Test("the signed record is frozen: a lab added after sign-off shows as a change notice, never in the signed plan; corrections are addenda; the print carries name, number, time zone and hash")
    func frozenSignOff() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await Self.importExample(app, "breast-femur-spine", external: "H-FROZEN", name: "Freda Frozen")
            let meeting = try await Self.meeting(b, date: "2026-11-27")
            #expect(try await b.post("\(meeting)/agenda", [("patient_id", pid), ("emergency_note", "Seen in clinic today")]).status == .seeOther)
            let item = try await Self.itemID(app, meeting)
            #expect(try await b.post("\(meeting)/attendance", [("attended_clin", "on")]).status == .seeOther)
            try await b.post("\(meeting)/items/\(item)/opinions", [("text", "Zoledronic acid 4 mg")])
            try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Zoledronic acid; 8 Gy in 1 fraction"), ("plan_radiotherapy", "8 Gy in 1 fraction"),
                                                                 ("plan_bone_medicine", "zoledronic_acid")])
            #expect(try await b.post("\(meeting)/items/\(item)/signoff", [("missing_opinions_reason", "Quorum by phone")]).status == .seeOther)
            let snapshot = try #require(try await BoardStore(db: app.db).snapshot(itemID: item))
            let audit = try await AuditLog(db: app.db).entries(limit: 50)
            #expect(audit.contains { $0.action == "sign_off" && $0.object.contains(snapshot.sha256) })
            let before = try await b.get(meeting).body.string
            #expect(before.contains("Present: Dr Test"))
            #expect(!before.contains("Facts changed since sign-off"))

            try await b.post("/patients/\(pid)/labs", [("test", "creatinine"), ("value", "2.4"), ("unit", "mg/dL"), ("date", "2026-11-26")])
            let after = try await b.get(meeting).body.string
            #expect(after.contains("Facts changed since sign-off"))
            #expect(after.contains("creatinine"))
            #expect(after.contains("Zoledronic acid; 8 Gy in 1 fraction"))
            #expect(try await BoardStore(db: app.db).snapshot(itemID: item)?.document == snapshot.document)
            #expect(try await AuditLog(db: app.db).verify().ok)

            let noReason = try await b.post("\(meeting)/items/\(item)/addenda", [("addendum_reason", ""), ("addendum_text", "Hold the dose: creatinine 2.4")])
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("Hold the dose: creatinine 2.4"))
            #expect(try await b.post("\(meeting)/items/\(item)/addenda", [("addendum_reason", "Renal function fell"), ("addendum_text", "Hold the dose: creatinine 2.4")]).status == .seeOther)
            let withAddendum = try await b.get(meeting).body.string
            #expect(withAddendum.contains("Renal function fell"))
            #expect(withAddendum.contains("Dr Test"))

            let print = try await b.get("\(meeting)/items/\(item)/print")
            #expect(print.status == .ok)
            let text = print.body.string
            #expect(text.contains("Freda Frozen") && text.contains("H-FROZEN"))
            #expect(text.contains(snapshot.sha256))
            #expect(text.contains(TimeZone.current.identifier))
            #expect(!text.contains("T00:") && !text.contains("Z</"), "no ISO UTC timestamps")
            #expect(text.contains("Hold the dose: creatinine 2.4"))
        }
    }

    @Test("before the meeting: data still needed, imaging older than the meeting's limit, missing opinions; settings are the creator's")
    func readiness() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await Self.importExample(app, "prostate-staging-bone-scan", external: "H-READY", name: "Ray Ready")
            let meeting = try await Self.meeting(b, date: "2026-11-27")
            try await b.post("\(meeting)/agenda", [("patient_id", pid), ("emergency_note", "n/a")])
            let bad = try await b.post("\(meeting)/settings", [("imaging_max_age_days", "lots"), ("contact", "Bone team 0123 456")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Give a number of days between 1 and 3650."))
            #expect(try await b.post("\(meeting)/settings", [("imaging_max_age_days", "3650"), ("required_radiology", "on"),
                                                             ("contact", "Bone team 0123 456")]).status == .seeOther)
            let page = try await b.get(meeting).body.string
            #expect(page.contains("Not ready yet"))
            #expect(page.contains("Opinion still needed: Radiology"))
            #expect(!page.contains("Opinion still needed: Medical oncology"), "only radiology is required now")
            #expect(!page.contains("Imaging older than"))
            try await b.post("/patients/\(pid)/imaging", [("modality", "ct"), ("region", "chest abdomen pelvis"), ("date", "2026-10-01")])
            #expect(try await b.post("\(meeting)/settings", [("imaging_max_age_days", "30"), ("required_radiology", "on")]).status == .seeOther)
            let stale = try await b.get(meeting).body.string
            #expect(stale.contains("Imaging older than 30 days before the meeting: CT chest abdomen pelvis of 2026-10-01"))

            // Someone who did not create the meeting cannot change its settings.
            try await addColleague(app, "other", specialty: .radiology)
            try await b.post("\(meeting)/members", [("username", "other")])
            let o = Browser(app)
            try await o.get("/login")
            try await o.post("/login", [("username", "other"), ("password", testPassword), ("next", "/board")])
            try await o.get(meeting)
            #expect(try await o.post("\(meeting)/settings", [("imaging_max_age_days", "365")]).status == .forbidden)
        }
    }

    @Test("after sign-off the patient guide follows the decision: the course chosen, the meeting's contact, the team's names, never advice a fact forbids")
    func guideAfterSignOff() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            // Cord compression, an impending femoral fracture and a corrected calcium of 12.4 (the issue's patient).
            let pid = try await Self.importExample(app, "prostate-cord-compression", external: "H-GUIDE", name: "Gus Guide") { json in
                var j = Self.with(json, [("labs", .array((json["labs"]?.arrayValue ?? []).map { $0["test"] == "calcium" ? Self.with($0, [("value", 12.4)]) : $0 }))])
                j = Self.with(j, [("lesions", .array((j["lesions"]?.arrayValue ?? []) + [["id": "L2", "bone": "femur", "region": "peritrochanteric", "origin": "metastasis",
                                                                                    "phenotype": "lytic", "size_fraction": 0.7, "pain": "functional"]]))])
                return j
            }
            let before = try await b.get("/patients/\(pid)/handout").body.string
            #expect(before.contains("has not met about this yet"))
            let meeting = try await Self.meeting(b, date: "2026-11-27")
            try await b.post("\(meeting)/settings", [("contact", "the bone nurse on 020 7946 0000"), ("required_radiology", "on")])
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            try await b.post("\(meeting)/items/\(item)/decision", [
                ("consensus", "Decompression, then 20 Gy in 5 fractions; PSMA PET"), ("plan_radiotherapy", "20 Gy in 5 fractions"), ("scan_psma_pet", "on"),
                ("plan_surgery", "decompression"), ("plan_bone_medicine", "denosumab"),
                ("task1_title", "Radiotherapy planning visit"), ("task1_owner", "clin"), ("task1_due", "2026-12-03"),
            ])
            #expect(try await b.post("\(meeting)/items/\(item)/signoff", [("missing_opinions_reason", "Radiology reported in writing")]).status == .seeOther)
            let guide = try await b.get("/patients/\(pid)/handout").body.string
            #expect(guide.contains("agreed on a plan"))
            #expect(guide.contains("5 visits"))
            #expect(!guide.contains("one visit"))
            #expect(!guide.contains("bone scan"))
            #expect(guide.contains("operation on your spine"))
            #expect(guide.contains("020 7946 0000"))
            #expect(guide.contains("Dr Test"))
            #expect(guide.contains("By \(HandoutWriter.spoken(Day("2026-12-03")!)): Radiotherapy planning visit"))
            #expect(!guide.contains("Walking is good"))
            #expect(!guide.contains("Take calcium and vitamin D"))
        }
    }

    @Test("the navigator's dashboard: open tasks of their patients and meetings, overdue first, others' patients never shown")
    func navigatorDashboard() async throws {
        try await withOsteon { app in
            try await addColleague(app, "nav", specialty: nil, role: "nurse_navigator", name: "Nurse Nell")
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await joinCareTeam(app, patientID: try #require(UUID(uuidString: pid)), username: "nav")
            try await addColleague(app, "elsewhere", specialty: .radiology)
            let hidden = try await PenTestTests.patient(app, owner: "elsewhere", external: "H-HIDDEN")
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            try await b.post("\(meeting)/members", [("username", "nav")])
            let item = try await Self.itemID(app, meeting)
            try await b.post("\(meeting)/items/\(item)/decision", [
                ("consensus", "Plan"),
                ("task1_title", "Book radiotherapy"), ("task1_owner", "nav"), ("task1_due", "2026-12-10"),
                ("task2_title", "Dental check"), ("task2_owner", "clin"), ("task2_due", "yesterday"),
                ("task3_title", "Call the family"), ("task3_owner", "nav"), ("task3_due", "in 3 days"),
            ])
            // A task of a patient outside the navigator's teams and meetings.
            let hiddenCase = try await CaseStore(db: app.db).caseRecord(patientID: hidden)
            let other = try await BoardStore(db: app.db).createMeeting(title: "Other", scheduledOn: "2026-12-01", location: nil)
            let otherItem = try await BoardStore(db: app.db).addToAgenda(meetingID: other.requireID(), caseID: hiddenCase.requireID(), question: "Plan")
            _ = try await BoardStore(db: app.db).recordDecision(itemID: otherItem.requireID(), consensus: "x", recordedBy: "x",
                                                               tasks: [.init(title: "Secret task", owner: "x", dueOn: "2026-11-01")])

            let n = Browser(app)
            try await n.get("/login")
            try await n.post("/login", [("username", "nav"), ("password", testPassword), ("next", "/tasks")])
            let page = try await n.get("/tasks").body.string
            #expect(page.contains("<strong>1 overdue</strong>, 1 due within a week"))
            let order = ["Dental check", "Call the family", "Book radiotherapy"].map { page.range(of: $0)?.lowerBound }
            #expect(order.allSatisfy { $0 != nil })
            #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "overdue, then soonest")
            #expect(page.contains("Overdue"))
            #expect(!page.contains("Secret task"))
            #expect(page.contains("Ana Test"))
            let mine = try await n.get("/tasks?mine=1").body.string
            #expect(!mine.contains("Dental check") && mine.contains("Book radiotherapy"))
            let trail = try await AuditLog(db: app.db).entries(limit: 5)
            #expect(trail.contains { $0.actor == "nav" && $0.patientID == UUID(uuidString: pid) }, "\(trail.map { "\($0.actor) \($0.action) \($0.object) \($0.patientID?.uuidString ?? "-")" })")

            let patientID = try #require(UUID(uuidString: pid))
            let caseID = try await CaseStore(db: app.db).caseRecord(patientID: patientID).requireID()
            let open = try await BoardStore(db: app.db).openTasks(caseIDs: [caseID])
            let task = try #require(open.first { $0.title == "Dental check" })
            let done = try await n.post("/patients/\(pid)/tasks/\(try task.requireID())/done", [("next", "/tasks")])
            #expect(done.location == "/tasks")
            #expect(!(try await n.get("/tasks").body.string.contains("Dental check")))
        }
    }

    static func unescapeHTML(_ s: String) -> String {
        s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test("a form sent after the session expired keeps its text through sign-in and lands back on its page with the values in place, not saved")
    func expiredSessionKeepsTheForm() async throws {
        let clock = TestClock()
        try await withOsteon(sessionTimeout: 60, clock: clock.wall) { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            try await b.get(meeting)
            clock.advance(120)  // the chair types for two minutes; the session lasts one
            let typed = "Nail the femur first, then 8 Gy in 1 fraction \"as agreed\" <today>"
            let form = [("consensus", typed), ("task1_title", "Book theatre"), ("task1_due", "tomorrow"), ("_csrf", b.csrf)]
                .map { "\(Browser.escape($0.0))=\(Browser.escape($0.1))" }.joined(separator: "&")
            let res = try await b.send(.POST, "\(meeting)/items/\(item)/decision",
                                       headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Sec-Fetch-Site": "same-origin"],
                                       body: ByteBuffer(string: form))
            #expect(res.status == .unauthorized)
            let login = res.body.string
            #expect(login.contains("Sign in to Osteon"))
            #expect(login.contains("What you typed is back in the form"))
            #expect(!login.contains("<today>"), "the draft is escaped in the page")
            let draft = try #require(PatientPageTests.hidden("draft", in: login).map(Self.unescapeHTML))
            #expect(!draft.contains("_csrf"))
            #expect(PatientPageTests.hidden("next", in: login) == meeting)
            #expect(try await BoardStore(db: app.db).decision(itemID: item) == nil)

            let signedIn = try await b.post("/login", [("username", "clin"), ("password", testPassword), ("next", meeting), ("draft", draft)])
            #expect(signedIn.location == meeting, "\(signedIn.status) \(signedIn.body.string.prefix(3000))")
            let page = try await b.get(meeting).body.string
            #expect(page.contains(FormDraft.notice))
            #expect(page.contains("Nail the femur first, then 8 Gy in 1 fraction &quot;as agreed&quot; &lt;today&gt;"))
            #expect(page.contains("value=\"Book theatre\""))
            #expect(try await BoardStore(db: app.db).decision(itemID: item) == nil, "shown to check, not sent")
            #expect(!(try await b.get(meeting).body.string.contains(FormDraft.notice)), "once")

            // A cross-site post with an expired cookie cannot plant a draft.
            clock.advance(120)
            let forged = try await b.send(.POST, "\(meeting)/items/\(item)/decision",
                                          headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Origin": "https://evil.example"],
                                          body: ByteBuffer(string: "consensus=planted"))
            #expect(forged.status == .unauthorized)
            #expect(PatientPageTests.hidden("draft", in: forged.body.string) == nil)
            let framed = try await b.send(.POST, "\(meeting)/items/\(item)/decision",
                                          headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Sec-Fetch-Site": "cross-site"],
                                          body: ByteBuffer(string: "consensus=planted"))
            #expect(PatientPageTests.hidden("draft", in: framed.body.string) == nil)
            let ours = try await b.send(.POST, "\(meeting)/items/\(item)/decision",
                                        headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Sec-Fetch-Site": "same-origin",
                                                  "Origin": "null"],
                                        body: ByteBuffer(string: "consensus=kept"))
            #expect(PatientPageTests.hidden("draft", in: ours.body.string)?.contains("kept") == true)
            // Without Fetch Metadata the Origin must be this host and port exactly; a post naming neither keeps nothing.
            for origin in ["http://localhost:9999", "https://evil.example", "http://evil@localhost", "null", nil] as [String?] {
                var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Host": "localhost:8080"]
                if let origin { headers.add(name: .origin, value: origin) }
                let res = try await b.send(.POST, "\(meeting)/items/\(item)/decision", headers: headers, body: ByteBuffer(string: "consensus=planted"))
                #expect(PatientPageTests.hidden("draft", in: res.body.string) == nil, "Origin \(origin ?? "none")")
            }
            let sameHost = try await b.send(.POST, "\(meeting)/items/\(item)/decision",
                                            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html", "Host": "localhost:8080",
                                                      "Origin": "http://localhost:8080"], body: ByteBuffer(string: "consensus=ours"))
            #expect(PatientPageTests.hidden("draft", in: sameHost.body.string)?.contains("ours") == true)
        }
    }

    @Test("a refused lab, medicine, imaging or procedure form comes back with what was typed and the message beside the field, nothing saved")
    func recordFormsKeepTheTypedValues() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(pid)")
            let lab = try await b.post("/patients/\(pid)/labs", [("test", "creatinine"), ("value", "1,4"), ("unit", "mg/dL"), ("date", "2026-11-20")])
            #expect(lab.status == .unprocessableEntity)
            var page = lab.body.string
            #expect(page.contains("<nav"))
            #expect(page.contains("id=\"lab-value\" name=\"value\" inputmode=\"decimal\" value=\"1,4\" required aria-invalid=\"true\""))
            #expect(page.contains("<p class=\"error\" id=\"lab-value-error\">enter a number</p>"))
            #expect(page.contains("<option value=\"creatinine\" selected>"))
            #expect(page.contains("value=\"2026-11-20\""))
            let imaging = try await b.post("/patients/\(pid)/imaging", [("modality", "mri"), ("region", "whole spine"), ("date", "last Tuesday"), ("report", "Cord compression at T10")])
            #expect(imaging.status == .unprocessableEntity)
            page = imaging.body.string
            #expect(page.contains("Cord compression at T10</textarea>"))
            #expect(page.contains("use YYYY-MM-DD"))
            let medicine = try await b.post("/patients/\(pid)/medications", [("name", "zoledronic acid"), ("agent", "zoledronic_acid"), ("dose_mg", "four")])
            #expect(medicine.status == .unprocessableEntity)
            #expect(medicine.body.string.contains("enter a number"))
            #expect(medicine.body.string.contains("value=\"zoledronic acid\""))
            let (_, _, records) = try await CaseStore(db: app.db).patientCase(patientID: try #require(UUID(uuidString: pid)))
            #expect(records.labs.isEmpty && records.imaging.isEmpty && records.medications.isEmpty)
        }
    }

    // The security review of this change (helper probe), one regression test per finding.

    @Test("on behalf of: only an active clinician or navigator who is a member; never over a colleague's own opinion; the API shows who recorded it")
    func onBehalfOfIsLimited() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await addColleague(app, "outsider", specialty: .radiology)
            try await addColleague(app, "adm", specialty: .radiationOncology, role: "administrator")
            try await addColleague(app, "pat", specialty: .orthopaedicOncology, role: "patient")
            try await addColleague(app, "rad", specialty: .radiology, name: "Dr Rae Diology")
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            try await b.post("\(meeting)/members", [("username", "rad")])
            let item = try await Self.itemID(app, meeting)
            for name in ["outsider", "adm", "pat"] {
                let res = try await b.json(.POST, "/api/v1/agenda/\(item)/opinions", ["text": "invented", "on_behalf_of": .string(name)])
                #expect(res.status == .unprocessableEntity, "\(name)")
            }
            #expect(try await BoardStore(db: app.db).opinions(itemID: item).isEmpty)
            // The radiologist's own opinion cannot be replaced by someone recording "for" them.
            let r = Browser(app)
            _ = try await r.signIn(username: "rad")
            #expect(try await r.json(.POST, "/api/v1/agenda/\(item)/opinions", ["text": "Lytic, 70 % cortex"]).status == .created)
            let over = try await b.json(.POST, "/api/v1/agenda/\(item)/opinions", ["text": "Rad agrees with surgery", "on_behalf_of": "rad"])
            #expect(over.status == .unprocessableEntity)
            #expect(try await BoardStore(db: app.db).opinions(itemID: item).map(\.text) == ["Lytic, 70 % cortex"])
            try await addColleague(app, "ortho", specialty: .orthopaedicOncology, name: "Dr Otto Pedic")
            try await b.post("\(meeting)/members", [("username", "ortho")])
            #expect(try await b.json(.POST, "/api/v1/agenda/\(item)/opinions", ["text": "Nail", "on_behalf_of": "ortho"]).status == .created)
            let mid = String(meeting.dropFirst("/board/".count))
            let opinions = try await b.json(.GET, "/api/v1/meetings/\(mid)").json?["agenda"]?.arrayValue?.first?["opinions"]?.arrayValue ?? []
            #expect(opinions.first { $0["author"] == "Dr Otto Pedic" }?["recorded_by"] == "Dr Test")
            #expect(opinions.first { $0["author"] == "Dr Rae Diology" }?["recorded_by"] == .null)
        }
    }

    @Test("a sign-off read at an older version is refused: a decision, task or opinion changed meanwhile never differs from the signed record")
    func signOffIsAtomic() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            let board = BoardStore(db: app.db)
            let me = try await UserStore(db: app.db).find("clin")
            _ = try await board.recordDecision(itemID: item, consensus: "V1", recordedBy: "Dr Test", tasks: [])
            // An opinion counts as a change of the record: it moves the version on.
            _ = try await board.addOpinion(itemID: item, author: me, text: "Medical view")
            #expect(try await board.decision(itemID: item)?.version == 2)
            await #expect(throws: StoreError.self) {
                _ = try await board.signOff(itemID: item, by: me, at: Date(), snapshot: ["consensus": "V1"], decisionVersion: 1)
            }
            #expect(try await board.snapshot(itemID: item) == nil)
            _ = try await board.recordDecision(itemID: item, consensus: "V3", recordedBy: "Dr Test", tasks: [], expectedVersion: 2)
            await #expect(throws: StoreError.self) {
                _ = try await board.signOff(itemID: item, by: me, at: Date(), snapshot: ["consensus": "V2"], decisionVersion: 2)
            }
            let snap = try await board.signOff(itemID: item, by: me, at: Date(), snapshot: ["consensus": "V3"], decisionVersion: 3)
            #expect(snap.document.contains("V3"))
            // After sign-off the conditional updates refuse every change.
            await #expect(throws: StoreError.self) {
                _ = try await board.recordDecision(itemID: item, consensus: "V4", recordedBy: "x", tasks: [], expectedVersion: 3)
            }
            await #expect(throws: StoreError.self) { _ = try await board.addOpinion(itemID: item, author: me, text: "late") }
            #expect(try await board.decision(itemID: item)?.consensus == "V3")
            #expect(try await board.opinions(itemID: item).map(\.text) == ["Medical view"])

            // Sign-off racing a re-recorded decision: whichever wins, the snapshot equals the decision left.
            let pid2 = try await PatientPageTests.createPatient(b, external: "H-RACE", name: "Race Case")
            try await b.post("\(meeting)/agenda", [("patient_id", pid2)])
            let mid = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
            let item2 = try #require(try await board.agenda(meetingID: mid).first { $0.caseRecord.$patient.id.uuidString == pid2 }?.requireID())
            _ = try await board.recordDecision(itemID: item2, consensus: "First", recordedBy: "Dr Test", tasks: [])
            let read = try #require(try await board.decision(itemID: item2)?.version)
            async let signed = try? board.signOff(itemID: item2, by: me, at: Date(), snapshot: ["consensus": "First"], decisionVersion: read)
            async let changed = try? board.recordDecision(itemID: item2, consensus: "Second", recordedBy: "x", tasks: [], expectedVersion: read)
            let (s, c) = await (signed, changed)
            #expect((s == nil) != (c == nil), "exactly one of them wins")
            let live = try #require(try await board.decision(itemID: item2))
            if let s { #expect(try JSONValue.parse(s.document)["consensus"]?.stringValue == live.consensus) }
        }
    }

    @Test("a refused form asking for thousands of task rows renders at most the rows decide reads")
    func taskRowsAreCapped() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            let res = try await b.post("\(meeting)/items/\(item)/opinions", [("text", ""), ("task200000_title", "x")])
            #expect(res.status == .unprocessableEntity)
            let page = res.body.string
            #expect(page.contains("name=\"task\(BoardController.maxTaskRows)_title\""))
            #expect(!page.contains("name=\"task\(BoardController.maxTaskRows + 1)_title\""))
            #expect(page.utf8.count < 400_000)
        }
    }

    @Test("a re-sent form keeps the version its user saw (a colleague's newer decision answers 409), and typed text is never shown as the recorded consensus")
    func typedFormsKeepTheirVersion() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let item = try await Self.itemID(app, meeting)
            try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "V1 plan")])
            // A colleague re-records meanwhile (version 2).
            _ = try await BoardStore(db: app.db).recordDecision(itemID: item, consensus: "V2 colleague", recordedBy: "Dr Other", tasks: [], expectedVersion: 1)
            // Our form, typed against version 1, is refused for a bad date and comes back...
            let refused = try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Typed against V1"), ("decision_version", "1"),
                                                                                 ("task1_title", "x"), ("task1_owner", "clin"), ("task1_due", "soonish")])
            #expect(refused.status == .unprocessableEntity)
            let page = refused.body.string
            #expect(PatientPageTests.hidden("decision_version", in: page) == "1")
            #expect(page.contains("<strong>Consensus:</strong> V2 colleague"))
            #expect(!page.contains("<strong>Consensus:</strong> Typed against V1"))
            // ...and sent again as it came back, it cannot overwrite the colleague's version.
            let again = try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Typed against V1"), ("decision_version", "1")])
            #expect(again.status == .conflict)
            #expect(try await BoardStore(db: app.db).decision(itemID: item)?.consensus == "V2 colleague")
        }
    }

    @Test("adding a member names every agenda patient in the audit entry (the member now sees them)")
    func addingAMemberIsAuditedPerPatient() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let one = try await PatientPageTests.createPatient(b)
            let two = try await PatientPageTests.createPatient(b, external: "H-200", name: "Bo Test")
            let meeting = try await Self.meeting(b, date: "2026-12-01")
            for pid in [one, two] { try await b.post("\(meeting)/agenda", [("patient_id", pid)]) }
            try await addColleague(app, "rad", specialty: .radiology)
            try await b.post("\(meeting)/members", [("username", "rad")])
            let entries = try await AuditLog(db: app.db).entries(limit: 10).filter { $0.object.hasSuffix("/members") }
            #expect(Set(entries.compactMap { $0.patientID?.uuidString }) == Set([one, two]))
        }
    }
}
