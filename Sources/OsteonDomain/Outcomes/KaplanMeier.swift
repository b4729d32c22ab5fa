import Foundation

/// One patient's follow-up: whole days from the index date, and whether it ended with the event.
public struct Observation: Sendable, Equatable {
    public var days: Int
    public var event: Bool
    public init(days: Int, event: Bool) {
        self.days = days
        self.event = event
    }
}

/// The Kaplan–Meier product-limit estimate with 95 % limits by the log(−log) transform
/// ("exponential Greenwood"), as lifelines' `KaplanMeierFitter` computes them by default.
public struct KaplanMeier: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var days: Int
        public var atRisk: Int
        public var events: Int
        public var censored: Int
        public var survival: Double
        public var lower: Double
        public var upper: Double
    }

    public let n: Int
    public let events: Int
    /// One row per distinct time with an event or a censoring, ascending.
    public let table: [Row]
    /// The smallest time with S(t) ≤ 0.5; nil when the curve never gets there.
    public var medianDays: Int? { table.first { $0.survival <= 0.5 }?.days }

    /// The normal quantile of a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    public init(_ observations: [Observation]) {
        n = observations.count
        events = observations.filter(\.event).count
        var byDay: [Int: (events: Int, censored: Int)] = [:]
        for o in observations { byDay[o.days, default: (0, 0)].events += o.event ? 1 : 0; byDay[o.days, default: (0, 0)].censored += o.event ? 0 : 1 }
        var atRisk = observations.count
        var survival = 1.0
        var greenwood = 0.0
        var rows: [Row] = []
        for day in byDay.keys.sorted() {
            let (d, c) = byDay[day]!
            if d > 0 {
                survival *= 1 - Double(d) / Double(atRisk)
                // lifelines drops the term where everyone at risk has the event (its n − d is 0).
                if atRisk > d { greenwood += Double(d) / (Double(atRisk) * Double(atRisk - d)) }
            }
            let (lo, hi) = Self.limits(survival, greenwood)
            rows.append(Row(days: day, atRisk: atRisk, events: d, censored: c, survival: survival, lower: lo, upper: hi))
            atRisk -= d + c
        }
        table = rows
    }

    /// exp(−exp(log(−log S) ∓ z·√V / log S)); S = 1 gives (1, 1) (lifelines fills its undefined limits with 1), S = 0 gives (0, 0).
    static func limits(_ s: Double, _ v: Double) -> (Double, Double) {
        guard s < 1 else { return (1, 1) }
        guard s > 0 else { return (0, 0) }
        let l = log(s)
        let spread = z95 * v.squareRoot() / l
        return (exp(-exp(log(-l) - spread)), exp(-exp(log(-l) + spread)))
    }

    /// S(t): the estimate in force at day `t` (1 before the first event).
    public func survival(at t: Int) -> Double { table.last { $0.days <= t }?.survival ?? 1 }

    /// The row in force at day `t` (nil before the first row).
    public func row(at t: Int) -> Row? { table.last { $0.days <= t } }
}
