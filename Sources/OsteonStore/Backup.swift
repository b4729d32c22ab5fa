import FluentKit
import Foundation
import SQLKit

/// Online backup and restore of the embedded SQLite database.
/// (PostgreSQL: pg_dump / pg_restore, see docs/OPERATIONS.md.)
public enum SQLiteBackup {
    public enum Failure: Error, CustomStringConvertible {
        case exists(String), damaged(String, String), notOsteon(String), missing(String)
        public var description: String {
            switch self {
            case .exists(let p): "\(p) already exists: choose a new file name"
            case .damaged(let p, let detail): "\(p) fails the integrity check: \(detail)"
            case .notOsteon(let p): "\(p) is not an Osteon database (no migration log)"
            case .missing(let p): "\(p) does not exist"
            }
        }
    }

    /// A consistent copy while the server runs: VACUUM INTO reads one snapshot
    /// (WAL readers do not block writers) and writes a compact new file.
    public static func backup(database: String, to target: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: database) else { throw Failure.missing(database) }
        guard !FileManager.default.fileExists(atPath: target) else { throw Failure.exists(target) }
        let store = try StandaloneStore(.sqliteFile(database))
        do {
            let sql = store.db as! any SQLDatabase
            try await sql.raw("VACUUM INTO \(bind: target)").run()
            await store.shutdown()
        } catch {
            await store.shutdown()
            throw error
        }
        return try await check(target)
    }

    /// Checks a backup (integrity and migrations), keeps the current database
    /// beside it, and puts the backup in its place. The server must be stopped.
    public static func restore(from backup: String, database: String, now: Date = Date()) async throws -> (patients: Int, kept: String?) {
        let patients = try await check(backup)
        var kept: String?
        if FileManager.default.fileExists(atPath: database) {
            let stamp = Int(now.timeIntervalSince1970)
            kept = database + ".before-restore-\(stamp)"
            try FileManager.default.moveItem(atPath: database, toPath: kept!)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: database + suffix) {
                try FileManager.default.moveItem(atPath: database + suffix, toPath: kept! + suffix)
            }
        } else {
            try FileManager.default.createDirectory(atPath: (database as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        }
        let temporary = database + ".restoring"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: backup, toPath: temporary)
        try FileManager.default.moveItem(atPath: temporary, toPath: database)
        return (patients, kept)
    }

    /// integrity_check must answer "ok"; returns the number of patients.
    @discardableResult
    public static func check(_ path: String) async throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { throw Failure.missing(path) }
        let store = try StandaloneStore(.sqliteFile(path))
        do {
            let sql = store.db as! any SQLDatabase
            let rows = try await sql.raw("PRAGMA integrity_check").all()
            let verdict = rows.compactMap { try? $0.decode(column: "integrity_check", as: String.self) }
            guard verdict == ["ok"] else { throw Failure.damaged(path, verdict.prefix(3).joined(separator: "; ")) }
            guard try await store.tables().contains(PatientRecord.schema) else { throw Failure.notOsteon(path) }
            let count = try await PatientRecord.query(on: store.db).count()
            await store.shutdown()
            return count
        } catch {
            await store.shutdown()
            throw error
        }
    }
}
