import FluentKit
import Foundation
import OsteonDomain
@testable import OsteonStore
import SQLKit
import Testing

// Part of StoreTests' serialized suite: the PostgreSQL tests share one database.
extension StoreTests {
    func event(_ n: Int, patient: UUID? = nil) -> AuditEvent {
        AuditEvent(actor: "user\(n % 3)", role: "clinician", patientID: patient, action: n.isMultiple(of: 2) ? "read" : "update",
                   object: "patients/\(n)", requestID: "req-\(n)", outcome: "success")
    }

    func appendTen(_ store: StandaloneStore) async throws {
        let log = AuditLog(db: store.db)
        for n in 1...10 { try await log.append(event(n, patient: n == 4 ? UUID() : nil)) }
    }

    /// Ten entries, the guards dropped, `tamper` run as raw SQL, then the chain verified.
    func verifyAfter(_ backend: StoreConfiguration.Backend, _ tamper: [String]) async throws -> AuditLog.Verification {
        var result = AuditLog.Verification()
        try await withStore(backend) { store in
            try await appendTen(store)
            try await dropGuards(store)
            let sql = try #require(store.db as? any SQLDatabase)
            for statement in tamper { try await sql.raw(SQLQueryString(statement)).run() }
            result = try await AuditLog(db: store.db).verify()
        }
        return result
    }

    /// What an attacker with the database owner's rights would do first.
    func dropGuards(_ store: StandaloneStore) async throws {
        let sql = try #require(store.db as? any SQLDatabase)
        if sql.dialect.name == "sqlite" {
            try await sql.raw("DROP TRIGGER audit_log_no_update").run()
            try await sql.raw("DROP TRIGGER audit_log_no_delete").run()
        } else {
            try await sql.raw("DROP TRIGGER audit_log_append_only ON audit_log").run()
        }
    }

    @Test("the chain of untouched entries verifies, in pages of any size", arguments: Backends.all)
    func intactChain(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            try await appendTen(store)
            for page in [1, 3, 1000] {
                let v = try await AuditLog(db: store.db).verify(pageSize: page)
                #expect(v.ok, "\(v.problems)")
                #expect(v.entries == 10)
            }
            let newest = try await AuditLog(db: store.db).entries(limit: 1)
            #expect(try await AuditLog(db: store.db).verify().headHash == newest.first?.hash)
        }
    }

    @Test("the database refuses to change or delete an audit entry", arguments: Backends.all)
    func appendOnly(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            try await appendTen(store)
            let sql = try #require(store.db as? any SQLDatabase)
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_log SET actor = 'nobody' WHERE sequence = 3").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_log WHERE sequence = 3").run() }
            #expect(try await AuditLog(db: store.db).verify().ok)
        }
    }

    @Test("verify finds an edited entry and says which", arguments: Backends.all)
    func edited(backend: StoreConfiguration.Backend) async throws {
        let v = try await verifyAfter(backend, ["UPDATE audit_log SET outcome = 'denied' WHERE sequence = 6"])
        #expect(v.problems == [AuditLog.Problem(sequence: 6, message: "its content does not match its hash (edited)")])
    }

    @Test("verify finds a deleted entry and says where", arguments: Backends.all)
    func deleted(backend: StoreConfiguration.Backend) async throws {
        let v = try await verifyAfter(backend, ["DELETE FROM audit_log WHERE sequence = 4"])
        #expect(v.entries == 9)
        #expect(v.problems.map(\.sequence) == [5, 5])
        #expect(v.problems.first?.message.contains("1 entry is missing") == true)
    }

    @Test("verify finds re-ordered entries, even when the sequence numbers are kept in order", arguments: Backends.all)
    func reordered(backend: StoreConfiguration.Backend) async throws {
        // Swap the contents of entries 7 and 8, hashes included.
        let v = try await verifyAfter(backend, ["UPDATE audit_log SET sequence = -7 WHERE sequence = 7",
                                                "UPDATE audit_log SET sequence = 7 WHERE sequence = 8",
                                                "UPDATE audit_log SET sequence = 8 WHERE sequence = -7"])
        #expect(!v.ok)
        #expect(v.problems.first?.sequence == 7)
        #expect(v.problems.contains { $0.message.contains("does not follow") })
    }

    @Test("concurrent appends keep one unbroken chain", arguments: Backends.all)
    func concurrentAppends(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let log = AuditLog(db: store.db, committer: GroupCommitter())
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...60 { group.addTask { try await log.append(event(n)) } }
                try await group.waitForAll()
            }
            let v = try await log.verify()
            #expect(v.ok, "\(v.problems)")
            #expect(v.entries == 60)
        }
    }

    @Test("a server's audit writer and another process appending in turn keep one chain", arguments: Backends.all)
    func interleavedWriters(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let server = AuditLog(db: store.db, committer: GroupCommitter())
            let otherServer = AuditLog(db: store.db, committer: GroupCommitter())
            let cli = AuditLog(db: store.db)
            for round in 0..<4 {
                // Each writer's remembered head is stale after the others wrote.
                for n in 0..<3 { try await server.append(event(round * 10 + n)) }
                try await cli.append(event(round * 10 + 5))
                try await otherServer.append(event(round * 10 + 6))
            }
            let v = try await cli.verify()
            #expect(v.ok, "\(v.problems)")
            #expect(v.entries == 20)
        }
    }

    @Test("a group bigger than one INSERT statement is chained in order and keeps every field", arguments: Backends.all)
    func largeGroup(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let log = AuditLog(db: store.db)
            let patient = UUID()
            try await log.write((1...1_200).map { (event($0, patient: $0 == 777 ? patient : nil), Date()) })
            try await log.append(event(1_201))
            let v = try await log.verify()
            #expect(v.ok, "\(v.problems)")
            #expect(v.entries == 1_201)
            let entry = try #require(try await log.entries(AuditLog.Filter(patientID: patient)).first)
            #expect(entry.sequence == 777 && entry.requestID == "req-777" && entry.actor == "user0" && entry.flag == nil)
        }
    }

    @Test("audit entry ids are time-ordered version-7 UUIDs")
    func timeOrderedIDs() {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        let ids = (0..<50).map { AuditLog.timeOrderedID(start.addingTimeInterval(Double($0) / 100)) }
        #expect(Set(ids).count == 50)
        for id in ids {
            #expect(id.uuid.6 >> 4 == 7 && id.uuid.8 >> 6 == 0b10)
            #expect(id.uuidString.lowercased().hasPrefix(String(format: "%012llx", UInt64(1_795_000_000_000)).prefix(8)))
        }
        let bytes = ids.map { withUnsafeBytes(of: $0.uuid) { Array($0.prefix(6)) } }
        #expect(zip(bytes, bytes.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
    }

    @Test("audit CSV quotes separators and defuses spreadsheet formulas, also behind a leading tab or carriage return")
    func csv() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        for hostile in ["+1", "-2+3", "@SUM(1)"] { #expect(CSV.field(hostile) == "'" + hostile) }
        // Pen test row 11: a leading TAB or CR was left as it was.
        #expect(CSV.field("\t=1+1") == "\"'\t=1+1\"")
        #expect(CSV.field("\r=1+1") == "\"'\r=1+1\"")
        let r = AuditRecord()
        (r.sequence, r.at, r.actor, r.role, r.action, r.object, r.requestID, r.outcome, r.previousHash, r.hash) =
            (1, Date(timeIntervalSince1970: 0), "\t=cmd()", "clinician", "read", "/patients", "r", "success", "0", "1")
        let line = AuditLog.csvLine(r)
        #expect(!line.contains(",\t=") && line.contains("\"'\t=cmd()\""))
    }

    @Test("care team, board membership and break-the-glass decide who sees a patient", arguments: Backends.all)
    func scoping(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let db = store.db
            let users = try await (1...3).asyncMap { n -> UUID in
                let u = UserRecord(username: "u\(n)", displayName: "U\(n)", passwordHash: "x", role: "clinician")
                try await u.create(on: db)
                return try u.requireID()
            }
            let cases = CaseStore(db: db)
            let (a, caseA) = try await cases.createPatient(.init(externalID: "A", name: "A", birthDate: nil, sex: nil))
            let (b, _) = try await cases.createPatient(.init(externalID: "B", name: "B", birthDate: nil, sex: nil))
            let access = AccessStore(db: db)
            let pa = try a.requireID(), pb = try b.requireID()
            try await access.addToCareTeam(patientID: pa, userID: users[0], addedBy: "test")
            try await access.addToCareTeam(patientID: pa, userID: users[0], addedBy: "test")  // once only
            #expect(try await access.careTeam(patientID: pa).count == 1)
            #expect(try await access.grant(userID: users[0], patientID: pa) == .careTeam)
            #expect(try await access.grant(userID: users[0], patientID: pb) == AccessStore.Grant.none)
            #expect(try await access.grant(userID: users[1], patientID: pa) == AccessStore.Grant.none)

            // Board: members of a meeting see the patients on its agenda, and only those.
            let board = BoardStore(db: db)
            let m = try await board.createMeeting(title: "Bone board", scheduledOn: "2026-12-01", location: nil)
            _ = try await board.addToAgenda(meetingID: m.requireID(), caseID: caseA.requireID(), question: "Fixation?")
            try await access.addMeetingMember(meetingID: m.requireID(), userID: users[1])
            #expect(try await access.grant(userID: users[1], patientID: pa) == .board)
            #expect(try await access.grant(userID: users[1], patientID: pb) == AccessStore.Grant.none)
            #expect(try await access.visiblePatientIDs(userID: users[1]) == [pa])

            // Break the glass: a reason is required, and access ends.
            await #expect(throws: StoreError.self) { _ = try await access.breakGlass(patientID: pb, userID: users[2], reason: "  x ", by: "u3") }
            let now = Date()
            let until = try await access.breakGlass(patientID: pb, userID: users[2], reason: "on call, patient in ED with cord compression", by: "u3", now: now)
            #expect(try await access.grant(userID: users[2], patientID: pb, now: now) == .breakGlass)
            #expect(try await access.grant(userID: users[2], patientID: pb, now: until.addingTimeInterval(1)) == AccessStore.Grant.none)
            #expect(try await access.visiblePatientIDs(userID: users[2], now: now) == [pb])
            #expect(try await access.visiblePatientIDs(userID: users[2], now: until.addingTimeInterval(1)).isEmpty)
        }
    }

    @Test("disabling a user and resetting a password", arguments: Backends.all)
    func userAdministration(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let u = UserRecord(username: "nurse", displayName: "N", passwordHash: "old", role: "nurse_navigator")
            u.failedLogins = 3
            u.lockedUntil = Date().addingTimeInterval(600)
            try await u.create(on: store.db)
            let users = UserStore(db: store.db)
            try await users.setActive("nurse", false)
            #expect(try await users.find("nurse").active == false)
            try await users.resetPassword("nurse", hash: "new")
            let after = try await users.find("nurse")
            #expect(after.passwordHash == "new" && after.failedLogins == 0 && after.lockedUntil == nil)
            await #expect(throws: StoreError.notFound("user nobody")) { try await users.setActive("nobody", true) }
        }
    }
}

extension StoreTests {
    @Test("the SQLite file commits with synchronous = FULL on every connection (durable once acknowledged)")
    func fullSynchronousCommits() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-sync-\(UUID().uuidString)/osteon.sqlite").path
        let store = try StandaloneStore(.sqliteFile(path))
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let sql = try #require(store.db as? any SQLDatabase)
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        for _ in 0..<8 {  // several pool connections
            let level = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
            #expect(level == 2)
        }
        await store.shutdown()
    }
}

extension StoreTests {
    /// Pen test row 1: concurrent failed sign-ins all count (one statement), on both databases.
    @Test("failed sign-ins are counted atomically: concurrent failures all count and lock the account", arguments: Backends.all)
    func failedSignInsCountAtomically(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            try await UserRecord(username: "atomic", displayName: "Atomic", passwordHash: "x", role: "clinician").create(on: store.db)
            let users = UserStore(db: store.db)
            let id = try await users.find("atomic").requireID()
            let now = Date(timeIntervalSince1970: 1_796_000_000)
            let locks = try await withThrowingTaskGroup(of: Date?.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await UserStore(db: store.db).recordFailedSignIn(userID: id, now: now, maxFailures: 5, lockout: 900) }
                }
                var n = 0
                for try await locked in group where locked != nil { n += 1 }
                return n
            }
            #expect(locks == 12 - 4, "every failure from the fifth on reports the lock")
            let user = try await users.find("atomic")
            #expect(user.failedLogins == 12 % 5)
            #expect(user.lockedUntil.map { abs($0.timeIntervalSince(now.addingTimeInterval(900))) < 1 } == true)
            try await users.unlock("atomic")
            let unlocked = try await users.find("atomic")
            #expect(unlocked.failedLogins == 0 && unlocked.lockedUntil == nil)
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for e in self { out.append(try await transform(e)) }
        return out
    }
}
