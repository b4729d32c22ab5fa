import Fluent
import Foundation
import OsteonDomain
import OsteonStore
import SQLKit
import Vapor

/// The signed-in person, as the rest of the app sees them.
struct SessionUser: Authenticatable, Content {
    let id: UUID
    let username: String
    let displayName: String
    let role: String
    let specialty: String?
    /// For a patient account: the one record it may see.
    let patientID: UUID?

    init(_ u: UserRecord) throws {
        id = try u.requireID()
        username = u.username
        displayName = u.displayName
        role = u.role
        specialty = u.specialty
        patientID = u.patientID
    }

    private init(id: UUID, username: String, displayName: String, role: String, specialty: String?, patientID: UUID?) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.specialty = specialty
        self.patientID = patientID
    }

    var isPatient: Bool { role == "patient" }

    /// Kept in the session as JSON (read on every request: the domain's JSON reader, not Foundation's decoder).
    var encoded: String {
        var pairs: [(String, JSONValue)] = [("id", .string(id.uuidString)), ("username", .string(username)), ("displayName", .string(displayName)),
                                            ("role", .string(role))]
        if let specialty { pairs.append(("specialty", .string(specialty))) }
        if let patientID { pairs.append(("patientID", .string(patientID.uuidString))) }
        return JSONValue.object(pairs).serialized()
    }

    static func decoded(_ text: String) -> SessionUser? {
        guard let v = try? JSONValue.parse(text), let id = v["id"]?.stringValue.flatMap(UUID.init(uuidString:)),
              let username = v["username"]?.stringValue, let displayName = v["displayName"]?.stringValue, let role = v["role"]?.stringValue
        else { return nil }
        return SessionUser(id: id, username: username, displayName: displayName, role: role, specialty: v["specialty"]?.stringValue,
                           patientID: v["patientID"]?.stringValue.flatMap(UUID.init(uuidString:)))
    }
}

/// Loads the user of the session and logs them off after inactivity. Future-based
/// like the other cheap middleware: an AsyncMiddleware costs a task and two thread hops per request.
struct SessionUserMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        // Touching request.session creates one: only look when the request brought a session cookie.
        guard request.hasSession, let idText = request.session.data["user"], let id = UUID(uuidString: idText) else {
            return next.respond(to: request)
        }
        let now = request.now.timeIntervalSince1970
        let last = request.session.data["seen"].flatMap(Double.init) ?? now
        if now - last > request.osteon.sessionTimeout {
            // Emptied rather than destroyed: the sign-in page that takes over a late form needs a session for its
            // CSRF token. It no longer names a user, and signing in replaces its id (SignIn.start).
            request.session.data = SessionData()
            request.storage[TimedOutKey.self] = true
            return next.respond(to: request)
        }
        if let cached = request.session.data["who"].flatMap(SessionUser.decoded), cached.id == id {
            // The account as it was at sign-in, kept in the server-side session: disabling
            // an account or resetting its password deletes its sessions (UserStore).
            request.auth.login(cached)
            // Activity is recorded to the minute: most requests then leave the session unchanged (no write).
            if now - last >= 60 { request.session.data["seen"] = String(now) }
            return next.respond(to: request)
        }
        return UserRecord.find(id, on: request.db).flatMap { user in
            if let user, user.active, let signedIn = try? SessionUser(user) {
                request.auth.login(signedIn)
                if now - last >= 60 { request.session.data["seen"] = String(now) }
            } else {
                request.session.destroy()
            }
            return next.respond(to: request)
        }
    }
}

struct TimedOutKey: StorageKey { typealias Value = Bool }

/// Every state-changing request that carries a session cookie needs the
/// session's token (form field `_csrf` or header `X-CSRF-Token`), whatever its
/// Accept header says; sign-in forms check their own token.
struct CSRFMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method), request.cookies[request.application.sessions.configuration.cookieName] != nil,
              !(request.method == .POST && ["/login", "/api/v1/session"].contains(request.url.path))
        else { return next.respond(to: request) }
        // An expired session has no token to compare: the sign-in page takes over (RequireSignIn).
        guard request.hasSession, request.session.data["user"] != nil else { return next.respond(to: request) }
        // A form's token is in its body: collect it first (routes collect after middleware).
        let form = request.headers.contentType == .urlEncodedForm || request.headers.contentType == .formData
        let body: EventLoopFuture<Void> = form && request.body.data == nil && request.headers.first(name: "X-CSRF-Token") == nil
            ? request.body.collect(max: request.application.routes.defaultMaxBodySize.value).map { _ in }
            : request.eventLoop.makeSucceededVoidFuture()
        return body.flatMapThrowing { try CSRF.check(request) }.flatMap { next.respond(to: request) }
    }
}

/// One random token per session, sent back in every form.
enum CSRF {
    static func token(_ request: Request) -> String {
        if let t = request.session.data["csrf"] { return t }
        let t = [UInt8].random(count: 24).base64.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "+", with: "-")
        request.session.data["csrf"] = t
        return t
    }

    static func check(_ request: Request) throws {
        let sent = request.headers.first(name: "X-CSRF-Token")
            ?? (request.headers.contentType == .urlEncodedForm || request.headers.contentType == .formData ? try? request.content.get(String.self, at: "_csrf") : nil)
        guard let expected = request.session.data["csrf"], let sent, sent == expected else {
            throw Abort(.forbidden, reason: "the form has expired or did not come from Osteon; reload the page and send it again")
        }
    }
}

/// Sign-in with a temporary lock-out after repeated failures.
enum SignIn {
    static let maxFailures = 5
    static let lockout: TimeInterval = 15 * 60

    enum Outcome { case success(UserRecord), failure(String) }

    /// The one answer for every failure (unknown name, wrong password, locked,
    /// disabled): the answer never tells whether an account exists.
    static let failureMessage = "The user name or password is wrong, or the account is locked for a while after repeated failed sign-ins. Try again later, or ask an administrator."

    static func attempt(username: String, password: String, on request: Request) async throws -> Outcome {
        // Per address, whatever the user name: guessing across many accounts is slowed too.
        let address = request.clientAddress
        if let wait = request.application.signInThrottle.blocked(address, at: request.now) {
            throw Abort(.tooManyRequests, reason: "too many failed sign-ins from this address; try again in \(Int(wait / 60) + 1) minutes")
        }
        let outcome = try await check(username: username, password: password, on: request)
        if case .failure = outcome { request.application.signInThrottle.failed(address, at: request.now) }
        return outcome
    }

    private static func check(username: String, password: String, on request: Request) async throws -> Outcome {
        let now = request.now
        let users = UserStore(db: request.db)
        guard let user = try await UserRecord.query(on: request.db).filter(\.$username == username).first(), user.active else {
            _ = try? await request.password.async.hash(password)  // same work either way: no user-name probing by timing
            return .failure(failureMessage)
        }
        // The password is checked even when locked: the answer and its time are the same for every failure.
        let matches = try await request.password.async.verify(password, created: user.passwordHash)
        if let until = user.lockedUntil, until > now { return .failure(failureMessage) }
        if matches {
            try await users.clearFailedSignIns(userID: user.requireID())
            return .success(user)
        }
        _ = try await users.recordFailedSignIn(userID: user.requireID(), now: now, maxFailures: maxFailures, lockout: lockout)
        return .failure(failureMessage)
    }

    /// A fresh session id at sign-in, so a planted cookie cannot ride along (session fixation).
    static func start(_ user: UserRecord, on request: Request) async throws {
        if let old = request.session.id {
            try await request.application.sessions.driver.deleteSession(old, for: request).get()
        }
        request.session.id = nil
        request.session.data = SessionData()
        request.session.data["user"] = try user.requireID().uuidString
        request.session.data["seen"] = String(request.now.timeIntervalSince1970)
        let who = try SessionUser(user)
        request.session.data["who"] = who.encoded
        _ = CSRF.token(request)
        request.auth.login(who)
    }
}

struct LoginPage: Content {
    let next: String
    let error: String?
    let notice: String?
    let username: String
    let csrf: String
    var draft: String? = nil
}

struct AuthController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.signInPage, use: page)
        routes.on(.signIn, use: login)
        routes.on(.signOut, use: logout)
    }

    func page(req: Request) async throws -> View {
        let next = (try? req.query.get(String.self, at: "next")) ?? "/patients"
        let timeout = (try? req.query.get(String.self, at: "timeout")) != nil
        return try await req.view.render("login", LoginPage(next: SafeRedirect.path(next), error: nil,
                                                            notice: timeout ? "You were signed out after a period of inactivity." : nil,
                                                            username: "", csrf: CSRF.token(req)))
    }

    struct Form: Content {
        var username: String
        var password: String
        var next: String?
        var _csrf: String?
        var draft: String?
    }

    func login(req: Request) async throws -> Response {
        let form = try req.content.decode(Form.self)
        req.storage[AuditActorKey.self] = String(form.username.prefix(64))
        guard let csrf = form._csrf, csrf == req.session.data["csrf"] else {
            throw Abort(.forbidden, reason: "the sign-in form has expired; reload the page")
        }
        switch try await SignIn.attempt(username: form.username, password: form.password, on: req) {
        case .success(let user):
            try await SignIn.start(user, on: req)
            FormDraft.keep(form.draft, on: req)
            let home = user.role == Role.patient ? "/me" : user.role == Role.administrator ? "/admin/audit" : SafeRedirect.path(form.next ?? "/patients")
            return req.redirect(to: home)
        case .failure(let message):
            return try await req.view.render("login", LoginPage(next: SafeRedirect.path(form.next ?? "/patients"), error: message, notice: nil,
                                                                username: form.username, csrf: CSRF.token(req),
                                                                draft: form.draft.flatMap { $0.utf8.count <= FormDraft.maxBytes ? $0 : nil }))
                .encodeResponse(status: .unauthorized, for: req)
        }
    }

    func logout(req: Request) async throws -> Response {
        req.session.destroy()
        return req.redirect(to: SiteRoute.signInPage.link())
    }

}

/// Where a sign-in may send the browser afterwards: a same-origin absolute
/// path only — no scheme or host, no second slash or backslash at the start
/// (browsers read "/\\evil" and "//evil" as another host), no control
/// characters (CR/LF would split the Location header), also after percent-decoding.
enum SafeRedirect {
    static let fallback = "/patients"

    static func path(_ next: String) -> String {
        var candidate = next
        // Decode twice: "%255C" is "%5C" once decoded, "\\" twice.
        for _ in 0..<2 { if let d = candidate.removingPercentEncoding { candidate = d } }
        guard next.hasPrefix("/"), candidate.hasPrefix("/"), next.count <= 512 else { return fallback }
        let second = candidate.dropFirst().first
        if second == "/" || second == "\\" { return fallback }
        for text in [next, candidate] {
            if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator }) {
                return fallback
            }
        }
        // Whitespace or control characters before the path's second character (e.g. "/\t/evil").
        if candidate.dropFirst().first.map({ $0.isWhitespace }) == true { return fallback }
        return next
    }
}

extension Request {
    /// The address sign-in throttling counts: the socket's peer, unless that is a
    /// trusted proxy (OSTEON_TRUSTED_PROXIES), whose X-Forwarded-For is then read
    /// from the right, skipping other trusted proxies. Vapor's `peerAddress`
    /// believes any client's header, so it is not used.
    var clientAddress: String {
        let socket = remoteAddress?.ipAddress ?? "unknown"
        let trusted = osteon.trustedProxies
        guard trusted.contains(socket) else { return socket }
        let chain = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return chain.reversed().first { !trusted.contains($0) && !$0.isEmpty } ?? socket
    }
}

/// Wraps the database session store so that a request which did not change
/// its session does not write it back (Vapor's middleware saves every session
/// it loaded: one database write per page view), and reads it without Fluent.
struct SkipUnchangedSessions: SessionDriver {
    let base: any SessionDriver
    /// Read Fluent's `_fluent_sessions` table directly (base is Fluent's store).
    var readsFluentTable = false

    struct LoadedKey: StorageKey { typealias Value = SessionData }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request)
    }

    /// The same row Fluent's session store reads, with one plain query: the
    /// model's reflection cost more than the rest of a small request.
    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        let read: EventLoopFuture<SessionData?>
        if readsFluentTable, SessionReadSQL.isPrepared(on: request.db) {
            let db = request.db
            read = request.eventLoop.makeFutureWithTask {
                try await SessionReadSQL.rows(on: db, [sessionID.string]).first?.decode(column: "data", as: SessionData.self)
            }
        } else if readsFluentTable, let sql = request.db as? any SQLDatabase {
            read = sql.raw(SessionReadSQL.bound([sessionID.string])).first().flatMapThrowing { try $0?.decode(column: "data", as: SessionData.self) }
        } else {
            read = base.readSession(sessionID, for: request)
        }
        return read.map { data in
            if let data { request.storage[LoadedKey.self] = data }
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if request.storage[LoadedKey.self] == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}

/// Read on every signed-in request.
enum SessionReadSQL: PreparedSQL {
    static let text = #"SELECT "data" FROM "_fluent_sessions" WHERE "key" = $1"#
}

/// Failed sign-ins per client address in a sliding window (in memory: a
/// restart forgets it, the per-account lock-out in the database does not).
final class SignInThrottle: @unchecked Sendable {
    static let maxFailures = 20
    static let window: TimeInterval = 10 * 60
    private let lock = NSLock()
    private var failures: [String: [Date]] = [:]

    func failed(_ address: String, at now: Date = Date()) {
        lock.withLock {
            failures[address, default: []].append(now)
            if failures.count > 10_000 { failures = failures.filter { $0.value.last.map { now.timeIntervalSince($0) < Self.window } ?? false } }
        }
    }

    /// Seconds to wait, or nil when the address may try.
    func blocked(_ address: String, at now: Date = Date()) -> TimeInterval? {
        lock.withLock {
            let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < Self.window }
            failures[address] = recent
            guard recent.count >= Self.maxFailures, let oldest = recent.first else { return nil }
            return Self.window - now.timeIntervalSince(oldest)
        }
    }
}

struct SignInThrottleKey: StorageKey { typealias Value = SignInThrottle }

extension Application {
    var signInThrottle: SignInThrottle { storage[SignInThrottleKey.self]! }
}
