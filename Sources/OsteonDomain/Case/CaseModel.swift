/// One patient's record, as a tumour board describes it. Every field is
/// optional: a list that is absent means "not recorded" (the assessment asks
/// for it), an empty list means "recorded: none".
public struct PatientCase: Sendable {
    public var patientID: String
    public var asOf: Day?
    public var patient = Patient()
    public var cancers: [Cancer]?
    public var lesions: [Lesion]?
    public var otherMetastases: [OtherMetastasis]?
    public var skeletalCounts: SkeletalCounts?
    public var labs: [LabResult]?
    public var performance: PerformanceStatus?
    public var neurology: Neurology?
    public var medications: [Medication]?
    public var radiotherapy: [RadiotherapyCourse]?
    public var surgeries: [Surgery]?
    public var imaging: [ImagingStudy]?
    public var referrals: [Referral]?
    public var dental: Dental?
    public var familyHistory: [FamilyHistoryItem]?
    public var predispositions: [Predisposition]?
    public var fitForSurgery: Bool?
    public var expectedSurvivalWeeks: Double?
    public var careSetting: CareSetting?
    public var followUp: SarcomaFollowUp?
    /// Where each fact came from (a FHIR resource, a form field), keyed by case path.
    public var sources: [String: String] = [:]

    public init(patientID: String) { self.patientID = patientID }
}

public enum Sex: String, InputEnum {
    case female, male
    public static var aliases: [String: Sex] { ["f": .female, "m": .male] }
}

public struct Patient: Sendable {
    public var birthDate: Day?
    public var ageYears: Int?
    /// The day the age was recorded (an age without a birth date ages with the calendar).
    public var ageAsOf: Day?
    public var sex: Sex?
    public var weightKg: Double?
    public var weightKind: CockcroftGault.WeightKind?
    /// The day of death (FHIR Patient.deceasedDateTime): ends follow-up in the outcomes.
    public var deceasedOn: Day?
    public init() {}

    /// Age on `day`: from the birth date when known, else the recorded age plus
    /// the whole years since the day it was recorded (it may be a year short
    /// between birthdays; no birth date is made up).
    public func age(on day: Day) -> Int? {
        if let birthDate { return birthDate.wholeYears(until: day) }
        guard let ageYears else { return nil }
        guard let ageAsOf, ageAsOf < day else { return ageYears }
        return ageYears + ageAsOf.wholeYears(until: day)
    }
}

/// Primary tumours Osteon reasons about (REFERENCE §11–12). Spellings are the
/// `primary_sites` strings of the assessment.
public enum PrimarySite: String, InputEnum {
    case breast, prostate, lung, thyroid, kidney
    case myeloma, lymphoma
    case colorectal, rectum, stomach, pancreas, liver, gallbladder, oesophagus, bladder, uterus, ovary, cervix
    case melanoma
    case headAndNeck = "head_and_neck"
    case carcinoid
    case unknownPrimary = "unknown_primary"
    case osteosarcoma
    case ewingSarcoma = "ewing_sarcoma"
    case chondrosarcoma
    case giantCellTumor = "giant_cell_tumor"
    case chordoma
    /// A malignant primary bone tumour whose type is not (yet) known, e.g. ICD-10 C40/C41 alone.
    case primaryBoneMalignancy = "primary_bone_malignancy"
    case softTissueSarcoma = "soft_tissue_sarcoma"
    case other

    public static var aliases: [String: PrimarySite] {
        ["renal": .kidney, "renal_cell_carcinoma": .kidney, "rcc": .kidney, "colon": .colorectal, "colon_cancer": .colorectal,
         "multiple_myeloma": .myeloma, "esophagus": .oesophagus, "gastric": .stomach, "hepatocellular_carcinoma": .liver,
         "unknown": .unknownPrimary, "cup": .unknownPrimary, "ewing": .ewingSarcoma, "ewing's_sarcoma": .ewingSarcoma,
         "giant_cell_tumour": .giantCellTumor, "gctb": .giantCellTumor, "nsclc": .lung, "sclc": .lung, "endometrium": .uterus,
         "endometrial": .uterus, "sarcoma": .softTissueSarcoma]
    }

    /// Primary tumours of bone (REFERENCE §12): the seed's first category.
    public var isPrimaryBoneTumor: Bool {
        [.osteosarcoma, .ewingSarcoma, .chondrosarcoma, .giantCellTumor, .chordoma, .primaryBoneMalignancy].contains(self)
    }

    /// Malignant primary bone sarcomas staged with AJCC 8 bone and Enneking.
    public var isBoneSarcoma: Bool { [.osteosarcoma, .ewingSarcoma, .chondrosarcoma, .chordoma, .primaryBoneMalignancy].contains(self) }
}

public enum HormoneStatus: String, InputEnum {
    case hormoneDependent = "hormone_dependent"
    case hormoneIndependent = "hormone_independent"
    public static var aliases: [String: HormoneStatus] {
        ["hormone_sensitive": .hormoneDependent, "hr_positive": .hormoneDependent, "er_positive": .hormoneDependent,
         "castration_sensitive": .hormoneDependent, "hormone_receptor_positive": .hormoneDependent,
         "hormone_resistant": .hormoneIndependent, "hr_negative": .hormoneIndependent, "triple_negative": .hormoneIndependent,
         "castration_resistant": .hormoneIndependent, "crpc": .hormoneIndependent]
    }
}

public enum LungType: String, InputEnum {
    case nonSmallCell = "non_small_cell"
    case smallCell = "small_cell"
    public static var aliases: [String: LungType] { ["nsclc": .nonSmallCell, "sclc": .smallCell] }
}

/// Staging facts of a primary bone sarcoma (REFERENCE §8).
public struct SarcomaStaging: Sendable {
    public enum SiteGroup: String, InputEnum {
        case appendicularTrunkSkull = "appendicular_trunk_skull"
        case spine, pelvis
    }
    public var siteGroup: SiteGroup?
    public var greatestDimensionCm: Double?
    public var discontinuous: Bool?
    public var grade: AJCC8Bone.Grade?
    public var regionalNodes: AJCC8Bone.Nodes?
    public var distantMetastases: AJCC8Bone.DistantMetastases?
    public var compartment: Enneking.Compartment?
    public var segmentsInvolved: Int?
    public var nonAdjacentSegments: Bool?
    public var spinalCanalExtension: Bool?
    public var greatVesselExtension: Bool?
    public var pelvicSegments: Int?
    public var extraosseousExtension: Bool?
    public var crossesSacroiliacJoint: Bool?
    public var encasesVessels: Bool?
    public var percentNecrosis: Double?
    public init() {}
}

public struct Cancer: Sendable {
    public var primarySite: PrimarySite?
    public var histology: String?
    public var lungType: LungType?
    public var hormoneStatus: HormoneStatus?
    /// Lung cancer treated with molecularly targeted drugs (Katagiri's moderate group).
    public var targetedTherapy: Bool?
    public var stage: String?
    public var tCategory: String?
    public var psa: Double?
    public var gleason: Int?
    public var diagnosisDate: Day?
    /// Clinician overrides where the reference leaves the grouping open.
    public var tomitaGrowthGroup: Tomita.GrowthGroup?
    public var katagiriGrowthGroup: KatagiriNew.GrowthGroup?
    public var radiosensitivity: NOMS.Radiosensitivity?
    public var staging: SarcomaStaging?
    public var endOfTreatmentDate: Day?
    /// Active disease, remission, resolved or recurrence (FHIR Condition.clinicalStatus / mCODE disease status).
    public var clinicalStatus: CancerStatus?
    public init() {}

    /// Prostate only: hormone-dependent is castration-sensitive, hormone-independent castration-resistant.
    public var castrationSensitive: Bool? {
        guard primarySite == .prostate, let hormoneStatus else { return nil }
        return hormoneStatus == .hormoneDependent
    }

    /// Treated and in remission: staging rows no longer apply without new symptoms (REFERENCE §18.4).
    public func inRemission(on day: Day) -> Bool {
        if let s = clinicalStatus { return s == .remission || s == .resolved }
        return endOfTreatmentDate.map { $0 <= day } ?? false
    }
}

public enum CancerStatus: String, InputEnum {
    case active, recurrence, remission, resolved
    public static var aliases: [String: CancerStatus] {
        ["relapse": .recurrence, "progression": .active, "progressive": .active, "inactive": .remission, "in_remission": .remission,
         "no_evidence_of_disease": .remission, "ned": .remission, "stable": .active]
    }
}

public enum Bone: String, InputEnum {
    case femur, humerus, tibia, fibula, radius, ulna
    case vertebra, sacrum, pelvis, rib, skull, scapula, clavicle, sternum, hand, foot
    case other
    public static var aliases: [String: Bone] {
        ["spine": .vertebra, "vertebral_body": .vertebra, "ilium": .pelvis, "acetabulum": .pelvis, "pubis": .pelvis,
         "ischium": .pelvis, "mandible": .skull, "calvarium": .skull]
    }

    public var isUpperLimbLongBone: Bool { [.humerus, .radius, .ulna].contains(self) }
    public var isLowerLimbLongBone: Bool { [.femur, .tibia, .fibula].contains(self) }
    public var isLongBone: Bool { isUpperLimbLongBone || isLowerLimbLongBone }
    public var isSpine: Bool { self == .vertebra || self == .sacrum }
    public var isAxial: Bool { [.vertebra, .sacrum, .pelvis, .rib, .skull, .sternum].contains(self) }
}

public enum BoneRegion: String, InputEnum {
    case epiphysis, metaphysis, diaphysis
    case proximal, distal
    case peritrochanteric, trochanteric, intertrochanteric, subtrochanteric
    case femoralNeck = "femoral_neck"
    case femoralHead = "femoral_head"
    case vertebralBody = "vertebral_body"
    case posteriorElements = "posterior_elements"
    public static var aliases: [String: BoneRegion] { ["neck": .femoralNeck, "shaft": .diaphysis, "head": .femoralHead] }
}

public enum LesionOrigin: String, InputEnum {
    case metastasis, primary, unknown
    public static var aliases: [String: LesionOrigin] { ["metastatic": .metastasis, "secondary": .metastasis, "primary_tumor": .primary] }
}

public enum Phenotype: String, InputEnum {
    case lytic, blastic, mixed
    public static var aliases: [String: Phenotype] { ["sclerotic": .blastic, "osteoblastic": .blastic, "osteolytic": .lytic] }
}

public enum FractureStatus: String, InputEnum {
    case none, impending, complete
    public static var aliases: [String: FractureStatus] { ["pathological": .complete, "present": .complete, "no": .none] }
}

public enum LodwickGrade: String, InputEnum {
    case IA, IB, IC, II, III
    public static var aliases: [String: LodwickGrade] { ["ia": .IA, "ib": .IB, "ic": .IC, "ii": .II, "iii": .III] }
    /// Moth-eaten or permeative, or an ill-defined margin (REFERENCE §12.1).
    public var isAggressive: Bool { self == .II || self == .III || self == .IC }
}

public struct Lesion: Sendable {
    public var id: String
    public var bone: Bone?
    public var region: BoneRegion?
    public var side: String?
    /// Spinal level(s) as entered, e.g. "T12" or "T11-L1".
    public var level: String?
    public var origin: LesionOrigin?
    public var phenotype: Phenotype?
    public var sizeFraction: Double?
    public var mirelsSize: Mirels.Size?
    /// Overrides the site derived from bone and region (femoral neck, subtrochanteric).
    public var mirelsSite: Mirels.Site?
    public var limbPain: Mirels.Pain?
    public var spinePain: SINS.Pain?
    public var fracture: FractureStatus?
    public var posterolateral: SINS.Posterolateral?
    public var collapse: SINS.Collapse?
    public var alignment: SINS.Alignment?
    public var escc: ESCC.Grade?
    public var lodwick: LodwickGrade?
    public var expansile: Bool?
    public var painful: Bool?
    public var detectedDate: Day?
    public init(id: String) { self.id = id }

    public var spinalLevels: [SpinalLevel]? { level.flatMap(SpinalLevel.span) }
    public var isSpinal: Bool { bone?.isSpine == true || spinalLevels != nil }
    /// Set by `Lesion.named` when two lesions share a site.
    public var displayName: String?

    /// Where the lesion is, as clinicians name it: "T12 vertebra", "left femur, diaphysis".
    /// (Not "L1": lesion ids clash with lumbar levels.)
    public var site: String {
        if let level { return "\(level) \(bone == .sacrum ? "sacrum" : "vertebra")" }
        let bonePart = [side, bone.map { Words.value($0.rawValue) }].compactMap { $0 }.joined(separator: " ")
        let regionPart = region.map { Words.value($0.rawValue) }
        switch (bonePart.isEmpty, regionPart) {
        case (true, nil): return "lesion \(id)"
        case (true, let r?): return r
        case (false, nil): return bonePart
        case (false, let r?): return "\(bonePart), \(r)"
        }
    }

    public var label: String { displayName ?? site }

    /// The lesions with a name each: the site, and "lesion 1 of 2" only where two share one.
    public static func named(_ lesions: [Lesion]) -> [Lesion] {
        let counts = Dictionary(grouping: lesions, by: \.site).mapValues(\.count)
        var seen: [String: Int] = [:]
        return lesions.map { l in
            var l = l
            let site = l.site
            if let n = counts[site], n > 1 {
                seen[site, default: 0] += 1
                l.displayName = "\(site) (lesion \(seen[site]!) of \(n))"
            }
            return l
        }
    }
}

public struct OtherMetastasis: Sendable {
    public enum Site: String, InputEnum {
        case lung, liver, brain, kidney, adrenal, pleura, peritoneum, leptomeninges
        case lymphNode = "lymph_node"
        case other
        public static var aliases: [String: Site] { ["pleural": .pleura, "peritoneal": .peritoneum, "leptomeningeal": .leptomeninges, "nodes": .lymphNode] }
        /// Katagiri's "disseminated" sites.
        var isDisseminatedSite: Bool { [.pleura, .peritoneum, .leptomeninges].contains(self) }
        /// Tokuhashi's major internal organs.
        var isMajorOrgan: Bool { [.lung, .liver, .kidney, .brain].contains(self) }
    }
    public enum Pattern: String, InputEnum { case nodular, disseminated }
    public var site: Site?
    public var pattern: Pattern?
    public var removable: Bool?
    public var treatable: Bool?
    public init() {}
}

public struct SkeletalCounts: Sendable {
    public var extraspinal: Int?
    public var vertebral: Int?
    public init() {}
}

public struct PerformanceStatus: Sendable {
    public var ecog: Int?
    public var kps: Int?
    public var date: Day?
    public init() {}
}

public struct Neurology: Sendable {
    public var frankel: TokuhashiRevised.Frankel?
    public var newWeakness: Bool?
    public var sensoryLevel: Bool?
    public var bladderBowelDysfunction: Bool?
    public var backPain: Bool?
    public var symptomOnset: Day?
    public init() {}

    /// Neurological symptoms or signs that, with cancer, suggest cord compression.
    public var hasDeficit: Bool {
        newWeakness == true || sensoryLevel == true || bladderBowelDysfunction == true
            || [.A, .B, .C, .D].contains(frankel)
    }

    /// Signs recorded present (true), recorded absent (false: Frankel E, or
    /// weakness, sensory level and sphincters each recorded "no"), or not known.
    public var neurologicalSigns: Bool? {
        if hasDeficit { return true }
        if frankel == .E { return false }
        if newWeakness == false && sensoryLevel == false && bladderBowelDysfunction == false { return false }
        return nil
    }
}

public enum Agent: String, InputEnum {
    case zoledronicAcid = "zoledronic_acid"
    case denosumab
    case pamidronate
    case other
    public static var aliases: [String: Agent] { ["zometa": .zoledronicAcid, "zoledronate": .zoledronicAcid, "xgeva": .denosumab, "aredia": .pamidronate] }
}

public enum MedicationClass: String, InputEnum {
    case boneModifyingAgent = "bone_modifying_agent"
    case chemotherapy
    case targetedTherapy = "targeted_therapy"
    case hormonal, immunotherapy, steroid
    case calciumVitaminD = "calcium_vitamin_d"
    case other
    public static var aliases: [String: MedicationClass] { ["bma": .boneModifyingAgent, "endocrine": .hormonal, "supplement": .calciumVitaminD] }
}

/// A medicine's status, as FHIR MedicationStatement/Request spell it. Never
/// assumed: a medicine without a status is asked about (REFERENCE §18.2.3).
public enum MedicationStatus: String, InputEnum {
    case active
    case onHold = "on_hold"
    case completed, stopped, intended
    case notTaken = "not_taken"
    case enteredInError = "entered_in_error"
    case unknown
    public static var aliases: [String: MedicationStatus] {
        ["ongoing": .active, "in_progress": .active, "current": .active, "held": .onHold, "withheld": .onHold, "suspended": .onHold,
         "paused": .onHold, "discontinued": .stopped, "cancelled": .stopped, "canceled": .stopped, "finished": .completed,
         "planned": .intended, "draft": .intended, "not_done": .notTaken]
    }
}

/// Why a bone-modifying agent is given (labels: the regimen depends on it).
public enum BMAIndication: String, InputEnum {
    case boneMetastasesOrMyeloma = "bone_metastases_or_myeloma"
    case hypercalcaemiaOfMalignancy = "hypercalcaemia_of_malignancy"
    case hypercalcaemiaRefractoryToBisphosphonate = "hypercalcaemia_refractory_to_bisphosphonate"
    case giantCellTumorOfBone = "giant_cell_tumor_of_bone"
    public static var aliases: [String: BMAIndication] {
        ["bone_metastases": .boneMetastasesOrMyeloma, "myeloma": .boneMetastasesOrMyeloma, "hypercalcemia_of_malignancy": .hypercalcaemiaOfMalignancy,
         "hcm": .hypercalcaemiaOfMalignancy, "hypercalcemia_refractory_to_bisphosphonate": .hypercalcaemiaRefractoryToBisphosphonate,
         "refractory_hypercalcaemia": .hypercalcaemiaRefractoryToBisphosphonate, "giant_cell_tumour_of_bone": .giantCellTumorOfBone,
         "gctb": .giantCellTumorOfBone]
    }
}

public struct Medication: Sendable {
    public var name: String?
    public var medicationClass: MedicationClass?
    public var agent: Agent?
    public var status: MedicationStatus?
    public var indication: BMAIndication?
    public var startDate: Day?
    public var lastDoseDate: Day?
    /// Every dose given, one by one, oldest first; nil when the record keeps only the start and the latest dose.
    public var doseDates: [Day]?
    public var interval: ZoledronicAcidRenalDose.Interval?
    public var doseMg: Double?
    public init() {}

    /// Given now (recorded active).
    public var isActive: Bool { status == .active }
    public var isOnHold: Bool { status == .onHold }
    /// A course that ended: completed or stopped.
    public var hasStopped: Bool { status == .completed || status == .stopped }
    /// No usable status: neither given nor stopped is known.
    public var statusUnknown: Bool { status == nil || status == .unknown }
    /// Recorded in error, not taken, or only planned: not a course at all.
    public var notGiven: Bool { status == .enteredInError || status == .notTaken || status == .intended }
    public var displayName: String { agent.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") } ?? name ?? "bone-modifying agent" }
}

public struct RadiotherapyCourse: Sendable {
    public var lesionID: String?
    public var site: String?
    public var doseGy: Double?
    public var fractions: Int?
    public var date: Day?
    public init() {}
}

public enum SurgeryKind: String, InputEnum {
    case prophylacticFixation = "prophylactic_fixation"
    case fractureFixation = "fracture_fixation"
    case decompression
    case stabilization
    case separationSurgery = "separation_surgery"
    case cementAugmentation = "cement_augmentation"
    case resection, amputation, biopsy, other
    public static var aliases: [String: SurgeryKind] {
        ["fixation": .prophylacticFixation, "vertebroplasty": .cementAugmentation, "kyphoplasty": .cementAugmentation,
         "en_bloc_resection": .resection, "stabilisation": .stabilization]
    }
}

public struct Surgery: Sendable {
    public var kind: SurgeryKind?
    public var lesionID: String?
    public var date: Day?
    public init() {}
}

public enum Modality: String, InputEnum {
    case xray, ct, mri
    case boneScan = "bone_scan"
    case petCT = "pet_ct"
    case psmaPET = "psma_pet"
    public static var aliases: [String: Modality] {
        ["x_ray": .xray, "radiograph": .xray, "plain_radiograph": .xray, "bone_scintigraphy": .boneScan, "fdg_pet": .petCT,
         "pet": .petCT, "fdg_pet_ct": .petCT, "psma_pet_ct": .psmaPET]
    }
}

public struct ImagingStudy: Sendable {
    public var modality: Modality?
    /// Body region, e.g. "whole_spine", "chest", "left femur".
    public var region: String?
    public var date: Day?
    public init() {}

    public var isWholeSpineMRI: Bool {
        modality == .mri && (region.map { $0.lowercased().replacingOccurrences(of: " ", with: "_").contains("whole_spine") } ?? false)
    }
    public var isChestImaging: Bool {
        (modality == .ct || modality == .xray) && (region.map { $0.lowercased().contains("chest") || $0.lowercased().contains("thorax") } ?? false)
    }
}

public enum Specialty: String, InputEnum {
    case orthopaedicOncology = "orthopaedic_oncology"
    case spineSurgery = "spine_surgery"
    case radiationOncology = "radiation_oncology"
    case medicalOncology = "medical_oncology"
    case sarcomaCentre = "sarcoma_centre"
    case dental
    case genetics
    case palliativeCare = "palliative_care"
    case other
    public static var aliases: [String: Specialty] {
        ["orthopaedics": .orthopaedicOncology, "orthopedics": .orthopaedicOncology, "orthopedic_oncology": .orthopaedicOncology,
         "sarcoma_center": .sarcomaCentre, "bone_sarcoma_mdt": .sarcomaCentre, "neurosurgery": .spineSurgery,
         "genetic_counselling": .genetics, "oral_medicine": .dental]
    }
}

public struct Referral: Sendable {
    public var specialty: Specialty?
    public var date: Day?
    public init() {}
}

public struct Dental: Sendable {
    public var lastEvaluationDate: Day?
    /// Every dated dental evaluation, oldest first; nil when the record keeps only the latest.
    public var evaluationDates: [Day]?
    public var calciumVitaminD: Bool?
    public var riskFactors = MRONJ.RiskFactors()
    public init() {}
}

public struct FamilyHistoryItem: Sendable {
    public var relation: String?
    public var condition: String?
    public var ageAtDiagnosis: Int?
    public init() {}
}

/// Predisposition syndromes and precursor conditions (REFERENCE §14.2).
public enum Predisposition: String, InputEnum {
    case liFraumeni = "li_fraumeni"
    case hereditaryRetinoblastoma = "hereditary_retinoblastoma"
    case rothmundThomson = "rothmund_thomson"
    case werner, bloom
    case diamondBlackfan = "diamond_blackfan"
    case multipleHereditaryExostoses = "multiple_hereditary_exostoses"
    case ollier, maffucci
    case paget
    case priorRadiotherapy = "prior_radiotherapy"
    public static var aliases: [String: Predisposition] {
        ["lfs": .liFraumeni, "tp53": .liFraumeni, "rb1": .hereditaryRetinoblastoma, "retinoblastoma": .hereditaryRetinoblastoma,
         "mhe": .multipleHereditaryExostoses, "multiple_osteochondromas": .multipleHereditaryExostoses, "hmo": .multipleHereditaryExostoses,
         "paget_disease": .paget, "paget's_disease": .paget, "ollier_disease": .ollier, "maffucci_syndrome": .maffucci]
    }
}

public enum CareSetting: String, InputEnum {
    case us
    case nonUS = "non_us"
    public static var aliases: [String: CareSetting] { ["usa": .us, "united_states": .us, "europe": .nonUS, "eu": .nonUS, "uk": .nonUS] }
}

public struct SarcomaFollowUp: Sendable {
    public var visits: [Day] = []
    public init() {}
}
