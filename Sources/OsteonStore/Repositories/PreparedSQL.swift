import FluentKit
import FluentPostgresDriver
import Foundation
import SQLKit

/// A statement on the path of every page view, written once with `$1`, `$2` … for its values.
/// On PostgreSQL it is prepared once per connection, so PostgreSQL plans it once instead of on every call
/// (planning the access check took 0.5 ms, seven times its execution, and the server ran out of CPU at
/// about 500 patient pages/s); on SQLite it is bound as usual.
public protocol PreparedSQL: Sendable {
    static var name: String { get }
    static var text: String { get }
}

extension PreparedSQL {
    public static var name: String { "osteon_" + String(describing: Self.self) }

    /// Whether `rows(on:)` prepares the statement on this database (PostgreSQL).
    public static func isPrepared(on db: any Database) -> Bool { db is any PostgresDatabase }

    /// The rows, read by column name on either backend.
    public static func rows(on db: any Database, _ binds: [any PostgresEncodable & Encodable & Sendable]) async throws -> [any SQLRow] {
        if let pg = db as? any PostgresDatabase {
            let logger = db.logger
            return try await pg.withConnection { conn in
                conn.eventLoop.makeFutureWithTask {
                    var rows: [any SQLRow] = []
                    for try await row in try await conn.execute(Statement<Self>(binds: binds), logger: logger) { rows.append(row.sql()) }
                    return rows
                }
            }.get()
        }
        guard let sql = db as? any SQLDatabase else { throw StoreError.invalid("\(Self.self) needs an SQL database") }
        return try await sql.raw(bound(binds)).all()
    }

    /// The text with each `$n` replaced by its value, bound in the database's own syntax.
    public static func bound(_ binds: [any Encodable & Sendable]) -> SQLQueryString {
        var query = SQLQueryString("")
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let digits = rest[rest.index(after: dollar)...].prefix(while: \.isASCII).prefix(while: \.isNumber)
            guard let n = Int(digits), (1...binds.count).contains(n) else {
                preconditionFailure("\(Self.self): \"$\(digits)\" names no value (\(binds.count) given)")
            }
            query.appendInterpolation(unsafeRaw: String(rest[..<dollar]))
            query.appendInterpolation(bind: binds[n - 1])
            rest = rest[digits.endIndex...]
        }
        query.appendInterpolation(unsafeRaw: String(rest))
        return query
    }
}

struct Statement<Text: PreparedSQL>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { Text.name }
    static var sql: String { Text.text }
    let binds: [any PostgresEncodable & Encodable & Sendable]

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for value in binds { try bindings.append(value) }
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
