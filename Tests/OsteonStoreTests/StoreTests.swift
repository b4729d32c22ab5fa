import FluentKit
import SQLKit
import Foundation
import OsteonDomain
@testable import OsteonStore
import Testing

/// SQLite in memory always; PostgreSQL too when DATABASE_URL is set (.ci/run
/// starts one). The suite is serialized because PostgreSQL tests share one database.
enum Backends {
    static var all: [StoreConfiguration.Backend] {
        var list: [StoreConfiguration.Backend] = [.sqliteMemory]
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { list.append(.postgres(url)) }
        return list
    }
}

/// A freshly migrated database for one test; reverted and closed afterwards.
func withStore(_ backend: StoreConfiguration.Backend, _ body: (StandaloneStore) async throws -> Void) async throws {
    let store = try StandaloneStore(backend)
    do {
        try await store.revertAll()  // a PostgreSQL database may hold an earlier run's tables
        try await store.migrate()
        try await body(store)
        try await store.revertAll()
    } catch {
        await store.shutdown()
        throw error
    }
    await store.shutdown()
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite(.serialized)
struct StoreTests {
    static let expectedTables: Set<String> = [
        "users", "patients", "cases", "lesions", "labs", "medications", "procedures", "imaging_studies",
        "board_meetings", "agenda_items", "specialty_opinions", "decisions", "care_plan_tasks", "audit_log",
        "care_team_members", "meeting_members", "decision_snapshots", "decision_addenda", "meeting_attendance",
        "patient_summaries", "summary_dirty", "patient_search_terms", "medication_doses",
    ]

    @Test("migrations create every table, revert removes them all, and run again", arguments: Backends.all)
    func migrationsUpAndDown(backend: StoreConfiguration.Backend) async throws {
        let store = try StandaloneStore(backend)
        defer { Task { await store.shutdown() } }
        try await store.revertAll()
        #expect(try await store.tables().isEmpty)
        try await store.migrate()
        #expect(try await store.tables() == Self.expectedTables)
        try await store.migrate()  // nothing left to do: no error, same tables
        #expect(try await store.tables() == Self.expectedTables)
        try await store.revertAll()
        #expect(try await store.tables().isEmpty)
        try await store.migrate()
        #expect(try await store.tables() == Self.expectedTables)
        try await store.revertAll()
    }

    @Test("a patient is created with an empty case; the identifier is unique", arguments: Backends.all)
    func createPatient(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let (p, c) = try await cases.createPatient(.init(externalID: "H-1", name: "Ana Díaz", birthDate: "1970-02-03", sex: "female"))
            #expect(p.version == 1)
            #expect(c.state == CaseState.referred.rawValue)
            #expect(try await cases.caseRecord(patientID: p.requireID()).id == c.id)
            await #expect(throws: StoreError.invalid("a patient with identifier H-1 already exists")) {
                _ = try await cases.createPatient(.init(externalID: "H-1", name: "Someone Else", birthDate: nil, sex: nil))
            }
            #expect(try await cases.patients().count == 1)
        }
    }

    @Test("a hospital number is found whatever its case, through an index (not a scan of every patient)", arguments: Backends.all)
    func identifierLookupUsesIndex(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let (p, _) = try await cases.createPatient(.init(externalID: "MRN-Ab7", name: "Ana Díaz", birthDate: nil, sex: nil))
            #expect(try await cases.patient(externalID: "mrn-aB7")?.id == p.id)
            #expect(try await cases.patient(externalID: "MRN-Ab8") == nil)
            // The statement patient(externalID:) runs for a hospital number not stored exactly as given.
            let lookup = "SELECT id FROM patients WHERE lower(external_id) = 'mrn-ab7'"
            let sql = try #require(store.db as? any SQLDatabase)
            let plan: String
            if case .postgres = backend {
                // A table this small is scanned whatever indexes exist; with scans priced out, only an index can serve it.
                plan = try await store.db.transaction { db in
                    let sql = db as! any SQLDatabase
                    try await sql.raw("SET LOCAL enable_seqscan = off").run()
                    return try await sql.raw("EXPLAIN \(unsafeRaw: lookup)").all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                        .joined(separator: "\n")
                }
            } else {
                plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: lookup)").all().map { try $0.decode(column: "detail", as: String.self) }
                    .joined(separator: "\n")
            }
            #expect(plan.contains("patients_by_identifier_key"), "\(plan)")
        }
    }

    @Test("search matches name or identifier, ignoring case, on both databases", arguments: Backends.all)
    func search(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            _ = try await cases.createPatient(.init(externalID: "MRN-001", name: "Ana Díaz", birthDate: nil, sex: nil))
            _ = try await cases.createPatient(.init(externalID: "MRN-002", name: "Bob Stone", birthDate: nil, sex: nil))
            _ = try await cases.createPatient(.init(externalID: "X-77", name: "Carla Stoneham", birthDate: nil, sex: nil))
            #expect(try await cases.patients(search: "stone").map(\.name) == ["Bob Stone", "Carla Stoneham"])
            #expect(try await cases.patients(search: "mrn").map(\.externalID) == ["MRN-001", "MRN-002"])
            #expect(try await cases.patients(search: "  ").count == 3)
            #expect(try await cases.patients(search: "nobody").isEmpty)
        }
    }

    @Test("a stale edit is refused with the current version; of two concurrent edits one wins", arguments: Backends.all)
    func versionedUpdates(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let (p, c) = try await cases.createPatient(.init(externalID: "H-2", name: "Old Name", birthDate: nil, sex: nil))
            let id = try p.requireID()
            let updated = try await cases.updatePatient(id, expectedVersion: 1, name: "New Name", birthDate: "1960-01-01", sex: "male")
            #expect(updated.version == 2)
            #expect(updated.name == "New Name")
            await #expect(throws: StoreError.conflict(entity: "patient", expected: 1, current: 2)) {
                _ = try await cases.updatePatient(id, expectedVersion: 1, name: "Lost Edit", birthDate: nil, sex: nil)
            }
            #expect(try await cases.patient(id).name == "New Name")

            let caseID = try c.requireID()
            let results = await withTaskGroup(of: Bool.self) { group in
                for n in 0..<4 {
                    group.addTask {
                        (try? await cases.updateDocument(caseID: caseID, expectedVersion: 1, .object([("notes", .string("edit \(n)"))]))) != nil
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await cases.caseRecord(patientID: id).version == 2)
        }
    }

    @Test("lesions get stable labels; edits keep the label and check the version", arguments: Backends.all)
    func lesions(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let (_, c) = try await cases.createPatient(.init(externalID: "H-3", name: "Lesion Test", birthDate: nil, sex: nil))
            let caseID = try c.requireID()
            let first = try await cases.addLesion(caseID: caseID, ["bone": "femur", "region": "proximal"])
            let named = try await cases.addLesion(caseID: caseID, ["id": "spine-1", "bone": "spine", "level": "T10"])
            let clash = try await cases.addLesion(caseID: caseID, ["id": "spine-1", "bone": "humerus"])
            #expect([first.label, named.label, clash.label] == ["L1", "spine-1", "L3"])
            #expect(named.level == "T10")

            let edited = try await cases.updateLesion(try first.requireID(), expectedVersion: 1, ["id": "renamed", "bone": "femur", "pain": "functional"])
            #expect(edited.label == "L1")
            #expect(edited.version == 2)
            #expect(try JSONValue.parse(edited.data)["id"]?.stringValue == "L1")
            #expect(try JSONValue.parse(edited.data)["pain"]?.stringValue == "functional")
            await #expect(throws: StoreError.conflict(entity: "lesion", expected: 1, current: 2)) {
                _ = try await cases.updateLesion(try first.requireID(), expectedVersion: 1, ["bone": "tibia"])
            }
            try await cases.deleteLesion(try clash.requireID())
            #expect(Set(try await cases.lesions(caseID: caseID).map(\.label)) == ["L1", "spine-1"])
            await #expect(throws: StoreError.self) { try await cases.deleteLesion(try clash.requireID()) }
        }
    }

    /// An import writes each table's rows in one statement; what it stores must be what adding them one at a
    /// time stores: labels made unique in order, a lab without its unit and a study without its modality left
    /// out (they have no row to go to), every dose day once.
    @Test("an imported case stores the rows that adding them one by one stores", arguments: Backends.all)
    func importedRows(backend: StoreConfiguration.Backend) async throws {
        let source: JSONValue = try JSONValue.parse(Data("""
        {"patient_id": "H-IMP", "patient": {"sex": "female", "weight_kg": 61},
         "lesions": [{"id": "spine-1", "bone": "spine", "level": "T10"}, {"id": "spine-1", "bone": "humerus"}, {"bone": "femur"}],
         "labs": [{"test": "calcium", "value": 2.9, "unit": "mmol/L", "date": "2026-10-01"}, {"test": "creatinine", "value": 80, "date": "2026-10-01"}],
         "medications": [{"agent": "zoledronic_acid", "status": "active", "dose_dates": ["2026-09-01", "2026-06-01", "2026-09-01"]},
                         \((1...12).map { "{\"name\": \"medicine \($0)\", \"status\": \"active\"}" }.joined(separator: ", "))],
         "radiotherapy": [{"lesion_id": "spine-1", "dose_gy": 8, "fractions": 1, "date": "2026-09-10"}],
         "surgeries": [{"kind": "prophylactic_fixation", "lesion_id": "L3", "date": "2026-09-20"}],
         "imaging": [{"modality": "mri", "region": "whole spine", "date": "2026-08-30"}, {"region": "pelvis"}]}
        """.utf8))
        let read = try CaseReader.read(source)
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let imported = try await cases.importCase(read.patientCase, name: "Imported")
            let (_, byOne) = try await cases.createPatient(.init(externalID: "H-ONE", name: "One by one", birthDate: nil, sex: nil))
            let id = try byOne.requireID()
            for l in read.patientCase.lesions ?? [] { _ = try await cases.addLesion(caseID: id, CaseWriter.lesion(l)) }
            for l in read.patientCase.labs ?? [] {
                guard let test = l.test, let value = l.value, let unit = l.unit else { continue }
                _ = try await cases.addLab(caseID: id, test: test.rawValue, value: value, unit: unit, date: l.date?.description)
            }
            for m in read.patientCase.medications ?? [] { _ = try await cases.addMedication(caseID: id, CaseWriter.medication(m)) }
            for r in CaseWriter.json(read.patientCase)["radiotherapy"]?.arrayValue ?? [] { _ = try await cases.addProcedure(caseID: id, kind: "radiotherapy", r) }
            for r in CaseWriter.json(read.patientCase)["surgeries"]?.arrayValue ?? [] { _ = try await cases.addProcedure(caseID: id, kind: "surgery", r) }
            _ = try await cases.addImaging(caseID: id, modality: "mri", region: "whole spine", date: "2026-08-30", report: nil, readBy: nil)

            let a = try await cases.records(patientID: try imported.requireID()), b = try await cases.records(patientID: byOne.$patient.id)
            #expect(a.lesions.map(\.label) == ["spine-1", "L2", "L3"])
            #expect(a.lesions.map(\.label) == b.lesions.map(\.label))
            #expect(a.labs.map(\.test) == ["calcium"])
            #expect(a.imaging.map(\.modality) == ["mri"])
            #expect(a.medications.map(\.name) == ["zoledronic_acid"] + (1...12).map { "medicine \($0)" })
            #expect(a.doses.map(\.givenOn).sorted() == ["2026-06-01", "2026-09-01"])
            #expect(a.doses.map(\.givenOn).sorted() == b.doses.map(\.givenOn).sorted())
            for key in CaseStore.rowLists {
                #expect(CaseStore.caseJSON(a)[key]?.serialized() == CaseStore.caseJSON(b)[key]?.serialized(), "\(key)")
            }
        }
    }

    /// Every example case survives import into the database and reading back:
    /// the assessment of the stored case equals the assessment of the file.
    @Test("example cases round-trip through the database unchanged", arguments: Backends.all)
    func exampleRoundTrip(backend: StoreConfiguration.Backend) async throws {
        let dir = repositoryRoot.appendingPathComponent("examples/cases")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count >= 20)
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            for file in files {
                let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent(file))))
                let day = read.patientCase.asOf ?? Day("2026-11-01")!
                let patient = try await cases.importCase(read.patientCase, name: "Example \(file)")
                let (stored, again, _) = try await cases.patientCase(patientID: try patient.requireID())
                #expect(again.problems.isEmpty, "\(file): \(again.problems)")
                let before = Assessor.assess(read.patientCase, asOf: day).json
                let after = Assessor.assess(stored, asOf: day).json
                guard case .object(let fields) = before else { Issue.record("not an object"); continue }
                let changed = fields.map(\.0).filter { before[$0]?.serialized() != after[$0]?.serialized() }
                #expect(changed.isEmpty, "\(file): assessment differs after the database in \(changed)")
            }
        }
    }

    @Test("the board: agenda, opinions, decision with tasks, sign-off, and the case states", arguments: Backends.all)
    func boardFlow(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let board = BoardStore(db: store.db)
            let (p, c) = try await cases.createPatient(.init(externalID: "H-4", name: "Board Case", birthDate: nil, sex: nil))
            let caseID = try c.requireID()
            let meeting = try await board.createMeeting(title: "Bone tumour board", scheduledOn: "2026-12-02", location: "Room 4")
            let meetingID = try meeting.requireID()
            let item = try await board.addToAgenda(meetingID: meetingID, caseID: caseID, question: "Fix the femur?")
            let again = try await board.addToAgenda(meetingID: meetingID, caseID: caseID, question: "Twice")
            #expect(again.id == item.id)
            #expect(try await board.agenda(meetingID: meetingID).count == 1)
            #expect(try await cases.caseRecord(patientID: p.requireID()).state == CaseState.readyForBoard.rawValue)

            let itemID = try item.requireID()
            await #expect(throws: StoreError.invalid("the opinion is empty")) {
                _ = try await board.addOpinion(itemID: itemID, specialty: .radiology, author: "Dr R", text: "   ")
            }
            _ = try await board.addOpinion(itemID: itemID, specialty: .radiology, author: "Dr R", text: "Lytic, 70% cortex")
            _ = try await board.addOpinion(itemID: itemID, specialty: .orthopaedicOncology, author: "Dr O", text: "Prophylactic nail")
            #expect(try await board.opinions(itemID: itemID).map(\.specialty) == ["radiology", "orthopaedic_oncology"])

            await #expect(throws: StoreError.invalid("record the consensus before signing off")) {
                _ = try await board.signOff(itemID: itemID, by: "Chair")
            }
            _ = try await board.recordDecision(itemID: itemID, consensus: "Nail, then radiotherapy", recordedBy: "Chair", tasks: [
                .init(title: "Post-op RT 8 Gy", owner: "Radiation oncology", dueOn: "2026-12-20"),
                .init(title: "Orthopaedic fixation", owner: "Orthopaedics", dueOn: "2026-12-05"),
                .init(title: "  ", owner: "nobody", dueOn: nil),
                .init(title: "Dental check", owner: "Nursing", dueOn: nil),
            ])
            #expect(try await cases.caseRecord(patientID: p.requireID()).state == CaseState.discussed.rawValue)
            let tasks = try await board.tasks(caseID: caseID)
            #expect(tasks.map(\.title) == ["Orthopaedic fixation", "Post-op RT 8 Gy", "Dental check"])  // undated last

            let signed = try await board.signOff(itemID: itemID, by: "Chair")
            #expect(signed.signedOffBy == "Chair")
            #expect(try await cases.caseRecord(patientID: p.requireID()).state == CaseState.followUp.rawValue)
            await #expect(throws: StoreError.self) { _ = try await board.signOff(itemID: itemID, by: "Chair") }
            await #expect(throws: StoreError.invalid("the decision was signed off by Chair and cannot be changed")) {
                _ = try await board.recordDecision(itemID: itemID, consensus: "Changed my mind", recordedBy: "Chair", tasks: [])
            }
            try await board.completeTask(try tasks[0].requireID())
            #expect(try await board.tasks(caseID: caseID).map(\.status) == ["done", "open", "open"])
        }
    }

    @Test("sign-off freezes a snapshot whose SHA-256 goes into the audit log; the database refuses edits; a tampered snapshot fails verify; addenda append", arguments: Backends.all)
    func signedSnapshot(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db), board = BoardStore(db: store.db), log = AuditLog(db: store.db)
            let (p, c) = try await cases.createPatient(.init(externalID: "H-5", name: "Snapshot Case", birthDate: nil, sex: nil))
            let chair = UserRecord(username: "chair", displayName: "Dr Chair", passwordHash: "x", role: "clinician", specialty: "medical_oncology")
            try await chair.create(on: store.db)
            let meeting = try await board.createMeeting(title: "Board", scheduledOn: "2026-12-02", location: nil)
            let item = try await board.addToAgenda(meetingID: meeting.requireID(), caseID: c.requireID(), question: "Plan")
            let itemID = try item.requireID()
            _ = try await board.addOpinion(itemID: itemID, author: chair, text: "Denosumab")
            _ = try await board.recordDecision(itemID: itemID, consensus: "20 Gy in 5 fractions", recordedBy: "Dr Chair", tasks: [])
            let document: JSONValue = ["consensus": "20 Gy in 5 fractions", "facts": ["labs": []]]
            let snap = try await board.signOff(itemID: itemID, by: chair, at: Date(timeIntervalSince1970: 1_796_000_000), snapshot: document, decisionVersion: 1)
            #expect(snap.sha256 == BoardStore.sha256(snap.document))
            #expect(snap.sha256.count == 64)
            #expect(snap.patientID == (try p.requireID()))
            try await log.append(AuditEvent(actor: "chair", role: "clinician", patientID: snap.patientID, action: "sign_off",
                                            object: BoardStore.auditObject(snapshotID: try snap.requireID().uuidString, sha256: snap.sha256),
                                            requestID: "r1", outcome: "success"))
            #expect(try await log.verify().ok)
            await #expect(throws: StoreError.self) { _ = try await board.addOpinion(itemID: itemID, author: chair, text: "Changed") }

            // The database itself refuses to change or delete a signed record.
            let sql = try #require(store.db as? any SQLDatabase)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE decision_snapshots SET document = '{}'").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM decision_snapshots").run() }
            #expect(try await board.snapshot(itemID: itemID)?.document == snap.document)

            // Corrections are addenda with author, reason and time; a reason is required.
            await #expect(throws: StoreError.invalid("give the reason for the addendum")) {
                _ = try await board.addAddendum(snapshotID: snap.requireID(), author: chair, reason: " ", text: "x", at: Date())
            }
            let addendum = try await board.addAddendum(snapshotID: snap.requireID(), author: chair, reason: "Dose typo", text: "4 mg, not 3 mg", at: Date())
            #expect(addendum.authorName == "Dr Chair")
            #expect(try await board.addenda(snapshotID: snap.requireID()).map(\.text) == ["4 mg, not 3 mg"])
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE decision_addenda SET text = 'x'").run() }

            // An attacker with the owner's rights drops the guard and edits the document: verify says so.
            if sql.dialect.name == "sqlite" {
                try await sql.raw("DROP TRIGGER decision_snapshots_no_update").run()
            } else {
                try await sql.raw("DROP TRIGGER decision_snapshots_append_only ON decision_snapshots").run()
            }
            try await sql.raw("UPDATE decision_snapshots SET document = '{\"consensus\":\"8 Gy in 1 fraction\"}'").run()
            let v = try await log.verify()
            #expect(!v.ok)
            #expect(v.problems.contains { $0.message.contains("does not match its hash") })
            // Re-hashing the edit does not help: the audit log kept the hash signed.
            try await sql.raw("UPDATE decision_snapshots SET sha256 = \(bind: BoardStore.sha256("{\"consensus\":\"8 Gy in 1 fraction\"}"))").run()
            let again = try await log.verify()
            #expect(again.problems.contains { $0.message.contains("hash written to the audit log") })
        }
    }
}

/// Search reads its index the same way on both backends (PostgreSQL compares terms in the "C" collation).
/// In the serialized suite: the PostgreSQL tests share one database.
extension StoreTests {
    @Test("search by word starts, on SQLite and PostgreSQL, with the migration filling terms for summaries already stored", arguments: Backends.all)
    func searchOnEachBackend(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db)
            let user = UserRecord(username: "clin", displayName: "C", passwordHash: "x", role: "clinician")
            try await user.create(on: store.db)
            for (number, name) in [("MRN-0042", "Anna Smith-Jones"), ("MRN-0043", "Smita Rao"), ("Ü-9", "Ülla Åberg")] {
                let p = try await cases.importCase(try CaseReader.read(["patient_id": .string(number)]).patientCase, name: name)
                try await AccessStore(db: store.db).addToCareTeam(patientID: p.requireID(), userID: user.requireID(), addedBy: "test")
            }
            let summaries = SummaryStore(db: store.db)
            try await summaries.refresh(today: Day("2026-11-26")!)
            func found(_ q: String) async throws -> Set<String> {
                Set(try await summaries.page(userID: user.requireID(), alsoVisible: [], filter: .init(search: q), after: nil, limit: 50).rows.map(\.externalID))
            }
            #expect(try await found("smi") == ["MRN-0042", "MRN-0043"])
            #expect(try await found("anna jon") == ["MRN-0042"])
            #expect(try await found("mrn-0042") == ["MRN-0042"])
            #expect(try await found("ülla") == ["Ü-9"])
            #expect(try await found("åb") == ["Ü-9"])
            #expect(try await found("mith").isEmpty)
            // An upgrade: the terms are rebuilt from the stored summaries by the migration.
            guard let sql = store.db as? any SQLDatabase else { return }
            try await sql.raw("DELETE FROM patient_search_terms").run()
            #expect(try await found("smi").isEmpty)
            try await M0015Rebuild.run(on: store.db)
            #expect(try await found("smi") == ["MRN-0042", "MRN-0043"])
        }
    }
}

extension StoreTests {
    /// `bma_persistence_12_months` needs every dose given (README "Outcomes"); the record kept a course's start and latest dose.
    @Test("each dose given is a row: an imported course keeps its doses, one more is recorded, a second on one day is refused, the measure reads them", arguments: Backends.all)
    func dosesOneByOne(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let read = try CaseReader.read([
                "patient_id": "DOSE-1",
                "lesions": [["id": "L1", "bone": "femur", "origin": "metastasis", "detected_date": "2026-01-05"]],
                "medications": [["agent": "zoledronic_acid", "status": "active", "start_date": "2026-01-10",
                                 "dose_dates": ["2026-04-04", "2026-01-10", "2026-01-10"]],
                                ["name": "letrozole", "class": "hormonal", "status": "active"]],
                "labs": [["test": "calcium", "value": 9.5, "unit": "mg/dL", "date": "2027-02-01"]],
            ])
            #expect(read.problems.isEmpty)
            let cases = CaseStore(db: store.db)
            let p = try await cases.importCase(read.patientCase, name: "Dose One")
            var (c, out, records) = try await cases.patientCase(patientID: try p.requireID())
            #expect(out.problems.isEmpty)
            #expect(records.doses.map(\.givenOn) == ["2026-01-10", "2026-04-04"])  // the same dose twice is kept once
            // The rows, not the medicine's document, hold the doses.
            #expect(records.medications.allSatisfy { !$0.data.contains("dose_dates") })
            var z = try #require(c.medications?.first { $0.agent == .zoledronicAcid })
            #expect(z.doseDates == [Day("2026-01-10")!, Day("2026-04-04")!] && z.lastDoseDate == Day("2026-04-04")!)
            #expect(c.medications?.first { $0.name == "letrozole" }?.doseDates == nil)
            guard case .included(let before) = c.outcome(asOf: Day("2027-03-01")!) else { Issue.record("not included"); return }
            // 2026-04-04 to the year's end (2027-01-10) is 281 days: not continued.
            #expect(Measures.bmaPersistenceDefinition.classify(before) == .notMet)

            let zid = try #require(records.medications.first { $0.data.contains("zoledronic_acid") }?.id)
            for day in ["2026-06-27", "2026-09-19", "2026-12-12"] { _ = try await cases.addDose(medicationID: zid, day: day) }
            await #expect(throws: StoreError.self) { _ = try await cases.addDose(medicationID: zid, day: "2026-06-27") }
            (c, _, records) = try await cases.patientCase(patientID: try p.requireID())
            #expect(records.doses.count == 5)
            z = try #require(c.medications?.first { $0.agent == .zoledronicAcid })
            #expect(z.lastDoseDate == Day("2026-12-12")!)
            guard case .included(let after) = c.outcome(asOf: Day("2027-03-01")!) else { Issue.record("not included"); return }
            #expect(Measures.bmaPersistenceDefinition.classify(after) == .met)  // every 84 days
            // The stored outcome facts the dashboard reads carry the doses.
            try await SummaryStore(db: store.db).refresh(today: Day("2027-03-01")!)
            let rows = try await SummaryStore(db: store.db).outcomes().0
            guard case .included(let stored)? = rows.first?.read else { Issue.record("not stored"); return }
            #expect(stored.bma.doseDays == z.doseDates)
        }
    }

    @Test("outcome facts are kept beside each summary on SQLite and PostgreSQL; an upgrade recomputes every row with them", arguments: Backends.all)
    func outcomesBesideSummaries(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            var c = try CaseReader.read([
                "patient_id": "OUT-1", "patient": ["deceased_on": "2026-10-01"],
                "lesions": [["id": "L1", "bone": "femur", "origin": "metastasis", "detected_date": "2026-06-01"]],
            ]).patientCase
            c.cancers = nil
            let p = try await CaseStore(db: store.db).importCase(c, name: "Out Come")
            let summaries = SummaryStore(db: store.db)
            let today = Day("2026-11-26")!
            try await summaries.refresh(today: today)
            var (rows, waiting) = try await summaries.outcomes()
            let pid = try p.requireID()
            #expect(waiting == 0 && rows.count == 1 && rows[0].patientID == pid && rows[0].day == today.description)
            #expect(rows[0].read == .included(OutcomeRecord(patientID: pid.uuidString, index: Day("2026-06-01")!, end: Day("2026-10-01")!,
                                                            died: true, firstSRE: nil, primaries: [], scores: rows[0].read.scores,
                                                            bma: BMAFacts(firstStart: nil, prostate: false, castrationSensitive: nil,
                                                                          dentalLatestOnly: true))))
            // The upgrade from a version without the column: rows without facts wait, and the daily pass has them all.
            try await (store.db as! any SQLDatabase).raw("UPDATE patient_summaries SET outcome = NULL").run()
            try await M0016SummaryOutcomes.recomputeAll(on: store.db)
            (rows, waiting) = try await summaries.outcomes()
            #expect(rows.isEmpty && waiting == 1)
            #expect(try await summaries.needsDayPass(today: today))
            try await summaries.refresh(today: today, day: true)
            (rows, waiting) = try await summaries.outcomes()
            #expect(rows.count == 1 && waiting == 0)
            // M0017 (facts gained the dental evaluations and doses): every row is computed again by the daily pass.
            #expect(try await !summaries.needsDayPass(today: today))
            try await M0017OutcomeMeasureFacts().prepare(on: store.db)
            #expect(try await summaries.needsDayPass(today: today))
        }
    }
}

extension OutcomeRead {
    var scores: [ScoreAtIndex] { if case .included(let r) = self { r.scores } else { [] } }
}

extension StoreTests {
    /// The refresh assesses groups in parallel outside any transaction; a summary computed from an older
    /// revision must never replace a newer one (two refreshes can overlap).
    @Test("a parallel refresh writes every dirty summary; an older revision never overwrites a newer summary", arguments: Backends.all)
    func parallelRefresh(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let cases = CaseStore(db: store.db), summaries = SummaryStore(db: store.db)
            var ids: [UUID] = []
            for n in 0..<60 {
                ids.append(try await cases.importCase(try CaseReader.read(["patient_id": .string("PAR-\(n)")]).patientCase, name: "Par \(n)").requireID())
            }
            let today = Day("2026-11-26")!
            #expect(try await summaries.refresh(today: today, workers: 3) == 60)
            #expect(try await summaries.waiting() == 0)
            let sql = store.db as! any SQLDatabase
            func stored(_ id: UUID) async throws -> (Int, String, String) {
                let row = try await sql.raw("SELECT revision, computed_for, name FROM patient_summaries WHERE patient_id = \(bind: id)").first()!
                return (try row.decode(column: "revision", as: Int.self), try row.decode(column: "computed_for", as: String.self),
                        try row.decode(column: "name", as: String.self))
            }
            #expect(try await sql.raw("SELECT COUNT(*) AS n FROM patient_summaries").first()!.decode(column: "n", as: Int.self) == 60)
            let (revision, day, _) = try await stored(ids[0])
            #expect(day == today.description)
            let r = try await cases.records(patientID: ids[0])
            let (c, read, _) = try await cases.patientCase(patientID: ids[0])
            let fresh = SummaryStore.summary(r, Assessor.assess(c, asOf: today, inputProblems: read.problems, unknownKeys: read.unknownKeys), today: today)
            let renamed = PatientSummary(patientID: fresh.patientID, name: "Stale Name", externalID: fresh.externalID, birthDate: nil, sex: nil,
                                         version: fresh.version, caseID: fresh.caseID, caseVersion: fresh.caseVersion, state: fresh.state,
                                         urgency: fresh.urgency, urgencyRank: fresh.urgencyRank, alerts: [], alertCodes: [], gapCodes: [],
                                         primarySites: [], nextDue: nil, computedFor: "2026-11-25")
            try await summaries.write(renamed, revision: revision - 1)  // older revision
            #expect(try await stored(ids[0]) == (revision, today.description, "Par 0"))
            #expect(try await summaries.page(userID: UUID(), alsoVisible: [ids[0]], filter: .init(search: "stale"), after: nil, limit: 50).rows.isEmpty)
            // Same revision, another day (a server with a configured day beside its pass on the real day): written,
            // or each would refuse the other's summaries and the list would recompute its page on every request.
            try await summaries.write(fresh, revision: revision)
            let earlier = PatientSummary(patientID: fresh.patientID, name: fresh.name, externalID: fresh.externalID, birthDate: nil, sex: nil,
                                         version: fresh.version, caseID: fresh.caseID, caseVersion: fresh.caseVersion, state: fresh.state,
                                         urgency: fresh.urgency, urgencyRank: fresh.urgencyRank, alerts: [], alertCodes: [], gapCodes: [],
                                         primarySites: [], nextDue: nil, computedFor: "2026-11-25")
            try await summaries.write(earlier, revision: revision)
            #expect(try await stored(ids[0]) == (revision, "2026-11-25", "Par 0"))
        }
    }
}
