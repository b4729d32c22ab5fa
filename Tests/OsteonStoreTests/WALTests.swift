import FluentKit
import Foundation
import Logging
import NIOPosix
import OsteonStore
import SQLKit
import Testing

/// The server's SQLite write-ahead log: copied back by a checkpointer of its own, synced on demand.
@Suite struct WALTests {
    /// An SQLite file in WAL mode whose pooled connections never checkpoint by themselves.
    static func withLogFile(_ body: (String, StandaloneStore, any SQLDatabase) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-wal-\(UUID().uuidString)").path
        let path = dir + "/osteon.sqlite"
        let store = try StandaloneStore(.sqliteFile(path))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            let sql = try #require(store.db as? any SQLDatabase)
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            for loop in MultiThreadedEventLoopGroup.singleton.makeIterator() {
                let connection = try #require(store.databases.database(logger: StandaloneStore.quietLogger, on: loop) as? any SQLDatabase)
                try await connection.raw("PRAGMA wal_autocheckpoint = 0").run()
            }
            try await sql.raw("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").run()
            try await body(path, store, sql)
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }

    static func insert(_ n: Int, on sql: any SQLDatabase) async throws {
        for i in 0..<n {  // one commit (at least one log page) each
            try await sql.raw("INSERT INTO notes (body) VALUES (\(bind: String(repeating: "x", count: 500) + String(i)))").run()
        }
    }

    static func notes(_ sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("SELECT COUNT(*) AS n FROM notes").first()?.decode(column: "n", as: Int.self)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0
    }

    static func logPages(_ path: String) -> Int { fileSize(path + "-wal") / 4096 }

    @Test("a passive pass copies the whole log back while nobody reads; nothing is lost")
    func passiveCopiesEverything() async throws {
        try await Self.withLogFile { path, _, sql in
            try await Self.insert(300, on: sql)
            let checkpointer = try await WALCheckpointer.start(path: path, interval: .seconds(3600), logger: StandaloneStore.quietLogger)
            let pass = try await checkpointer.checkpointNow()
            #expect(pass.logPages >= 300)
            #expect(pass.copiedPages == pass.logPages)
            #expect(!pass.restarted)
            await checkpointer.stop()
            #expect(try await Self.notes(sql) == 300)
        }
    }

    @Test("past the restart size the log is started afresh, so it stays bounded under writers that never pause")
    func restartBoundsTheLog() async throws {
        try await Self.withLogFile { path, _, sql in
            let checkpointer = try await WALCheckpointer.start(path: path, interval: .seconds(3600), restartPages: 100,
                                                                logger: StandaloneStore.quietLogger)
            for round in 0..<4 {
                try await Self.insert(150, on: sql)
                let pass = try await checkpointer.checkpointNow()
                #expect(pass.restarted, "round \(round)")
                // The log grows by one round only: the next writer wrote from its start.
                #expect(Self.logPages(path) < 400, "round \(round): \(Self.logPages(path)) pages")
            }
            try await Self.insert(10, on: sql)
            let small = try await checkpointer.checkpointNow()
            #expect(!small.restarted && small.logPages < 100, "\(small)")
            await checkpointer.stop()
            #expect(try await Self.notes(sql) == 610)
        }
    }

    @Test("the checkpointer's own loop copies the log back and syncs it first")
    func loopRunsByItself() async throws {
        try await Self.withLogFile { path, _, sql in
            let sync = WALSync(databasePath: path)
            let checkpointer = try await WALCheckpointer.start(path: path, interval: .milliseconds(10), sync: sync,
                                                                logger: StandaloneStore.quietLogger)
            let before = Self.fileSize(path)
            try await Self.insert(200, on: sql)  // about 100 KB of rows, all in the log
            // Watch the database file take the rows in (a checkpoint of our own would do the copying itself).
            for _ in 0..<250 where Self.fileSize(path) < before + 80_000 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(Self.fileSize(path) >= before + 80_000)
            #expect(sync.syncCount > 0)
            await checkpointer.stop()
            await sync.shutdown()
        }
    }

    @Test("one fsync per call when calls come one by one; callers that arrive together share one")
    func syncGroups() async throws {
        try await Self.withLogFile { path, _, sql in
            try await Self.insert(5, on: sql)
            let sync = WALSync(databasePath: path)
            for expected in 1...3 {
                try await sync.sync()
                #expect(sync.syncCount == expected)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 { group.addTask { try await sync.sync() } }
                try await group.waitForAll()
            }
            #expect(sync.syncCount > 3 && sync.syncCount < 53)
            await sync.shutdown()
        }
    }

    @Test("a missing log file has nothing to sync; a log that cannot be opened is an error")
    func syncEdges() async throws {
        let missing = WALSync(databasePath: FileManager.default.temporaryDirectory.appendingPathComponent("osteon-none-\(UUID().uuidString).sqlite").path)
        try await missing.sync()
        #expect(missing.syncCount == 1)
        await missing.shutdown()

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-plain-\(UUID().uuidString)")
        try Data("not a directory".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let broken = WALSync(databasePath: file.path + "/osteon.sqlite")  // a path through a plain file
        await #expect(throws: (any Error).self) { try await broken.sync() }
        await broken.shutdown()
    }
}
