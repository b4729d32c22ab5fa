import FluentKit
import Foundation
import OsteonDomain
@testable import OsteonStore
import SQLKit
import Testing

extension StoreTests {
    /// A clinician on the care team of every patient: the list walks its index and checks each row it passes, so a
    /// page costs about a page of care-team look-ups whatever the cohort size. PostgreSQL planned the earlier
    /// "care team OR meetings" condition as a hashed subplan that read every care-team row of the user per page.
    @Test("a page for a clinician who sees many patients, filtered or searched, reads about a page of rows, not the whole list", arguments: Backends.all)
    func pageReadsAPage(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let sql = try #require(store.db as? any SQLDatabase)
            let user = UserRecord(username: "clin", displayName: "C", passwordHash: "x", role: "clinician")
            try await user.create(on: store.db)
            let userID = try user.requireID()
            let n = 3_000
            var expected: [(rank: Int, name: String, id: UUID)] = []
            for start in stride(from: 0, to: n, by: 250) {
                let rows = (start..<min(n, start + 250)).map { k in
                    (rank: (k % 10 == 3 ? Urgency.urgent : .none).rank, name: "patient " + String(format: "%05d", (k * 7_919) % n), id: UUID())
                }
                expected += rows
                var patients: SQLQueryString = "INSERT INTO patients (id, external_id, name, version, revision) VALUES "
                var team: SQLQueryString = "INSERT INTO care_team_members (id, patient_id, user_id, kind, added_by) VALUES "
                var terms: SQLQueryString = "INSERT INTO patient_search_terms (patient_id, term) VALUES "
                var summaries: SQLQueryString = """
                    INSERT INTO patient_summaries (patient_id, revision, computed_for, name, name_key, external_id, version, case_id,
                    case_version, state, urgency, urgency_rank, alerts, alert_codes, gap_codes, gaps, primary_sites) VALUES
                    """
                for (i, r) in rows.enumerated() {
                    let comma: SQLQueryString = i == 0 ? " " : ", "
                    patients += comma + "(\(bind: r.id), \(bind: r.name.uppercased()), \(bind: r.name), 1, 1)"
                    team += comma + "(\(bind: UUID()), \(bind: r.id), \(bind: userID), 'member', 'test')"
                    for (j, term) in SummaryStore.searchTerms(name: r.name, externalID: r.name.uppercased()).enumerated() {
                        terms += (i == 0 && j == 0 ? " " : ", ") + "(\(bind: r.id), \(bind: term))"
                    }
                    let urgency = Urgency.allCases[r.rank].rawValue
                    summaries += comma + """
                        (\(bind: r.id), 1, '2026-12-07', \(bind: r.name), \(bind: r.name), \(bind: r.name.uppercased()), 1, \(bind: UUID()),
                        1, 'referred', \(bind: urgency), \(bind: r.rank), '[]', '[]', '[]', 0, '[]')
                        """
                }
                try await sql.raw(patients).run()
                try await sql.raw(team).run()
                try await sql.raw(summaries).run()
                try await sql.raw(terms).run()
            }
            if case .postgres = backend { try await sql.raw("ANALYZE").run() }
            expected.sort { ($0.rank, $0.name) < ($1.rank, $1.name) }
            let summaries = SummaryStore(db: store.db)
            // A search that matches ten patients, and one that matches nobody: looked up, not the whole list walked.
            for filter in [SummaryStore.Filter(), .init(urgentOnly: true), .init(search: "patient 0004"), .init(search: "nobody")] {
                let want = expected.filter { r in (!filter.urgentOnly || Urgency.allCases[r.rank].isUrgent) && (filter.search.map(r.name.hasPrefix) ?? true) }
                    .prefix(50).map(\.id)
                let page = try await summaries.page(userID: userID, alsoVisible: [], filter: filter, after: nil, limit: 50)
                #expect(page.rows.map(\.patientID) == want, "\(filter)")
                guard case .postgres = backend else { continue }
                let query = try await summaries.pageQuery(userID: userID, alsoVisible: [], filter: filter, after: nil, limit: 50, few: 2_000)
                let plan = try await sql.raw("EXPLAIN (ANALYZE) " + query).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                for table in ["care_team_members", "patient_summaries"] {
                    #expect(Self.rowsRead(table, plan) <= 2 * 51, "\(table), \(filter)\n\(plan.joined(separator: "\n"))")
                }
            }
        }
    }

    /// Rows read from `table` by the executed plan nodes, from PostgreSQL's EXPLAIN ANALYZE text: each node's
    /// rows and the rows its filter removed, times its loops.
    static func rowsRead(_ table: String, _ plan: [String]) -> Int {
        var total = 0, loops = 0
        for line in plan {
            func number(after key: String, in text: String) -> Int {
                Int(text.components(separatedBy: key).dropFirst().first?.prefix { $0.isNumber } ?? "") ?? 0
            }
            if line.contains("(cost=") {  // a plan node: it reads `table` or it does not
                loops = 0
                guard line.contains(" on \(table) "), let actual = line.components(separatedBy: "actual time=").dropFirst().first else { continue }
                loops = number(after: "loops=", in: actual)
                total += number(after: "rows=", in: actual) * loops
            } else if line.contains("Rows Removed by") {
                total += number(after: ": ", in: line) * loops
            }
        }
        return total
    }
}
