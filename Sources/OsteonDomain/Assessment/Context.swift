/// What every part of the assessment reads: the case, the date, and the facts
/// derived once (age, classification of each lesion, latest labs, clearance).
struct Context {
    enum LesionClass: Equatable {
        case metastasis(from: PrimarySite?)
        case myeloma
        case primaryBoneTumor(PrimarySite?)
        /// Origin not recorded: the differential decides what it most likely is.
        case undetermined(likely: String?)

        var label: String {
            switch self {
            case .metastasis(let p): p.map { "metastasis from \($0.rawValue.replacingOccurrences(of: "_", with: " "))" } ?? "metastasis"
            case .myeloma: "myeloma bone disease"
            case .primaryBoneTumor(let p): p.map { "primary bone tumour (\($0.rawValue.replacingOccurrences(of: "_", with: " ")))" } ?? "primary bone tumour"
            case .undetermined(let likely): likely.map { "undetermined (most likely \($0))" } ?? "undetermined"
            }
        }

        /// Metastasis-type lesions get the fracture, stability and compression scores.
        var isMetastaticType: Bool {
            switch self {
            case .metastasis, .myeloma: true
            case .undetermined(let likely): likely == "metastasis" || likely == "myeloma" || likely == "lymphoma"
            case .primaryBoneTumor: false
            }
        }
        var isConfirmedMetastaticType: Bool {
            switch self { case .metastasis, .myeloma: true; default: false }
        }
    }

    let c: PatientCase
    let asOf: Day
    let age: Int?
    let cancers: [Cancer]
    var lesionClass: [String: LesionClass] = [:]
    /// Calcium decided once: pairing, hyper- and hypocalcaemia (Calcium.swift).
    let calcium: CalciumStatus
    let clearance: CockcroftGault.Result?
    let creatinineDate: Day?

    init(_ c: PatientCase, asOf: Day) {
        var c = c
        // Lesions are named by site everywhere the assessment speaks of them.
        c.lesions = c.lesions.map(Lesion.named)
        self.c = c
        self.asOf = asOf
        age = c.patient.age(on: asOf)
        cancers = c.cancers ?? []
        calcium = CalciumStatus(c, asOf: asOf)
        let scr = c.latestLab(.creatinine, on: asOf)
        creatinineDate = scr?.date
        clearance = CockcroftGault.evaluate(Self.clearanceInput(c, age: age, creatinine: scr?.value)).value
    }

    static func clearanceInput(_ c: PatientCase, age: Int?, creatinine: Double?) -> CockcroftGault.Input {
        CockcroftGault.Input(ageYears: age.map(Double.init), weightKg: c.patient.weightKg, serumCreatinineMgDl: creatinine,
                             sex: c.patient.sex.map { $0 == .female ? .female : .male }, weightKind: c.patient.weightKind)
    }

    var calciumDate: Day? { calcium.total?.date }

    /// Cockcroft–Gault inputs from the record, with the creatinine given.
    func clearanceInput(creatinine: Double?) -> CockcroftGault.Input { Self.clearanceInput(c, age: age, creatinine: creatinine) }

    /// Good performance status for SBRT: ECOG 0–1 (KPS ≥ 70) — an Osteon working definition (REFERENCE §18.1.4).
    var goodPerformanceStatus: Bool? {
        guard let p = c.performance else { return nil }
        if let ecog = p.ecog { return ecog <= 1 }
        if let kps = p.kps { return kps >= 70 }
        return nil
    }

    var performanceFact: Fact? {
        guard let p = c.performance else { return nil }
        if let ecog = p.ecog { return Fact("performance_status.ecog", "ECOG \(ecog)") }
        if let kps = p.kps { return Fact("performance_status.kps", "KPS \(kps)") }
        return nil
    }

    /// A whole-skeleton survey on record (bone scan, PET, whole-body MRI or CT), so the lesions entered are the inventory.
    var wholeSkeletonSurvey: ImagingStudy? {
        (c.imaging ?? []).first { s in
            guard let m = s.modality, s.date.map({ $0 <= asOf }) ?? true else { return false }
            switch m {
            case .boneScan, .petCT, .psmaPET: return true
            case .mri, .ct: return s.region.map { Self.isWholeBody($0) } ?? false
            case .xray: return s.region.map { $0.lowercased().contains("skeletal survey") || $0.lowercased().contains("skeletal_survey") } ?? false
            }
        }
    }

    static func isWholeBody(_ region: String) -> Bool {
        let r = region.lowercased().replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
        return r.contains("whole body") || r.contains("skeletal survey") || r.contains("whole skeleton")
    }

    var lesions: [Lesion] { c.lesions ?? [] }
    var primaries: [PrimarySite] { cancers.compactMap(\.primarySite) }
    /// Cancers that spread to bone as metastases (not primary bone tumours, myeloma or lymphoma).
    var metastasizingCancers: [Cancer] {
        cancers.filter { $0.primarySite.map { !$0.isPrimaryBoneTumor && $0 != .myeloma && $0 != .lymphoma } ?? false }
    }
    var boneSarcomas: [Cancer] { cancers.filter { $0.primarySite?.isPrimaryBoneTumor == true } }
    var hasMyeloma: Bool { primaries.contains(.myeloma) }

    func lesions(where test: (LesionClass) -> Bool) -> [Lesion] {
        lesions.filter { lesionClass[$0.id].map(test) ?? false }
    }
    var metastaticTypeLesions: [Lesion] { lesions { $0.isMetastaticType } }
    var confirmedMetastaticLesions: [Lesion] { lesions { $0.isConfirmedMetastaticType } }
    var confirmedSkeletalDisease: Bool { !confirmedMetastaticLesions.isEmpty }
    var spinalMetastaticLesions: [Lesion] { metastaticTypeLesions.filter(\.isSpinal) }

    /// The cancer a metastatic lesion most likely comes from: the only one, or nil.
    var likelyPrimary: Cancer? { metastasizingCancers.count == 1 ? metastasizingCancers[0] : nil }

    /// Index in `cancers` of the cancer a lesion comes from: the myeloma for
    /// myeloma bone disease, the only metastasising cancer for a metastasis.
    func primaryCancerIndex(of lesion: Lesion) -> Int? {
        func only(_ test: (Cancer) -> Bool) -> Int? {
            let found = cancers.indices.filter { test(cancers[$0]) }
            return found.count == 1 ? found[0] : nil
        }
        let metastasising: (Cancer) -> Bool = { $0.primarySite.map { !$0.isPrimaryBoneTumor && $0 != .myeloma && $0 != .lymphoma } ?? false }
        switch lesionClass[lesion.id] {
        case .myeloma?: return only { $0.primarySite == .myeloma }
        case .metastasis?:
            // Lymphoma in bone, with no carcinoma recorded, is the lymphoma's.
            return only(metastasising) ?? (cancers.contains(where: metastasising) ? nil : only { $0.primarySite == .lymphoma })
        case .primaryBoneTumor?: return only { $0.primarySite?.isPrimaryBoneTumor == true }
        case .undetermined?, nil: return nil
        }
    }

    func primaryCancer(of lesion: Lesion) -> Cancer? { primaryCancerIndex(of: lesion).map { cancers[$0] } }

    func cancerPath(_ cancer: Cancer, _ field: String) -> String {
        // Cancers are values: find the entry with the same site (first match).
        let i = cancers.firstIndex { $0.primarySite == cancer.primarySite && $0.histology == cancer.histology }
        return i.map { "cancers[\($0)].\(field)" } ?? "cancers[].\(field)"
    }

    /// Every bone-modifying agent recorded, whatever its status.
    var recordedBMAs: [Medication] {
        (c.medications ?? []).filter { $0.medicationClass == .boneModifyingAgent && !$0.notGiven }
    }
    var activeBMAs: [Medication] { recordedBMAs.filter(\.isActive) }
    func medications(_ cls: MedicationClass) -> [Medication] { (c.medications ?? []).filter { $0.medicationClass == cls } }

    func referral(_ specialties: [Specialty], since: Day? = nil) -> Referral? {
        (c.referrals ?? []).first { r in
            guard let s = r.specialty, specialties.contains(s) else { return false }
            if let since, let d = r.date { return d >= since }
            return true
        }
    }

    func radiotherapy(for lesion: Lesion) -> [RadiotherapyCourse] {
        (c.radiotherapy ?? []).filter { $0.lesionID == lesion.id }
    }

    func path(_ lesion: Lesion, _ field: String) -> String { "lesions[\(lesion.id)].\(field)" }
}
