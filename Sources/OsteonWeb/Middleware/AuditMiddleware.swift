import Fluent
import Foundation
import OsteonStore
import Vapor

/// Every access to patient data, every change and every export is written to
/// the hash-chained audit log: who, role, patient, action, object, request id, outcome.
struct AuditMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // The route (and so its row of the table) is known once the router has run.
        next.respond(to: request).flatMap { response in
            guard let action = request.siteRoute?.audit?.rawValue else { return request.eventLoop.makeSucceededFuture(response) }
            return request.eventLoop.makeFutureWithTask {
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
            guard let action = request.siteRoute?.audit?.rawValue else { return request.eventLoop.makeFailedFuture(error) }
            return request.eventLoop.makeFutureWithTask {
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
        let refused = req.storage[AuditRefusedKey.self] == true || status == .unauthorized || status == .forbidden
        let outcome = refused ? "denied" : status.code < 400 ? "success" : "failed \(status.code)"
        let user = req.user
        let first = req.storage[AuditPatientKey.self] ?? req.parameter(.patient)
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

}
