/// The missing facts that hold back the most: each recorded fact would let
/// every rule in its `neededFor` run (or decide), so a fact needed by more
/// rules unblocks more recommendations. Ties keep the assessment's order
/// (urgent pathways ask first).
extension Assessment {
    public func blockingFacts(limit: Int = 5) -> [DataNeed] {
        let ranked = dataNeeded.enumerated().sorted { a, b in
            let (x, y) = (Set(a.element.neededFor).count, Set(b.element.neededFor).count)
            return x != y ? x > y : a.offset < b.offset
        }
        return ranked.prefix(limit).map(\.element)
    }

    /// Emergencies and urgent alerts: what the summary card puts first.
    public var pressingAlerts: [Alert] { alerts.filter { $0.severity <= .urgent } }
}
