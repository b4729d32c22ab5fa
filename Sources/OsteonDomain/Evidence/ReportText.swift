import Foundation

extension ScoreReport {
    /// A readable report for a person: components, total, band,
    /// recommendation, rationale, citation, provenance and cautions.
    public var text: String {
        var lines = [title, String(repeating: "=", count: title.count)]
        if !components.isEmpty {
            let width = components.map(\.key.count).max() ?? 0
            lines.append("Components:")
            for c in components {
                let pad = String(repeating: " ", count: width - c.key.count)
                lines.append("  \(c.key)\(pad)  \(String(format: "%2d", c.points))  \(c.finding)")
            }
        }
        if let total { lines.append("Total: \(total)") }
        if let band { lines.append("Band: \(band) (provenance \(provenance.mark) \(provenance.rawValue))") }
        else { lines.append("Provenance: \(provenance.mark) \(provenance.rawValue)") }
        lines.append("Recommendation: \(recommendation)")
        if !rationale.isEmpty {
            lines.append("Rationale:")
            lines += rationale.map { "  - \($0)" }
        }
        if !cautions.isEmpty {
            lines.append("Cautions:")
            lines += cautions.map { "  - \($0)" }
        }
        lines.append("Citation: \(citations.map(\.text).joined(separator: "; "))")
        return lines.joined(separator: "\n") + "\n"
    }
}
