import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testPassword = "correct horse battery"

/// A clock the test moves (lock-out and break-glass expiry are tested without sleeping).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000)) { time = start }
    var wall: WallClock { WallClock { [self] in lock.withLock { time } } }
    func advance(_ seconds: TimeInterval) { lock.withLock { time += seconds } }
}

/// A configured app on an in-memory SQLite database, with one clinician and a fixed "today".
func withOsteon(sessionTimeout: TimeInterval = 15 * 60, clock: WallClock = .system, trustedProxies: Set<String> = [],
                _ body: (Application) async throws -> Void) async throws {
    try await withApp(configure: { app in
        var config = WebConfig(backend: .sqliteMemory)
        config.today = Day("2026-11-26")
        config.sessionTimeout = sessionTimeout
        config.clock = clock
        config.trustedProxies = trustedProxies
        try await configure(app, config)
        // Low bcrypt cost: the same code path, a faster test.
        try await UserRecord(username: "clin", displayName: "Dr Test", passwordHash: try Bcrypt.hash(testPassword, cost: 4), role: "clinician",
                             specialty: "medical_oncology").create(on: app.db)
    }, body)
}

/// A colleague with a board specialty (clinician unless told otherwise).
func addColleague(_ app: Application, _ username: String, specialty: BoardSpecialty?, role: String = "clinician", name: String? = nil) async throws {
    try await UserRecord(username: username, displayName: name ?? "Dr \(specialty?.label ?? username)", passwordHash: try Bcrypt.hash(testPassword, cost: 4),
                         role: role, specialty: specialty?.rawValue).create(on: app.db)
}

/// Puts a user (the test clinician by default) on a patient's care team.
func joinCareTeam(_ app: Application, patientID: UUID, username: String = "clin") async throws {
    let user = try await UserStore(db: app.db).find(username).requireID()
    try await AccessStore(db: app.db).addToCareTeam(patientID: patientID, userID: user, addedBy: "test")
}

/// A browser-like client: keeps the session cookie, sends forms with the CSRF token.
final class Browser {
    let app: Application
    var cookie: String?
    var csrf = ""

    init(_ app: Application) { self.app = app }

    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, headers extra: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        var headers = extra
        if let cookie { headers.replaceOrAdd(name: .cookie, value: "osteon_session=\(cookie)") }
        let res = try await app.testing().sendRequest(method, path, headers: headers, body: body)
        SchemaCheck.check(method: method, path: path, response: res)
        if let set = res.headers.setCookie?["osteon_session"] { cookie = set.string.isEmpty ? nil : set.string }
        if let token = Self.csrfToken(in: res.body.string) { csrf = token }
        if let token = res.json?["csrf_token"]?.stringValue { csrf = token }
        return res
    }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: ["Accept": "text/html"])
    }

    /// A form post as a browser sends it (with the CSRF token unless told otherwise).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        let all = withCSRF ? fields + [("_csrf", csrf)] : fields
        let encoded = all.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        return try await send(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"],
                              body: ByteBuffer(string: encoded))
    }

    /// A JSON request to the API, with the session's CSRF token as a client sends it (X-CSRF-Token).
    @discardableResult
    func json(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil, contentType: String = "application/json",
              withCSRF: Bool = true) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": contentType, "Accept": "application/json"]
        if withCSRF && !csrf.isEmpty { headers.add(name: "X-CSRF-Token", value: csrf) }
        return try await send(method, path, headers: headers, body: body.map { ByteBuffer(string: $0.serialized()) })
    }

    /// Signs in through the form, then opens the page it leads to (which carries the new session's token).
    func signIn(password: String = testPassword, username: String = "clin") async throws -> TestingHTTPResponse {
        try await get("/login")
        let res = try await post("/login", [("username", username), ("password", password), ("next", "/patients")])
        if res.status == .seeOther, let to = res.location { try await get(to) }
        return res
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? s
    }

    static func csrfToken(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}

extension TestingHTTPResponse {
    var location: String? { headers.first(name: .location) }
    var json: JSONValue? { try? JSONValue.parse(Data(body.string.utf8)) }
}

/// "/patients/<uuid>…" → the uuid.
func patientID(fromLocation location: String?) -> String? {
    guard let location, location.hasPrefix("/patients/") else { return nil }
    return String(location.dropFirst("/patients/".count).prefix(36))
}
