import Foundation
@testable import OsteonDomain
import Testing

/// Small cohorts worked by hand (the Python suite compares the same estimators with lifelines on generated cohorts).
@Suite struct OutcomeStatisticsTests {
    func obs(_ pairs: [(Int, Bool)]) -> [Observation] { pairs.map { Observation(days: $0.0, event: $0.1) } }

    @Test func kaplanMeierByHand() {
        let km = KaplanMeier(obs([(1, true), (2, false), (3, true), (3, true), (5, false)]))
        #expect(km.n == 5 && km.events == 3)
        #expect(km.table.map(\.days) == [1, 2, 3, 5])
        #expect(km.table.map(\.atRisk) == [5, 4, 3, 1])
        #expect(km.table.map(\.events) == [1, 0, 2, 0])
        #expect(km.table.map(\.censored) == [0, 1, 0, 1])
        let expected = [0.8, 0.8, 0.8 / 3, 0.8 / 3]
        for (row, s) in zip(km.table, expected) { #expect(abs(row.survival - s) < 1e-12) }
        #expect(km.medianDays == 3)
        // Day 1: V = 1/(5·4); limits exp(−exp(log(−log 0.8) ∓ 1.96·√V / log 0.8)).
        let l = log(0.8), spread = 1.959963984540054 * 0.05.squareRoot() / l
        #expect(abs(km.table[0].lower - exp(-exp(log(-l) - spread))) < 1e-12)
        #expect(abs(km.table[0].upper - exp(-exp(log(-l) + spread))) < 1e-12)
        #expect(km.table[0].lower < 0.8 && km.table[0].upper > 0.8)
        #expect(km.survival(at: 0) == 1 && abs(km.survival(at: 4) - 0.8 / 3) < 1e-12)
    }

    @Test func kaplanMeierEdges() {
        // Nobody has the event: S stays 1 with limits (1, 1) and no median.
        let none = KaplanMeier(obs([(1, false), (4, false)]))
        #expect(none.table.allSatisfy { $0.survival == 1 && $0.lower == 1 && $0.upper == 1 })
        #expect(none.medianDays == nil)
        // Everyone at risk dies at the last time: S = 0 with limits (0, 0).
        let all = KaplanMeier(obs([(2, true), (2, true)]))
        #expect(all.table.count == 1 && all.table[0].survival == 0 && all.table[0].lower == 0 && all.table[0].upper == 0 && all.medianDays == 2)
        #expect(KaplanMeier([]).table.isEmpty)
    }

    @Test func logRankByHand() throws {
        // A: event day 1, censored day 3; B: events days 2 and 4.
        // U_A = (1 − 2/4) + (0 − 1/3) + 0 = 1/6; V_AA = 1/16·2·2 + 1/9·1·2 = 17/36; statistic = U²/V = 1/17.
        let test = try #require(LogRank([obs([(1, true), (3, false)]), obs([(2, true), (4, true)])]))
        #expect(abs(test.statistic - 1.0 / 17.0) < 1e-12)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.p - erfc((test.statistic / 2).squareRoot())) < 1e-12)  // χ²₁ tail
        #expect(LogRank([obs([(1, true)])]) == nil)
        #expect(LogRank([obs([(1, false)]), obs([(2, false)])]) == nil)
    }

    @Test func chiSquareTails() {
        for x in [0.01, 0.5, 1, 3.84, 10, 40] {
            #expect(abs(ChiSquare.survival(x, degreesOfFreedom: 1) - erfc((x / 2).squareRoot())) < 1e-12)
            #expect(abs(ChiSquare.survival(x, degreesOfFreedom: 2) - exp(-x / 2)) < 1e-12)
            // df 4: e^(−x/2)(1 + x/2).
            #expect(abs(ChiSquare.survival(x, degreesOfFreedom: 4) - exp(-x / 2) * (1 + x / 2)) < 1e-12)
        }
        #expect(ChiSquare.survival(0, degreesOfFreedom: 3) == 1)
    }

    @Test func cumulativeIncidenceByHand() {
        let cif = CumulativeIncidence([(1, .event), (2, .death), (2, .event), (3, .censored), (4, .event)])
        #expect(cif.n == 5 && cif.firstEvents == 3 && cif.deathsBeforeEvent == 1)
        #expect(cif.table.map(\.days) == [1, 2, 3, 4])
        let expected = [0.2, 0.4, 0.4, 0.8]
        for (row, x) in zip(cif.table, expected) { #expect(abs(row.incidence - x) < 1e-12) }
        // Kaplan–Meier of the event alone (death censored) would say 1 − 0.8·(3/4)·(1/2)·0 = 1 at day 4: death competes.
        #expect(cif.incidence(at: 0) == 0 && abs(cif.incidence(at: 3) - 0.4) < 1e-12)
    }

    @Test func concordanceByHand() throws {
        // a dies day 1 (pred 1), b dies day 2 (3), c censored day 2 (2), d dies day 3 (2).
        // Pairs: a–b, a–c, a–d concordant; b–c (c censored at b's death) and b–d discordant: C = 3/5.
        let c = try #require(Concordance([(Observation(days: 1, event: true), 1), (Observation(days: 2, event: true), 3),
                                          (Observation(days: 2, event: false), 2), (Observation(days: 3, event: true), 2)]))
        #expect(c.pairs == 5 && abs(c.index - 0.6) < 1e-12)
        // Tied predictions count a half.
        let tied = try #require(Concordance([(Observation(days: 1, event: true), 5), (Observation(days: 2, event: true), 5)]))
        #expect(tied.pairs == 1 && tied.index == 0.5)
        #expect(Concordance([(Observation(days: 1, event: false), 1)]) == nil)
    }
}
