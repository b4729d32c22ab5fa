import Crypto
import FluentKit
import Foundation
import OsteonDomain
import SQLKit

/// The specialties that give an opinion at the tumour board.
public enum BoardSpecialty: String, CaseIterable, Sendable {
    case radiology
    case orthopaedicOncology = "orthopaedic_oncology"
    case radiationOncology = "radiation_oncology"
    case medicalOncology = "medical_oncology"
    case pathology
    case nursing
    case spineSurgery = "spine_surgery"
    case urology
    case palliativeCare = "palliative_care"
    case physiotherapy
    case nuclearMedicine = "nuclear_medicine"

    public var label: String {
        switch self {
        case .radiology: "Radiology"
        case .orthopaedicOncology: "Orthopaedic oncology"
        case .radiationOncology: "Radiation oncology"
        case .medicalOncology: "Medical oncology"
        case .pathology: "Pathology"
        case .nursing: "Nursing"
        case .spineSurgery: "Spine surgery"
        case .urology: "Urology"
        case .palliativeCare: "Palliative care"
        case .physiotherapy: "Physiotherapy"
        case .nuclearMedicine: "Nuclear medicine"
        }
    }

    /// An account's specialty as the board counts it (accounts may spell it as the domain's referral specialties do).
    public init?(account: String?) {
        guard let account else { return nil }
        let key = account.lowercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        if let s = BoardSpecialty(rawValue: key) { self = s; return }
        switch key {
        case "nurse_navigator", "nurse": self = .nursing
        case "orthopaedics", "orthopedics", "orthopedic_oncology": self = .orthopaedicOncology
        case "neurosurgery": self = .spineSurgery
        default: return nil
        }
    }

    /// The specialty a person speaks for: their account's, or nursing for a nurse navigator who has none recorded.
    public init?(of user: UserRecord) {
        if let s = BoardSpecialty(account: user.specialty) { self = s; return }
        guard user.role == "nurse_navigator" else { return nil }
        self = .nursing
    }

    /// Required before sign-off unless the meeting says otherwise: one of each group.
    public static let defaultRequired: [[BoardSpecialty]] = [[.radiology], [.orthopaedicOncology, .spineSurgery], [.radiationOncology], [.medicalOncology]]

    public static func requiredGroups(_ meeting: MeetingRecord) -> [[BoardSpecialty]] {
        guard let text = meeting.requiredSpecialties, case .array(let groups)? = try? JSONValue.parse(text) else { return defaultRequired }
        return groups.compactMap { g in g.arrayValue.map { $0.compactMap { $0.stringValue.flatMap(BoardSpecialty.init(rawValue:)) } } }.filter { !$0.isEmpty }
    }

    public static func groupLabel(_ group: [BoardSpecialty]) -> String { group.map(\.label).joined(separator: " or ") }
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

    public func setEmergencyNote(itemID: UUID, note: String) async throws {
        guard let item = try await AgendaItemRecord.find(itemID, on: db) else { throw StoreError.notFound("agenda item \(itemID)") }
        item.emergencyNote = note
        try await item.save(on: db)
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

    /// A person's opinion, with the specialty of their own account. One per person per
    /// item: recording again replaces their earlier one, until sign-off. A member may
    /// record it on behalf of a named absent colleague (shown as such).
    public func addOpinion(itemID: UUID, author: UserRecord, recordedBy: UserRecord? = nil, text: String) async throws -> OpinionRecord {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalid("the opinion is empty") }
        guard let specialty = BoardSpecialty(of: author) else {
            throw StoreError.invalid("\(author.displayName)'s account has no board specialty: an administrator records it (osteon user add --specialty)")
        }
        _ = try await item(itemID)
        let authorID = try author.requireID()
        let proxy = recordedBy.map { $0.id != author.id } ?? false
        return try await db.transaction { tx in
            // The decision's version counts its opinions too: a sign-off built from an older
            // reading is refused (its compare-and-set names the version it read).
            if let d = try await DecisionRecord.query(on: tx).filter(\.$item.$id == itemID).first() {
                guard let sql = tx as? any SQLDatabase else { throw StoreError.invalid("the database does not speak SQL") }
                let touched = try await sql.update(DecisionRecord.schema).set(SQLIdentifier("version"), to: SQLRaw("version + 1"))
                    .where("id", .equal, try d.requireID()).where("signed_off_at", .is, SQLLiteral.null).returning("id").all()
                guard touched.count == 1 else { throw StoreError.invalid("the decision is signed off: add an addendum instead") }
            }
            let earlier = try await OpinionRecord.query(on: tx).filter(\.$item.$id == itemID).filter(\.$authorUserID == authorID).first()
            if proxy, let earlier, earlier.recordedBy == nil {
                throw StoreError.invalid("\(author.displayName) recorded this opinion themselves: only they can change it")
            }
            try await earlier?.delete(on: tx)
            let o = OpinionRecord(itemID: itemID, specialty: specialty.rawValue, author: author.displayName, text: trimmed)
            o.authorUserID = authorID
            if proxy, let recordedBy { o.recordedBy = recordedBy.displayName }
            try await o.create(on: tx)
            return o
        }
    }

    /// Before the per-person opinions (M0012): an opinion for a specialty by name only.
    public func addOpinion(itemID: UUID, specialty: BoardSpecialty, author: String, text: String) async throws -> OpinionRecord {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw StoreError.invalid("the opinion is empty") }
        _ = try await item(itemID)
        let o = OpinionRecord(itemID: itemID, specialty: specialty.rawValue, author: author, text: trimmed)
        try await o.create(on: db)
        return o
    }

    /// The required groups with no opinion yet.
    public func missingRequired(itemID: UUID) async throws -> [[BoardSpecialty]] {
        let item = try await item(itemID)
        let given = Set(try await opinions(itemID: itemID).compactMap { BoardSpecialty(rawValue: $0.specialty) })
        return BoardSpecialty.requiredGroups(item.meeting).filter { given.isDisjoint(with: $0) }
    }

    // MARK: Attendance and meeting settings

    public func attendance(meetingID: UUID) async throws -> [UserRecord] {
        let ids = try await AttendanceRecord.query(on: db).filter(\.$meetingID == meetingID).all().map(\.userID)
        guard !ids.isEmpty else { return [] }
        return try await UserRecord.query(on: db).filter(\.$id ~~ ids).sort(\.$displayName).all()
    }

    /// Sets who attended (replacing the earlier list).
    public func recordAttendance(meetingID: UUID, userIDs: [UUID], by: String) async throws {
        try await db.transaction { tx in
            try await AttendanceRecord.query(on: tx).filter(\.$meetingID == meetingID).delete()
            for id in Set(userIDs) { try await AttendanceRecord(meetingID: meetingID, userID: id, recordedBy: by).create(on: tx) }
        }
    }

    /// Days before the meeting beyond which imaging counts as too old (Osteon default: 30).
    public static let defaultImagingMaxAgeDays = 30

    public func updateSettings(meetingID: UUID, required: [[BoardSpecialty]], contact: String?, imagingMaxAgeDays: Int? = nil) async throws {
        let m = try await meeting(meetingID)
        m.imagingMaxAgeDays = imagingMaxAgeDays
        m.requiredSpecialties = JSONValue.array(required.map { .array($0.map { .string($0.rawValue) }) }).serialized()
        m.contact = contact.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        try await m.save(on: db)
    }

    public func decision(itemID: UUID) async throws -> DecisionRecord? {
        try await DecisionRecord.query(on: db).filter(\.$item.$id == itemID).first()
    }

    public struct NewTask: Sendable {
        public var title: String
        public var owner: String
        public var ownerUserID: UUID?
        public var dueOn: String?
        public init(title: String, owner: String, ownerUserID: UUID? = nil, dueOn: String?) {
            self.title = title
            self.owner = owner
            self.ownerUserID = ownerUserID
            self.dueOn = dueOn
        }
    }

    /// The chair's consensus and the individualized plan as tasks; the case
    /// moves to "discussed". Until sign-off a new decision replaces the old
    /// one and its tasks; a signed-off decision cannot be replaced.
    /// Records the consensus and its tasks. Re-recording before sign-off replaces
    /// both, and must name the version being replaced (a stale one is refused).
    public func recordDecision(itemID: UUID, consensus: String, recordedBy: String, tasks: [NewTask], expectedVersion: Int? = nil,
                               plan: JSONValue? = nil) async throws -> DecisionRecord {
        let text = consensus.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw StoreError.invalid("the consensus recommendation is empty") }
        let agendaItem = try await item(itemID)
        return try await db.transaction { tx in
            let d: DecisionRecord
            if let existing = try await DecisionRecord.query(on: tx).filter(\.$item.$id == itemID).first() {
                if existing.signedOffAt != nil {
                    throw StoreError.invalid("the decision was signed off by \(existing.signedOffBy ?? "the chair") and cannot be changed")
                }
                guard let expectedVersion, expectedVersion == existing.version else {
                    throw StoreError.conflict(entity: "the board's decision", expected: expectedVersion ?? 0, current: existing.version)
                }
                // Compare-and-set in SQL: of two concurrent re-records of one version, one wins.
                guard let sql = tx as? any SQLDatabase else { throw StoreError.invalid("the database does not speak SQL") }
                let updated = try await sql.update(DecisionRecord.schema)
                    .set("consensus", to: text).set("recorded_by", to: recordedBy).set("version", to: expectedVersion + 1)
                    .set("plan", to: plan?.serialized())
                    .where("id", .equal, try existing.requireID()).where("version", .equal, expectedVersion)
                    .where("signed_off_at", .is, SQLLiteral.null)
                    .returning("version").all()
                guard updated.count == 1 else {
                    // Signed off or re-recorded since it was read: say which.
                    if let now = try await DecisionRecord.query(on: tx).filter(\.$item.$id == itemID).first(), now.signedOffAt != nil {
                        throw StoreError.invalid("the decision was signed off by \(now.signedOffBy ?? "the chair") and cannot be changed")
                    }
                    throw StoreError.conflict(entity: "the board's decision", expected: expectedVersion, current: expectedVersion + 1)
                }
                existing.consensus = text
                existing.recordedBy = recordedBy
                existing.version = expectedVersion + 1
                existing.plan = plan?.serialized()
                // A re-recorded decision replaces its plan.
                try await TaskRecord.query(on: tx).filter(\.$decision.$id == existing.requireID()).delete()
                d = existing
            } else {
                d = DecisionRecord(itemID: itemID, consensus: text, recordedBy: recordedBy)
                d.plan = plan?.serialized()
                try await d.create(on: tx)
            }
            for t in tasks where !t.title.trimmingCharacters(in: .whitespaces).isEmpty {
                let task = TaskRecord(caseID: agendaItem.$caseRecord.id, decisionID: try d.requireID(), title: t.title, owner: t.owner, dueOn: t.dueOn)
                task.ownerUserID = t.ownerUserID
                try await task.create(on: tx)
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

    // MARK: Frozen sign-off

    /// Signs the decision off and freezes it, in one transaction: the document
    /// (facts, assessment, opinions, consensus, plan, tasks, attendance as they
    /// are now) is stored with its SHA-256 and can never change afterwards.
    /// `decisionVersion` is the version the snapshot was read at: a decision, task or opinion
    /// changed since (each bumps it) refuses the sign-off, so the snapshot is what was signed.
    public func signOff(itemID: UUID, by user: UserRecord, at date: Date, snapshot document: JSONValue, decisionVersion: Int,
                        missingOpinionsReason: String? = nil) async throws -> DecisionSnapshotRecord {
        guard let d = try await decision(itemID: itemID) else { throw StoreError.invalid("record the consensus before signing off") }
        guard d.signedOffAt == nil else { throw StoreError.invalid("already signed off by \(d.signedOffBy ?? "the chair")") }
        let item = try await item(itemID)
        let text = document.serialized()
        return try await db.transaction { tx in
            guard let sql = tx as? any SQLDatabase else { throw StoreError.invalid("the database does not speak SQL") }
            // Compare-and-set: of two chairs signing at once, one wins.
            let updated = try await sql.update(DecisionRecord.schema)
                .set("signed_off_by", to: user.displayName).set("signed_off_at", to: date).set("missing_opinions_reason", to: missingOpinionsReason)
                .where("id", .equal, try d.requireID()).where("signed_off_at", .is, SQLLiteral.null).where("version", .equal, decisionVersion)
                .returning("id").all()
            guard updated.count == 1 else {
                if let now = try await DecisionRecord.query(on: tx).filter(\.$id == d.requireID()).first(), now.signedOffAt != nil {
                    throw StoreError.invalid("already signed off by \(now.signedOffBy ?? "the chair")")
                }
                throw StoreError.invalid("the decision, its tasks or an opinion changed while you were signing: review the record and sign again")
            }
            let s = DecisionSnapshotRecord()
            s.itemID = itemID
            s.decisionID = try d.requireID()
            s.patientID = item.caseRecord.$patient.id
            s.signedBy = user.username
            s.signedByName = user.displayName
            s.signedAt = date
            s.document = text
            s.sha256 = Self.sha256(text)
            try await s.create(on: tx)
            try await CaseStore(db: tx).setState(caseID: item.$caseRecord.id, .followUp)
            return s
        }
    }

    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    public func snapshot(itemID: UUID) async throws -> DecisionSnapshotRecord? {
        try await DecisionSnapshotRecord.query(on: db).filter(\.$itemID == itemID).first()
    }

    /// The patient's most recent signed decision.
    public func latestSnapshot(patientID: UUID) async throws -> DecisionSnapshotRecord? {
        try await DecisionSnapshotRecord.query(on: db).filter(\.$patientID == patientID).sort(\.$signedAt, .descending).first()
    }

    public struct GlanceItem: Sendable {
        public let itemID: UUID
        public let question: String
        public let meetingID: UUID
        public let meetingTitle: String
        public let scheduledOn: String
        /// nil: not yet discussed.
        public let decision: (consensus: String, signedOffAt: Date?)?
    }

    /// What the patient page's board card needs, in one statement (it runs on every view of the page): the case's
    /// agenda items by meeting date, each with its decision, and the id of the patient's latest signed record,
    /// whose contents never change (so a caller may keep them by id).
    public func glance(patientID: UUID, caseID: UUID) async throws -> (latestSnapshotID: UUID?, items: [GlanceItem]) {
        let rows = try await BoardGlanceSQL.rows(on: db, [patientID, caseID])
        var items: [GlanceItem] = []
        for row in rows {
            guard let itemID = try row.decode(column: "item_id", as: UUID?.self), !items.contains(where: { $0.itemID == itemID }) else { continue }
            let decision = try row.decode(column: "decision_id", as: UUID?.self) == nil ? nil
                : (consensus: try row.decode(column: "consensus", as: String.self), signedOffAt: try row.decode(column: "signed_off_at", as: Date?.self))
            items.append(GlanceItem(itemID: itemID, question: try row.decode(column: "question", as: String.self),
                                    meetingID: try row.decode(column: "meeting_id", as: UUID.self), meetingTitle: try row.decode(column: "title", as: String.self),
                                    scheduledOn: try row.decode(column: "scheduled_on", as: String.self), decision: decision))
        }
        return (try rows.first?.decode(column: "snapshot_id", as: UUID?.self), items)
    }

    public func snapshot(id: UUID) async throws -> DecisionSnapshotRecord? {
        try await DecisionSnapshotRecord.find(id, on: db)
    }

    public func addenda(snapshotID: UUID) async throws -> [DecisionAddendumRecord] {
        try await DecisionAddendumRecord.query(on: db).filter(\.$snapshotID == snapshotID).sort(\.$createdAt).all()
    }

    /// A correction after sign-off: who, why, when — the signed record itself never changes.
    public func addAddendum(snapshotID: UUID, author: UserRecord, reason: String, text: String, at date: Date) async throws -> DecisionAddendumRecord {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines), body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw StoreError.invalid("give the reason for the addendum") }
        guard !body.isEmpty else { throw StoreError.invalid("the addendum is empty") }
        guard let s = try await DecisionSnapshotRecord.find(snapshotID, on: db) else { throw StoreError.notFound("signed decision \(snapshotID)") }
        let a = DecisionAddendumRecord()
        a.snapshotID = snapshotID
        a.patientID = s.patientID
        a.author = author.username
        a.authorName = author.displayName
        a.reason = why
        a.text = body
        a.createdAt = date
        try await a.create(on: db)
        return a
    }

    /// What `osteon audit verify` checks: each snapshot's document still has its
    /// hash, and the audit log holds that hash (so a rewritten row and hash are caught too).
    public func verifySnapshots() async throws -> [String] {
        var problems: [String] = []
        let recorded = Set(try await AuditRecord.query(on: db).filter(\.$object, .custom("LIKE"), "decision_snapshots/%").all().map(\.object))
        for s in try await DecisionSnapshotRecord.query(on: db).sort(\.$signedAt).all() {
            let id = try s.requireID().uuidString
            if Self.sha256(s.document) != s.sha256 { problems.append("signed decision \(id): its content does not match its hash (edited)") }
            if !recorded.contains(Self.auditObject(snapshotID: id, sha256: Self.sha256(s.document))) {
                problems.append("signed decision \(id): its content does not match the hash written to the audit log at sign-off")
            }
        }
        return problems
    }

    public static func auditObject(snapshotID: String, sha256: String) -> String { "decision_snapshots/\(snapshotID)/sha256/\(sha256)" }

    /// Open tasks of these cases, by due date (the navigator's dashboard).
    /// Tasks by id, with their case and patient (in pieces: a database takes a bounded number of parameters).
    public func tasks(ids: [UUID]) async throws -> [TaskRecord] {
        var out: [TaskRecord] = []
        for start in stride(from: 0, to: ids.count, by: 500) {
            out += try await TaskRecord.query(on: db).filter(\.$id ~~ Array(ids[start..<min(start + 500, ids.count)]))
                .with(\.$caseRecord) { $0.with(\.$patient) }.all()
        }
        return out.sorted { ($0.dueOn ?? "9999", $0.title) < ($1.dueOn ?? "9999", $1.title) }
    }

    public func openTasks(caseIDs: [UUID]) async throws -> [TaskRecord] {
        guard !caseIDs.isEmpty else { return [] }
        return try await TaskRecord.query(on: db).filter(\.$caseRecord.$id ~~ caseIDs).filter(\.$status == "open")
            .with(\.$caseRecord) { $0.with(\.$patient) }.all()
            .sorted { ($0.dueOn ?? "9999", $0.title) < ($1.dueOn ?? "9999", $1.title) }
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

/// The patient page's board card (`BoardStore.glance`). The one-row table keeps the snapshot column when the case is on no agenda.
enum BoardGlanceSQL: PreparedSQL {
    static let text = """
        SELECT (SELECT s.id FROM decision_snapshots s WHERE s.patient_id = $1 ORDER BY s.signed_at DESC LIMIT 1) AS snapshot_id,
          a.id AS item_id, a.question AS question, m.id AS meeting_id, m.title AS title, m.scheduled_on AS scheduled_on,
          d.id AS decision_id, d.consensus AS consensus, d.signed_off_at AS signed_off_at
        FROM (SELECT 1 AS one) o
        LEFT JOIN agenda_items a ON a.case_id = $2
        LEFT JOIN board_meetings m ON m.id = a.meeting_id
        LEFT JOIN decisions d ON d.agenda_item_id = a.id
        ORDER BY m.scheduled_on, a.position, a.id
        """
}
