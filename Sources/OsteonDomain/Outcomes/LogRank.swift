import Foundation

/// The log-rank test across groups (chi-square with groups − 1 degrees of freedom), as lifelines'
/// `multivariate_logrank_test`: observed minus expected events per group at each event time, their
/// hypergeometric covariance, and U′V⁻¹U over all groups but one.
public struct LogRank: Sendable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    public let p: Double

    /// nil with fewer than two groups or no event.
    public init?(_ groups: [[Observation]]) {
        let groups = groups.filter { !$0.isEmpty }
        let g = groups.count
        guard g >= 2 else { return nil }
        // Per group and day: events and exits (events + censorings); at-risk counts walk the days once.
        var events = [[Int: Int]](repeating: [:], count: g)
        var exits = [[Int: Int]](repeating: [:], count: g)
        var days = Set<Int>()
        var anyEvent = false
        for (k, group) in groups.enumerated() {
            for o in group {
                exits[k][o.days, default: 0] += 1
                days.insert(o.days)
                if o.event { events[k][o.days, default: 0] += 1; anyEvent = true }
            }
        }
        guard anyEvent else { return nil }
        var atRisk = groups.map { Double($0.count) }
        var u = [Double](repeating: 0, count: g)
        var v = [[Double]](repeating: [Double](repeating: 0, count: g), count: g)
        for t in days.sorted() {
            let deaths = (0..<g).map { Double(events[$0][t] ?? 0) }
            let n = atRisk.reduce(0, +), d = deaths.reduce(0, +)
            if n > 0, d > 0 {
                // (n − d)/(n − 1), which lifelines sets to 1 where it is undefined (n = 1).
                let factor = (n > 1 ? (n - d) / (n - 1) : 1) * d / (n * n)
                for a in 0..<g {
                    u[a] += deaths[a] - d * atRisk[a] / n
                    for b in 0..<g { v[a][b] += factor * atRisk[a] * ((a == b ? n : 0) - atRisk[b]) }
                }
            }
            for k in 0..<g { atRisk[k] -= Double(exits[k][t] ?? 0) }
        }
        let m = g - 1
        guard let solved = Self.solve(Array(v.prefix(m).map { Array($0.prefix(m)) }), Array(u.prefix(m))) else { return nil }
        statistic = zip(u.prefix(m), solved).map(*).reduce(0, +)
        degreesOfFreedom = m
        p = ChiSquare.survival(statistic, degreesOfFreedom: m)
    }

    /// Solves A x = b by Gaussian elimination with partial pivoting; nil when A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var a = a, b = b
        let n = b.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else { return nil }
            a.swapAt(col, pivot)
            b.swapAt(col, pivot)
            for row in (col + 1)..<n where a[row][col] != 0 {
                let f = a[row][col] / a[col][col]
                for k in col..<n { a[row][k] -= f * a[col][k] }
                b[row] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = b[row]
            for k in (row + 1)..<n { s -= a[row][k] * x[k] }
            x[row] = s / a[row][row]
        }
        return x
    }
}

/// The upper tail of the chi-square distribution: Q(k/2, x/2), the regularized upper incomplete gamma
/// function (series below a + 1, Lentz's continued fraction above).
public enum ChiSquare {
    public static func survival(_ x: Double, degreesOfFreedom k: Int) -> Double {
        guard x > 0 else { return 1 }
        let a = Double(k) / 2, y = x / 2
        let lnPrefix = a * log(y) - y - lgamma(a)
        if y < a + 1 {
            var sum = 1 / a, term = 1 / a, ap = a
            for _ in 0..<10_000 {
                ap += 1
                term *= y / ap
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return max(0, 1 - sum * exp(lnPrefix))
        }
        let tiny = 1e-300
        var b = y + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(lnPrefix) * h
    }
}
