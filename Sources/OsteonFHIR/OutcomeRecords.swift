import OsteonDomain

extension FHIRImporter {
    /// The outcome facts of every patient added so far.
    public func outcomes(asOf: Day) -> [OutcomeRead] {
        patientKeys.map { outcome(of: $0, asOf: asOf) }
    }

    func outcome(of key: String, asOf: Day) -> OutcomeRead {
        let mapper = PatientMapper(key: key, importer: self)
        let resources = resources(of: key)
        var index: Day?
        var undatedMetastasis = false
        var boneMetastasisRefs = Set<String>()
        for r in resources where r.resourceType == "Condition" {
            guard case .secondaryBone = mapper.classify(r) else { continue }
            if let id = r.id { boneMetastasisRefs.insert("Condition/\(id)") }
            guard let day = fhirDay(r["onsetDateTime"]) ?? fhirDay(r.at("onsetPeriod", "start")) ?? fhirDay(r["recordedDate"]) else {
                undatedMetastasis = true
                continue
            }
            index = min(index ?? day, day)
        }
        if undatedMetastasis { return .excluded(.boneMetastasisWithoutDate) }
        let patient = resources.first { $0.resourceType == "Patient" }
        let id = patient?.id ?? String(key.split(separator: "/").last ?? "")
        guard let index else {
            // Outside the cohort; a primary bone tumour is still in the sarcoma-referral measure (the record is read whole only then).
            let primaryBone = resources.contains { r in
                guard r.resourceType == "Condition", case .primary(let site) = mapper.classify(r) else { return false }
                return site.isPrimaryBoneTumor
            }
            guard primaryBone, let p = SarcomaPathwayFacts(importPatient(key).patientCase, patientID: id) else { return .noBoneMetastasis }
            return .primaryBoneTumour(p)
        }
        var death: Day?
        if let p = patient {
            if p["deceasedDateTime"] != nil {
                guard let d = fhirDay(p["deceasedDateTime"]) else { return .excluded(.deathWithoutDate) }
                death = d
            } else if p["deceasedBoolean"] == .bool(true) {
                return .excluded(.deathWithoutDate)
            }
        }
        if let death, death < index { return .excluded(.deathBeforeIndex) }
        var end: Day
        let died: Bool
        if let death, death <= asOf {
            end = death
            died = true
        } else {
            guard let last = resources.compactMap(Self.recordDay).filter({ $0 <= asOf }).max(), last >= index else {
                return .excluded(.noFollowUp)
            }
            end = last
            died = false
        }
        let sre = resources.compactMap { r -> Day? in
            guard let day = Self.sreDay(r, mapper: mapper, boneMetastases: boneMetastasisRefs), day > index, day <= end else { return nil }
            return day
        }.min()
        let whole = importPatient(key).patientCase
        let primaries = whole.cancers?.compactMap(\.primarySite) ?? []
        // The survival scores from what was known by 30 days after the index date (undated resources, e.g. the Patient, count).
        let cutoff = index.adding(days: 30)
        var early = FHIRImporter()
        for r in resources where Self.recordDay(r).map({ $0 <= cutoff }) ?? true { early.add(r) }
        let scores = early.patientKeys.first.map { ScoreAtIndex.from(Assessor.assess(early.importPatient($0).patientCase, asOf: cutoff)) } ?? []
        // The case keeps every dose and every dental evaluation one by one, as FHIR does.
        let bma = BMAFacts(whole)
        return .included(OutcomeRecord(patientID: id, index: index, end: end, died: died, firstSRE: sre, primaries: primaries, scores: scores, bma: bma,
                                       radiotherapy: RadiotherapyCourseFacts.all(whole), cordCompression: CordCompressionFacts(whole),
                                       sarcoma: SarcomaPathwayFacts(whole, patientID: id)))
    }

    /// The date a resource was recorded for follow-up (README "Outcomes").
    static func recordDay(_ r: JSONValue) -> Day? {
        switch r.resourceType {
        case "Encounter": fhirDay(r.at("period", "end")) ?? fhirDay(r.at("period", "start"))
        case "Observation", "DiagnosticReport": fhirDay(r["effectiveDateTime"]) ?? fhirDay(r.at("effectivePeriod", "start")) ?? fhirDay(r["issued"])
        case "Procedure": fhirDay(r["performedDateTime"]) ?? fhirDay(r.at("performedPeriod", "start"))
        case "MedicationRequest": fhirDay(r["authoredOn"])
        case "MedicationAdministration", "MedicationStatement": fhirDay(r["effectiveDateTime"]) ?? fhirDay(r.at("effectivePeriod", "start"))
        case "Condition": fhirDay(r["onsetDateTime"]) ?? fhirDay(r.at("onsetPeriod", "start")) ?? fhirDay(r["recordedDate"])
        default: nil
        }
    }

    /// SNOMED CT pathological fracture and spinal cord compression (◐: not in FHIR-NOTES; their words match too).
    static let pathologicalFractureSNOMED: Set<String> = ["268029009"]
    static let cordCompressionSNOMED: Set<String> = ["71286001"]

    /// The day of a skeletal-related event (CALGB 70604): pathological fracture, spinal cord compression,
    /// radiotherapy or surgery to bone (its body site a bone, or its reason a bone metastasis).
    static func sreDay(_ r: JSONValue, mapper: PatientMapper, boneMetastases: Set<String>) -> Day? {
        switch r.resourceType {
        case "Condition":
            let code = Concept(r["code"])
            if let status = r.at("verificationStatus", "coding")?.array.first?["code"]?.stringValue, ["refuted", "entered-in-error"].contains(status) { return nil }
            let fracture = code.codings.contains { $0.isICD10 && ["M84.4", "M84.5", "M84.6"].contains(where: $0.code.hasPrefix) }
                || code.has(snomed: pathologicalFractureSNOMED) || code.words.has("pathological fracture")
            let cord = code.codings.contains { $0.isICD10 && $0.code.hasPrefix("G95.2") } || code.has(snomed: cordCompressionSNOMED)
                || code.words.has("spinal cord compression") || code.words.has("compression of spinal cord")
            guard fracture || cord else { return nil }
            return fhirDay(r["onsetDateTime"]) ?? fhirDay(r.at("onsetPeriod", "start")) ?? fhirDay(r["recordedDate"])
        case "Procedure":
            guard let status = r["status"]?.stringValue, ["completed", "in-progress"].contains(status) else { return nil }
            let code = Concept(r["code"])
            let words = code.words
            let radiotherapy = code.has(snomed: Codes.radiotherapySNOMED) || Codes.radiotherapyWords.contains(where: { words.has($0) })
                || r.profiles.contains { $0.has("radiotherapy") || $0.has("radiation-procedure") }
            let surgery = ["fixation", "nailing", "stabilization", "stabilisation", "vertebroplasty", "kyphoplasty", "decompression", "laminectomy",
                           "arthroplasty", "resection", "amputation", "osteosynthesis"].contains { words.has($0) }
            guard radiotherapy || surgery else { return nil }
            let siteWords = (r["bodySite"]?.array ?? []).map { Concept($0).words }.joined(separator: " ")
            let toBone = Codes.boneWords.contains { siteWords.has($0.0) }
            let forMetastasis = (r["reasonReference"]?.array ?? []).contains { ref in
                guard let text = ref["reference"]?.stringValue else { return false }
                return boneMetastases.contains { text.hasSuffix($0) }
            } || (r["reasonCode"]?.array ?? []).contains { c in
                if case .secondaryBone = mapper.classify(["resourceType": "Condition", "code": c]) { return true } else { return false }
            }
            guard toBone || forMetastasis else { return nil }
            return fhirDay(r["performedDateTime"]) ?? fhirDay(r.at("performedPeriod", "start"))
        default:
            return nil
        }
    }
}
