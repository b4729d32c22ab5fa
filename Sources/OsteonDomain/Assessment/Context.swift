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
    let correctedCalcium: CorrectedCalcium.Result?
    let calciumDate: Day?
    let clearance: CockcroftGault.Result?
    let creatinineDate: Day?

    init(_ c: PatientCase, asOf: Day) {
        self.c = c
        self.asOf = asOf
        age = c.patient.age(on: asOf)
        cancers = c.cancers ?? []
        if let ca = c.latestLab(.calcium, on: asOf), let alb = c.latestLab(.albumin, on: asOf) {
            correctedCalcium = CorrectedCalcium.evaluate(.mgDl(calcium: ca.value, albuminGDl: alb.value)).value
            calciumDate = ca.date
        } else {
            correctedCalcium = nil
            calciumDate = nil
        }
        let scr = c.latestLab(.creatinine, on: asOf)
        creatinineDate = scr?.date
        clearance = CockcroftGault.evaluate(CockcroftGault.Input(
            ageYears: (c.patient.age(on: asOf)).map(Double.init), weightKg: c.patient.weightKg,
            serumCreatinineMgDl: scr?.value, sex: c.patient.sex.map { $0 == .female ? .female : .male },
            weightKind: c.patient.weightKind)).value
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

    var activeBMAs: [Medication] {
        (c.medications ?? []).filter { $0.medicationClass == .boneModifyingAgent && $0.isActive }
    }
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
