import OsteonDomain
import Testing

/// Runs a rule on JSON inputs and returns its JSON output (valid or not).
func run(_ rule: any ClinicalRule.Type, _ inputs: JSONValue) -> JSONValue {
    switch rule.run(inputs) {
    case .success(let report): return report.json
    case .failure(let problem): return ScoreReport.invalidJSON(problem)
    }
}

/// The same inputs with some keys replaced (or removed with nil).
func with(_ base: JSONValue, _ changes: [(String, JSONValue?)]) -> JSONValue {
    guard case .object(var pairs) = base else { return base }
    for (key, value) in changes {
        if let i = pairs.firstIndex(where: { $0.0 == key }) {
            if let value { pairs[i].1 = value } else { pairs.remove(at: i) }
        } else if let value {
            pairs.append((key, value))
        }
    }
    return .object(pairs)
}
