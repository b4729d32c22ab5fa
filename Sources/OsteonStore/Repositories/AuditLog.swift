import Crypto
import FluentKit
import Foundation
import OsteonDomain
import SQLKit

/// One thing that happened, before it is chained.
public struct AuditEvent: Sendable, Equatable {
    public var actor: String
    public var role: String
    public var patientID: UUID?
    /// sign_in, read, create, update, delete, export, import, sign_off, break_glass, …
    public var action: String
    /// What was touched: the request path or a record reference (never free text).
    public var object: String
    public var requestID: String
    /// success, denied or failed (with the status code).
    public var outcome: String
    public var flag: String?

    public init(actor: String, role: String, patientID: UUID? = nil, action: String, object: String, requestID: String, outcome: String, flag: String? = nil) {
        self.actor = actor
        self.role = role
        self.patientID = patientID
        self.action = action
        self.object = object
        self.requestID = requestID
        self.outcome = outcome
        self.flag = flag
    }
}

/// The append-only, hash-chained audit trail.
///
/// Each entry's hash covers its own fields and the previous entry's hash, so
/// editing, deleting or re-ordering any entry breaks the chain from there on;
/// `verify` walks the chain and says where. The database also refuses UPDATE
/// and DELETE on the table (M0008), so tampering needs the database owner.
public struct AuditLog: Sendable {
    public let db: any Database
    /// One per database in a server process (groups concurrent appends); nil writes each entry on its own.
    public let committer: GroupCommitter?
    public init(db: any Database, committer: GroupCommitter? = nil) {
        self.db = db
        self.committer = committer
    }

    public static let genesis = String(repeating: "0", count: 64)

    /// Appends an entry and returns once it is committed. Concurrent appends
    /// are committed together, one transaction (one fsync) per group, so audit
    /// writes do not serialise the server on the disk; another process
    /// appending at the same time collides on the unique sequence number and
    /// the group retries.
    public func append(_ event: AuditEvent, at date: Date = Date()) async throws {
        if let committer {
            try await committer.submit(event, at: date, db: db)
        } else {
            try await write([(event, date)])
        }
    }

    /// Several entries at once, chained in order (one statement per few hundred entries): `osteon import`
    /// writes a group of patients and their entries in one transaction.
    public func appendAll(_ events: [AuditEvent], at date: Date = Date()) async throws {
        guard !events.isEmpty else { return }
        try await write(events.map { ($0, date) })
    }

    typealias ChainHead = (sequence: Int, hash: String)

    /// Writes one group of entries, chained in order, and returns the new head.
    /// Given the head this process wrote last, the group is one INSERT (one
    /// round trip, one commit); if another process appended meanwhile, the
    /// unique sequence number refuses it and the group is re-chained on the head
    /// read from the database, inside a transaction. Plain SQL: this runs on
    /// every audited request, and Fluent's model reflection cost more than the write.
    @discardableResult
    func write(_ batch: [(AuditEvent, Date)], after knownHead: ChainHead? = nil) async throws -> ChainHead? {
        guard let sql = db as? any SQLDatabase else { throw StoreError.invalid("the audit log needs an SQL database") }
        if let knownHead, batch.count <= Self.rowsPerStatement, let head = try? await Self.insert(batch, after: knownHead, on: sql) {
            return head
        }
        var lastError: (any Error)?
        for _ in 0..<5 {
            do {
                return try await db.transaction { tx in
                    guard let sql = tx as? any SQLDatabase else { throw StoreError.invalid("the audit log needs an SQL database") }
                    // Several servers on one PostgreSQL: one re-chaining writer at a time (released at commit),
                    // so concurrent groups queue instead of colliding until the retries run out.
                    if sql.dialect.name != "sqlite" { try await sql.raw("SELECT pg_advisory_xact_lock(706042017)").run() }
                    var head = try await sql.raw("SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1").first().map {
                        (sequence: try $0.decode(column: "sequence", as: Int.self), hash: try $0.decode(column: "hash", as: String.self))
                    }
                    for start in stride(from: 0, to: batch.count, by: Self.rowsPerStatement) {
                        head = try await Self.insert(Array(batch[start..<min(start + Self.rowsPerStatement, batch.count)]), after: head, on: sql)
                    }
                    return head
                }
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// A UUID whose first 48 bits are the time in milliseconds (the layout of
    /// RFC 9562's version 7): entries' ids then grow with the log, so the id
    /// index is appended to at its end instead of at a random page per entry
    /// (fewer pages per commit to copy back from SQLite's write-ahead log).
    static func timeOrderedID(_ date: Date) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - i))) }
        var random = SystemRandomNumberGenerator()
        for i in 6..<16 { bytes[i] = random.next() }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // RFC 9562 variant
        return UUID(uuid: (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                           bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    /// Well under both databases' limits on parameters per statement.
    static let rowsPerStatement = 500

    private static func insert(_ rows: [(AuditEvent, Date)], after head: ChainHead?, on sql: any SQLDatabase) async throws -> ChainHead? {
        var head = head
        var insert: SQLQueryString = """
            INSERT INTO audit_log (id, sequence, at, actor, role, patient_id, action, object, request_id, outcome, flag, previous_hash, hash) VALUES
            """
        for (n, (event, date)) in rows.enumerated() {
            let r = record(event, at: date, after: head)
            insert.appendInterpolation(unsafeRaw: n == 0 ? " (" : ", (")
            insert.appendInterpolation(binds: [timeOrderedID(r.at), r.sequence, r.at, r.actor, r.role, r.patientID, r.action, r.object, r.requestID,
                                               r.outcome, r.flag, r.previousHash, r.hash])
            insert.appendInterpolation(unsafeRaw: ")")
            head = (r.sequence, r.hash)
        }
        try await sql.raw(insert).run()
        return head
    }

    static func record(_ event: AuditEvent, at date: Date, after last: ChainHead?) -> AuditRecord {
        let record = AuditRecord()
        record.sequence = (last?.sequence ?? 0) + 1
        // Milliseconds: the precision both databases give back unchanged.
        record.at = Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        record.actor = event.actor
        record.role = event.role
        record.patientID = event.patientID
        record.action = event.action
        record.object = event.object
        record.requestID = event.requestID
        record.outcome = event.outcome
        record.flag = event.flag
        record.previousHash = last?.hash ?? genesis
        record.hash = hash(record)
        return record
    }

    /// SHA-256 over the entry's fields, each length-prefixed so no two entries share a text.
    public static func hash(_ r: AuditRecord) -> String {
        let fields: [String] = [
            String(r.sequence), String(Int64((r.at.timeIntervalSince1970 * 1000).rounded())), r.actor, r.role,
            r.patientID?.uuidString ?? "", r.action, r.object, r.requestID, r.outcome, r.flag ?? "", r.previousHash,
        ]
        let text = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let sequence: Int
        public let message: String
        public var description: String { sequence == 0 ? message : "entry \(sequence): \(message)" }
    }

    public struct Verification: Sendable {
        public var entries = 0
        public var problems: [Problem] = []
        public var headHash = AuditLog.genesis
        public var ok: Bool { problems.isEmpty }
    }

    /// Walks the whole chain in sequence order, a page at a time (bounded memory).
    public func verify(pageSize: Int = 1000) async throws -> Verification {
        var result = Verification()
        var expectedSequence = 1
        var previous = Self.genesis
        var after = 0
        while true {
            let page = try await AuditRecord.query(on: db).filter(\.$sequence > after).sort(\.$sequence).limit(pageSize).all()
            if page.isEmpty { break }
            for r in page {
                result.entries += 1
                if r.sequence != expectedSequence {
                    result.problems.append(Problem(sequence: r.sequence,
                                                   message: "expected entry \(expectedSequence) here: \(r.sequence - expectedSequence) entr\(r.sequence - expectedSequence == 1 ? "y is" : "ies are") missing (deleted)"))
                }
                if r.previousHash != previous {
                    result.problems.append(Problem(sequence: r.sequence, message: "does not follow the entry before it (an entry before it was deleted, edited or re-ordered)"))
                }
                if Self.hash(r) != r.hash {
                    result.problems.append(Problem(sequence: r.sequence, message: "its content does not match its hash (edited)"))
                }
                previous = r.hash
                expectedSequence = r.sequence + 1
                after = r.sequence
            }
        }
        result.headHash = previous
        for message in try await BoardStore(db: db).verifySnapshots() { result.problems.append(Problem(sequence: 0, message: message)) }
        return result
    }

    public struct Filter: Sendable {
        public var actor: String?
        public var patientID: UUID?
        public var action: String?
        public var beforeSequence: Int?
        public var flaggedOnly = false
        public init(actor: String? = nil, patientID: UUID? = nil, action: String? = nil, beforeSequence: Int? = nil, flaggedOnly: Bool = false) {
            self.flaggedOnly = flaggedOnly
            self.actor = actor
            self.patientID = patientID
            self.action = action
            self.beforeSequence = beforeSequence
        }
    }

    /// Newest first, for browsing.
    public func entries(_ filter: Filter = Filter(), limit: Int = 100) async throws -> [AuditRecord] {
        var q = AuditRecord.query(on: db).sort(\.$sequence, .descending)
        if let a = filter.actor, !a.isEmpty { q = q.filter(\.$actor == a) }
        if let p = filter.patientID { q = q.filter(\.$patientID == p) }
        if let a = filter.action, !a.isEmpty { q = q.filter(\.$action == a) }
        if let b = filter.beforeSequence { q = q.filter(\.$sequence < b) }
        if filter.flaggedOnly { q = q.filter(\.$flag != nil) }
        return try await q.limit(limit).all()
    }

    /// Oldest first, a page at a time, for export.
    public func forEachEntry(pageSize: Int = 1000, _ body: (AuditRecord) async throws -> Void) async throws {
        var after = 0
        while true {
            let page = try await AuditRecord.query(on: db).filter(\.$sequence > after).sort(\.$sequence).limit(pageSize).all()
            if page.isEmpty { return }
            for r in page { try await body(r) }
            after = page.last!.sequence
        }
    }

    public static let csvHeader = "sequence,at,actor,role,patient_id,action,object,request_id,outcome,flag,previous_hash,hash"

    public static func csvLine(_ r: AuditRecord) -> String {
        let at = ISO8601DateFormatter.withMilliseconds.string(from: r.at)
        return [String(r.sequence), at, r.actor, r.role, r.patientID?.uuidString ?? "", r.action, r.object, r.requestID, r.outcome, r.flag ?? "",
                r.previousHash, r.hash].map(CSV.field).joined(separator: ",")
    }


}

extension ISO8601DateFormatter {
    nonisolated(unsafe) public static let withMilliseconds: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}

/// Group commit: entries that arrive while a group is being written wait and
/// go in the next group. Each caller resumes when its own entry is committed.
/// When no group is being written, the caller writes its entry itself (no task
/// hand-off: the usual case at moderate load).
public final class GroupCommitter: @unchecked Sendable {
    public init() {}

    private struct Pending {
        let event: AuditEvent
        let date: Date
        /// Resumed with false once a writer committed the entry, with true if the caller is to write it.
        let done: CheckedContinuation<Bool, any Error>
    }

    private let lock = NSLock()
    private var pending: [Pending] = []
    private var writing = false
    /// The last entry this committer wrote (only the current writer touches it).
    private var head: AuditLog.ChainHead?

    func submit(_ event: AuditEvent, at date: Date, db: any Database) async throws {
        let lead = lock.withLock {
            if writing { return false }
            writing = true
            return true
        }
        if !lead {
            let leadAfterAll: Bool = try await withCheckedThrowingContinuation { done in
                // The writer may have finished since the check above: then this caller writes.
                let queued = lock.withLock {
                    if writing {
                        pending.append(Pending(event: event, date: date, done: done))
                        return true
                    }
                    writing = true
                    return false
                }
                if !queued { done.resume(returning: true) }
            }
            if !leadAfterAll { return }
        }
        // The writer: this entry and whatever queued meanwhile, in one group.
        let waiting = lock.withLock {
            let w = pending
            pending = []
            return w
        }
        var outcome: Result<Void, any Error> = .success(())
        do {
            head = try await AuditLog(db: db).write([(event, date)] + waiting.map { ($0.event, $0.date) }, after: head)
            for p in waiting { p.done.resume(returning: false) }
        } catch {
            head = nil
            outcome = .failure(error)
            for p in waiting { p.done.resume(throwing: error) }
        }
        // Entries that queued during the write go in a group of their own, without holding up this caller.
        let more = lock.withLock {
            if pending.isEmpty { writing = false }
            return !pending.isEmpty
        }
        if more { Task { await self.drain(db) } }
        try outcome.get()
    }

    private func drain(_ db: any Database) async {
        while true {
            let batch: [Pending] = lock.withLock {
                let b = pending
                pending = []
                if b.isEmpty { writing = false }
                return b
            }
            if batch.isEmpty { return }
            do {
                head = try await AuditLog(db: db).write(batch.map { ($0.event, $0.date) }, after: head)
                for p in batch { p.done.resume(returning: false) }
            } catch {
                head = nil
                for p in batch { p.done.resume(throwing: error) }
            }
        }
    }
}
