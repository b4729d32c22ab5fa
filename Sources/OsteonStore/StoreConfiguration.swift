import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

/// Where the data lives: an SQLite file in the data directory by default, or
/// PostgreSQL when DATABASE_URL is set (same models, same migrations).
public enum StoreConfiguration {
    public enum Backend: Sendable, Equatable {
        case sqliteFile(String)
        case sqliteMemory
        case postgres(String)
    }

    public static func backend(environment: [String: String], dataDirectory: String) -> Backend {
        if let url = environment["DATABASE_URL"], !url.isEmpty { return .postgres(url) }
        return .sqliteFile((dataDirectory as NSString).appendingPathComponent("osteon.sqlite"))
    }

    /// SQL statements are not logged (SQLite) or only at trace level (PostgreSQL's
    /// driver requires a level): bound values can be patient data.
    public static func factory(_ backend: Backend) throws -> (DatabaseConfigurationFactory, DatabaseID) {
        switch backend {
        case .sqliteFile(let path):
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            return (.sqlite(.file(path), sqlLogLevel: nil), .sqlite)
        case .sqliteMemory:
            return (.sqlite(.memory, sqlLogLevel: nil), .sqlite)
        case .postgres(let url):
            return (try .postgres(url: url, sqlLogLevel: .trace), .psql)
        }
    }

    /// A redacted description for logs (never the password).
    public static func describe(_ backend: Backend) -> String {
        switch backend {
        case .sqliteFile(let path): "SQLite file \(path)"
        case .sqliteMemory: "SQLite in memory"
        case .postgres(let url):
            if let u = URLComponents(string: url) { "PostgreSQL on \(u.host ?? "?"):\(u.port.map(String.init) ?? "5432")" } else { "PostgreSQL" }
        }
    }
}
