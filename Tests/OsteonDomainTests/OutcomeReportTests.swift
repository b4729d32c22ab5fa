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

/// `dental_check_before_bma` (REFERENCE §9.5: an oral assessment before a non-urgent start) at its edges.
@Suite struct DentalMeasureTests {
    let index = Day("2024-03-01")!
    let m = Measures.dentalCheckBeforeBMADefinition

    func patient(start: Int?, dental: [Int], latestOnly: Bool = false, urgent: Bool = false) -> OutcomeRecord {
        OutcomeRecord(patientID: "p", index: index, end: index.adding(days: 400), died: false, firstSRE: nil, primaries: [],
                      bma: BMAFacts(firstStart: start.map { index.adding(days: $0) }, prostate: false, castrationSensitive: nil,
                                    dentalEvaluations: dental.map { index.adding(days: $0) }, dentalLatestOnly: latestOnly, urgentStart: urgent))
    }

    @Test func beforeTheFirstDoseAndWhoIsLeftOut() {
        #expect(m.classify(patient(start: 10, dental: [9])) == .met)
        #expect(m.classify(patient(start: 10, dental: [10])) == .met)             // the same day: dates carry no time
        #expect(m.classify(patient(start: 10, dental: [11])) == .notMet)          // every evaluation known, all after
        #expect(m.classify(patient(start: 10, dental: [-200, 40])) == .met)       // an earlier one counts beside a later one
        #expect(m.classify(patient(start: 10, dental: [])) == .notMet)
        #expect(m.classify(patient(start: nil, dental: [5])) == .excluded("no bone-modifying agent started"))
        #expect(m.classify(patient(start: 10, dental: [], urgent: true)) == .excluded("started urgently for hypercalcaemia of malignancy"))
        // Where only the latest evaluation is kept, one after the first dose may have replaced one before it: not counted either way.
        #expect(m.classify(patient(start: 10, dental: [11], latestOnly: true))
                == .excluded("dental evaluation recorded only after the first dose (the record keeps the latest only)"))
        #expect(m.classify(patient(start: 10, dental: [], latestOnly: true)) == .notMet)
        let q = m.measure([patient(start: 10, dental: [9]), patient(start: 10, dental: []), patient(start: nil, dental: [])])
        #expect(q.numerator == 1 && q.denominator == 2 && q.excluded.map(\.count) == [1])
    }

    @Test func factsFromACase() {
        var c = PatientCase(patientID: "x")
        var zol = Medication()
        zol.agent = .zoledronicAcid
        zol.status = .active
        zol.startDate = Day("2024-04-01")
        zol.indication = .hypercalcaemiaOfMalignancy
        c.medications = [zol]
        var d = Dental()
        d.lastEvaluationDate = Day("2024-03-20")
        c.dental = d
        let facts = BMAFacts(c)
        #expect(facts.dentalEvaluations == [Day("2024-03-20")!] && facts.dentalLatestOnly && facts.urgentStart)
        #expect(facts.doseDays == nil)  // the case keeps a course's first and latest dose only
        c.medications![0].indication = .boneMetastasesOrMyeloma
        #expect(!BMAFacts(c).urgentStart)
    }
}

/// `bma_persistence_12_months`: no gap over 90 days between doses in the year from the first dose.
@Suite struct PersistenceMeasureTests {
    let index = Day("2024-03-01")!
    let m = Measures.bmaPersistenceDefinition

    func patient(doses: [Int]?, followUp: Int = 800, start: Int? = 0) -> OutcomeRecord {
        OutcomeRecord(patientID: "p", index: index, end: index.adding(days: followUp), died: false, firstSRE: nil, primaries: [],
                      bma: BMAFacts(firstStart: start.map { index.adding(days: $0) }, prostate: false, castrationSensitive: nil,
                                    doseDays: doses?.map { index.adding(days: $0) }))
    }

    @Test func gapsInTheFirstYear() {
        let every12Weeks = [0, 84, 168, 252, 336]
        #expect(m.classify(patient(doses: every12Weeks)) == .met)
        #expect(m.classify(patient(doses: Array(stride(from: 0, through: 364, by: 28)))) == .met)    // every 4 weeks
        #expect(m.classify(patient(doses: [0, 90, 180, 270, 360])) == .met)                          // 90 days is not over 90
        #expect(m.classify(patient(doses: [0, 91, 180, 270, 360])) == .notMet)                       // one gap of 91
        #expect(m.classify(patient(doses: [0, 84, 168, 252])) == .notMet)                            // stopped: 113 days to the year's end
        #expect(m.classify(patient(doses: [0, 84, 168, 252, 275])) == .met)                          // last dose 90 days before the end
        #expect(m.classify(patient(doses: [84, 0, 252, 168, 336])) == .met)                          // order does not matter
        #expect(m.classify(patient(doses: [0, 84, 168, 252, 336, 600])) == .met)                     // after the year: not read
        // The year starts at the first dose, not at an earlier order.
        #expect(m.classify(patient(doses: [100, 184, 268, 352, 436], followUp: 465, start: 0)) == .met)
    }

    @Test func whoIsLeftOut() {
        #expect(m.classify(patient(doses: nil, start: nil)) == .excluded("no bone-modifying agent started"))
        #expect(m.classify(patient(doses: nil)) == .excluded("doses not recorded one by one"))
        #expect(m.classify(patient(doses: [0, 84, 168, 252, 336], followUp: 364)) == .excluded("fewer than 12 months of follow-up after the first dose"))
        #expect(m.classify(patient(doses: [0, 84, 168, 252, 336], followUp: 365)) == .met)
        let q = m.measure([patient(doses: [0, 84, 168, 252, 336]), patient(doses: [0]), patient(doses: nil), patient(doses: [0], followUp: 30)])
        #expect(q.numerator == 1 && q.denominator == 2)
        #expect(q.excluded.map(\.reason) == ["doses not recorded one by one", "fewer than 12 months of follow-up after the first dose"])
    }
}
