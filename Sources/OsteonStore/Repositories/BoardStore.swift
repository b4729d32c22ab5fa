import FluentKit
import Foundation
import SQLKit

/// The specialties that give an opinion at the tumour board.
public enum BoardSpecialty: String, CaseIterable, Sendable {
    case radiology
    case orthopaedicOncology = "orthopaedic_oncology"
    case radiationOncology = "radiation_oncology"
    case medicalOncology = "medical_oncology"
    case pathology
    case nursing

    public var label: String {
        switch self {
        case .radiology: "Radiology"
        case .orthopaedicOncology: "Orthopaedic oncology"
        case .radiationOncology: "Radiation oncology"
        case .medicalOncology: "Medical oncology"
        case .pathology: "Pathology"
        case .nursing: "Nursing"
        }
    }
}

/// Meetings, their agenda, each specialty's opinion, the chair's decision and
/// the care-plan tasks that come out of it.
public struct BoardStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public func meetings() async throws -> [MeetingRecord] {
        try await MeetingRecord.query(on: db).sort(\.$scheduledOn, .descending).all()
    }

    public func meeting(_ id: UUID) async throws -> MeetingRecord {
        guard let m = try await MeetingRecord.find(id, on: db) else { throw StoreError.notFound("meeting \(id)") }
        return m
    }

    public func createMeeting(title: String, scheduledOn: String, location: String?, createdBy: UUID? = nil) async throws -> MeetingRecord {
        let m = MeetingRecord(title: title, scheduledOn: scheduledOn, location: location)
        m.createdBy = createdBy
        try await m.create(on: db)
        return m
    }

    public func agenda(meetingID: UUID) async throws -> [AgendaItemRecord] {
        try await AgendaItemRecord.query(on: db).filter(\.$meeting.$id == meetingID).sort(\.$position).with(\.$caseRecord) { $0.with(\.$patient) }.all()
    }

    public func item(_ id: UUID) async throws -> AgendaItemRecord {
        let found = try await AgendaItemRecord.query(on: db).filter(\.$id == id).with(\.$caseRecord) { $0.with(\.$patient) }.with(\.$meeting).first()
        guard let item = found else {
            throw StoreError.notFound("agenda item \(id)")
        }
        return item
    }

    /// Puts a case on the agenda (once per meeting) and marks it ready for board.
    public func addToAgenda(meetingID: UUID, caseID: UUID, question: String) async throws -> AgendaItemRecord {
        _ = try await meeting(meetingID)
        if let existing = try await AgendaItemRecord.query(on: db).filter(\.$meeting.$id == meetingID).filter(\.$caseRecord.$id == caseID).first() {
            return existing
        }
        let position = try await AgendaItemRecord.query(on: db).filter(\.$meeting.$id == meetingID).count() + 1
        let item = AgendaItemRecord(meetingID: meetingID, caseID: caseID, position: position, question: question)
        try await item.create(on: db)
        try await CaseStore(db: db).setState(caseID: caseID, .readyForBoard)
        return item
    }

    public func opinions(itemID: UUID) async throws -> [OpinionRecord] {
        try await OpinionRecord.query(on: db).filter(\.$item.$id == itemID).sort(\.$createdAt).all()
    }

    public func addOpinion(itemID: UUID, specialty: BoardSpecialty, author: String, text: String) async throws -> OpinionRecord {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalid("the opinion is empty") }
        _ = try await item(itemID)
        let o = OpinionRecord(itemID: itemID, specialty: specialty.rawValue, author: author, text: trimmed)
        try await o.create(on: db)
        return o
    }

    public func decision(itemID: UUID) async throws -> DecisionRecord? {
        try await DecisionRecord.query(on: db).filter(\.$item.$id == itemID).first()
    }

    public struct NewTask: Sendable {
        public var title: String
        public var owner: String
        public var dueOn: String?
        public init(title: String, owner: String, dueOn: String?) {
            self.title = title
            self.owner = owner
            self.dueOn = dueOn
        }
    }

    /// The chair's consensus and the individualized plan as tasks; the case
    /// moves to "discussed". Until sign-off a new decision replaces the old
    /// one and its tasks; a signed-off decision cannot be replaced.
    /// Records the consensus and its tasks. Re-recording before sign-off replaces
    /// both, and must name the version being replaced (a stale one is refused).
    public func recordDecision(itemID: UUID, consensus: String, recordedBy: String, tasks: [NewTask], expectedVersion: Int? = nil) async throws -> DecisionRecord {
        let text = consensus.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.invalid("the consensus recommendation is empty") }
        let agendaItem = try await item(itemID)
        if let existing = try await decision(itemID: itemID), existing.signedOffAt != nil {
            throw StoreError.invalid("the decision was signed off by \(existing.signedOffBy ?? "the chair") and cannot be changed")
        }
        return try await db.transaction { tx in
            let d: DecisionRecord
            if let existing = try await DecisionRecord.query(on: tx).filter(\.$item.$id == itemID).first() {
                guard let expectedVersion, expectedVersion == existing.version else {
                    throw StoreError.conflict(entity: "the board's decision", expected: expectedVersion ?? 0, current: existing.version)
                }
                // Compare-and-set in SQL: of two concurrent re-records of one version, one wins.
                guard let sql = tx as? any SQLDatabase else { throw StoreError.invalid("the database does not speak SQL") }
                let updated = try await sql.update(DecisionRecord.schema)
                    .set("consensus", to: text).set("recorded_by", to: recordedBy).set("version", to: expectedVersion + 1)
                    .where("id", .equal, try existing.requireID()).where("version", .equal, expectedVersion)
                    .returning("version").all()
                guard updated.count == 1 else { throw StoreError.conflict(entity: "the board's decision", expected: expectedVersion, current: expectedVersion + 1) }
                existing.consensus = text
                existing.recordedBy = recordedBy
                existing.version = expectedVersion + 1
                // A re-recorded decision replaces its plan.
                try await TaskRecord.query(on: tx).filter(\.$decision.$id == existing.requireID()).delete()
                d = existing
            } else {
                d = DecisionRecord(itemID: itemID, consensus: text, recordedBy: recordedBy)
                try await d.create(on: tx)
            }
            for t in tasks where !t.title.trimmingCharacters(in: .whitespaces).isEmpty {
                try await TaskRecord(caseID: agendaItem.$caseRecord.id, decisionID: try d.requireID(), title: t.title, owner: t.owner, dueOn: t.dueOn).create(on: tx)
            }
            try await CaseStore(db: tx).setState(caseID: agendaItem.$caseRecord.id, .discussed)
            return d
        }
    }

    public func signOff(itemID: UUID, by chair: String, at date: Date = Date()) async throws -> DecisionRecord {
        guard let d = try await decision(itemID: itemID) else { throw StoreError.invalid("record the consensus before signing off") }
        guard d.signedOffAt == nil else { throw StoreError.invalid("already signed off by \(d.signedOffBy ?? "the chair")") }
        d.signedOffBy = chair
        d.signedOffAt = date
        try await d.save(on: db)
        let item = try await item(itemID)
        try await CaseStore(db: db).setState(caseID: item.$caseRecord.id, .followUp)
        return d
    }

    /// By due date, undated tasks last (SQLite and PostgreSQL order NULLs differently).
    public func tasks(caseID: UUID) async throws -> [TaskRecord] {
        try await TaskRecord.query(on: db).filter(\.$caseRecord.$id == caseID).all()
            .sorted { ($0.dueOn ?? "9999", $0.title) < ($1.dueOn ?? "9999", $1.title) }
    }

    public func completeTask(_ id: UUID) async throws {
        guard let t = try await TaskRecord.find(id, on: db) else { throw StoreError.notFound("task \(id)") }
        t.status = "done"
        try await t.save(on: db)
    }
}
