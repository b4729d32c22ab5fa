import Foundation
import OsteonDomain
import OsteonStore
import Vapor

/// A request id on every request and response, for logs and the audit trail.
struct RequestIDMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        let id = request.headers.first(name: "X-Request-ID").flatMap { Self.acceptable($0) ? $0 : nil } ?? UUID().uuidString
        request.logger[metadataKey: "request_id"] = .string(id)
        request.storage[RequestIDKey.self] = id
        return next.respond(to: request).map { response in
            response.headers.replaceOrAdd(name: "X-Request-ID", value: id)
            return response
        }
    }
}

extension RequestIDMiddleware {
    /// A client's id is kept only when it looks like one: 8–64 letters, digits, '-', '_' or '.'
    /// ("cli" marks the command line's own audit entries and is never taken from a request).
    static func acceptable(_ id: String) -> Bool {
        (8...64).contains(id.utf8.count) && id.utf8.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2D || b == 0x5F || b == 0x2E
        }
    }
}

struct RequestIDKey: StorageKey { typealias Value = String }

extension Request {
    var requestID: String { storage[RequestIDKey.self] ?? "-" }
    var wantsHTML: Bool {
        !url.path.hasPrefix("/api/") && !url.path.hasPrefix("/fhir") && (headers.accept.mediaTypes.contains(.html) || headers.accept.isEmpty)
    }
}

/// Security headers on every response: no inline script, no framing, no sniffing.
struct SecurityHeadersMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).map { response in
            // A route may tighten or adapt the policy (the printable guide carries its own style).
            if !response.headers.contains(name: "Content-Security-Policy") {
                response.headers.replaceOrAdd(name: "Content-Security-Policy", value: Self.defaultPolicy)
            }
            response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
            response.headers.replaceOrAdd(name: "Referrer-Policy", value: "no-referrer")
            // Patient data must not sit in shared or browser caches; the stylesheet may.
            if !response.headers.contains(name: "Cache-Control") { response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store") }
            return response
        }
    }

    static let defaultPolicy = policy(styles: "'self'")
}

extension SecurityHeadersMiddleware {
    static func policy(styles: String) -> String {
        "default-src 'self'; script-src 'self'; style-src \(styles); img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    }
}

/// Errors at one edge: an HTML page for people, JSON for the API, an
/// OperationOutcome for FHIR; the right status; never a stack trace.
struct OsteonErrorMiddleware: Middleware {
    let environment: Environment

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            request.eventLoop.makeFutureWithTask { try await self.response(for: error, request) }
        }
    }

    func response(for error: any Error, _ request: Request) async throws -> Response {
        let (status, reason) = Self.describe(error)
        if status.code >= 500 {
            // The type only: error texts can carry record content. Development shows the detail.
            var metadata: Logger.Metadata = ["status": .string("\(status.code)"), "error_type": .string(String(describing: type(of: error)))]
            if environment == .development || environment == .testing { metadata["detail"] = .string(String(describing: error)) }
            request.logger.error("request failed", metadata: metadata)
        }
        if let e = error as? OutOfScope, request.wantsHTML {
            return try await BreakGlassPage.render(request, patientID: e.patientID, error: nil, status: .forbidden)
        }
        if request.url.path.hasPrefix("/fhir") {
            return Self.json(status, OperationOutcome.error(reason, code: status.code >= 500 ? "exception" : status == .notFound ? "not-found" : "processing"),
                             contentType: "application/fhir+json")
        }
        if !request.wantsHTML {
            var body: [(String, JSONValue)] = [("status", .int(Int(status.code))), ("reason", .string(reason)), ("request_id", .string(request.requestID))]
            if let stale = error as? StaleEdit {
                body += [("current", stale.current), ("differing_fields", JSONValue(stale.differing))]
            }
            // Field by field, so a client can show each message beside its field.
            if let v = error as? ValidationFailure {
                body.append(("fields", .object(v.fields.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })))
            }
            return Self.json(status, ["error": .object(body)])
        }
        let page = ErrorPage(status: Int(status.code), title: status.reasonPhrase, reason: reason, next: Self.nextStep(status), requestID: request.requestID)
        return try await request.view.render("error", page).encodeResponse(status: status, for: request)
    }

    static func describe(_ error: any Error) -> (HTTPResponseStatus, String) {
        switch error {
        case let e as StoreError:
            switch e {
            case .notFound: return (.notFound, e.description)
            case .conflict: return (.conflict, e.description)
            case .invalid: return (.unprocessableEntity, e.description)
            }
        case let e as ValidationFailure: return (.unprocessableEntity, e.description)
        case let e as StaleEdit: return (.conflict, e.message)
        case let e as DuplicateNumber: return (.conflict, e.message)
        case let e as OutOfScope:
            return (.forbidden, "you are not on this patient's care team or board; in an emergency, POST /api/v1/patients/\(e.patientID)/break-glass with a written reason (audited)")
        case let e as any AbortError: return (e.status, e.reason)
        default: return (.internalServerError, "Something went wrong on our side. The error has been logged; please try again.")
        }
    }

    static func nextStep(_ status: HTTPResponseStatus) -> String {
        switch status.code {
        case 401: "Sign in, then try again."
        case 403: "Ask an administrator for access if you need this page."
        case 404: "Check the address, or go back to the patient list."
        case 409: "Reload the page to see the latest version, then make your change again."
        case 413: "Send less data at once."
        case 422: "Correct the highlighted values and send the form again."
        default: "Go back to the patient list and try again."
        }
    }

    static func json(_ status: HTTPResponseStatus, _ value: JSONValue, contentType: String = "application/json") -> Response {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: contentType.split(separator: "/")[0].description, subType: contentType.split(separator: "/")[1].description)
        return Response(status: status, headers: headers, body: .init(string: value.serialized(pretty: true)))
    }
}

struct ErrorPage: Content {
    let status: Int
    let title: String
    let reason: String
    let next: String
    let requestID: String
}

/// A stale edit (409) with what the user needs to redo it: the record as it
/// is now and the fields where it differs from what they sent.
struct StaleEdit: Error {
    let conflict: StoreError
    let current: JSONValue
    let differing: [String]

    /// `keys`: compare only these (when `current` is a larger record than what was sent).
    init(_ conflict: StoreError, current: JSONValue, sent: JSONValue, keys: [String]? = nil) {
        self.conflict = conflict
        self.current = current
        var compared = current
        if let keys, case .object(let pairs) = current { compared = .object(pairs.filter { keys.contains($0.0) }) }
        differing = Self.differences(compared, sent)
    }

    /// Top-level keys whose values differ (a key missing on one side counts).
    static func differences(_ a: JSONValue, _ b: JSONValue) -> [String] {
        guard case .object(let x) = a, case .object(let y) = b else { return a == b ? [] : ["(whole record)"] }
        let left = Dictionary(x, uniquingKeysWith: { f, _ in f }), right = Dictionary(y, uniquingKeysWith: { f, _ in f })
        return Set(left.keys).union(right.keys).filter { k in (left[k] ?? .null) != (right[k] ?? .null) && !["version", "case_version"].contains(k) }.sorted()
    }

    var message: String {
        conflict.description + (differing.isEmpty ? "" : ". It now differs from what you sent in: " + differing.joined(separator: ", "))
    }
}

/// Field-level validation problems of a request.
struct ValidationFailure: Error, CustomStringConvertible {
    var fields: [String: String]
    var description: String { "invalid input: " + fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ") }
}

enum OperationOutcome {
    static func error(_ text: String, code: String) -> JSONValue {
        ["resourceType": "OperationOutcome", "issue": [["severity": "error", "code": .string(code), "diagnostics": .string(text)]]]
    }

    static func information(_ messages: [(severity: String, text: String)]) -> JSONValue {
        ["resourceType": "OperationOutcome",
         "issue": .array(messages.map { ["severity": .string($0.severity), "code": "informational", "diagnostics": .string($0.text)] })]
    }
}

extension JSONValue {
    /// A JSON response.
    func response(_ status: HTTPResponseStatus = .ok, contentType: String = "application/json") -> Response {
        OsteonErrorMiddleware.json(status, self, contentType: contentType)
    }
}

extension Request {
    /// The body as JSON, with a clear error when it is not.
    func jsonBody() throws -> JSONValue {
        guard let buffer = body.data else { throw Abort(.badRequest, reason: "send a JSON body") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Data(buffer.readableBytesView))
        } catch {
            throw Abort(.badRequest, reason: error.description)
        }
        if Self.containsNUL(value) { throw Abort(.unprocessableEntity, reason: NULGuard.message) }
        return value
    }

    static func containsNUL(_ v: JSONValue) -> Bool {
        switch v {
        case .string(let s): return s.utf8.contains(0)
        case .array(let items): return items.contains(where: containsNUL)
        case .object(let pairs): return pairs.contains { $0.0.utf8.contains(0) || containsNUL($0.1) }
        default: return false
        }
    }
}

/// The database's text columns end at a NUL character (SQLite reads C strings):
/// stored, it would silently cut an identifier or a note. Forms are refused here;
/// JSON bodies in `jsonBody()`.
struct NULGuard: Middleware {
    static let message = "text may not contain the NUL character (U+0000); remove it and send again"

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        if let body = request.body.data, request.headers.contentType == .urlEncodedForm {
            let bytes = body.readableBytesView
            if bytes.contains(0) || String(decoding: bytes, as: UTF8.self).range(of: "%00") != nil {
                return request.eventLoop.makeFailedFuture(Abort(.unprocessableEntity, reason: Self.message))
            }
        }
        return next.respond(to: request)
    }
}
