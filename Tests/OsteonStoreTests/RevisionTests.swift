import FluentKit
import Foundation
import OsteonDomain
@testable import OsteonStore
import SQLKit
import Testing

// Part of StoreTests' serialized suite: the PostgreSQL tests share one database.
extension StoreTests {
    @Test("every change to a patient's records moves that patient's revision, and no other's", arguments: Backends.all)
    func revisionFollowsEveryChange(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let db = store.db
            let user = UserRecord(username: "u1", displayName: "Dr One", passwordHash: "x", role: "clinician", specialty: "orthopaedic_oncology")
            try await user.create(on: db)
            let uid = try user.requireID()
            let cases = CaseStore(db: db), access = AccessStore(db: db), board = BoardStore(db: db)
            let (a, caseA) = try await cases.createPatient(.init(externalID: "A", name: "A", birthDate: nil, sex: nil))
            let (b, _) = try await cases.createPatient(.init(externalID: "B", name: "B", birthDate: nil, sex: nil))
            let pa = try a.requireID(), pb = try b.requireID(), ca = try caseA.requireID()
            func revision(_ p: UUID) async throws -> PatientRevision {
                guard let found = try await access.patientAccess(userID: uid, patientID: p) else { throw StoreError.notFound("patient") }
                return found.revision
            }

            var last = try await revision(pa)
            let other = try await revision(pb)
            func expectMoved(_ what: String, _ change: () async throws -> Void) async throws {
                try await change()
                let now = try await revision(pa)
                #expect(now != last, "\(what) did not move the revision")
                #expect(try await revision(pb) == other, "\(what) moved another patient's revision")
                last = now
            }
            try await expectMoved("patient edit") { _ = try await cases.updatePatient(pa, expectedVersion: 1, name: "A2", birthDate: nil, sex: nil) }
            try await expectMoved("case document") { _ = try await cases.updateDocument(caseID: ca, expectedVersion: 1, .object([("ecog", .int(1))])) }
            try await expectMoved("board state") { try await cases.setState(caseID: ca, .workUp) }
            let lesion = try await cases.addLesion(caseID: ca, .object([("id", .string("L1")), ("bone", .string("femur"))]))
            #expect(try await revision(pa) != last)
            last = try await revision(pa)
            try await expectMoved("lesion edit") {
                _ = try await cases.updateLesion(lesion.requireID(), expectedVersion: 1, .object([("id", .string("L1")), ("bone", .string("tibia"))]))
            }
            try await expectMoved("lesion removal") { try await cases.deleteLesion(lesion.requireID()) }
            try await expectMoved("lab") { _ = try await cases.addLab(caseID: ca, test: "calcium", value: 10.1, unit: "mg/dL", date: nil) }
            var medication = UUID()
            try await expectMoved("medication") { medication = try await cases.addMedication(caseID: ca, .object([("name", .string("denosumab"))])).requireID() }
            try await expectMoved("dose given") { _ = try await cases.addDose(medicationID: medication, day: "2026-11-02") }
            try await expectMoved("procedure") { _ = try await cases.addProcedure(caseID: ca, kind: "radiotherapy", .object([("dose_gy", .double(8))])) }
            try await expectMoved("imaging") { _ = try await cases.addImaging(caseID: ca, modality: "mri", region: "spine", date: nil, report: nil, readBy: nil) }
            try await expectMoved("care team") { try await access.addToCareTeam(patientID: pa, userID: uid, addedBy: "test") }
            try await expectMoved("care-team member's name") {
                user.displayName = "Dr One-Renamed"
                try await user.save(on: db)
            }
            let meeting = try await board.createMeeting(title: "Board", scheduledOn: "2026-12-01", location: nil)
            var itemID = UUID()
            try await expectMoved("agenda") { itemID = try await board.addToAgenda(meetingID: meeting.requireID(), caseID: ca, question: "Fix?").requireID() }
            try await expectMoved("decision and its tasks") {
                _ = try await board.recordDecision(itemID: itemID, consensus: "Fixation", recordedBy: "u1", tasks: [.init(title: "Refer", owner: "ortho", dueOn: nil)])
            }
            let task = try #require(try await board.tasks(caseID: ca).first)
            try await expectMoved("task done") { try await board.completeTask(task.requireID()) }

            // Reads, audit entries and a sign-in counter are not changes to the record.
            _ = try await cases.patientCase(patientID: pa)
            try await AuditLog(db: db).append(AuditEvent(actor: "u1", role: "clinician", patientID: pa, action: "read", object: "/patients",
                                                         requestID: "r", outcome: "success"))
            user.failedLogins = 1
            try await user.save(on: db)
            #expect(try await revision(pa) == last)
        }
    }

    @Test("every table that leads to a patient carries the revision triggers", arguments: Backends.all)
    func everyLinkedTableIsWatched(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let sql = try #require(store.db as? any SQLDatabase)
            let sqlite = sql.dialect.name == "sqlite"
            var linked = Set<String>()
            for table in try await store.tables() {
                let columns = try await sql.raw(sqlite
                    ? "SELECT name FROM pragma_table_info(\(bind: table))"
                    : "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(bind: table)").all()
                    .map { try $0.decode(column: "name", as: String.self) }
                if columns.contains("case_id") || columns.contains("patient_id") { linked.insert(table) }
            }
            let watched = Set(try await sql.raw(sqlite
                ? "SELECT tbl_name AS name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_touch%' ESCAPE '\\'"
                : "SELECT event_object_table AS name FROM information_schema.triggers WHERE trigger_name LIKE '%\\_touch%'").all()
                .map { try $0.decode(column: "name", as: String.self) })
            // The audit log names patients but is not their record (and is append-only); the lists'
            // summaries, their marks and search terms are derived from the record and follow its revision.
            #expect(linked.subtracting(["audit_log", "patient_summaries", "summary_dirty", "patient_search_terms"]).subtracting(watched).isEmpty, "tables without revision triggers: \(linked.subtracting(watched))")
            #expect(watched.contains("patients") && watched.contains("lesions") && watched.contains("care_plan_tasks"))
        }
    }
}
