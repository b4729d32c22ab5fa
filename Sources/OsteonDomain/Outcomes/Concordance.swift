/// Harrell's C of a prediction against survival time, as lifelines' `concordance_index`: a pair is
/// comparable when one patient died first (or died when the other was censored at the same time);
/// it is concordant when the one who lived longer has the higher prediction, half when tied.
/// `prediction` is "higher = longer expected survival" (negate a score that means the opposite).
public struct Concordance: Sendable, Equatable {
    public let index: Double
    public let pairs: Int
    public let n: Int

    /// nil when no pair is comparable.
    public init?(_ items: [(observation: Observation, prediction: Double)]) {
        n = items.count
        // Predictions by rank, for a Fenwick tree of the deaths seen so far.
        let values = Array(Set(items.map(\.prediction))).sorted()
        var rank: [Double: Int] = [:]
        for (i, v) in values.enumerated() { rank[v] = i + 1 }
        var tree = [Int](repeating: 0, count: values.count + 1)
        func add(_ i: Int) { var i = i; while i < tree.count { tree[i] += 1; i += i & -i } }
        func prefix(_ i: Int) -> Int { var i = i, s = 0; while i > 0 { s += tree[i]; i -= i & -i }; return s }
        var pool = 0
        var pairs = 0, correct = 0, tied = 0
        let died = items.filter(\.observation.event).sorted { $0.observation.days < $1.observation.days }
        let censored = items.filter { !$0.observation.event }.sorted { $0.observation.days < $1.observation.days }
        var di = 0, ci = 0
        func handle(_ batch: ArraySlice<(observation: Observation, prediction: Double)>) {
            pairs += pool * batch.count
            for item in batch {
                let r = rank[item.prediction]!
                let below = prefix(r - 1)
                correct += below
                tied += prefix(r) - below
            }
        }
        while di < died.count || ci < censored.count {
            if ci < censored.count && (di >= died.count || died[di].observation.days > censored[ci].observation.days) {
                var end = ci
                while end < censored.count && censored[end].observation.days == censored[ci].observation.days { end += 1 }
                handle(censored[ci..<end])
                ci = end
            } else {
                var end = di
                while end < died.count && died[end].observation.days == died[di].observation.days { end += 1 }
                handle(died[di..<end])
                for item in died[di..<end] { add(rank[item.prediction]!); pool += 1 }
                di = end
            }
        }
        guard pairs > 0 else { return nil }
        self.pairs = pairs
        index = (Double(correct) + Double(tied) / 2) / Double(pairs)
    }
}
