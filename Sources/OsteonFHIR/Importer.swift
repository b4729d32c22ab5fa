import OsteonDomain

/// One patient read from FHIR: the case, where each fact came from, and the
/// data-quality warnings raised instead of guessing.
public struct ImportedPatient: Sendable {
    public var patientCase: PatientCase
    public var warnings: [String]
    /// Resources that gave at least one fact ("Condition/abc").
    public var usedResources: [String]
}

/// Maps FHIR R4 resources (mCODE STU1–STU4 or plain US Core/Synthea) to the
/// case model. Pure: resources in, patients out.
public struct FHIRImporter {
    /// Every resource by "Type/id" and by fullUrl, for references.
    private var index: [String: JSONValue] = [:]
    private var byPatient: [String: [JSONValue]] = [:]
    private var patientOrder: [String] = []
    private var fullUrlToKey: [String: String] = [:]

    public init() {}

    /// Adds resources; `fullUrl` is the Bundle entry's, when there is one.
    public mutating func add(_ resource: JSONValue, fullUrl: String? = nil) {
        guard let type = resource.resourceType else { return }
        let key = resource.id.map { "\(type)/\($0)" } ?? fullUrl ?? "\(type)/#\(index.count)"
        index[key] = resource
        if let fullUrl {
            index[fullUrl] = resource
            fullUrlToKey[fullUrl] = key
        }
        guard let patient = patientKey(of: resource, selfKey: key) else { return }
        if byPatient[patient] == nil { patientOrder.append(patient) }
        byPatient[patient, default: []].append(resource)
    }

    /// "Patient/<id>" of the resource's subject, or of itself for a Patient.
    func patientKey(of r: JSONValue, selfKey: String) -> String? {
        if r.resourceType == "Patient" { return selfKey }
        for field in ["subject", "patient"] {
            if let ref = r.string(field, "reference") { return normalise(ref) }
        }
        return nil
    }

    func normalise(_ reference: String) -> String {
        if let key = fullUrlToKey[reference] { return key }
        if reference.hasPrefix("urn:") { return reference }
        // Absolute URLs: keep the last Type/id.
        guard let last = reference.lastIndex(of: "/") else { return reference }
        guard let previous = reference[..<last].lastIndex(of: "/") else { return reference }
        return String(reference[reference.index(after: previous)...])
    }

    func resolve(_ reference: String?) -> JSONValue? {
        guard let reference else { return nil }
        return index[reference] ?? index[normalise(reference)]
    }

    public var patientKeys: [String] {
        patientOrder.map { key in
            // References written before their fullUrl was known.
            fullUrlToKey[key] ?? key
        }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Resources of one patient, merging those filed under a urn before the Patient arrived.
    func resources(of key: String) -> [JSONValue] {
        var out = byPatient[key] ?? []
        for (url, k) in fullUrlToKey where k == key { out += byPatient[url] ?? [] }
        return out
    }

    public func importAll() -> [ImportedPatient] {
        patientKeys.map { importPatient($0) }
    }

    public func importPatient(_ key: String) -> ImportedPatient {
        var mapper = PatientMapper(key: key, importer: self)
        for r in resources(of: key) { mapper.map(r) }
        return mapper.finish()
    }
}

/// Reads a file's JSON: a Bundle, a single resource, or an NDJSON text.
public enum FHIRInput {
    public static func isFHIR(_ value: JSONValue) -> Bool { value.resourceType != nil }

    /// Entries of a Bundle (collection, transaction, batch, searchset, document) or the resource itself.
    public static func add(_ value: JSONValue, to importer: inout FHIRImporter) {
        if value.resourceType == "Bundle" {
            for entry in value["entry"]?.array ?? [] {
                // searchset "include"/"outcome" entries are kept only when they are resources of a patient.
                if let resource = entry["resource"] {
                    if resource.resourceType == "Bundle" { add(resource, to: &importer) } else {
                        importer.add(resource, fullUrl: entry["fullUrl"]?.stringValue)
                    }
                }
            }
        } else {
            importer.add(value)
        }
    }
}
