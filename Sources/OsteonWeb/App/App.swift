import Fluent
import Foundation
import Leaf
import LeafKit
import NIOConcurrencyHelpers
import OsteonDomain
import OsteonStore
import SQLKit
import Vapor

/// How to run the web application; `configure` is the one place that builds it.
public struct WebConfig: Sendable {
    public var backend: StoreConfiguration.Backend
    /// Automatic log-off after this much inactivity.
    public var sessionTimeout: TimeInterval = 15 * 60
    /// Set when served over HTTPS (behind a proxy): cookies get the Secure flag.
    public var secureCookies = false
    /// A fixed "today" for tests and demos; nil reads the clock.
    public var today: Day?
    public var maxBodySize: ByteCount = "2mb"
    /// Migrate at start (the server does; `osteon migrate --revert` does not).
    public var autoMigrate = true
    /// Written patient pages kept in memory (about 30 KB each).
    public var patientPageCacheSize = 500
    /// SQLite file only: every commit waits for the disk (`synchronous = FULL`). Off by
    /// default: changes wait for the disk, page views and their audit entries do not.
    public var sqliteSyncEveryCommit = false
    /// SQLite file only: how often the log is synced and copied back into the database file.
    public var checkpointInterval: Duration = .milliseconds(100)

    /// The time, injected so tests move it instead of sleeping (lock-out, break-glass expiry, inactivity).
    public var clock: WallClock = .system
    /// Addresses of reverse proxies whose X-Forwarded-For is believed (OSTEON_TRUSTED_PROXIES); none by default.
    public var trustedProxies: Set<String> = []

    public init(backend: StoreConfiguration.Backend) { self.backend = backend }
}

/// The wall clock the server reads.
public struct WallClock: Sendable {
    public let now: @Sendable () -> Date
    public init(_ now: @escaping @Sendable () -> Date) { self.now = now }
    public static let system = WallClock { Date() }
}

struct WebConfigKey: StorageKey { typealias Value = WebConfig }

extension Application {
    var osteon: WebConfig { storage[WebConfigKey.self]! }
}

extension Request {
    var osteon: WebConfig { application.osteon }
    var cases: CaseStore { CaseStore(db: db) }
    var board: BoardStore { BoardStore(db: db) }
    /// The assessment date: the configured day, or today in UTC.
    var today: Day {
        osteon.today ?? Day(utc: now)
    }
    var now: Date { osteon.clock.now() }
}

/// Builds the application: database, migrations, sessions, views, middleware, routes.
public func configure(_ app: Application, _ config: WebConfig) async throws {
    app.storage[WebConfigKey.self] = config
    app.storage[SignInThrottleKey.self] = SignInThrottle()
    app.storage[AuditCommitterKey.self] = GroupCommitter()
    app.storage[PatientPageCacheKey.self] = PatientPageCache(capacity: config.patientPageCacheSize)
    app.storage[SignedDecisionCacheKey.self] = SignedDecisionCache(capacity: config.patientPageCacheSize)
    app.storage[OutcomeReportCacheKey.self] = OutcomeReportCache()
    let (factory, id) = try StoreConfiguration.factory(config.backend)
    app.databases.use(factory, as: id)
    for migration in OsteonMigrations.all { app.migrations.add(migration) }
    app.migrations.add(SessionRecord.migration)

    app.sessions.use(.fluent)
    let stored = app.sessions.driver
    app.sessions.use { _ in SkipUnchangedSessions(base: stored, readsFluentTable: true) }
    app.sessions.configuration.cookieName = "osteon_session"
    let secure = config.secureCookies
    app.sessions.configuration.cookieFactory = { id in
        HTTPCookies.Value(string: id.string, expires: nil, maxAge: nil, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .strict)
    }

    let resources = Bundle.module.bundleURL.appendingPathComponent("Resources")
    app.views.use(.leaf)
    let views = resources.appendingPathComponent("Views").path + "/"
    app.leaf.configuration = LeafConfiguration(rootDirectory: views)
    // Templates live inside the build folder (.build/…): allow dot-directories, keep the sandbox.
    app.leaf.sources = .singleSource(NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions],
                                                  sandboxDirectory: views, viewDirectory: views))
    app.routes.defaultMaxBodySize = config.maxBodySize

    app.middleware = .init()
    app.middleware.use(RequestIDMiddleware())
    app.middleware.use(AuditMiddleware())  // outside the error middleware: it sees the final status
    app.middleware.use(OsteonErrorMiddleware(environment: app.environment))
    app.middleware.use(SecurityHeadersMiddleware())
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(SessionUserMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(NULGuard())

    if config.autoMigrate { try await app.autoMigrate() }
    if case .sqliteFile(let path) = config.backend, let sql = app.db as? any SQLDatabase {
        // Write-ahead log: readers do not wait for writers; it stays set in the file.
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        // SQLiteNIO retries a locked database in a tight loop: a core spins while another
        // connection (or process) commits. SQLite's own busy timeout sleeps between retries
        // instead. Set on each pooled connection (one per event loop). More SQLite connections
        // than the blocking thread pool has threads would let waiters hold every thread while
        // the lock holder waits for one (a separate audit pool did exactly that under load).
        for loop in app.eventLoopGroup.makeIterator() {
            if let connection = app.databases.database(id, logger: app.logger, on: loop) as? any SQLDatabase {
                try await connection.raw("PRAGMA busy_timeout = 10000").run()
            }
        }
        app.lifecycle.use(SQLiteServing(path: path, syncEveryCommit: config.sqliteSyncEveryCommit, interval: config.checkpointInterval))
    }
    try routes(app)
}

/// How the server (not the CLI) uses an SQLite file: commits do not wait for the disk
/// (`synchronous = NORMAL`); a request that changed something waits for one shared
/// fsync of the log before it answers (`WALSync`, called by the audit middleware);
/// the log is copied back into the database file by a thread of its own
/// (`WALCheckpointer`) instead of inside a commit. Page views therefore never wait
/// for the disk; their audit entries reach it within the checkpointer's interval
/// (0.1 s), and a crash of the server process loses no commit at all.
/// `OSTEON_SQLITE_SYNC=full` makes every commit wait for the disk instead.
struct SQLiteServing: LifecycleHandler {
    let path: String
    let syncEveryCommit: Bool
    let interval: Duration
    let checkpointer = NIOLockedValueBox<WALCheckpointer?>(nil)

    func didBootAsync(_ app: Application) async throws {
        for loop in app.eventLoopGroup.makeIterator() {
            guard let connection = app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase else { continue }
            // Only a backstop, should the checkpointer stop.
            try await connection.raw("PRAGMA wal_autocheckpoint = \(unsafeRaw: String(WALCheckpointer.defaultRestartPages * 2))").run()
            if !syncEveryCommit { try await connection.raw("PRAGMA synchronous = NORMAL").run() }
        }
        let sync = syncEveryCommit ? nil : WALSync(databasePath: path)
        app.storage[WALSyncKey.self] = sync
        let started = try await WALCheckpointer.start(path: path, interval: interval, sync: sync, logger: app.logger)
        checkpointer.withLockedValue { $0 = started }
    }

    func shutdownAsync(_ app: Application) async {
        await checkpointer.withLockedValue { $0 }?.stop()
        await app.storage[WALSyncKey.self]?.shutdown()
    }
}

struct WALSyncKey: StorageKey { typealias Value = WALSync }

func routes(_ app: Application) throws {
    // Every route goes through its row of the table (SiteRoute): who, scope, audit.
    let site = app.grouped(RouteGuard())
    for collection: any RouteCollection in [AuthController(), PatientController(), BoardController(), TasksController(), PortalController(), QualityController(),
                                            AdminController(), APIController(), FHIRController()] {
        try site.register(collection: collection)
    }
    site.on(.home) { req in
        let user = req.user
        return req.redirect(to: user?.homeLink ?? SiteRoute.patients.link())
    }
    // Liveness, and the day the lists' patient summaries were last computed for (the daily pass keeps it at today).
    site.on(.health) { req async throws -> String in
        let (day, waiting) = try await SummaryStore(db: req.db).summaryDay()
        return "ok\npatient summaries computed for: \(day ?? "no patients yet")" + (waiting > 0 ? "; \(waiting) waiting" : "")
    }
    // The one static file, held in memory: a file-system lookup on every request cost more than the page.
    let css = (try? String(contentsOf: Bundle.module.bundleURL.appendingPathComponent("Resources/Public/osteon.css"), encoding: .utf8)) ?? ""
    site.on(.stylesheet) { _ in
        var headers = HTTPHeaders()
        headers.contentType = .css
        headers.replaceOrAdd(name: .cacheControl, value: "max-age=3600")
        return Response(status: .ok, headers: headers, body: .init(string: css))
    }
}
