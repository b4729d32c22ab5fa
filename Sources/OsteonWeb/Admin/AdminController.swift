import Foundation
import OsteonStore
import Vapor

/// The administrator's view of the audit log: browse with filters, verify the
/// chain, export everything as CSV.
struct AdminController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.auditLog, use: browse)
        routes.on(.auditExport, use: export)
    }

    struct Row: Content {
        let sequence: Int
        let at: String
        let actor: String
        let role: String
        let action: String
        let object: String
        let patient: String
        let outcome: String
        let flag: String
        let requestID: String
    }

    struct Page: Content {
        let user: UserVM
        let csrf: String
        let verification: String
        let actor: String
        let patient: String
        let flagged: Bool
        let actions: [Option]
        let rows: [Row]
        let older: String?
    }

    static let actions = ["sign_in", "sign_out", "read", "create", "update", "delete", "export", "import", "sign_off", "break_glass"]

    func browse(req: Request) async throws -> View {
        let actor = (try? req.query.get(String.self, at: "actor")) ?? ""
        let action = (try? req.query.get(String.self, at: "action")) ?? ""
        let patientText = (try? req.query.get(String.self, at: "patient")) ?? ""
        let flagged = (try? req.query.get(String.self, at: "flagged")) == "1"
        let before = try? req.query.get(Int.self, at: "before")
        let filter = AuditLog.Filter(actor: actor, patientID: UUID(uuidString: patientText), action: action, beforeSequence: before, flaggedOnly: flagged)
        let log = AuditLog(db: req.db)
        let pageSize = 100
        let entries = try await log.entries(filter, limit: pageSize)
        let v = try await log.verify()
        let verification = v.ok
            ? "Chain intact: \(v.entries) entries verified"
            : "CHAIN BROKEN: \(v.problems.prefix(3).map(\.description).joined(separator: "; ")) — run `osteon audit verify`"
        var older: String?
        if entries.count == pageSize, let last = entries.last {
            var parts = URLComponents()
            parts.path = "/admin/audit"
            parts.queryItems = [.init(name: "actor", value: actor), .init(name: "action", value: action), .init(name: "patient", value: patientText),
                                .init(name: "before", value: String(last.sequence))] + (flagged ? [.init(name: "flagged", value: "1")] : [])
            older = parts.string
        }
        let fmt = ISO8601DateFormatter.withMilliseconds
        return try await req.view.render("admin-audit", Page(
            user: userVM(req), csrf: CSRF.token(req), verification: verification, actor: actor, patient: patientText, flagged: flagged,
            actions: [Option(value: "", label: "Any action", selected: action.isEmpty)] + Self.actions.map { Option(value: $0, label: $0.replacingOccurrences(of: "_", with: " "), selected: $0 == action) },
            rows: entries.map { Row(sequence: $0.sequence, at: fmt.string(from: $0.at), actor: $0.actor, role: $0.role, action: $0.action, object: $0.object,
                                   patient: $0.patientID?.uuidString ?? "", outcome: $0.outcome, flag: $0.flag ?? "", requestID: $0.requestID) },
            older: older))
    }

    /// The whole log, oldest first, streamed a page at a time.
    func export(req: Request) async throws -> Response {
        let db = req.db
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"osteon-audit.csv\"")
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            do {
                try await writer.write(.buffer(ByteBuffer(string: AuditLog.csvHeader + "\n")))
                try await AuditLog(db: db).forEachEntry { r in
                    try await writer.write(.buffer(ByteBuffer(string: AuditLog.csvLine(r) + "\n")))
                }
                try await writer.write(.end)
            } catch {
                try? await writer.write(.error(error))
            }
        }))
    }
}

/// The page a staff member sees for a patient outside their scope: how to
/// get access, and the emergency override with its reason.
enum BreakGlassPage {
    struct Page: Content {
        let user: UserVM
        let csrf: String
        let patientID: UUID
        let error: String?
        let hours: Int
        let minimum: Int
    }

    static func render(_ req: Request, patientID: UUID, error: String?, status: HTTPStatus) async throws -> Response {
        try await req.view.render("break-glass", Page(user: userVM(req), csrf: CSRF.token(req), patientID: patientID, error: error,
                                                      hours: Int(AccessStore.breakGlassDuration / 3600), minimum: AccessStore.minimumReasonLength))
            .encodeResponse(status: status, for: req)
    }
}
