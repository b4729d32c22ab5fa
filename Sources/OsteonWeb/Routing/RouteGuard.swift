import Fluent
import Foundation
import OsteonStore
import Vapor

/// Applies a route's row of the table before its handler: who may use it, JSON
/// for API writes, and the scope of each record named in the path. A route
/// without a row is never served. Future-based: most requests need no database.
struct RouteGuard: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard let row = request.siteRoute else {
            return request.eventLoop.makeFailedFuture(Abort(.internalServerError, reason: "this route has no row in the route table"))
        }
        if row.who != .anyone, !request.auth.has(SessionUser.self) { return Self.signInFirst(request) }
        if let user = request.user {
            switch row.who {
            case .staff where !user.isStaff: return Self.notStaff(request, user)
            case .quality where !user.isStaff && !user.isQuality: return Self.notStaff(request, user)
            case .administrator where !user.isAdministrator:
                return request.eventLoop.makeFailedFuture(Abort(.forbidden, reason: "for administrators only"))
            default: break
            }
        }
        if row.jsonWrites, [.POST, .PUT, .PATCH].contains(request.method), !Self.isJSON(request.headers.contentType) {
            return request.eventLoop.makeFailedFuture(Abort(.unsupportedMediaType, reason: row.path.hasPrefix("fhir")
                ? "send Content-Type: application/fhir+json (or application/json)" : "send Content-Type: application/json"))
        }
        guard !row.records.isEmpty else { return next.respond(to: request) }
        return request.eventLoop.makeFutureWithTask { try await Self.checkRecords(row.records, request) }.flatMap { next.respond(to: request) }
    }

    static func isJSON(_ type: HTTPMediaType?) -> Bool {
        guard let type else { return false }
        return type.type == "application" && (type.subType == "json" || type.subType == "fhir+json")
    }

    /// People go to the sign-in page (a form they sent comes back after it); API clients get 401.
    static func signInFirst(_ request: Request) -> EventLoopFuture<Response> {
        guard request.wantsHTML else {
            return request.eventLoop.makeFailedFuture(Abort(.unauthorized, reason: "sign in first (POST /api/v1/session)"))
        }
        if request.method == .POST, request.headers.contentType == .urlEncodedForm {
            return request.eventLoop.makeFutureWithTask { try await FormDraft.signInPage(request) }
        }
        let timedOut = request.storage[TimedOutKey.self] == true
        let target = SafeRedirect.path(request.url.path)
        let next = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-._~"))) ?? "/patients"
        return request.eventLoop.makeSucceededFuture(request.redirect(to: "\(SiteRoute.signInPage.link())?next=\(next)\(timedOut ? "&timeout=1" : "")"))
    }

    /// Care-team pages and the API are for clinicians and nurse navigators: patients go to /me, administrators to the audit log.
    static func notStaff(_ request: Request, _ user: SessionUser) -> EventLoopFuture<Response> {
        if request.wantsHTML && request.method == .GET {
            request.storage[AuditRefusedKey.self] = true
            return request.eventLoop.makeSucceededFuture(request.redirect(to: user.homeLink))
        }
        return request.eventLoop.makeFailedFuture(Abort(.forbidden, reason: user.isPatient
            ? "this is for the care team; a patient account sees its own guide at /me"
            : user.isQuality ? "a quality account sees the aggregate figures at /quality; patient records are for the care team"
            : "administrators manage accounts and the audit log; clinical records are for the care team"))
    }

    static func checkRecords(_ records: SiteRoute.Records, _ request: Request) async throws {
        if records.contains(.patient) {
            guard let pid = request.parameter(.patient) else { throw Abort(.notFound, reason: "no such patient") }
            try await request.requirePatientAccess(pid)
        }
        var meetingID: UUID?
        if records.contains(.meeting) {
            guard let mid = request.parameter(.meeting) else { throw Abort(.notFound, reason: "no such meeting") }
            try await request.requireMeetingMember(mid)
            meetingID = mid
        }
        if records.contains(.agendaItem) {
            guard let iid = request.parameter(.item),
                  let item = try await AgendaItemRecord.query(on: request.db).filter(\.$id == iid).with(\.$caseRecord).first(),
                  meetingID.map({ $0 == item.$meeting.id }) ?? true
            else { throw Abort(.notFound, reason: "no such agenda item") }
            request.storage[AuditPatientKey.self] = item.caseRecord.$patient.id
            try await request.requireMeetingMember(item.$meeting.id)
        }
    }
}
