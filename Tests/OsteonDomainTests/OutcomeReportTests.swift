import Foundation
@testable import OsteonDomain
import Testing

/// The report over outcome records worked by hand: groups by score, calibration beside the derivation
/// figures, concordance with the score's direction, exclusions and suppression.
@Suite struct OutcomeReportTests {
    let index = Day("2024-01-01")!

    func record(_ id: String, days: Int, died: Bool, katagiri: (Int, String)? = nil, sre: Int? = nil, primary: PrimarySite = .breast) -> OutcomeRead {
        .included(OutcomeRecord(patientID: id, index: index, end: index.adding(days: days), died: died, firstSRE: sre.map { index.adding(days: $0) },
                                primaries: [primary], scores: katagiri.map { [ScoreAtIndex(score: .katagiri, total: $0.0, group: $0.1)] } ?? []))
    }

    var reads: [OutcomeRead] {
        [record("a", days: 50, died: true, katagiri: (8, "high"), sre: 20), record("b", days: 100, died: true, katagiri: (2, "low")),
         record("c", days: 200, died: true, katagiri: (8, "high"), primary: .lung), record("d", days: 400, died: false, katagiri: (2, "low"), primary: .lung),
         record("e", days: 30, died: false), .excluded(.deathBeforeIndex), .excluded(.deathBeforeIndex), .noBoneMetastasis]
    }

    @Test func cohortAndScores() throws {
        let r = OutcomeReport(asOf: Day("2026-01-01")!, reads: reads)
        #expect(r.patientsRead == 8 && r.withBoneMetastasis == 7 && r.records.count == 5)
        #expect(r.excluded.map(\.reason) == [.deathBeforeIndex] && r.excluded.map(\.count) == [2])
        let json = r.json()
        let katagiri = try #require(json["survival_by_score"]?["katagiri_new_2014"])
        #expect(katagiri["low"]?["n"] == .int(2) && katagiri["high"]?["n"] == .int(2) && katagiri["intermediate"] == nil)
        #expect(katagiri["not_computed"] == .int(1))
        #expect(json["survival_by_score"]?["tokuhashi_revised_2005"]?["not_computed"] == .int(5))
        // Low group at 6 months: one of two died at day 100 → 0.5, one still at risk; derivation 98.1 % (✘ in REFERENCE §5).
        let rows = json["calibration"]?.arrayValue ?? []
        let low6 = try #require(rows.first { $0["group"] == "low" && $0["months"] == .int(6) })
        #expect(low6["observed"] == .double(0.5) && low6["at_risk"] == .int(1))
        #expect(low6["published"]?.numberValue.map { abs($0 - 0.981) < 1e-9 } == true && low6["published_mark"] == "✘")
        let low12 = try #require(rows.first { $0["group"] == "low" && $0["months"] == .int(12) })
        #expect(low12["published_mark"] == "✔")
        // Katagiri: a higher total means shorter survival. Pairs (died first → other): a–b ✓, a–c tie, a–d ✓, b–c ✗, b–d tie, c–d ✓ → (3 + 2/2)/6.
        let c = try #require(json["concordance"]?["katagiri_new_2014"])
        #expect(c["n"] == .int(4) && c["higher_score_means"] == "shorter survival")
        #expect(c["c_index"]?.numberValue.map { abs($0 - 4.0 / 6.0) < 1e-12 } == true)
        #expect(json["concordance"]?["tokuhashi_revised_2005"] == .null)
    }

    @Test func survivalByPrimaryAndSkeletalEvents() {
        let r = OutcomeReport(asOf: Day("2026-01-01")!, reads: reads)
        #expect(r.byPrimary.map(\.group) == ["breast", "lung"])
        #expect(r.byPrimary.map(\.curve.n) == [3, 2])
        #expect(r.logRank != nil)
        // One SRE (day 20); deaths b and c had none (a's SRE came first).
        #expect(r.skeletalEvents.firstEvents == 1 && r.skeletalEvents.deathsBeforeEvent == 2)
        #expect(r.eventFree.table.first?.days == 20)
    }

    @Test func smallCellsAreSuppressed() throws {
        let json = OutcomeReport(asOf: Day("2026-01-01")!, reads: reads).json(suppressBelow: 3)
        #expect(json["cohort"]?["excluded"]?.arrayValue?.first?["count"] == "suppressed")
        #expect(json["cohort"]?["included"] == .int(5))
        #expect(json["survival_by_score"]?["katagiri_new_2014"]?["low"] == .null)
        #expect(json["survival_by_primary"]?["lung"] == .null && json["logrank_by_primary"] == .null)
        #expect(json["skeletal_events"]?["first_events"] == "suppressed" && json["skeletal_events"]?["cumulative_incidence"] == .null)
        #expect(json["concordance"]?["katagiri_new_2014"]?["n"] == .int(4))
        let overall = try #require(json["overall_survival"]?["table"]?.arrayValue)
        // Rows with fewer than 3 at risk show no survival.
        for row in overall where row["at_risk"] == "suppressed" { #expect(row["survival"] == .null) }
        #expect(overall.contains { $0["at_risk"] == "suppressed" })
    }
}

/// `bma_within_90_days` at its edges (README "Outcomes"; REFERENCE §18.2 for prostate).
@Suite struct BMAMeasureTests {
    let index = Day("2024-03-01")!

    func patient(_ start: Int?, followUp: Int = 400, prostate: Bool = false, sensitive: Bool? = nil) -> OutcomeRecord {
        OutcomeRecord(patientID: "p", index: index, end: index.adding(days: followUp), died: false, firstSRE: nil, primaries: [],
                      bma: BMAFacts(firstStart: start.map { index.adding(days: $0) }, prostate: prostate, castrationSensitive: sensitive))
    }

    @Test func windowDenominatorAndExclusions() {
        let m = Measures.bmaWithin90Days([
            patient(-30), patient(0), patient(90),            // in the window: numerator
            patient(91), patient(nil),                        // after it or never, followed ≥ 90 days: denominator only
            patient(nil, followUp: 89),                       // < 90 days and no agent: not in the denominator
            patient(20, followUp: 40),                        // < 90 days but started in the window: counts
            patient(-31),                                     // started before the window
            patient(10, prostate: true, sensitive: true),     // castration-sensitive: left out
            patient(10, prostate: true, sensitive: nil),      // castration status unknown: left out, never assumed
            patient(10, prostate: true, sensitive: false),    // castration-resistant: counts
        ])
        #expect(m.numerator == 5 && m.denominator == 7)
        #expect(m.excluded.map(\.reason) == ["castration-sensitive prostate cancer", "prostate cancer, castration status not recorded",
                                             "bone-modifying agent started before the window", "fewer than 90 days of follow-up and no agent started"])
        #expect(m.excluded.map(\.count) == [1, 1, 1, 1])
        #expect(m.rate.map { abs($0 - 5.0 / 7.0) < 1e-12 } == true)
        #expect(Measures.bmaWithin90Days([]).rate == nil)
    }

    @Test func factsFromACase() throws {
        var c = PatientCase(patientID: "x")
        var zol = Medication()
        zol.agent = .zoledronicAcid
        zol.status = .completed
        zol.startDate = Day("2024-04-01")
        var planned = Medication()
        planned.agent = .denosumab
        planned.status = .intended  // planned, not given: not a start
        planned.startDate = Day("2024-03-05")
        c.medications = [zol, planned]
        var cancer = Cancer()
        cancer.primarySite = .prostate
        cancer.hormoneStatus = .hormoneIndependent
        c.cancers = [cancer]
        let facts = BMAFacts(c)
        #expect(facts.firstStart == Day("2024-04-01") && facts.prostate && facts.castrationSensitive == false)
    }
}
