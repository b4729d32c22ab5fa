import OsteonDomain

/// The quality measures as FHIR R4 MeasureReport resources (type summary), in a collection Bundle:
/// initial population, denominator exclusions, denominator, numerator and the rate as the measure score.
/// A suppressed count (--suppress-below) is left out of its population, and the score with it.
public enum MeasureReports {
    public static func bundle(_ report: OutcomeReport, suppressBelow n: Int? = nil) -> JSONValue {
        func small(_ c: Int) -> Bool { n.map { c > 0 && c < $0 } ?? false }
        func population(_ code: String, _ display: String, _ count: Int) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("code", ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-population",
                                                                     "code": .string(code), "display": .string(display)]]])]
            if !small(count) { pairs.append(("count", .int(count))) }
            return .object(pairs)
        }
        let start = report.records.map(\.index).min() ?? report.asOf
        let entries: [JSONValue] = report.measures.map { m in
            let excluded = m.excluded.reduce(0) { $0 + $1.count }
            var group: [(String, JSONValue)] = [("population", .array([
                population("initial-population", "Initial Population", m.denominator + excluded),
                population("denominator-exclusion", "Denominator Exclusion", excluded),
                population("denominator", "Denominator", m.denominator),
                population("numerator", "Numerator", m.numerator),
            ]))]
            if let rate = m.rate, !small(m.numerator), !small(m.denominator) { group.append(("measureScore", ["value": .double(rate)])) }
            let resource: JSONValue = .object([
                ("resourceType", "MeasureReport"),
                ("id", .string(FHIRExporter.fhirID("osteon-measure", m.id, report.asOf.description))),
                ("status", "complete"), ("type", "summary"),
                ("measure", .string("https://osteon.example/fhir/Measure/\(m.id)")),
                ("date", .string(report.asOf.description)),
                ("period", ["start": .string(start.description), "end": .string(report.asOf.description)]),
                ("group", .array([.object(group)])),
            ])
            return ["resource": resource]
        }
        return ["resourceType": "Bundle", "type": "collection", "entry": .array(entries)]
    }
}
