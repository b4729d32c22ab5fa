import OsteonDomain

/// Small helpers for reading FHIR JSON as it is found in the wild.
extension JSONValue {
    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// Follows object keys; nil when any step is missing.
    func at(_ keys: String...) -> JSONValue? {
        var node: JSONValue? = self
        for key in keys { node = node?[key] }
        return node
    }

    func string(_ keys: String...) -> String? {
        var node: JSONValue? = self
        for key in keys { node = node?[key] }
        return node?.stringValue
    }

    public var resourceType: String? { self["resourceType"]?.stringValue }
    var id: String? { self["id"]?.stringValue }
    var profiles: [String] { (self.at("meta", "profile")?.array ?? []).compactMap(\.stringValue) }

    func hasProfile(_ suffix: String) -> Bool { profiles.contains { $0.hasSuffix("/" + suffix) } }
}

/// One coding of a CodeableConcept, with the concept's text alongside.
struct Coding: Sendable {
    let system: String
    let code: String
    let display: String

    var isSNOMED: Bool { system.hasPrefix("http://snomed.info/sct") }
    var isLOINC: Bool { system == "http://loinc.org" }
    var isICD10: Bool { system == "http://hl7.org/fhir/sid/icd-10-cm" || system == "http://hl7.org/fhir/sid/icd-10" || system == "urn:oid:2.16.840.1.113883.6.90" }
    var isICDO3: Bool { system.has("icd-o-3") || system == "urn:oid:2.16.840.1.113883.6.43.1" }
    var isRxNorm: Bool { system == "http://www.nlm.nih.gov/research/umls/rxnorm" }
}

struct Concept: Sendable {
    let codings: [Coding]
    let text: String

    init(_ value: JSONValue?) {
        codings = (value?["coding"]?.array ?? []).map {
            Coding(system: $0["system"]?.stringValue ?? "", code: $0["code"]?.stringValue ?? "", display: $0["display"]?.stringValue ?? "")
        }
        text = value?["text"]?.stringValue ?? ""
    }

    func has(system test: (Coding) -> Bool, code: String) -> Bool { codings.contains { test($0) && $0.code == code } }
    func has(snomed codes: Set<String>) -> Bool { codings.contains { $0.isSNOMED && codes.contains($0.code) } }
    func has(loinc code: String) -> Bool { codings.contains { $0.isLOINC && $0.code == code } }
    /// Every word a person or system wrote for this concept, lower-cased.
    var words: String { ([text] + codings.map(\.display)).joined(separator: " | ").lowercased() }
    var firstLabel: String { !text.isEmpty ? text : codings.first { !$0.display.isEmpty }?.display ?? codings.first?.code ?? "" }
}

/// FHIR dates, date-times and instants to a Day ("2019-06-01", "1989-05-27T23:58:16-04:00").
/// A year-only or year-month date is not a day and is read as absent.
func fhirDay(_ value: JSONValue?) -> Day? {
    guard let text = value?.stringValue, text.count >= 10 else { return nil }
    return Day(String(text.prefix(10)))
}
