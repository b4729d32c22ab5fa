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
    @Test("a page for a clinician who sees many patients reads about a page of care-team rows, not all of them", arguments: Backends.all)
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
                var summaries: SQLQueryString = """
                    INSERT INTO patient_summaries (patient_id, revision, computed_for, name, name_key, external_id, version, case_id,
                    case_version, state, urgency, urgency_rank, alerts, alert_codes, gap_codes, gaps, primary_sites) VALUES
                    """
                for (i, r) in rows.enumerated() {
                    let comma: SQLQueryString = i == 0 ? " " : ", "
                    patients += comma + "(\(bind: r.id), \(bind: r.name.uppercased()), \(bind: r.name), 1, 1)"
                    team += comma + "(\(bind: UUID()), \(bind: r.id), \(bind: userID), 'member', 'test')"
                    let urgency = Urgency.allCases[r.rank].rawValue
                    summaries += comma + """
                        (\(bind: r.id), 1, '2026-12-07', \(bind: r.name), \(bind: r.name), \(bind: r.name.uppercased()), 1, \(bind: UUID()),
                        1, 'referred', \(bind: urgency), \(bind: r.rank), '[]', '[]', '[]', 0, '[]')
                        """
                }
                try await sql.raw(patients).run()
                try await sql.raw(team).run()
                try await sql.raw(summaries).run()
            }
            if case .postgres = backend { try await sql.raw("ANALYZE").run() }
            expected.sort { ($0.rank, $0.name) < ($1.rank, $1.name) }
            let summaries = SummaryStore(db: store.db)
            for filter in [SummaryStore.Filter(), .init(urgentOnly: true)] {
                let want = expected.filter { !filter.urgentOnly || Urgency.allCases[$0.rank].isUrgent }.prefix(50).map(\.id)
                let page = try await summaries.page(userID: userID, alsoVisible: [], filter: filter, after: nil, limit: 50)
                #expect(page.rows.map(\.patientID) == want, "\(filter)")
                guard case .postgres = backend else { continue }
                let query = try await summaries.pageQuery(userID: userID, alsoVisible: [], filter: filter, after: nil, limit: 50, few: 2_000)
                let plan = try await sql.raw("EXPLAIN (ANALYZE) " + query).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                #expect(Self.rowsRead("care_team_members", plan) <= 2 * 51, "\(filter)\n\(plan.joined(separator: "\n"))")
            }
        }
    }

    /// Rows × loops of every executed plan node that reads `table`, from PostgreSQL's EXPLAIN ANALYZE text.
    static func rowsRead(_ table: String, _ plan: [String]) -> Int {
        plan.filter { $0.contains(" on \(table) ") && $0.contains("actual time=") }.reduce(0) { total, line in
            let actual = line.components(separatedBy: "actual time=")[1]
            func number(after key: String) -> Int {
                Int(actual.components(separatedBy: key)[1].prefix { $0.isNumber }) ?? 0
            }
            return total + number(after: "rows=") * number(after: "loops=")
        }
    }
}
