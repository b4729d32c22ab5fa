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

/// Refused access to a patient outside the user's care teams and boards.
struct OutOfScope: Error {
    let patientID: UUID
}

struct AuditPatientKey: StorageKey { typealias Value = UUID }
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
        guard let found = try await access.patientAccess(userID: user.id, patientID: patientID) else {
            throw Abort(.notFound, reason: "no such patient")
        }
        storage[PatientRevisionKey.self] = found.revision
        switch found.grant {
        case .none: throw OutOfScope(patientID: patientID)
        case .breakGlass: storage[AuditFlagKey.self] = "break_glass"
        case .careTeam, .board: break
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
        return try await access.visiblePatientIDs(userID: user.id)
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
                let saved = await self.record(request, action: action, status: response.status)
                if !saved && response.status.code < 400 {
                    // As a failed commit would: the answer must not say the change was saved.
                    return try await OsteonErrorMiddleware(environment: request.application.environment).response(for: Self.notConfirmed, request)
                }
                return response
            }
        }.flatMapError { error in
            request.eventLoop.makeFutureWithTask {
                await self.record(request, action: action, status: OsteonErrorMiddleware.describe(error).0)
                throw error
            }
        }
    }

    static let notConfirmed = Abort(.internalServerError, reason: "The change could not be confirmed as saved to disk. Reload the record and check it before you make the change again.")

    /// Writes the audit entry; false if a change could not be synced to disk.
    @discardableResult
    func record(_ req: Request, action: String, status: HTTPResponseStatus) async -> Bool {
        let outcome = status.code < 400 ? "success" : (status == .unauthorized || status == .forbidden) ? "denied" : "failed \(status.code)"
        let user = req.user
        let event = AuditEvent(actor: user?.username ?? req.storage[AuditActorKey.self] ?? "anonymous", role: user?.role ?? "-",
                               patientID: req.storage[AuditPatientKey.self] ?? req.parameters.get("pid", as: UUID.self),
                               action: action, object: req.url.path, requestID: req.requestID, outcome: outcome, flag: req.storage[AuditFlagKey.self])
        do {
            try await AuditLog(db: req.db, committer: req.application.auditCommitter).append(event)
        } catch {
            // Never the event itself in the application log: only that writing failed.
            req.logger.critical("audit write failed", metadata: ["error_type": .string(String(describing: type(of: error)))])
        }
        // A change (and its audit entry) is on disk before the answer says it was made.
        if action != "read" && action != "export", let sync = req.application.storage[WALSyncKey.self] {
            do {
                try await sync.sync()
            } catch {
                req.logger.critical("database log sync failed", metadata: ["error_type": .string(String(describing: type(of: error)))])
                return false
            }
        }
        return true
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
        case "patients", "board", "me", "fhir", "admin": break
        default: return nil
        }
        let last = parts.last ?? ""
        if last == "break-glass" { return "break_glass" }
        if last == "signoff" { return "sign_off" }
        if first == "fhir" && method == .POST { return "import" }
        if method == .GET {
            return ["handout", "summary", "print", "$assess", "audit.csv"].contains(last) ? "export" : "read"
        }
        if method == .DELETE || last == "delete" { return "delete" }
        if method == .PUT || method == .PATCH || ["edit", "state", "done"].contains(last) { return "update" }
        return "create"
    }
}
