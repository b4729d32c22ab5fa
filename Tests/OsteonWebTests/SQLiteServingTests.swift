import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The server on an SQLite file: which requests wait for the disk.
@Suite struct SQLiteServingTests {
    func withFileOsteon(syncEveryCommit: Bool, _ body: (Application) async throws -> Void) async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-serving-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withApp(configure: { app in
            var config = WebConfig(backend: .sqliteFile(dir + "/osteon.sqlite"))
            config.today = Day("2026-11-26")
            config.sqliteSyncEveryCommit = syncEveryCommit
            config.checkpointInterval = .seconds(3600)  // the test counts the syncs requests cause
            try await configure(app, config)
            try await UserRecord(username: "clin", displayName: "Dr Test", passwordHash: try Bcrypt.hash(testPassword, cost: 4), role: "clinician",
                                 specialty: "medical_oncology").create(on: app.db)
            try await app.asyncBoot()
        }, body)
    }

    /// `PRAGMA synchronous` of every pooled connection (1 NORMAL, 2 FULL).
    func levels(_ app: Application) async throws -> Set<Int> {
        var out = Set<Int>()
        for loop in app.eventLoopGroup.makeIterator() {
            let sql = try #require(app.databases.database(.sqlite, logger: app.logger, on: loop) as? any SQLDatabase)
            out.insert(try #require(try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)))
        }
        return out
    }

    @Test("page views do not wait for the disk; every change (and its audit entry) is synced before the answer")
    func changesWaitForTheDisk() async throws {
        try await withFileOsteon(syncEveryCommit: false) { app in
            #expect(try await levels(app) == [1])
            let sync = try #require(app.storage[WALSyncKey.self])
            let b = Browser(app)
            try await b.get("/login")
            let before = sync.syncCount
            #expect(try await b.signIn().status == .seeOther)
            #expect(sync.syncCount == before + 1)  // sign-in counters and session

            let id = try await PatientPageTests.createPatient(b)
            var count = sync.syncCount
            #expect(count == before + 2)
            for _ in 0..<3 { #expect(try await b.get("/patients/\(id)").status == .ok) }
            try await b.get("/patients/\(id)/labs/new")
            #expect(sync.syncCount == count)

            let lab = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "2.4"), ("unit", "mmol/L"), ("date", "2026-11-20")])
            #expect(lab.status == .seeOther)
            #expect(sync.syncCount == count + 1)
            count = sync.syncCount

            // A refused change changed nothing, but its audit entry did.
            let bad = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "high"), ("unit", "mmol/L"), ("date", "2026-11-20")])
            #expect(bad.status == .unprocessableEntity)
            #expect(sync.syncCount == count + 1)
        }
    }

    @Test("a change whose sync to disk fails is not answered as saved; page views are unaffected")
    func failedSync() async throws {
        try await withFileOsteon(syncEveryCommit: false) { app in
            let b = Browser(app)
            #expect(try await b.signIn().status == .seeOther)
            let id = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(id)/labs/new")
            // A log path through a plain file: every fsync fails.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-plain-\(UUID().uuidString)")
            try Data("not a directory".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let healthy = try #require(app.storage[WALSyncKey.self])
            app.storage[WALSyncKey.self] = WALSync(databasePath: file.path + "/osteon.sqlite")

            let lab = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "2.4"), ("unit", "mmol/L"), ("date", "2026-11-20")])
            #expect(lab.status == .internalServerError)
            #expect(lab.body.string.contains("could not be confirmed as saved to disk"))
            #expect(try await b.get("/patients/\(id)").status == .ok)
            await app.storage[WALSyncKey.self]?.shutdown()
            app.storage[WALSyncKey.self] = healthy
        }
    }

    @Test("OSTEON_SQLITE_SYNC=full: every commit waits for the disk itself")
    func everyCommit() async throws {
        try await withFileOsteon(syncEveryCommit: true) { app in
            #expect(try await levels(app) == [2])
            #expect(app.storage[WALSyncKey.self] == nil)
            let b = Browser(app)
            #expect(try await b.signIn().status == .seeOther)
            let id = try await PatientPageTests.createPatient(b)
            #expect(try await b.get("/patients/\(id)").status == .ok)
        }
    }
}
