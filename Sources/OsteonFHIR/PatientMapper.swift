import OsteonDomain

/// Builds one PatientCase from that patient's resources, remembering the
/// resource behind each fact and warning instead of guessing.
struct PatientMapper {
    let key: String
    let importer: FHIRImporter
    var c: PatientCase
    var warnings: [String] = []
    var used: [String] = []
    private var cancerIndex: [PrimarySite: Int] = [:]
    private var stageObservations: [(ref: String, stage: String)] = []
    private var conditionStageSummaries: [(condition: String, stage: String, assessments: [String])] = []
    private var mOneSeen: String?
    private var hasSecondaryCondition = false
    private var medicationSeen = false
    private var markers: [(words: String, positive: Bool?)] = []
    private var weightDate: Day?
    private var ecogDate: Day?, kpsDate: Day?

    init(key: String, importer: FHIRImporter) {
        self.key = key
        self.importer = importer
        c = PatientCase(patientID: key.split(separator: "/").last.map(String.init) ?? key)
    }

    /// The later observation wins; an undated one only fills a gap.
    func newer(_ date: Day?, than current: Day?) -> Bool {
        guard let current else { return true }
        guard let date else { return false }
        return date >= current
    }

    static func ref(_ r: JSONValue) -> String { "\(r.resourceType ?? "Resource")/\(r.id ?? "?")" }

    mutating func note(_ path: String, _ r: JSONValue) {
        c.sources[path] = Self.ref(r)
        if !used.contains(Self.ref(r)) { used.append(Self.ref(r)) }
    }

    mutating func map(_ r: JSONValue) {
        switch r.resourceType {
        case "Patient": patient(r)
        case "Condition": condition(r)
        case "Observation": observation(r)
        case "MedicationRequest", "MedicationStatement", "MedicationAdministration": medication(r)
        case "Procedure": procedure(r)
        case "FamilyMemberHistory": family(r)
        case "ImagingStudy": imaging(r)
        case "ServiceRequest": referral(r)
        default: break
        }
    }

    // MARK: Patient

    mutating func patient(_ r: JSONValue) {
        if let id = r.id { c.patientID = id }
        c.patient.birthDate = fhirDay(r["birthDate"])
        if let g = r["gender"]?.stringValue { c.patient.sex = Sex(rawValue: g) }
        c.patient.deceasedOn = fhirDay(r["deceasedDateTime"])
        if r["deceasedDateTime"] != nil && c.patient.deceasedOn == nil || r["deceasedBoolean"] == .bool(true) {
            warnings.append("Patient recorded as deceased without a usable date of death: the date is asked for (outcomes leave the patient out until then).")
        }
        if r["gender"]?.stringValue == "other" || r["gender"]?.stringValue == "unknown" {
            warnings.append("Patient gender '\(r["gender"]!.stringValue!)': sex for Cockcroft–Gault is asked for.")
        }
        note("patient", r)
    }

    // MARK: Conditions

    enum ConditionKind {
        case primary(PrimarySite)
        case secondaryBone
        case secondaryOther(OtherMetastasis.Site)
        case unrelated
    }

    func classify(_ r: JSONValue) -> ConditionKind {
        let code = Concept(r["code"])
        let words = code.words
        let secondaryProfile = r.hasProfile("mcode-secondary-cancer-condition")
        let primaryProfile = r.hasProfile("mcode-primary-cancer-condition")
        let bodyWords = (r["bodySite"]?.array ?? []).map { Concept($0).words }.joined(separator: " ")

        let boneSecondary = code.has(snomed: Codes.secondaryBoneSNOMED)
            || code.codings.contains { $0.isICD10 && Codes.secondaryBoneICD10Prefixes.contains(where: $0.code.hasPrefix) }
            || (words.has("secondary") && words.has("bone")) || (words.has("metasta") && words.has("to bone"))
        if boneSecondary { return .secondaryBone }
        for coding in code.codings where coding.isSNOMED {
            if let site = Codes.secondaryOtherSNOMED[coding.code] { return .secondaryOther(site) }
        }
        for coding in code.codings where coding.isICD10 {
            if let match = Codes.secondaryOtherICD10.first(where: { coding.code.hasPrefix($0.0) }) { return .secondaryOther(match.1) }
        }
        if secondaryProfile {
            if Codes.boneWords.contains(where: { bodyWords.has($0.0) }) { return .secondaryBone }
            for (word, site) in [("brain", OtherMetastasis.Site.brain), ("liver", .liver), ("lung", .lung), ("lymph", .lymphNode),
                                 ("pleura", .pleura), ("peritone", .peritoneum), ("adrenal", .adrenal)] where words.has(word) || bodyWords.has(word) {
                return .secondaryOther(site)
            }
            return .secondaryOther(.other)
        }
        if let site = primarySite(r, code) { return .primary(site) }
        if primaryProfile { return .primary(.other) }
        return .unrelated
    }

    func primarySite(_ r: JSONValue, _ code: Concept) -> PrimarySite? {
        // Histology first: it names the tumour type of a bone primary.
        for ext in r["extension"]?.array ?? [] where (ext["url"]?.stringValue ?? "").hasSuffix("histology-morphology-behavior") {
            let h = Concept(ext["valueCodeableConcept"])
            for coding in h.codings {
                if let s = Codes.morphologySNOMED[coding.code], coding.isSNOMED { return s }
                if let s = Codes.morphologyICDO3[coding.code] { return s }
            }
        }
        for coding in code.codings {
            if coding.isSNOMED, let s = Codes.primarySNOMED[coding.code] { return s }
            if coding.isICDO3, let s = Codes.morphologyICDO3[coding.code] { return s }
        }
        for coding in code.codings where coding.isICD10 {
            if let match = Codes.primaryICD10Prefixes.first(where: { coding.code.hasPrefix($0.0) }) { return match.1 }
        }
        let words = code.words
        guard Codes.isCancerWord(words), !words.has("suspected"), !words.has("history of"), !words.has("screening") else { return nil }
        return Codes.primaryWords.first { words.has($0.0) }?.1 ?? .other
    }

    mutating func condition(_ r: JSONValue) {
        if let v = Concept(r["verificationStatus"]).codings.first?.code, ["entered-in-error", "refuted"].contains(v) { return }
        let code = Concept(r["code"])
        let status = Concept(r["clinicalStatus"]).codings.first?.code
        switch classify(r) {
        case .unrelated:
            neurology(r, code)
            return
        case .primary(let site):
            let index: Int
            if let i = cancerIndex[site] {
                index = i
            } else {
                var cancer = Cancer()
                cancer.primarySite = site
                if c.cancers == nil { c.cancers = [] }
                c.cancers!.append(cancer)
                index = c.cancers!.count - 1
                cancerIndex[site] = index
            }
            var cancer = c.cancers![index]
            if cancer.histology == nil || !(code.firstLabel.isEmpty) { cancer.histology = cancer.histology ?? code.firstLabel }
            if site == .lung {
                if code.has(snomed: ["254637007", "424132000"]) || code.words.has("non-small") { cancer.lungType = .nonSmallCell }
                else if code.has(snomed: ["254632001"]) || code.words.has("small cell") { cancer.lungType = .smallCell }
            }
            let onset = fhirDay(r["onsetDateTime"]) ?? fhirDay(r.at("onsetPeriod", "start")) ?? fhirDay(r["recordedDate"])
            if let onset, cancer.diagnosisDate.map({ onset < $0 }) ?? true { cancer.diagnosisDate = onset }
            for stage in r["stage"]?.array ?? [] {
                if let s = stageText(Concept(stage["summary"])) {
                    cancer.stage = cancer.stage ?? s
                    conditionStageSummaries.append((Self.ref(r), s, (stage["assessment"]?.array ?? []).compactMap { $0["reference"]?.stringValue }))
                }
            }
            if code.has(snomed: ["314994000"]) {
                warnings.append("\(Self.ref(r)) codes metastatic prostate cancer without the site of metastasis: bone involvement is not known from it.")
            }
            c.cancers![index] = cancer
            note("cancers[\(index)]", r)
        case .secondaryBone:
            hasSecondaryCondition = true
            if status == nil {
                warnings.append("\(Self.ref(r)): bone metastasis without a clinical status; read as present — confirm it is current.")
            } else if ["resolved", "inactive", "remission"].contains(status!) {
                warnings.append("\(Self.ref(r)): bone metastasis with clinical status '\(status!)': not counted as active disease.")
                return
            }
            var lesion = Lesion(id: r.id ?? "L\((c.lesions?.count ?? 0) + 1)")
            lesion.origin = .metastasis
            lesion.detectedDate = fhirDay(r["onsetDateTime"]) ?? fhirDay(r["recordedDate"])
            let sites = (r["bodySite"]?.array ?? []).map(Concept.init)
            let siteWords = (sites.map(\.words) + [code.words]).joined(separator: " ")
            lesion.bone = Codes.boneWords.first { siteWords.has($0.0) }?.1
            if siteWords.has("right") { lesion.side = "right" } else if siteWords.has("left") { lesion.side = "left" }
            if lesion.bone?.isLongBone == true {
                if siteWords.has("trochant") { lesion.region = .peritrochanteric }
                else if siteWords.has("neck") { lesion.region = .femoralNeck }
                else if siteWords.has("shaft") || siteWords.has("diaphys") { lesion.region = .diaphysis }
                else if siteWords.has("proximal") { lesion.region = .proximal }
                else if siteWords.has("distal") { lesion.region = .distal }
            }
            if lesion.bone == .vertebra || lesion.bone == .sacrum {
                let original = (sites.map { $0.text + " " + $0.codings.map(\.display).joined(separator: " ") } + [code.text]).joined(separator: " ")
                if let range = original.range(of: "\\b[CTLS][0-9]{1,2}(-[CTLS][0-9]{1,2})?\\b", options: .regularExpression),
                   SpinalLevel.span(String(original[range])) != nil {
                    lesion.level = String(original[range])
                }
            }
            if lesion.bone == nil {
                if code.has(snomed: ["94219006"]) { warnings.append("\(Self.ref(r)): bone of lower limb, bone not named: give the bone.") }
                if code.has(snomed: ["94221001"]) { warnings.append("\(Self.ref(r)): bone of upper limb, bone not named: give the bone.") }
                if code.has(snomed: ["94220000"]) { lesion.bone = .skull }
            }
            if code.has(snomed: ["134421000"]) || code.words.has("pathologic fracture") { lesion.fracture = .complete }
            if c.lesions == nil { c.lesions = [] }
            c.lesions!.append(lesion)
            note("lesions[\(lesion.id)]", r)
        case .secondaryOther(let site):
            hasSecondaryCondition = true
            if status == nil { warnings.append("\(Self.ref(r)): metastasis without a clinical status; read as present.") }
            else if ["resolved", "inactive", "remission"].contains(status!) { return }
            var m = OtherMetastasis()
            m.site = site
            if c.otherMetastases == nil { c.otherMetastases = [] }
            c.otherMetastases!.append(m)
            note("other_metastases[\(c.otherMetastases!.count - 1)]", r)
        }
    }

    /// Neurological symptoms coded as conditions ("Weakness of both lower limbs").
    mutating func neurology(_ r: JSONValue, _ code: Concept) {
        let words = code.words
        // A coded cord compression (ICD-10-CM G95.2*, SNOMED) is suspected compression even where its words say only "cord compression".
        let coded = code.codings.contains { $0.isICD10 && $0.code.hasPrefix("G95.2") } || code.has(snomed: FHIRImporter.cordCompressionSNOMED)
        let weakness = (words.has("weakness") && (words.has("limb") || words.has("leg"))) || words.has("paraparesis")
            || words.has("paraplegia") || words.has("spinal cord compression") || coded
        let sphincter = words.has("cauda equina") || words.has("retention of urine") || words.has("urinary retention")
        let backPain = words.has("back pain")
        guard weakness || sphincter || backPain else { return }
        if let status = Concept(r["clinicalStatus"]).codings.first?.code, ["resolved", "inactive", "remission"].contains(status) { return }
        if c.neurology == nil { c.neurology = Neurology() }
        if weakness { c.neurology!.newWeakness = true }
        if sphincter { c.neurology!.bladderBowelDysfunction = true }
        if backPain { c.neurology!.backPain = true }
        if weakness || sphincter, let onset = fhirDay(r["onsetDateTime"]) ?? fhirDay(r["recordedDate"]) {
            c.neurology!.symptomOnset = [c.neurology!.symptomOnset, onset].compactMap { $0 }.max()
        }
        note("neurology", r)
    }

    /// "IV" from cancerstaging.org "4"/"IV", SNOMED "AJCC stage IIIC", Synthea "Stage 3A".
    func stageText(_ concept: Concept) -> String? {
        for coding in concept.codings {
            if coding.isSNOMED, let s = Codes.stageSNOMED[coding.code] { return s }
            if coding.system.has("cancerstaging.org") {
                if !coding.display.isEmpty, coding.display.range(of: "^[0IV]+[ABC]?[0-9]?$", options: .regularExpression) != nil { return coding.display }
                let roman = ["0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"]
                if let first = coding.code.first, let r = roman[String(first)] { return r + coding.code.dropFirst().uppercased() }
            }
        }
        let words = (concept.codings.map(\.display) + [concept.text]).joined(separator: " ")
        if let range = words.range(of: "(?i)stage\\s+([0IV]+[ABC]?[0-9]?)\\b", options: .regularExpression) {
            return String(words[range]).split(separator: " ").last.map { String($0).uppercased() }
        }
        return nil
    }

    // MARK: Observations

    mutating func observation(_ r: JSONValue) {
        if let s = r["status"]?.stringValue, ["entered-in-error", "cancelled"].contains(s) { return }
        let code = Concept(r["code"])
        let date = fhirDay(r["effectiveDateTime"]) ?? fhirDay(r.at("effectivePeriod", "start")) ?? fhirDay(r["issued"])
        if code.has(loinc: Codes.ecog) || r.hasProfile("mcode-ecog-performance-status") {
            var value = r["valueInteger"].flatMap { $0.intValue }
            if value == nil { value = Concept(r["valueCodeableConcept"]).codings.compactMap { Codes.ecogAnswers[$0.code] }.first }
            guard let v = value else { warnings.append("\(Self.ref(r)): ECOG without a value."); return }
            guard (0...4).contains(v) else { warnings.append("\(Self.ref(r)): ECOG \(v) is outside 0–4 for a living patient: not used."); return }
            if newer(date, than: ecogDate) {
                if c.performance == nil { c.performance = PerformanceStatus() }
                c.performance!.ecog = v
                c.performance!.date = date ?? c.performance!.date
                ecogDate = date ?? ecogDate
                note("performance_status.ecog", r)
            }
            return
        }
        if code.has(loinc: Codes.karnofsky) || r.hasProfile("mcode-karnofsky-performance-status") {
            guard let v = r["valueInteger"]?.intValue, (10...100).contains(v), v % 10 == 0 else {
                warnings.append("\(Self.ref(r)): Karnofsky value missing or not a step of 10: not used.")
                return
            }
            if newer(date, than: kpsDate) {
                if c.performance == nil { c.performance = PerformanceStatus() }
                c.performance!.kps = v
                kpsDate = date ?? kpsDate
                note("performance_status.kps", r)
            }
            return
        }
        let isStageGroup = code.codings.contains { ($0.isLOINC && Codes.stageGroupLOINC.contains($0.code)) || ($0.isSNOMED && Codes.stageGroupSNOMED.contains($0.code)) }
            || r.profiles.contains { $0.has("stage-group") }
        if isStageGroup {
            if let s = stageText(Concept(r["valueCodeableConcept"])) {
                stageObservations.append((Self.ref(r), s))
                let focus = (r["focus"]?.array ?? []).compactMap { $0["reference"]?.stringValue }.compactMap { importer.resolve($0) }
                let site = focus.compactMap { f -> PrimarySite? in if case .primary(let p) = classify(f) { p } else { nil } }.first
                if let i = site.flatMap({ cancerIndex[$0] }) ?? (c.cancers?.count == 1 ? 0 : nil), c.cancers?[i].stage == nil {
                    c.cancers![i].stage = s
                    note("cancers[\(i)].stage", r)
                } else if c.cancers == nil || c.cancers!.isEmpty {
                    pendingStage = (s, Self.ref(r))
                }
            }
            return
        }
        if code.codings.contains(where: { ($0.isLOINC && Codes.mLOINC.contains($0.code)) || ($0.isSNOMED && Codes.mSNOMED.contains($0.code)) })
            || r.profiles.contains(where: { $0.has("distant-metastases-category") }) {
            let v = Concept(r["valueCodeableConcept"])
            if v.has(snomed: Codes.mOneSNOMED) || v.codings.contains(where: { $0.code.uppercased().hasSuffix("M1") || $0.code.uppercased().has("M1") }) || v.words.has("m1") {
                mOneSeen = Self.ref(r)
            }
            return
        }
        if code.codings.contains(where: { ($0.isLOINC && Codes.tLOINC.contains($0.code)) || ($0.isSNOMED && Codes.tSNOMED.contains($0.code)) }) {
            let v = Concept(r["valueCodeableConcept"])
            if let t = (v.codings.map(\.display) + v.codings.map(\.code) + [v.text]).compactMap({ text -> String? in
                guard let range = text.range(of: "T[0-4X][a-d]?", options: .regularExpression) else { return nil }
                return String(text[range])
            }).first, let i = c.cancers?.indices.last {
                c.cancers![i].tCategory = c.cancers![i].tCategory ?? t
            }
            return
        }
        if code.has(loinc: Codes.bodyWeight) {
            guard let q = r["valueQuantity"], let value = q["value"]?.numberValue else { return }
            let unit = (q["code"]?.stringValue ?? q["unit"]?.stringValue ?? "").lowercased()
            let kg: Double?
            switch unit {
            case "kg": kg = value
            case "[lb_av]", "lb", "lbs": kg = value * 0.45359237
            case "g": kg = value / 1000
            default: kg = nil
            }
            guard let kg else { warnings.append("\(Self.ref(r)): body weight in '\(unit)' cannot be converted to kg."); return }
            if newer(date, than: weightDate) {
                c.patient.weightKg = roundHalfUp(kg, places: 1)
                c.patient.weightKind = .actual
                weightDate = date ?? weightDate
                note("patient.weight_kg", r)
            }
            return
        }
        if let test = code.codings.compactMap({ $0.isLOINC ? Codes.labs[$0.code] : nil }).first {
            guard let q = r["valueQuantity"], let value = q["value"]?.numberValue else { return }
            var lab = LabResult()
            lab.test = test
            lab.value = value
            lab.unit = q["code"]?.stringValue ?? q["unit"]?.stringValue
            lab.date = date
            if let range = r["referenceRange"]?.array.first {
                lab.referenceLow = range.at("low", "value")?.numberValue
                lab.referenceHigh = range.at("high", "value")?.numberValue
            }
            if let flag = (r["interpretation"]?.array ?? []).flatMap({ Concept($0).codings.map(\.code) }).first {
                lab.interpretation = ["N": .normal, "H": .high, "HH": .high, "L": .low, "LL": .low, "A": .abnormal, "AA": .abnormal][flag]
            }
            lab.source = Self.ref(r)
            if c.labs == nil { c.labs = [] }
            c.labs!.append(lab)
            note("labs[\(c.labs!.count - 1)].\(test.rawValue)", r)
            return
        }
        // Hormone receptors (tumour markers), read by their words.
        let words = code.words
        if words.has("estrogen receptor") || words.has("progesterone receptor") || words.has("androgen receptor") {
            let v = Concept(r["valueCodeableConcept"]).words
            markers.append((words, v.has("positive") ? true : v.has("negative") ? false : nil))
            used.append(Self.ref(r))
        }
    }

    private var pendingStage: (String, String)?

    // MARK: Medications

    mutating func medication(_ r: JSONValue) {
        guard let status = r["status"]?.stringValue, status != "entered-in-error" else { return }
        medicationSeen = true
        let concept = medicationConcept(r)
        let words = concept.words
        var m = Medication()
        m.name = concept.firstLabel
        // MedicationAdministration's status is the event's, not the course's: the course status stays unknown (asked).
        m.status = r.resourceType == "MedicationAdministration" ? nil : MedicationStatus.parse(status)
        m.agent = Self.boneModifyingAgent(concept)
        if m.agent == .denosumab && (words.has("prolia") || words.has("60 mg")) {
            warnings.append("\(Self.ref(r)): denosumab 60 mg (Prolia) is the osteoporosis dose, not the 120 mg oncology dose.")
        }
        if m.agent != nil { m.medicationClass = .boneModifyingAgent }
        else if Codes.chemotherapyWords.contains(where: { words.has($0) }) { m.medicationClass = .chemotherapy }
        else if Codes.targetedWords.contains(where: { words.has($0) }) { m.medicationClass = .targetedTherapy }
        else if Codes.hormonalWords.contains(where: { words.has($0) }) { m.medicationClass = .hormonal }
        else if words.has("calcium") || words.has("vitamin d") || words.has("cholecalciferol") { m.medicationClass = .calciumVitaminD }
        else { m.medicationClass = .other }
        let date = fhirDay(r["authoredOn"]) ?? fhirDay(r["effectiveDateTime"]) ?? fhirDay(r.at("effectivePeriod", "start"))
        m.startDate = date
        // An administration is a dose only when it was given (not-done, on-hold or stopped ones are not).
        let given = r.resourceType == "MedicationAdministration" && Self.givenAdministration.contains(status)
        if given { m.lastDoseDate = fhirDay(r["effectiveDateTime"]) ?? fhirDay(r.at("effectivePeriod", "start")) }
        if Codes.lungTargetedWords.contains(where: { words.has($0) }), let i = cancerIndex[.lung] { c.cancers![i].targetedTherapy = true }
        if c.medications == nil { c.medications = [] }
        // One entry per agent, the same whatever order the records come in (an export's files are read by type):
        // the earliest start; the latest dose given, else the latest order after the first; the latest course status.
        if let agent = m.agent {
            var course = courses[agent, default: CourseRecords()]
            if let d = m.startDate { course.starts.append(d) }
            if r.resourceType == "MedicationAdministration" { if given, let d = m.lastDoseDate { course.doses.append(d) } }
            else if let d = m.startDate { course.orders.append(d) }
            if let status = m.status, course.status.map({ Self.replaces((date, status), $0) }) ?? true { course.status = (date, status) }
            courses[agent] = course
            let i = c.medications!.firstIndex { $0.agent == agent } ?? { c.medications!.append(m); return c.medications!.count - 1 }()
            c.medications![i].startDate = course.starts.min()
            c.medications![i].lastDoseDate = course.doses.max() ?? course.orders.max().flatMap { last in course.starts.min().map { last > $0 } == true ? last : nil }
            c.medications![i].doseDates = course.doses.isEmpty ? nil : course.doses.sorted()
            c.medications![i].status = course.status?.status
        } else {
            c.medications!.append(m)
        }
        note("medications[\(c.medications!.count - 1)]", r)
    }

    /// MedicationAdministration statuses of a dose that was given.
    static let givenAdministration: Set<String> = ["completed", "in-progress"]

    /// The dated records of one agent's course, merged into one case entry.
    struct CourseRecords {
        var starts: [Day] = [], doses: [Day] = [], orders: [Day] = []
        var status: (date: Day?, status: MedicationStatus)?
    }
    private var courses: [Agent: CourseRecords] = [:]

    /// A later record's status replaces an earlier one's; on the same day, a course's end outranks its going on.
    static func replaces(_ new: (date: Day?, status: MedicationStatus), _ old: (date: Day?, status: MedicationStatus)) -> Bool {
        let rank: [MedicationStatus] = [.stopped, .completed, .onHold, .active, .notTaken, .intended, .unknown, .enteredInError]
        switch (new.date, old.date) {
        case let (n?, o?) where n != o: return n > o
        case (nil, _?): return false
        case (_?, nil): return true
        default: return rank.firstIndex(of: new.status)! < rank.firstIndex(of: old.status)!
        }
    }

    /// The medicine's code, from the resource or the Medication it names.
    func medicationConcept(_ r: JSONValue) -> Concept {
        let concept = Concept(r["medicationCodeableConcept"])
        guard concept.codings.isEmpty && concept.text.isEmpty, let ref = r.string("medicationReference", "reference") else { return concept }
        let resolved = ref.hasPrefix("#")
            ? (r["contained"]?.array ?? []).first { $0.id == String(ref.dropFirst()) }
            : importer.resolve(ref)
        return Concept(resolved?["code"])
    }

    /// Zoledronic acid, denosumab or pamidronate by RxNorm code or name.
    static func boneModifyingAgent(_ concept: Concept) -> Agent? {
        let words = concept.words
        if concept.codings.contains(where: { $0.isRxNorm && Codes.zoledronicRxNorm.contains($0.code) }) || words.has("zoledron") || words.has("zometa") {
            return .zoledronicAcid
        }
        if concept.codings.contains(where: { $0.isRxNorm && Codes.denosumabRxNorm.contains($0.code) }) || words.has("denosumab") || words.has("xgeva") || words.has("prolia") {
            return .denosumab
        }
        if concept.codings.contains(where: { $0.isRxNorm && Codes.pamidronateRxNorm.contains($0.code) }) || words.has("pamidron") { return .pamidronate }
        return nil
    }

    // MARK: Procedures

    mutating func procedure(_ r: JSONValue) {
        guard let status = r["status"]?.stringValue, ["completed", "in-progress"].contains(status) else { return }
        let code = Concept(r["code"])
        let words = code.words
        let date = fhirDay(r["performedDateTime"]) ?? fhirDay(r.at("performedPeriod", "start"))
        if Codes.isDentalEvaluation(code) {
            // The case keeps every dated dental evaluation and the latest (REFERENCE §9.5: before a bone-modifying agent); undated, it says nothing.
            guard let date else { return }
            if c.dental == nil { c.dental = Dental() }
            c.dental!.evaluationDates = Array(Set((c.dental!.evaluationDates ?? []) + [date])).sorted()
            if c.dental!.lastEvaluationDate.map({ date > $0 }) ?? true {
                c.dental!.lastEvaluationDate = date
                note("dental.last_evaluation_date", r)
            }
            return
        }
        let site = (r["bodySite"]?.array ?? []).map { Concept($0).firstLabel }.joined(separator: ", ")
        let isRT = code.has(snomed: Codes.radiotherapySNOMED) || Codes.radiotherapyWords.contains(where: { words.has($0) })
            || r.profiles.contains { $0.has("radiotherapy") || $0.has("radiation-procedure") }
        if isRT {
            var course = RadiotherapyCourse()
            course.site = site.isEmpty ? nil : site
            course.date = date
            for ext in r["extension"]?.array ?? [] {
                let url = ext["url"]?.stringValue ?? ""
                if url.hasSuffix("mcode-radiotherapy-dose-delivered-to-volume") {
                    for sub in ext["extension"]?.array ?? [] {
                        if sub["url"]?.stringValue == "totalDoseDelivered", let v = sub.at("valueQuantity", "value")?.numberValue {
                            let unit = sub.at("valueQuantity", "code")?.stringValue ?? sub.at("valueQuantity", "unit")?.stringValue ?? "cGy"
                            course.doseGy = (course.doseGy ?? 0) + (unit.lowercased() == "gy" ? v : v / 100)
                        }
                        if sub["url"]?.stringValue == "fractionsDelivered", let v = sub["valueUnsignedInt"]?.intValue { course.fractions = v }
                    }
                }
                if url.hasSuffix("mcode-radiotherapy-sessions"), course.fractions == nil, let v = ext["valueUnsignedInt"]?.intValue { course.fractions = v }
            }
            // Attach to a bone lesion named by the same body site.
            if let bone = Codes.boneWords.first(where: { site.lowercased().has($0.0) })?.1,
               let lesion = c.lesions?.first(where: { $0.bone == bone }) {
                course.lesionID = lesion.id
            }
            if c.radiotherapy == nil { c.radiotherapy = [] }
            c.radiotherapy!.append(course)
            note("radiotherapy[\(c.radiotherapy!.count - 1)]", r)
            return
        }
        let kind: SurgeryKind?
        if words.has("biopsy") { kind = .biopsy }
        else if words.has("vertebroplasty") || words.has("kyphoplasty") { kind = .cementAugmentation }
        else if words.has("fixation") || words.has("nailing") { kind = .prophylacticFixation }
        else if words.has("decompression") || words.has("laminectomy") { kind = .decompression }
        else if words.has("amputation") { kind = .amputation }
        else if words.has("resection") || words.has("ectomy") || r.hasProfile("mcode-cancer-related-surgical-procedure") { kind = .resection }
        else { kind = nil }
        guard let kind, r.hasProfile("mcode-cancer-related-surgical-procedure") || kind == .biopsy || kind != .resection else { return }
        var s = Surgery()
        s.kind = kind
        s.date = date
        if c.surgeries == nil { c.surgeries = [] }
        c.surgeries!.append(s)
        note("surgeries[\(c.surgeries!.count - 1)]", r)
    }

    // MARK: Referrals, family history, imaging

    /// A referral to a bone-sarcoma centre: a ServiceRequest whose code, category or performer type says referral
    /// (or refer) and sarcoma (◐: FHIR-NOTES names no code for it). Others are not read.
    mutating func referral(_ r: JSONValue) {
        guard let status = r["status"]?.stringValue, ["active", "completed", "on-hold"].contains(status) else { return }
        let words = ([Concept(r["code"])] + (r["category"]?.array ?? []).map(Concept.init) + (r["performerType"].map { [Concept($0)] } ?? []))
            .map(\.words).joined(separator: " ")
        guard words.has("sarcoma"), words.has("refer") || r["intent"]?.stringValue == "referral" else { return }
        var referral = Referral()
        referral.specialty = .sarcomaCentre
        referral.date = fhirDay(r["authoredOn"]) ?? fhirDay(r["occurrenceDateTime"])
        if c.referrals == nil { c.referrals = [] }
        c.referrals!.append(referral)
        note("referrals[\(c.referrals!.count - 1)]", r)
    }

    mutating func family(_ r: JSONValue) {
        let relation = Concept(r["relationship"]).firstLabel
        for condition in r["condition"]?.array ?? [] {
            var item = FamilyHistoryItem()
            item.relation = relation
            item.condition = Concept(condition["code"]).firstLabel
            item.ageAtDiagnosis = condition.at("onsetAge", "value")?.intValue
            if c.familyHistory == nil { c.familyHistory = [] }
            c.familyHistory!.append(item)
        }
        note("family_history", r)
    }

    mutating func imaging(_ r: JSONValue) {
        let modalities = (r["modality"]?.array ?? []).compactMap { $0["code"]?.stringValue }
        let map: [String: Modality] = ["CT": .ct, "MR": .mri, "NM": .boneScan, "PT": .petCT, "DX": .xray, "CR": .xray]
        guard let modality = modalities.compactMap({ map[$0] }).first else { return }
        var study = ImagingStudy()
        study.modality = modality
        study.date = fhirDay(r["started"])
        study.region = (r["series"]?.array ?? []).compactMap { Concept($0["bodySite"]).firstLabel.isEmpty ? $0.string("bodySite", "display") : Concept($0["bodySite"]).firstLabel }.first
        if c.imaging == nil { c.imaging = [] }
        c.imaging!.append(study)
        note("imaging[\(c.imaging!.count - 1)]", r)
    }

    // MARK: Finish

    mutating func finish() -> ImportedPatient {
        if let (stage, ref) = pendingStage, let i = c.cancers?.indices.first, c.cancers![i].stage == nil {
            c.cancers![i].stage = stage
            c.sources["cancers[\(i)].stage"] = ref
        }
        // Conflicting stages: a Condition's stage summary against the stage-group Observation it cites.
        for summary in conditionStageSummaries {
            for assessment in summary.assessments {
                let key = importer.normalise(assessment)
                if let obs = stageObservations.first(where: { $0.ref == key }), obs.stage != summary.stage {
                    warnings.append("Conflicting stages: \(summary.condition) says \(summary.stage), its stage-group \(obs.ref) says \(obs.stage). Osteon uses the condition's summary; check which is current.")
                }
            }
        }
        if let m = mOneSeen, !hasSecondaryCondition {
            warnings.append("Metastatic disease is known only from an M1 category (\(m)): the sites (bone or not) are not recorded.")
        }
        // Hormone status from receptor markers (breast/prostate).
        if !markers.isEmpty {
            for site in [PrimarySite.breast, .prostate] {
                guard let i = cancerIndex[site], c.cancers![i].hormoneStatus == nil else { continue }
                let known = markers.compactMap(\.positive)
                if known.contains(true) { c.cancers![i].hormoneStatus = .hormoneDependent }
                else if !known.isEmpty { c.cancers![i].hormoneStatus = .hormoneIndependent }
            }
        }
        if (c.cancers?.count ?? 0) > 1 {
            warnings.append("More than one primary cancer: \(c.cancers!.compactMap { $0.primarySite?.rawValue }.joined(separator: ", ")). Metastases are not attributed to one of them.")
        }
        _ = medicationSeen
        let unique = warnings.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        return ImportedPatient(patientCase: c, warnings: unique, usedResources: used)
    }
}
