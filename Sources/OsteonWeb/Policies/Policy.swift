import Fluent
import Foundation
import OsteonStore
import Vapor

// Who may do what. The rules, in one place:
//   administrator    manages accounts (CLI) and browses/exports the audit log; no clinical records.
//   clinician        clinical pages and API for the patients in scope; records decisions and signs off.
//   nurse_navigator  as a clinician, except the board's decision and sign-off.
//   patient          only their own guide and plan (/me).
//   quality          the quality dashboard's aggregate figures (/quality): no patient page, no identifiers.
//                    Clinicians and navigators see the dashboard too, and drill from a measure to their own patients.
// In scope: the patient's care team, members of a board meeting with the
// patient on its agenda, or "break the glass" with a written reason (flagged).

enum Role {
    static let administrator = "administrator"
    static let clinician = "clinician"
    static let navigator = "nurse_navigator"
    static let patient = "patient"
    static let quality = "quality"
}

extension SessionUser {
    var isAdministrator: Bool { role == Role.administrator }
    var isStaff: Bool { role == Role.clinician || role == Role.navigator }
    var isQuality: Bool { role == Role.quality }
    /// Where the person's work starts (home, and where a page not for them sends them).
    var homeLink: String {
        isPatient ? SiteRoute.portal.link() : isAdministrator ? SiteRoute.auditLog.link() : isQuality ? SiteRoute.quality.link() : SiteRoute.patients.link()
    }
}

/// A hospital number already used by a patient the user may see (409).
struct DuplicateNumber: Error {
    let message: String
}

/// Refused access to a patient outside the user's care teams and boards.
struct OutOfScope: Error {
    let patientID: UUID
}

struct AuditPatientKey: StorageKey { typealias Value = UUID }
/// Further patients a request revealed (a meeting's agenda, an import): one audit entry each.
struct AuditMorePatientsKey: StorageKey { typealias Value = [UUID] }

extension Request {
    /// Records that this request shows or changes these patients (for the audit entry).
    func auditPatients(_ ids: [UUID]) {
        var all = (storage[AuditPatientKey.self].map { [$0] } ?? []) + (storage[AuditMorePatientsKey.self] ?? [])
        for id in ids where !all.contains(id) { all.append(id) }
        storage[AuditPatientKey.self] = all.first
        storage[AuditMorePatientsKey.self] = Array(all.dropFirst())
    }
}
struct AuditFlagKey: StorageKey { typealias Value = String }
/// A page refused by sending the person to their own home: audited as denied, not as shown.
struct AuditRefusedKey: StorageKey { typealias Value = Bool }
struct AuditActorKey: StorageKey { typealias Value = String }
struct AuditCommitterKey: StorageKey { typealias Value = GroupCommitter }
/// The patient's revision as read by the scope check (for the page cache).
struct PatientRevisionKey: StorageKey { typealias Value = PatientRevision }

extension Application {
    var auditCommitter: GroupCommitter { storage[AuditCommitterKey.self]! }
}

extension Request {
    var user: SessionUser? { auth.get(SessionUser.self) }
    var access: AccessStore { AccessStore(db: db) }

    /// Throws unless the signed-in staff member may see this patient now;
    /// access through break-the-glass marks the request for the audit.
    func requirePatientAccess(_ patientID: UUID) async throws {
        storage[AuditPatientKey.self] = patientID
        guard let user, user.isStaff else { throw Abort(.forbidden, reason: "this is for the care team") }
        guard let found = try await access.patientAccess(userID: user.id, patientID: patientID, now: now) else {
            throw Abort(.notFound, reason: "no such patient")
        }
        storage[PatientRevisionKey.self] = found.revision
        switch found.grant {
        case .none: throw OutOfScope(patientID: patientID)
        case .breakGlass: storage[AuditFlagKey.self] = "break_glass"
        case .careTeam, .board: break
        }
    }

    /// Widening who sees a patient (a colleague on the care team, the patient on a
    /// meeting's agenda) needs care-team membership itself: not board access, and
    /// never a break-the-glass grant, which must stay time-limited and flagged.
    func requireCareTeam(_ patientID: UUID) async throws {
        try await requirePatientAccess(patientID)
        guard let user, try await access.grant(userID: user.id, patientID: patientID, now: now) == .careTeam else {
            throw Abort(.forbidden, reason: "only the patient's care team adds people or meetings to the record; ask a member of the care team")
        }
    }

    /// The same answer for a hospital number outside the user's scope as for one
    /// that does not exist, so that other teams' numbers cannot be confirmed.
    static func outOfScopeNumber(_ external: String) -> Abort {
        Abort(.forbidden, reason: "Patient \(external) is not in your care teams or boards, or does not exist. Ask its care team, or break the glass from the patient's page with a written reason.")
    }

    /// Before creating a patient: a number already in use answers 409 with where it is when the
    /// user may see that patient, and the uniform 403 otherwise.
    func checkHospitalNumberFree(_ external: String) async throws {
        guard let existing = try await cases.patient(externalID: external) else { return }
        guard let user, try await access.grant(userID: user.id, patientID: existing.requireID(), now: now) != .none else {
            throw Self.outOfScopeNumber(external)
        }
        throw DuplicateNumber(message: "a patient with hospital number \(existing.externalID) already exists: /patients/\(try existing.requireID())")
    }

    /// Only the meeting's creator adds members.
    func requireMeetingCreator(_ meetingID: UUID) async throws {
        guard let user, try await access.meetingCreator(meetingID: meetingID) == user.id else {
            throw Abort(.forbidden, reason: "only the member who created this meeting changes its members and settings; ask them")
        }
    }

    func requireMeetingMember(_ meetingID: UUID) async throws {
        guard let user else { throw Abort(.unauthorized) }
        guard try await MeetingRecord.find(meetingID, on: db) != nil else { throw Abort(.notFound, reason: "no such meeting") }
        guard try await access.isMeetingMember(meetingID: meetingID, userID: user.id) else {
            throw Abort(.forbidden, reason: "you are not a member of this board meeting; ask a member to add you")
        }
    }

    /// The board's decision and its sign-off are a clinician's.
    func requireClinician() throws {
        guard user?.role == Role.clinician else {
            throw Abort(.forbidden, reason: "only a clinician records or signs off the board's decision")
        }
    }

    /// The active clinician or nurse navigator named in the form's `username` field.
    func colleagueFromForm() async throws -> UserRecord {
        let username = ((try? content.get(String.self, at: "username")) ?? "").trimmingCharacters(in: .whitespaces)
        guard let user = try await UserRecord.query(on: db).filter(\.$username == username).first(), user.active,
              user.role == Role.clinician || user.role == Role.navigator
        else { throw ValidationFailure(fields: ["username": "no active clinician or nurse navigator with that user name"]) }
        return user
    }

    /// A page of the lists' per-patient summaries the user may see (changed patients recomputed first;
    /// rows still computed for an earlier day are recomputed before they are shown).
    func patientSummaries(_ filter: SummaryStore.Filter, after: SummaryStore.Cursor?, limit: Int) async throws -> ([PatientSummary], SummaryStore.Cursor?, Int) {
        guard let user, user.isStaff else { return ([], nil, 0) }
        let store = SummaryStore(db: db)
        // The usual case: a few changes since the last list, recomputed now. After a bulk change (a
        // first start, a large import) the background pass has them; this page's own rows are still made current.
        let waiting = try await store.waiting()
        if waiting <= Self.refreshInRequest { try await store.refresh(today: today) }
        let also = try await access.breakGlassPatientIDs(userID: user.id, now: now)
        var page = try await store.page(userID: user.id, alsoVisible: also, filter: filter, after: after, limit: limit)
        var old = page.rows.filter { $0.computedFor != today.description }.map(\.patientID)
        if waiting > Self.refreshInRequest, !page.rows.isEmpty {
            let ids = page.rows.map(\.patientID)
            old += try await store.dirtyAmong(ids)
        }
        if !old.isEmpty {
            try await store.refresh(today: today, only: old, dirty: false)
            page = try await store.page(userID: user.id, alsoVisible: also, filter: filter, after: after, limit: limit)
        }
        return (page.rows, page.next, waiting > Self.refreshInRequest ? waiting : 0)
    }

    /// At most this many changed patients are recomputed inside a list request.
    static let refreshInRequest = 200

    func visiblePatientIDs() async throws -> Set<UUID> {
        guard let user, user.isStaff else { return [] }
        return try await access.visiblePatientIDs(userID: user.id, now: now)
    }
}
