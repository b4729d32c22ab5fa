import Fluent
import Foundation
import OsteonStore
import Vapor

// Who may do what. The rules, in one place:
//   administrator    manages accounts (CLI) and browses/exports the audit log; no clinical records.
//   clinician        clinical pages and API for the patients in scope; records decisions and signs off.
//   nurse_navigator  as a clinician, except the board's decision and sign-off.
//   patient          only their own guide and plan (/me).
// In scope: the patient's care team, members of a board meeting with the
// patient on its agenda, or "break the glass" with a written reason (flagged).

enum Role {
    static let administrator = "administrator"
    static let clinician = "clinician"
    static let navigator = "nurse_navigator"
    static let patient = "patient"
}

extension SessionUser {
    var isAdministrator: Bool { role == Role.administrator }
    var isStaff: Bool { role == Role.clinician || role == Role.navigator }
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
            throw Abort(.forbidden, reason: "only the member who created this meeting adds members; ask them")
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

    func visiblePatientIDs() async throws -> Set<UUID> {
        guard let user, user.isStaff else { return [] }
        return try await access.visiblePatientIDs(userID: user.id, now: now)
    }
}

// Middleware that needs no database is plain (future-based): an AsyncMiddleware
// costs a task and two thread hops on every request that passes through it.

/// Care-team pages and the API are for clinicians and nurse navigators:
/// patients are sent to /me, administrators to the audit log.
struct RequireStaff: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if let user = request.user, !user.isStaff {
            if request.wantsHTML && request.method == .GET {
                return request.eventLoop.makeSucceededFuture(request.redirect(to: user.isPatient ? "/me" : "/admin/audit"))
            }
            return request.eventLoop.makeFailedFuture(Abort(.forbidden, reason: user.isPatient
                ? "this is for the care team; a patient account sees its own guide at /me"
                : "administrators manage accounts and the audit log; clinical records are for the care team"))
        }
        return next.respond(to: request)
    }
}

struct RequireAdministrator: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.user?.isAdministrator == true else {
            return request.eventLoop.makeFailedFuture(Abort(.forbidden, reason: "for administrators only"))
        }
        return next.respond(to: request)
    }
}

/// Applies the scope rules to every route with a patient, meeting or agenda
/// item in its path, before the handler runs.
struct ScopeMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard request.parameters.get("pid") != nil || request.parameters.get("mid") != nil || request.parameters.get("iid") != nil else {
            return next.respond(to: request)
        }
        return request.eventLoop.makeFutureWithTask { try await self.check(request) }.flatMap { next.respond(to: request) }
    }

    func check(_ request: Request) async throws {
        if let pid = request.parameters.get("pid", as: UUID.self), request.url.path.hasSuffix("/break-glass") == false {
            try await request.requirePatientAccess(pid)
        }
        if let mid = request.parameters.get("mid", as: UUID.self) {
            try await request.requireMeetingMember(mid)
        }
        if let iid = request.parameters.get("iid", as: UUID.self) {
            guard let item = try await AgendaItemRecord.query(on: request.db).filter(\.$id == iid).with(\.$caseRecord).first() else {
                throw Abort(.notFound, reason: "no such agenda item")
            }
            request.storage[AuditPatientKey.self] = item.caseRecord.$patient.id
            try await request.requireMeetingMember(item.$meeting.id)
        }
    }
}

/// Every access to patient data, every change and every export is written to
/// the hash-chained audit log: who, role, patient, action, object, request id, outcome.
struct AuditMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let action = Self.action(method: request.method, path: request.url.path) else { return next.respond(to: request) }
        return next.respond(to: request).flatMap { response in
            request.eventLoop.makeFutureWithTask {
                switch await self.record(request, action: action, status: response.status) {
                case .saved: return response
                case .notAudited:
                    // Fail closed: nothing is served (or said to be saved) without its audit entry.
                    return try await OsteonErrorMiddleware(environment: request.application.environment).response(for: Self.notAudited, request)
                case .notSynced where response.status.code < 400:
                    // As a failed commit would: the answer must not say the change was saved.
                    return try await OsteonErrorMiddleware(environment: request.application.environment).response(for: Self.notConfirmed, request)
                case .notSynced: return response
                }
            }
        }.flatMapError { error in
            request.eventLoop.makeFutureWithTask {
                if await self.record(request, action: action, status: OsteonErrorMiddleware.describe(error).0) == .notAudited {
                    throw Self.notAudited
                }
                throw error
            }
        }
    }

    static let notConfirmed = Abort(.internalServerError, reason: "The change could not be confirmed as saved to disk. Reload the record and check it before you make the change again.")
    static let notAudited = Abort(.serviceUnavailable, reason: "The audit log could not be written, so nothing was shown or saved. Try again in a moment; if it persists, tell the administrator the request id.")

    enum Recorded: Equatable { case saved, notAudited, notSynced }

    /// Writes the audit entry (one per patient the request revealed) and, for a change, waits for the disk.
    func record(_ req: Request, action: String, status: HTTPResponseStatus) async -> Recorded {
        let outcome = status.code < 400 ? "success" : (status == .unauthorized || status == .forbidden) ? "denied" : "failed \(status.code)"
        let user = req.user
        let first = req.storage[AuditPatientKey.self] ?? req.parameters.get("pid", as: UUID.self)
        let patients: [UUID?] = [first] + (req.storage[AuditMorePatientsKey.self] ?? []).map { Optional($0) }
        do {
            let log = AuditLog(db: req.db, committer: req.application.auditCommitter)
            for patient in patients {
                try await log.append(AuditEvent(actor: user?.username ?? req.storage[AuditActorKey.self] ?? "anonymous", role: user?.role ?? "-",
                                                patientID: patient, action: action, object: req.url.path, requestID: req.requestID,
                                                outcome: outcome, flag: req.storage[AuditFlagKey.self]))
            }
        } catch {
            // Never the event itself in the application log: only that writing failed.
            req.logger.critical("audit write failed", metadata: ["error_type": .string(String(describing: type(of: error)))])
            return .notAudited
        }
        // A change (and its audit entry) is on disk before the answer says it was made.
        if action != "read" && action != "export", let sync = req.application.storage[WALSyncKey.self] {
            do {
                try await sync.sync()
            } catch {
                req.logger.critical("database log sync failed", metadata: ["error_type": .string(String(describing: type(of: error)))])
                return .notSynced
            }
        }
        return .saved
    }

    /// What a request does, or nil for requests that touch no stored record (health, stylesheet,
    /// sign-in page, the score and assessment calculators).
    static func action(method: HTTPMethod, path: String) -> String? {
        let parts = path.split(separator: "/").map(String.init)
        guard let first = parts.first else { return nil }
        switch first {
        case "login": return method == .POST ? "sign_in" : nil
        case "logout": return "sign_out"
        case "api":
            // Calculators on data the caller sends touch no stored record: not audited.
            if parts.count >= 3, ["openapi.json", "scores", "assessments"].contains(parts[2]) { return nil }
            if parts.count >= 3, parts[2] == "session" { return method == .POST ? "sign_in" : "sign_out" }
        case "patients", "board", "tasks", "me", "fhir", "admin": break
        default: return nil
        }
        let last = parts.last ?? ""
        if last == "break-glass" { return "break_glass" }
        if last == "signoff" { return "sign_off" }
        if first == "fhir" && method == .POST { return "import" }
        if method == .GET || method == .HEAD {
            return ["handout", "summary", "print", "$assess", "audit.csv"].contains(last) ? "export" : "read"
        }
        if method == .DELETE || last == "delete" { return "delete" }
        if method == .PUT || method == .PATCH || ["edit", "state", "done"].contains(last) { return "update" }
        return "create"
    }
}
