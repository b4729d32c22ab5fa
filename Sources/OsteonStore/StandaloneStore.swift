import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// The database without a web server: for tools and tests that only need
/// the repositories and migrations.
public final class StandaloneStore: Sendable {
    public let databases: Databases
    private let threadPool: NIOThreadPool
    private let logger: Logger
    private let migrations: Migrations

    public init(_ backend: StoreConfiguration.Backend, logger: Logger = StandaloneStore.quietLogger) throws {
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        databases = Databases(threadPool: threadPool, on: MultiThreadedEventLoopGroup.singleton)
        let (factory, id) = try StoreConfiguration.factory(backend)
        databases.use(factory, as: id, isDefault: true)
        self.logger = logger
        migrations = Migrations()
        migrations.add(OsteonMigrations.all)
    }

    public static var quietLogger: Logger {
        var l = Logger(label: "osteon.store")
        l.logLevel = .warning
        return l
    }

    public var db: any Database {
        databases.database(logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())!
    }

    private var migrator: Migrator {
        Migrator(databases: databases, migrations: migrations, logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
    }

    public func migrate() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    public func revertAll() async throws {
        try await migrator.setupIfNeeded().get()
        try await migrator.revertAllBatches().get()
    }

    /// Names of the tables in the database (without the migration log).
    public func tables() async throws -> Set<String> {
        guard let sql = db as? any SQLDatabase else { return [] }
        let query: SQLQueryString = sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
        let rows = try await sql.raw(query).all()
        return Set(rows.compactMap { try? $0.decode(column: "name", as: String.self) }).subtracting(["_fluent_migrations"])
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await threadPool.shutdownGracefully()
    }
}
