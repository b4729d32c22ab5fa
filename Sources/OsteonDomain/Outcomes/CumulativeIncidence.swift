/// Cumulative incidence of a first event with death as a competing risk (Aalen–Johansen):
/// CIF(t) = Σ over event times tⱼ ≤ t of S(tⱼ−) · d_event,ⱼ / nⱼ, where S is the Kaplan–Meier estimate of
/// "event or death" and ties of both kinds at one time all count at that time.
public struct CumulativeIncidence: Sendable, Equatable {
    public enum Outcome: Sendable, Equatable { case event, death, censored }

    public struct Row: Sendable, Equatable {
        public var days: Int
        public var incidence: Double
    }

    public let n: Int
    public let firstEvents: Int
    public let deathsBeforeEvent: Int
    /// One row per distinct time with an outcome of any kind, ascending.
    public let table: [Row]

    public init(_ outcomes: [(days: Int, outcome: Outcome)]) {
        n = outcomes.count
        firstEvents = outcomes.filter { $0.outcome == .event }.count
        deathsBeforeEvent = outcomes.filter { $0.outcome == .death }.count
        var byDay: [Int: (event: Int, death: Int, censored: Int)] = [:]
        for o in outcomes {
            switch o.outcome {
            case .event: byDay[o.days, default: (0, 0, 0)].event += 1
            case .death: byDay[o.days, default: (0, 0, 0)].death += 1
            case .censored: byDay[o.days, default: (0, 0, 0)].censored += 1
            }
        }
        var atRisk = outcomes.count
        var survival = 1.0  // S(t−) of "event or death"
        var cif = 0.0
        var rows: [Row] = []
        for day in byDay.keys.sorted() {
            let (e, d, c) = byDay[day]!
            if e > 0 { cif += survival * Double(e) / Double(atRisk) }
            if e + d > 0 { survival *= 1 - Double(e + d) / Double(atRisk) }
            rows.append(Row(days: day, incidence: cif))
            atRisk -= e + d + c
        }
        table = rows
    }

    public func incidence(at t: Int) -> Double { table.last { $0.days <= t }?.incidence ?? 0 }
}
