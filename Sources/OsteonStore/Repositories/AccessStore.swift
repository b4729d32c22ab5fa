import FluentKit
import Foundation
import SQLKit

/// Care-team scoping: which patients a clinician or nurse navigator may see.
///
/// A user sees a patient when they are on the patient's care team, when the
/// patient is on the agenda of a board meeting they are a member of, or for a
/// limited time after "breaking the glass" with a written reason.
public struct AccessStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    /// How long emergency access lasts.
    public static let breakGlassDuration: TimeInterval = 8 * 3600
    public static let minimumReasonLength = 10

    public enum Grant: Sendable, Equatable {
        case careTeam, board, breakGlass
        case none
    }

    /// What a request needs before it shows a patient: does the patient exist,
    /// may this user see them, and which revision of the record is current.
    public struct PatientAccess: Sendable, Equatable {
        public let grant: Grant
        public let revision: PatientRevision
    }

    /// One query: the patient's version and revision, and the user's grant.
    public func patientAccess(userID: UUID, patientID: UUID, now: Date = Date()) async throws -> PatientAccess? {
        guard let row = try await PatientAccessSQL.rows(on: db, [userID, patientID]).first else { return nil }
        let grant: Grant
        if try row.decode(column: "member", as: Int.self) > 0 {
            grant = .careTeam
        } else if try row.decode(column: "board", as: Int.self) > 0 {
            grant = .board
        } else if let until = try row.decode(column: "glass_until", as: Date?.self), until > now {
            grant = .breakGlass
        } else {
            grant = .none
        }
        return PatientAccess(grant: grant, revision: PatientRevision(version: try row.decode(column: "version", as: Int.self),
                                                                     revision: try row.decode(column: "revision", as: Int64.self)))
    }

    public func grant(userID: UUID, patientID: UUID, now: Date = Date()) async throws -> Grant {
        try await patientAccess(userID: userID, patientID: patientID, now: now)?.grant ?? .none
    }

    /// Every patient the user may see now (for lists).
    public func visiblePatientIDs(userID: UUID, now: Date = Date()) async throws -> Set<UUID> {
        // The care team by its index, one column decoded: a clinician on every patient's team has tens of thousands.
        var ids = Set(try await (db as! any SQLDatabase).raw("""
            SELECT patient_id FROM care_team_members WHERE user_id = \(bind: userID) AND kind = 'member'
            """).all().map { try $0.decode(column: "patient_id", as: UUID.self) })
        ids.formUnion(try await breakGlassPatientIDs(userID: userID, now: now))
        let meetings = try await MeetingMemberRecord.query(on: db).filter(\.$userID == userID).all().map(\.meetingID)
        if !meetings.isEmpty {
            let items = try await AgendaItemRecord.query(on: db).filter(\.$meeting.$id ~~ meetings).with(\.$caseRecord).all()
            for item in items { ids.insert(item.caseRecord.$patient.id) }
        }
        return ids
    }

    /// Patients open to the user through unexpired emergency access (few; the lists add them to the care-team join).
    public func breakGlassPatientIDs(userID: UUID, now: Date = Date()) async throws -> [UUID] {
        try await CareTeamRecord.query(on: db).filter(\.$userID == userID).filter(\.$kind == "break_glass").all()
            .filter { ($0.expiresAt ?? .distantPast) > now }.map(\.patientID)
    }

    public func addToCareTeam(patientID: UUID, userID: UUID, addedBy: String) async throws {
        let existing = try await CareTeamRecord.query(on: db).filter(\.$userID == userID).filter(\.$patientID == patientID)
            .filter(\.$kind == "member").count()
        if existing == 0 {
            try await CareTeamRecord(patientID: patientID, userID: userID, kind: "member", reason: nil, expiresAt: nil, addedBy: addedBy).create(on: db)
        }
    }

    public func careTeam(patientID: UUID) async throws -> [UserRecord] {
        let ids = try await CareTeamRecord.query(on: db).filter(\.$patientID == patientID).filter(\.$kind == "member").all().map(\.userID)
        guard !ids.isEmpty else { return [] }
        return try await UserRecord.query(on: db).filter(\.$id ~~ ids).sort(\.$displayName).all()
    }

    /// Emergency access with a written reason; the caller audits it as flagged.
    public func breakGlass(patientID: UUID, userID: UUID, reason: String, by: String, now: Date = Date()) async throws -> Date {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= Self.minimumReasonLength else {
            throw StoreError.invalid("write why you need this record (at least \(Self.minimumReasonLength) characters)")
        }
        let until = now.addingTimeInterval(Self.breakGlassDuration)
        try await CareTeamRecord(patientID: patientID, userID: userID, kind: "break_glass", reason: trimmed, expiresAt: until, addedBy: by).create(on: db)
        return until
    }

    public func addMeetingMember(meetingID: UUID, userID: UUID) async throws {
        if try await MeetingMemberRecord.query(on: db).filter(\.$meetingID == meetingID).filter(\.$userID == userID).count() == 0 {
            try await MeetingMemberRecord(meetingID: meetingID, userID: userID).create(on: db)
        }
    }

    /// The meeting's creator: recorded since M0011, else its first member (the creator joined first).
    public func meetingCreator(meetingID: UUID) async throws -> UUID? {
        if let m = try await MeetingRecord.find(meetingID, on: db), let by = m.createdBy { return by }
        return try await MeetingMemberRecord.query(on: db).filter(\.$meetingID == meetingID).sort(\.$createdAt).first()?.userID
    }

    public func isMeetingMember(meetingID: UUID, userID: UUID) async throws -> Bool {
        try await MeetingMemberRecord.query(on: db).filter(\.$meetingID == meetingID).filter(\.$userID == userID).count() > 0
    }

    public func meetingMembers(meetingID: UUID) async throws -> [UserRecord] {
        let ids = try await MeetingMemberRecord.query(on: db).filter(\.$meetingID == meetingID).all().map(\.userID)
        guard !ids.isEmpty else { return [] }
        return try await UserRecord.query(on: db).filter(\.$id ~~ ids).sort(\.$displayName).all()
    }

    public func meetingIDs(userID: UUID) async throws -> Set<UUID> {
        Set(try await MeetingMemberRecord.query(on: db).filter(\.$userID == userID).all().map(\.meetingID))
    }
}

/// Account administration for the `osteon user` commands.
public struct UserStore: Sendable {
    public let db: any Database
    public init(db: any Database) { self.db = db }

    public static let roles = ["administrator", "clinician", "nurse_navigator", "patient", "quality"]

    public func all() async throws -> [UserRecord] {
        try await UserRecord.query(on: db).sort(\.$username).all()
    }

    public func find(_ username: String) async throws -> UserRecord {
        guard let u = try await UserRecord.query(on: db).filter(\.$username == username).first() else {
            throw StoreError.notFound("user \(username)")
        }
        return u
    }

    public func setActive(_ username: String, _ active: Bool) async throws {
        let u = try await find(username)
        u.active = active
        try await u.save(on: db)
        if !active { try await endSessions(of: u) }
    }

    /// Counts one failed sign-in in a single statement, so that concurrent
    /// failures all count (several servers included); at `maxFailures` the
    /// account locks until `now + lockout` and the count starts again.
    /// Returns the lock's end when the account is locked after this failure.
    public func recordFailedSignIn(userID: UUID, now: Date, maxFailures: Int, lockout: TimeInterval) async throws -> Date? {
        guard let sql = db as? any SQLDatabase else { throw StoreError.invalid("sign-in needs an SQL database") }
        let until = now.addingTimeInterval(lockout)
        let row = try await sql.raw("""
            UPDATE users SET
              failed_logins = CASE WHEN failed_logins + 1 >= \(bind: maxFailures) THEN 0 ELSE failed_logins + 1 END,
              locked_until = CASE WHEN failed_logins + 1 >= \(bind: maxFailures) THEN \(bind: until) ELSE locked_until END
            WHERE id = \(bind: userID)
            RETURNING locked_until
            """).first()
        guard let locked = try row?.decode(column: "locked_until", as: Date?.self), locked > now else { return nil }
        return locked
    }

    /// A successful sign-in clears the count (one statement, never the whole row).
    public func clearFailedSignIns(userID: UUID) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        try await sql.raw("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = \(bind: userID)").run()
    }

    /// Lifts a lock-out (an administrator's `osteon user unlock`).
    public func unlock(_ username: String) async throws {
        let u = try await find(username)
        try await clearFailedSignIns(userID: u.requireID())
    }

    /// A new password hash; clears any lock-out and ends the user's sessions.
    public func resetPassword(_ username: String, hash: String) async throws {
        let u = try await find(username)
        u.passwordHash = hash
        u.failedLogins = 0
        u.lockedUntil = nil
        try await u.save(on: db)
        try await endSessions(of: u)
    }

    /// Sessions live in Vapor's `_fluent_sessions` table (JSON data with the user id).
    private func endSessions(of u: UserRecord) async throws {
        guard let sql = db as? any SQLDatabase, let id = u.id else { return }
        let tables = try await sql.raw(sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_fluent_sessions'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_name = '_fluent_sessions'").all()
        guard !tables.isEmpty else { return }
        try await sql.raw("DELETE FROM _fluent_sessions WHERE CAST(\(ident: "data") AS TEXT) LIKE \(bind: "%" + id.uuidString + "%")").run()
    }
}

/// Checked on every view of a patient's record: the user's grants and the patient's revision.
enum PatientAccessSQL: PreparedSQL {
    static let text = """
        SELECT p.version AS version, p.revision AS revision,
          (SELECT COUNT(*) FROM care_team_members t WHERE t.patient_id = p.id AND t.user_id = $1 AND t.kind = 'member') AS member,
          (SELECT COUNT(*) FROM agenda_items a JOIN cases c ON c.id = a.case_id JOIN meeting_members m ON m.meeting_id = a.meeting_id
             WHERE c.patient_id = p.id AND m.user_id = $1) AS board,
          (SELECT MAX(t.expires_at) FROM care_team_members t WHERE t.patient_id = p.id AND t.user_id = $1 AND t.kind = 'break_glass') AS glass_until
        FROM patients p WHERE p.id = $2
        """
}
