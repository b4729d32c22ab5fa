import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Copies SQLite's write-ahead log back into the database file from a thread
/// and connection of its own.
///
/// By default SQLite does this inside whichever commit pushes the log past
/// 1,000 pages: that commit (and, through the audit group commit, every
/// request waiting behind it) then waits for the copy and two disk syncs.
/// The server turns that off on its pooled connections and runs this instead.
/// A passive checkpoint never waits for readers or writers; if the log still
/// grows past `restartPages` (writers that never pause), one restart
/// checkpoint waits for them once, so the log file stays bounded.
public final class WALCheckpointer: Sendable {
    /// What one pass did, from `PRAGMA wal_checkpoint`.
    public struct Pass: Sendable, Equatable {
        /// Pages in the log, and how many of them are now in the database file.
        public var logPages: Int
        public var copiedPages: Int
        public var restarted: Bool
    }

    public static let defaultRestartPages = 8_000

    private let connection: SQLiteConnection
    private let threadPool: NIOThreadPool
    private let restartPages: Int
    private let loop: Task<Void, Never>

    private init(connection: SQLiteConnection, threadPool: NIOThreadPool, restartPages: Int, interval: Duration, sync: WALSync?, logger: Logger) {
        self.connection = connection
        self.threadPool = threadPool
        self.restartPages = restartPages
        self.loop = Task { [connection] in
            var failures = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                do {
                    // A checkpoint syncs the log only when it can copy pages; this bounds how long any commit stays unsynced.
                    try await sync?.sync()
                    _ = try await Self.pass(connection, restartPages: restartPages)
                    failures = 0
                } catch {
                    failures += 1
                    // Once per run of failures: the pooled connections still checkpoint at their backstop.
                    if failures == 1 { logger.warning("WAL checkpoint failed", metadata: ["error": "\(String(reflecting: type(of: error)))"]) }
                }
            }
        }
    }

    /// Opens its own connection to the SQLite file at `path` and checkpoints every `interval`,
    /// after syncing the log with `sync` (when commits do not sync it themselves).
    public static func start(path: String, interval: Duration = .milliseconds(100), restartPages: Int = defaultRestartPages,
                             sync: WALSync? = nil, logger: Logger) async throws -> WALCheckpointer {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        do {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: pool, logger: logger,
                                                             on: MultiThreadedEventLoopGroup.singleton.any())
            _ = try await connection.query("PRAGMA busy_timeout = 2000")
            return WALCheckpointer(connection: connection, threadPool: pool, restartPages: restartPages, interval: interval, sync: sync,
                                   logger: logger)
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    /// One passive checkpoint; a restart checkpoint if the log is past `restartPages`.
    @discardableResult
    static func pass(_ connection: SQLiteConnection, restartPages: Int) async throws -> Pass {
        var result = try await checkpoint(connection, mode: "PASSIVE")
        if result.logPages > restartPages {
            // Waits (the busy timeout) for current readers and writers; the next writer then starts the log afresh.
            result = try await checkpoint(connection, mode: "RESTART")
            result.restarted = true
        }
        return result
    }

    private static func checkpoint(_ connection: SQLiteConnection, mode: String) async throws -> Pass {
        let rows = try await connection.query("PRAGMA wal_checkpoint(\(mode))")
        guard let row = rows.first, let log = row.column("log")?.integer, let copied = row.column("checkpointed")?.integer else {
            return Pass(logPages: 0, copiedPages: 0, restarted: false)
        }
        // -1 when the database is not in WAL mode.
        return Pass(logPages: Int(max(0, log)), copiedPages: Int(max(0, copied)), restarted: false)
    }

    /// Runs one pass now (tests; the loop runs them on its own).
    public func checkpointNow() async throws -> Pass {
        try await Self.pass(connection, restartPages: restartPages)
    }

    public func stop() async {
        loop.cancel()
        _ = await loop.result
        try? await connection.close()
        try? await threadPool.shutdownGracefully()
    }
}
