import FluentKit
import Foundation
import OsteonDomain
import SQLKit

/// What the lists show about a patient, kept per patient so that a list costs
/// the same with 100 or 100,000 patients: computed from the typed assessment,
/// stamped with the patient's revision and the day it was computed for. A
/// summary whose revision or day no longer matches is stale and is recomputed
/// before any list reads it (`refresh`), so a list never shows yesterday's
/// "overdue" or a record as it was before an edit.
public struct PatientSummary: Sendable, Equatable {
    public let patientID: UUID
    public let name: String
    public let externalID: String
    public let birthDate: String?
    public let sex: String?
    public let version: Int
    public let caseID: UUID
    public let caseVersion: Int
    public let state: String
    /// `Urgency.rawValue`; `urgencyRank` orders the lists (most urgent first).
    public let urgency: String
    public let urgencyRank: Int
    public let alerts: [String]
    public let alertCodes: [String]
    public let gapCodes: [String]
    public let primarySites: [String]
    public let nextDue: String?
    public let computedFor: String
    /// The patient's outcome facts on `computedFor` (`OutcomeRead.stored`), for the quality dashboard.
    public var outcome: String? = nil
}

public struct SummaryStore: Sendable {
    public let db: any Database
    /// Where a parallel refresh takes each group's connection (an application's `db` hands out its pool's);
    /// without it every group shares `db`'s one connection.
    let connections: (@Sendable () -> any Database)?
    public init(db: any Database, connections: (@Sendable () -> any Database)? = nil) {
        self.db = db
        self.connections = connections
    }
    var sql: any SQLDatabase { db as! any SQLDatabase }

    public static let table = "patient_summaries"
    public static let maxPage = 200

    /// Where a page ends: the sort key of its last row (opaque to clients).
    public struct Cursor: Sendable, Equatable {
        public let rank: Int
        public let nameKey: String
        public let patientID: UUID

        public var token: String {
            Data("\(rank)|\(patientID.uuidString)|\(nameKey)".utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }

        public init(rank: Int, nameKey: String, patientID: UUID) {
            self.rank = rank
            self.nameKey = nameKey
            self.patientID = patientID
        }

        public init?(token: String) {
            var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while b64.count % 4 != 0 { b64 += "=" }
            guard let data = Data(base64Encoded: b64), let text = String(data: data, encoding: .utf8) else { return nil }
            let parts = text.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let rank = Int(parts[0]), let id = UUID(uuidString: String(parts[1])) else { return nil }
            self.init(rank: rank, nameKey: String(parts[2]), patientID: id)
        }
    }

    static func nameKey(_ name: String) -> String { name.lowercased() }

    /// What search finds a patient by: each word of the name and of the hospital number, and the whole
    /// hospital number, lower-cased. A search matches the start of a term (an index range, not a scan).
    static func searchTerms(name: String, externalID: String) -> [String] {
        let words = (name + " " + externalID).lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        return (words + [externalID.lowercased().trimmingCharacters(in: .whitespaces)]).filter { !$0.isEmpty }
            .reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    static let termsTable = "patient_search_terms"

    /// Recomputes the summaries of changed and new patients (the database marks them in
    /// `summary_dirty` in the same transaction as the change), and with `day: true` every
    /// summary computed for an earlier day. Returns how many were recomputed.
    @discardableResult
    public func refresh(today: Day, day: Bool = false, only: [UUID]? = nil, dirty: Bool = true, workers: Int = 1) async throws -> Int {
        var work: [(UUID, Int?)] = dirty ? try await sql.raw("SELECT patient_id, revision FROM summary_dirty").all()
            .map { (try $0.decode(column: "patient_id", as: UUID.self), try $0.decode(column: "revision", as: Int.self)) } : []
        if day {
            let old = try await sql.raw("SELECT patient_id FROM \(ident: Self.table) WHERE computed_for < \(bind: today.description)").all()
                .map { (try $0.decode(column: "patient_id", as: UUID.self), nil as Int?) }
            work += old
        }
        if let only { work += only.map { ($0, nil) } }
        var done = Set<UUID>()
        let ids = work.map(\.0).filter { done.insert($0).inserted }
        // Groups of a few dozen, `workers` at a time: each reads and assesses its patients outside any
        // transaction (the CPU-bound part, in parallel), then writes them in one short transaction (one
        // commit per group, no write lock held while assessing).
        let groups = stride(from: 0, to: ids.count, by: 25).map { Array(ids[$0..<min($0 + 25, ids.count)]) }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            var next = 0
            func start() {
                guard next < groups.count else { return }
                let group = groups[next]
                next += 1
                tasks.addTask { try await self.refreshGroup(group, today: today) }
            }
            for _ in 0..<max(1, workers) { start() }
            while try await tasks.next() != nil { start() }
        }
        return done.count
    }

    /// Workers for a refresh that may use every processor (an import; not a request or the server's pass).
    public static let defaultWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    private func refreshGroup(_ group: [UUID], today: Day) async throws {
        let db = connections?() ?? db, sql = db as! any SQLDatabase
        let cases = CaseStore(db: db)
        var computed: [(UUID, Int, PatientSummary?)] = []
        for id in group {
            // The revision is read before the records: a change in between marks the patient again, never lost.
            guard let revision = try await sql.raw("SELECT revision FROM patients WHERE id = \(bind: id)").first()?
                .decode(column: "revision", as: Int.self)
            else {
                computed.append((id, 0, nil))
                continue
            }
            let (c, read, r): (PatientCase, CaseReader.Output, CaseStore.Records)
            do { (c, read, r) = try await cases.patientCase(patientID: id) } catch StoreError.notFound {
                computed.append((id, 0, nil))  // deleted since its revision was read
                continue
            }
            let a = Assessor.assess(c, asOf: today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
            var summary = Self.summary(r, a, today: today)
            summary.outcome = c.outcome(asOf: today, patientID: id.uuidString).stored.serialized()
            computed.append((id, revision, summary))
        }
        let rows = computed
        try await SummaryStore(db: db).writeTransaction { tx in
            let store = SummaryStore(db: tx)
            for (id, revision, summary) in rows {
                let exists = try await store.sql.raw("SELECT 1 AS x FROM patients WHERE id = \(bind: id)").first() != nil
                if let summary, exists {
                    try await store.write(summary, revision: revision)
                    try await store.sql.raw("DELETE FROM summary_dirty WHERE patient_id = \(bind: id) AND revision <= \(bind: revision)").run()
                } else {
                    try await store.sql.raw("DELETE FROM summary_dirty WHERE patient_id = \(bind: id)").run()
                }
            }
        }
    }

    /// Which of `ids` are marked as changed.
    public func dirtyAmong(_ ids: [UUID]) async throws -> [UUID] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("SELECT patient_id FROM summary_dirty WHERE patient_id IN (\(binds: ids))").all()
            .map { try $0.decode(column: "patient_id", as: UUID.self) }
    }

    /// A transaction that takes SQLite's write lock at its start (BEGIN IMMEDIATE): a deferred one
    /// that reads first and writes later is refused as busy when another connection wrote meanwhile,
    /// which a list request (and the audit writes beside it) met under load.
    func writeTransaction(_ body: @escaping @Sendable (any Database) async throws -> Void) async throws {
        guard (db as? any SQLDatabase)?.dialect.name == "sqlite" else { return try await db.transaction(body) }
        try await db.withConnection { conn in
            let sql = conn as! any SQLDatabase
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                try await body(conn)
                try await sql.raw("COMMIT").run()
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// How many patients wait to be recomputed.
    public func waiting() async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM summary_dirty").first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// Whether some summary was computed for an earlier day (the daily pass has work).
    public func needsDayPass(today: Day) async throws -> Bool {
        try await sql.raw("SELECT 1 AS x FROM \(ident: Self.table) WHERE computed_for < \(bind: today.description) LIMIT 1").first() != nil
    }

    /// The summary of one patient's records and assessment (the lists' one source).
    public static func summary(_ r: CaseStore.Records, _ a: Assessment, today: Day) -> PatientSummary {
        let urgency = a.urgency
        let due = (a.imagingPlan + a.surveillance + a.prevention + a.treatmentPlan).compactMap(\.due).min()
        return PatientSummary(
            patientID: r.patient.id!, name: r.patient.name, externalID: r.patient.externalID, birthDate: r.patient.birthDate, sex: r.patient.sex,
            version: r.patient.version, caseID: r.caseRecord.id!, caseVersion: r.caseRecord.version, state: r.caseRecord.state,
            urgency: urgency.rawValue, urgencyRank: urgency.rank, alerts: a.alerts.map(\.title),
            alertCodes: a.alerts.map(\.code.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
            gapCodes: a.careGaps.map(\.code.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
            primarySites: a.primarySites, nextDue: due?.description, computedFor: today.description)
    }

    func write(_ s: PatientSummary, revision: Int) async throws {
        func json(_ list: [String]) -> String { JSONValue(list).serialized() }
        let written = try await sql.raw("""
            INSERT INTO \(ident: Self.table) (patient_id, revision, computed_for, name, name_key, external_id, birth_date, sex, version, case_id, case_version,
                state, urgency, urgency_rank,
                alerts, alert_codes, gap_codes, gaps, primary_sites, next_due, outcome)
            VALUES (\(bind: s.patientID), \(bind: revision), \(bind: s.computedFor), \(bind: s.name), \(bind: Self.nameKey(s.name)), \(bind: s.externalID),
                \(bind: s.birthDate), \(bind: s.sex), \(bind: s.version), \(bind: s.caseID), \(bind: s.caseVersion), \(bind: s.state), \(bind: s.urgency), \(bind: s.urgencyRank), \(bind: json(s.alerts)), \(bind: json(s.alertCodes)),
                \(bind: json(s.gapCodes)), \(bind: s.gapCodes.count), \(bind: json(s.primarySites)), \(bind: s.nextDue), \(bind: s.outcome))
            ON CONFLICT (patient_id) DO UPDATE SET revision = excluded.revision, computed_for = excluded.computed_for, name = excluded.name,
                name_key = excluded.name_key, external_id = excluded.external_id, birth_date = excluded.birth_date, sex = excluded.sex,
                version = excluded.version, case_id = excluded.case_id, case_version = excluded.case_version, state = excluded.state,
                urgency = excluded.urgency, urgency_rank = excluded.urgency_rank, alerts = excluded.alerts, alert_codes = excluded.alert_codes,
                gap_codes = excluded.gap_codes, gaps = excluded.gaps, primary_sites = excluded.primary_sites, next_due = excluded.next_due,
                outcome = excluded.outcome
            WHERE \(ident: Self.table).revision <= excluded.revision
            RETURNING patient_id
            """).all()
        // A summary computed from an older revision than the stored one is not written. (Days are not compared:
        // a server with a configured day and its pass on the real day must not lock each other out.)
        guard !written.isEmpty else { return }
        try await writeTerms(s.patientID, name: s.name, externalID: s.externalID)
    }

    func writeTerms(_ patientID: UUID, name: String, externalID: String) async throws {
        try await sql.raw("DELETE FROM \(ident: Self.termsTable) WHERE patient_id = \(bind: patientID)").run()
        let terms = Self.searchTerms(name: name, externalID: externalID)
        guard !terms.isEmpty else { return }
        var q: SQLQueryString = "INSERT INTO \(ident: Self.termsTable) (patient_id, term) VALUES "
        for (i, t) in terms.enumerated() { q += i == 0 ? "(\(bind: patientID), \(bind: t))" : ", (\(bind: patientID), \(bind: t))" }
        try await sql.raw(q).run()
    }

    /// Patients with a term that starts with `prefix` (byte order: PostgreSQL compares in the "C" collation, as its index is built).
    func termMatch(_ prefix: String) -> SQLQueryString {
        let c: SQLQueryString = sql.dialect.name == "sqlite" ? "" : " COLLATE \"C\""
        return "SELECT patient_id FROM \(ident: Self.termsTable) WHERE term\(c) >= \(bind: prefix) AND term\(c) < \(bind: prefix + "\u{10FFFF}")"
    }

    /// How many terms start with `prefix`, counted up to one past `limit`.
    func termCount(_ prefix: String, upTo limit: Int) async throws -> Int {
        try await sql.raw("SELECT COUNT(*) AS n FROM (" + termMatch(prefix) + " LIMIT \(literal: limit + 1)) x").first()?
            .decode(column: "n", as: Int.self) ?? 0
    }

    public struct Filter: Sendable {
        public var search: String?
        public var state: String?
        public var urgentOnly = false
        public init(search: String? = nil, state: String? = nil, urgentOnly: Bool = false) {
            self.search = search
            self.state = state
            self.urgentOnly = urgentOnly
        }
    }

    /// One page of the patients `userID` may see (care team, meetings they are on, `alsoVisible`
    /// for break-glass access), most urgent first, then by name; `after` continues a page.
    public func page(userID: UUID, alsoVisible: [UUID], filter: Filter, after: Cursor?, limit: Int,
                     few: Int = 2_000) async throws -> (rows: [PatientSummary], next: Cursor?) {
        let limit = max(1, min(limit, Self.maxPage))
        var rows = try await sql.raw(pageQuery(userID: userID, alsoVisible: alsoVisible, filter: filter, after: after, limit: limit, few: few))
            .all().map(Self.decode)
        var next: Cursor?
        if rows.count > limit {
            rows.removeLast()
            let last = rows[rows.count - 1]
            next = Cursor(rank: last.urgencyRank, nameKey: Self.nameKey(last.name), patientID: last.patientID)
        }
        return (rows, next)
    }

    /// The statement `page` runs: `limit + 1` rows, so that a full page knows whether another follows.
    func pageQuery(userID: UUID, alsoVisible: [UUID], filter: Filter, after: Cursor?, limit: Int, few: Int) async throws -> SQLQueryString {
        // The care team and the meetings (with `alsoVisible`) are two streams, each cut at the page in list
        // order and then merged: PostgreSQL plans an OR of the two as hashed subplans that read every
        // care-team row of the user on every page. A user who sees few patients through the care team is
        // served from that set (sorted, at most `few` rows); one who sees many walks the list's index and
        // checks each row, stopping once the page is full.
        let seen = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT patient_id FROM care_team_members WHERE user_id = \(bind: userID) AND kind = 'member' LIMIT \(literal: few + 1)) x
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        let meetings = try await sql.raw("SELECT COUNT(*) AS n FROM meeting_members WHERE user_id = \(bind: userID)").first()?.decode(column: "n", as: Int.self) ?? 0
        var rest: SQLQueryString = ""
        if let state = filter.state { rest += " AND s.state = \(bind: state)" }
        if filter.urgentOnly {
            let ranks = Urgency.allCases.filter(\.isUrgent).map { String($0.rank) }.joined(separator: ", ")
            rest += " AND s.urgency_rank IN (\(unsafeRaw: ranks))"
        }
        if let term = filter.search?.trimmingCharacters(in: .whitespaces).lowercased(), !term.isEmpty {
            // The whole text as the start of a hospital number, or every word as the start of a term. Few
            // matches: one set (not an OR of sets) looked up and sorted; many: the list walked, each row checked.
            let words = term.split { !$0.isLetter && !$0.isNumber }.map(String.init)
            var matches = try await termCount(term, upTo: few)
            if few > 0, matches <= few, !words.isEmpty {
                var fewest = Int.max
                for w in words { fewest = min(fewest, try await termCount(w, upTo: few)) }
                matches += fewest
            }
            if few > 0 && matches <= few {
                rest += " AND s.patient_id IN (" + termMatch(term)
                if !words.isEmpty {
                    rest += " UNION SELECT patient_id FROM (" + termMatch(words[0])
                    for w in words.dropFirst() { rest += " INTERSECT " + termMatch(w) }
                    rest += ") words"
                }
                rest += ")"
            } else {
                rest += " AND (s.patient_id IN (" + termMatch(term) + ")"
                for (i, w) in words.enumerated() { rest += (i == 0 ? " OR (s.patient_id IN (" : " AND s.patient_id IN (") + termMatch(w) + ")" }
                rest += words.isEmpty ? ")" : "))"
            }
        }
        if let after {
            rest += """
                 AND (s.urgency_rank > \(bind: after.rank) OR (s.urgency_rank = \(bind: after.rank) AND (s.name_key > \(bind: after.nameKey)
                 OR (s.name_key = \(bind: after.nameKey) AND s.patient_id > \(bind: after.patientID)))))
                """
        }
        let order: SQLQueryString = " ORDER BY urgency_rank, name_key, patient_id LIMIT \(literal: limit + 1)"
        var q: SQLQueryString = "SELECT * FROM (SELECT s.* FROM \(ident: Self.table) s WHERE "
        if few > 0 && seen <= few {
            q += "s.patient_id IN (SELECT patient_id FROM care_team_members WHERE user_id = \(bind: userID) AND kind = 'member')"
        } else {
            q += "EXISTS (SELECT 1 FROM care_team_members t WHERE t.patient_id = s.patient_id AND t.user_id = \(bind: userID) AND t.kind = 'member')"
        }
        q += rest + order + ") team"
        if meetings > 0 || !alsoVisible.isEmpty {
            q += " UNION SELECT * FROM (SELECT s.* FROM \(ident: Self.table) s WHERE s.patient_id IN ("
            q += Self.throughMeetings(meetings > 0 ? userID : nil, alsoVisible: alsoVisible)
            q += ")" + rest + order + ") others"
        }
        return q + order
    }

    /// The patients `userID` may see, as SQL for `IN (…)`: care team, meetings they are on, and `alsoVisible`.
    static func visible(userID: UUID, alsoVisible: [UUID]) -> SQLQueryString {
        "SELECT patient_id FROM care_team_members WHERE user_id = \(bind: userID) AND kind = 'member' UNION "
            + throughMeetings(userID, alsoVisible: alsoVisible)
    }

    /// The patients on the agendas of meetings `userID` (when given) is on, and `alsoVisible`, as SQL for `IN (…)`.
    static func throughMeetings(_ userID: UUID?, alsoVisible: [UUID]) -> SQLQueryString {
        var parts: [SQLQueryString] = []
        if let userID {
            parts.append("""
                SELECT c.patient_id FROM meeting_members m JOIN agenda_items a ON a.meeting_id = m.meeting_id
                JOIN cases c ON c.id = a.case_id WHERE m.user_id = \(bind: userID)
                """)
        }
        if !alsoVisible.isEmpty { parts.append("SELECT id FROM patients WHERE id IN (\(binds: alsoVisible))") }
        return parts.isEmpty ? "SELECT id FROM patients WHERE 1 = 0" : parts.dropFirst().reduce(parts[0]) { $0 + " UNION " + $1 }
    }

    /// Open care-plan tasks of the patients `userID` may see (a join, not a list of every visible patient).
    public func openTaskIDs(userID: UUID, alsoVisible: [UUID]) async throws -> [UUID] {
        try await sql.raw("""
            SELECT t.id AS id FROM care_plan_tasks t JOIN cases c ON c.id = t.case_id
            WHERE t.status = 'open' AND c.patient_id IN (\(Self.visible(userID: userID, alsoVisible: alsoVisible)))
            """).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    static func decode(_ row: any SQLRow) throws -> PatientSummary {
        func list(_ column: String) throws -> [String] {
            ((try? JSONValue.parse(try row.decode(column: column, as: String.self)))?.arrayValue ?? []).compactMap(\.stringValue)
        }
        return PatientSummary(
            patientID: try row.decode(column: "patient_id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
            externalID: try row.decode(column: "external_id", as: String.self), birthDate: try row.decode(column: "birth_date", as: String?.self),
            sex: try row.decode(column: "sex", as: String?.self), version: try row.decode(column: "version", as: Int.self),
            caseID: try row.decode(column: "case_id", as: UUID.self), caseVersion: try row.decode(column: "case_version", as: Int.self),
            state: try row.decode(column: "state", as: String.self), urgency: try row.decode(column: "urgency", as: String.self),
            urgencyRank: try row.decode(column: "urgency_rank", as: Int.self), alerts: try list("alerts"), alertCodes: try list("alert_codes"),
            gapCodes: try list("gap_codes"), primarySites: try list("primary_sites"), nextDue: try row.decode(column: "next_due", as: String?.self),
            computedFor: try row.decode(column: "computed_for", as: String.self))
    }

    /// The oldest day any summary was computed for (nil with no patients), and how many patients
    /// wait to be recomputed (changed, new, or not yet computed): `/health` shows both.
    /// Every patient's stored outcome facts, with the day they were computed for; a row without them
    /// (written before they were kept, not yet recomputed) is counted in `waiting`, never guessed.
    public func outcomes() async throws -> (reads: [(patientID: UUID, day: String, read: OutcomeRead)], waiting: Int) {
        var reads: [(patientID: UUID, day: String, read: OutcomeRead)] = []
        var waiting = 0
        for row in try await sql.raw("SELECT patient_id, computed_for, outcome FROM \(ident: Self.table)").all() {
            guard let text = try row.decode(column: "outcome", as: String?.self), let json = try? JSONValue.parse(text),
                  let read = OutcomeRead(stored: json) else { waiting += 1; continue }
            reads.append((try row.decode(column: "patient_id", as: UUID.self), try row.decode(column: "computed_for", as: String.self), read))
        }
        return (reads, waiting)
    }

    /// Changes whenever a stored outcome fact may have: a patient added or removed, a revision summarised,
    /// facts written or cleared, a row recomputed for `today`. One aggregate over the summaries, no fact parsed.
    public func outcomeStamp(today: Day) async throws -> String {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(COALESCE(SUM(revision), 0) AS BIGINT) AS r, COUNT(outcome) AS o,
                   CAST(COALESCE(SUM(CASE WHEN computed_for = \(bind: today.description) THEN 1 ELSE 0 END), 0) AS BIGINT) AS t
            FROM \(ident: Self.table)
            """).first()
        let parts = try ["n", "r", "o", "t"].map { try row?.decode(column: $0, as: Int.self) ?? 0 }
        return "\(today) " + parts.map(String.init).joined(separator: " ")
    }

    public func summaryDay() async throws -> (day: String?, waiting: Int) {
        let day = try await sql.raw("SELECT MIN(computed_for) AS d FROM \(ident: Self.table)").first()?.decode(column: "d", as: String?.self)
        let waiting = try await sql.raw("SELECT COUNT(*) AS n FROM summary_dirty").first()?.decode(column: "n", as: Int.self) ?? 0
        return (day, waiting)
    }
}

/// Every table read per patient, indexed on the column that leads to the patient: loading one
/// patient's record scanned every patient's labs, lesions, medicines… (unnoticed behind the page cache).
struct M0014RecordIndexes: AsyncMigration {
    static let indexes = [
        ("lesions", "case_id"), ("labs", "case_id, date"), ("medications", "case_id"), ("procedures", "case_id, date"),
        ("imaging_studies", "case_id, date"), ("care_plan_tasks", "case_id, status"), ("agenda_items", "case_id"),
        ("decisions", "agenda_item_id"), ("specialty_opinions", "agenda_item_id"), ("decision_snapshots", "patient_id"),
    ]

    func prepare(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (table, columns) in Self.indexes {
            try await sql.raw("CREATE INDEX IF NOT EXISTS \(unsafeRaw: table)_by_patient ON \(unsafeRaw: table) (\(unsafeRaw: columns))").run()
        }
    }

    func revert(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        for (table, _) in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: table)_by_patient").run() }
    }
}

/// The search terms of every stored summary, written again (M0015 fills the new table with it).
public enum M0015Rebuild {
    public static func run(on db: any Database) async throws {
        guard let sql = db as? any SQLDatabase else { return }
        let rows = try await sql.raw("SELECT patient_id, name, external_id FROM patient_summaries").all()
        // One transaction, not a commit per patient (100,000 patients on an upgrade).
        try await db.transaction { tx in
            let store = SummaryStore(db: tx)
            for row in rows {
                try await store.writeTerms(try row.decode(column: "patient_id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                                           externalID: try row.decode(column: "external_id", as: String.self))
            }
        }
    }
}

/// Search by the start of a word of the name or hospital number, from an index (a substring scan
/// grew with the number of patients: about 90 ms at 100,000). Filled from the stored summaries.
/// The outcome facts kept beside each summary; every row is marked as computed for no day, so the
/// daily pass recomputes it with them.
struct M0016SummaryOutcomes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(SummaryStore.table).field("outcome", .string).update()
        try await Self.recomputeAll(on: db)
    }
    static func recomputeAll(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("UPDATE \(ident: SummaryStore.table) SET computed_for = '0000-00-00'").run()
    }
    // Fluent's SQLite driver drops no column; both databases accept this (SQLite since 3.35).
    func revert(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("ALTER TABLE \(ident: SummaryStore.table) DROP COLUMN outcome").run()
    }
}

/// The outcome facts gained keys (dental evaluations, dose dates): rows written before read as waiting until recomputed.
struct M0017OutcomeMeasureFacts: AsyncMigration {
    func prepare(on db: any Database) async throws { try await M0016SummaryOutcomes.recomputeAll(on: db) }
    func revert(on db: any Database) async throws {}
}

struct M0018OutcomeTreatmentFacts: AsyncMigration {
    func prepare(on db: any Database) async throws { try await M0016SummaryOutcomes.recomputeAll(on: db) }
    func revert(on db: any Database) async throws {}
}

struct M0015SearchTerms: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(SummaryStore.termsTable)
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, "id", onDelete: .cascade))
            .field("term", .string, .required)
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        let collate = sql.dialect.name == "sqlite" ? "" : " COLLATE \"C\""
        try await sql.raw("CREATE INDEX patient_search_terms_by_term ON patient_search_terms (term\(unsafeRaw: collate), patient_id)").run()
        try await sql.raw("CREATE INDEX patient_search_terms_by_patient ON patient_search_terms (patient_id)").run()
        try await M0015Rebuild.run(on: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(SummaryStore.termsTable).delete() }
}

struct M0013PatientSummaries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(SummaryStore.table)
            .field("patient_id", .uuid, .required, .references(PatientRecord.schema, "id", onDelete: .cascade))
            .field("revision", .int64, .required)
            .field("computed_for", .string, .required)
            .field("name", .string, .required)
            .field("name_key", .string, .required)
            .field("external_id", .string, .required)
            .field("birth_date", .string)
            .field("sex", .string)
            .field("version", .int, .required)
            .field("case_id", .uuid, .required)
            .field("case_version", .int, .required)
            .field("state", .string, .required)
            .field("urgency", .string, .required)
            .field("urgency_rank", .int, .required)
            .field("alerts", .string, .required)
            .field("alert_codes", .string, .required)
            .field("gap_codes", .string, .required)
            .field("gaps", .int, .required)
            .field("primary_sites", .string, .required)
            .field("next_due", .string)
            .unique(on: "patient_id")
            .create()
        try await db.schema("summary_dirty")
            .field("patient_id", .uuid, .required)
            .field("revision", .int64, .required)
            .unique(on: "patient_id")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        // Every change to a patient's records moves its revision (M0009): mark it for the lists in the same transaction.
        if sql.dialect.name == "sqlite" {
            for (name, event) in [("insert", "INSERT"), ("update", "UPDATE OF revision")] {
                try await sql.raw("""
                    CREATE TRIGGER patients_summary_dirty_\(unsafeRaw: name) AFTER \(unsafeRaw: event) ON patients
                    BEGIN INSERT OR REPLACE INTO summary_dirty (patient_id, revision) VALUES (NEW.id, NEW.revision); END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE OR REPLACE FUNCTION osteon_summary_dirty() RETURNS trigger AS $$
                BEGIN
                  INSERT INTO summary_dirty (patient_id, revision) VALUES (NEW.id, NEW.revision)
                    ON CONFLICT (patient_id) DO UPDATE SET revision = GREATEST(summary_dirty.revision, excluded.revision);
                  RETURN NULL;
                END; $$ LANGUAGE plpgsql
                """).run()
            try await sql.raw("CREATE TRIGGER patients_summary_dirty AFTER INSERT OR UPDATE OF revision ON patients FOR EACH ROW EXECUTE FUNCTION osteon_summary_dirty()").run()
        }
        try await sql.raw("INSERT INTO summary_dirty (patient_id, revision) SELECT id, revision FROM patients").run()
        // The lists' sort order and filters.
        try await sql.raw("CREATE INDEX patient_summaries_order ON patient_summaries (urgency_rank, name_key, patient_id)").run()
        try await sql.raw("CREATE INDEX patient_summaries_state ON patient_summaries (state, urgency_rank, name_key, patient_id)").run()
        try await sql.raw("CREATE INDEX patient_summaries_stale ON patient_summaries (computed_for)").run()
        // The visibility subqueries.
        try await sql.raw("CREATE INDEX IF NOT EXISTS care_team_members_user ON care_team_members (user_id, kind, patient_id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS care_team_members_patient ON care_team_members (patient_id, user_id, kind)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS cases_patient ON cases (patient_id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS meeting_members_user ON meeting_members (user_id, meeting_id)").run()
        try await sql.raw("CREATE INDEX IF NOT EXISTS agenda_items_meeting ON agenda_items (meeting_id, case_id)").run()
    }

    func revert(on db: any Database) async throws {
        if let sql = db as? any SQLDatabase {
            if sql.dialect.name == "sqlite" {
                for t in ["insert", "update"] { try await sql.raw("DROP TRIGGER IF EXISTS patients_summary_dirty_\(unsafeRaw: t)").run() }
            } else {
                try await sql.raw("DROP TRIGGER IF EXISTS patients_summary_dirty ON patients").run()
            }
        }
        try await db.schema("summary_dirty").delete()
        try await db.schema(SummaryStore.table).delete()
    }
}
