/// The stable codes of the assessment: every alert, care gap and plan item
/// has one, typed here and spelled once (the raw value is the JSON/CSV code).
/// The README documents each; a test keeps the two lists equal.

public enum AlertCode: String, Sendable, CaseIterable, Hashable {
    case suspectedMSCC = "suspected_mscc"
    case highGradeESCC = "high_grade_escc"
    case hypercalcaemiaCrisis = "hypercalcaemia_crisis"
    case hypercalcaemiaModerate = "hypercalcaemia_moderate"
    case hypercalcaemiaMild = "hypercalcaemia_mild"
    /// Total calcium without a same-day albumin: severity from the lowest value the corrected calcium can have.
    case hypercalcaemiaUncorrected = "hypercalcaemia_uncorrected"
    case hypocalcaemia
    case pathologicalFracture = "pathological_fracture"
    case impendingPathologicalFracture = "impending_pathological_fracture"
    case borderlineFractureRisk = "borderline_fracture_risk"
    case spinalInstability = "spinal_instability"
    case potentialSpinalInstability = "potential_spinal_instability"
    case zoledronicAcidWithheld = "zoledronic_acid_withheld"
    case zoledronicAcidDoseAboveRenalBand = "zoledronic_acid_dose_above_renal_band"
    case zoledronicAcidRenalContraindication = "zoledronic_acid_renal_contraindication"
    case denosumabHypocalcaemiaRisk = "denosumab_hypocalcaemia_risk"

    /// Alerts about the same finding, for "a new fact never silently drops an alert".
    public var family: String {
        switch self {
        case .hypercalcaemiaCrisis, .hypercalcaemiaModerate, .hypercalcaemiaMild, .hypercalcaemiaUncorrected: "hypercalcaemia"
        case .impendingPathologicalFracture, .borderlineFractureRisk: "fracture_risk"
        case .spinalInstability, .potentialSpinalInstability: "spinal_instability"
        default: rawValue
        }
    }

    public var summary: String {
        switch self {
        case .suspectedMSCC: "suspected metastatic spinal cord compression: whole-spine MRI and a plan within 24 hours"
        case .highGradeESCC: "high-grade epidural cord compression (ESCC 2–3) on MRI"
        case .hypercalcaemiaCrisis: "corrected calcium ≥ 14.0 mg/dL"
        case .hypercalcaemiaModerate: "corrected calcium 12.0–13.9 mg/dL"
        case .hypercalcaemiaMild: "corrected calcium 10.5–11.9 mg/dL"
        case .hypercalcaemiaUncorrected: "total calcium with no same-day albumin whose lowest possible corrected value (total − 0.8) is ≥ 10.5 mg/dL"
        case .hypocalcaemia: "corrected calcium below the lower limit of normal (CTCAE grade 1–4): correct before a bone-modifying agent"
        case .pathologicalFracture: "completed pathological fracture"
        case .impendingPathologicalFracture: "Mirels ≥ 9, or recorded as impending"
        case .borderlineFractureRisk: "Mirels 8"
        case .spinalInstability: "SINS 13–18"
        case .potentialSpinalInstability: "SINS 7–12"
        case .zoledronicAcidWithheld: "creatinine rise before a zoledronic-acid dose: withhold (label)"
        case .zoledronicAcidDoseAboveRenalBand: "recorded zoledronic-acid dose above the baseline-CrCl band"
        case .zoledronicAcidRenalContraindication: "on zoledronic acid with baseline CrCl < 30 mL/min"
        case .denosumabHypocalcaemiaRisk: "denosumab with CrCl < 30 mL/min"
        }
    }
}

public enum GapCode: String, Sendable, CaseIterable, Hashable {
    case bmaNotPrescribed = "bma_not_prescribed"
    case bmaInterrupted = "bma_interrupted"
    case hypocalcaemiaBeforeBMA = "hypocalcaemia_before_bma"
    case surgicalReviewMissing = "surgical_review_missing"
    case msccImagingOverdue = "mscc_imaging_overdue"
    case dentalCheckMissing = "dental_check_missing"
    case dentalFollowUpOverdue = "dental_follow_up_overdue"
    case calciumVitaminDMissing = "calcium_vitamin_d_missing"
    case creatinineCheckMissing = "creatinine_check_missing"
    case surveillanceOverdue = "surveillance_overdue"
    case sarcomaCentreReferralMissing = "sarcoma_centre_referral_missing"
    case biopsyBeforeSarcomaReferral = "biopsy_before_sarcoma_referral"
    case germlineTestingNotOffered = "germline_testing_not_offered"

    public var summary: String {
        switch self {
        case .bmaNotPrescribed: "skeletal metastases or myeloma with an indication and a recorded medication list, but no bone-modifying agent"
        case .bmaInterrupted: "a bone-modifying agent recorded as stopped or completed (with the date): ask why"
        case .hypocalcaemiaBeforeBMA: "hypocalcaemia while a bone-modifying agent is given or planned"
        case .surgicalReviewMissing: "fixation or spine-surgery review indicated but not recorded"
        case .msccImagingOverdue: "suspected cord compression without whole-spine MRI within 24 hours"
        case .dentalCheckMissing: "no dental evaluation before or on a bone-modifying agent"
        case .dentalFollowUpOverdue: "6-monthly dental review overdue on a bone-modifying agent"
        case .calciumVitaminDMissing: "on a bone-modifying agent without calcium and vitamin D (never raised while hypercalcaemic)"
        case .creatinineCheckMissing: "zoledronic-acid dose due with no creatinine since the last dose"
        case .surveillanceOverdue: "sarcoma surveillance visit overdue"
        case .sarcomaCentreReferralMissing: "suspected or known primary bone tumour without a sarcoma-centre referral"
        case .biopsyBeforeSarcomaReferral: "biopsy done before the sarcoma-centre referral"
        case .germlineTestingNotOffered: "osteosarcoma or metastatic prostate cancer without a genetics referral"
        }
    }
}

/// Where a plan item belongs; the raw value is the JSON `category`.
public enum PlanCategory: String, Sendable, Hashable {
    case imaging, supportive, surgery, radiotherapy, systemic, referral, surveillance, prevention
    case boneModifyingAgent = "bone_modifying_agent"
    case workUp = "work_up"
    /// A point the board must decide, with its provenance mark.
    case boardPrompt = "board_prompt"
}

/// The state of a plan item; the raw value is the JSON `status`.
public enum PlanStatus: String, Sendable, Hashable {
    case done, overdue, due, upcoming, referred, active, withheld
    case dueNow = "due_now"
    case toDo = "to_do"
    case toRefer = "to_refer"
    case toStart = "to_start"
    case toOffer = "to_offer"
    /// A fact must be recorded before the item can be decided.
    case toAsk = "to_ask"
}

/// What a plan item asks someone to do, so that a recorded fact that forbids
/// an action can be checked against every item (see Safety.swift).
public enum ClinicalAction: Hashable, Sendable {
    case calciumVitaminDSupplements
    case zoledronicAcidDose
    /// The myeloma / bone-metastasis course, dosed by CrCl (§9.1); not the single hypercalcaemia dose.
    case zoledronicAcidOngoingDose
    case denosumabDose
    case pamidronateDose
    /// Decompression or separation surgery before radiotherapy, for a lesion.
    case surgeryFirst(lesion: String)
    case sbrt(lesion: String)
    /// Advice to walk or exercise freely.
    case weightBearingExercise
}

/// Every plan item code. The raw value is the JSON `code`.
public enum PlanCode: Hashable, Sendable {
    // Imaging (REFERENCE §13)
    case mriWholeSpine24h, mriSpine1Week, mriWholeInvolvedBone, ctChest, boneScanOrPET
    case ctChestAbdomenPelvis, wholeBodyLowDoseCT, wholeSkeletonSurvey, radiographWholeBone
    case boneScanProstateStaging, noBoneScanProstate, breastSystemicStaging, boneScanForSymptoms, noRoutineBoneImaging
    case noRoutineImagingSurvivorship
    // Treatment
    case dexamethasoneWithRadiotherapy, treatHypercalcaemia, correctHypocalcaemia
    case prophylacticFixationReferral, fractureFixationReferral, spineSurgeryConsultation, boardDiscussionFixation
    case radiotherapy(PalliativeRadiotherapy.Plan)
    case startBoneModifyingAgent, continueBoneModifyingAgent, withholdZoledronicAcid
    case askBoneModifyingAgentStatus, reviewStoppedBoneModifyingAgent, noBoneModifyingAgentCastrationSensitive
    case noBoneModifyingAgentShortSurvival
    case confirmDiagnosis, myelomaWorkUpLyticProstate, referSarcomaCentreBeforeBiopsy, sarcomaCentreCare, chemotherapyResponse
    case androgenDeprivationForMSCC
    // Surveillance
    case sarcomaSurveillanceVisit, nextDose(Agent), dentalReview
    // Prevention
    case predisposition(Predisposition), germlineTestingOsteosarcoma, germlineTestingMetastaticProstate, geneticsReferralFamilyHistory

    public var rawValue: String {
        switch self {
        case .mriWholeSpine24h: "mri_whole_spine_24h"
        case .mriSpine1Week: "mri_spine_1_week"
        case .mriWholeInvolvedBone: "mri_whole_involved_bone"
        case .ctChest: "ct_chest"
        case .boneScanOrPET: "bone_scan_or_pet"
        case .ctChestAbdomenPelvis: "ct_chest_abdomen_pelvis"
        case .wholeBodyLowDoseCT: "whole_body_low_dose_ct"
        case .wholeSkeletonSurvey: "whole_skeleton_survey"
        case .radiographWholeBone: "radiograph_whole_bone"
        case .boneScanProstateStaging: "bone_scan_prostate_staging"
        case .noBoneScanProstate: "no_bone_scan_prostate"
        case .breastSystemicStaging: "breast_systemic_staging"
        case .boneScanForSymptoms: "bone_scan_for_symptoms"
        case .noRoutineBoneImaging: "no_routine_bone_imaging"
        case .noRoutineImagingSurvivorship: "no_routine_imaging_survivorship"
        case .dexamethasoneWithRadiotherapy: "dexamethasone_with_radiotherapy"
        case .treatHypercalcaemia: "treat_hypercalcaemia"
        case .correctHypocalcaemia: "correct_hypocalcaemia"
        case .prophylacticFixationReferral: "prophylactic_fixation_referral"
        case .fractureFixationReferral: "fracture_fixation_referral"
        case .spineSurgeryConsultation: "spine_surgery_consultation"
        case .boardDiscussionFixation: "board_discussion_fixation"
        case .radiotherapy(let plan): "radiotherapy_\(plan.rawValue)"
        case .startBoneModifyingAgent: "start_bone_modifying_agent"
        case .continueBoneModifyingAgent: "continue_bone_modifying_agent"
        case .withholdZoledronicAcid: "withhold_zoledronic_acid"
        case .askBoneModifyingAgentStatus: "ask_bone_modifying_agent_status"
        case .reviewStoppedBoneModifyingAgent: "review_stopped_bone_modifying_agent"
        case .noBoneModifyingAgentCastrationSensitive: "no_bone_modifying_agent_castration_sensitive"
        case .noBoneModifyingAgentShortSurvival: "no_bone_modifying_agent_short_survival"
        case .confirmDiagnosis: "confirm_diagnosis"
        case .myelomaWorkUpLyticProstate: "myeloma_work_up_lytic_prostate"
        case .referSarcomaCentreBeforeBiopsy: "refer_sarcoma_centre_before_biopsy"
        case .sarcomaCentreCare: "sarcoma_centre_care"
        case .chemotherapyResponse: "chemotherapy_response"
        case .androgenDeprivationForMSCC: "androgen_deprivation_for_mscc"
        case .sarcomaSurveillanceVisit: "sarcoma_surveillance_visit"
        case .nextDose(let agent): "\(agent.rawValue)_next_dose"
        case .dentalReview: "dental_review"
        case .predisposition(let p): "predisposition_\(p.rawValue)"
        case .germlineTestingOsteosarcoma: "germline_testing_osteosarcoma"
        case .germlineTestingMetastaticProstate: "germline_testing_metastatic_prostate"
        case .geneticsReferralFamilyHistory: "genetics_referral_family_history"
        }
    }

    /// Every code the assessment can emit (for the README check).
    public static var all: [PlanCode] {
        [.mriWholeSpine24h, .mriSpine1Week, .mriWholeInvolvedBone, .ctChest, .boneScanOrPET, .ctChestAbdomenPelvis, .wholeBodyLowDoseCT,
         .wholeSkeletonSurvey, .radiographWholeBone, .boneScanProstateStaging, .noBoneScanProstate, .breastSystemicStaging,
         .boneScanForSymptoms, .noRoutineBoneImaging, .noRoutineImagingSurvivorship, .dexamethasoneWithRadiotherapy, .treatHypercalcaemia,
         .correctHypocalcaemia, .prophylacticFixationReferral, .fractureFixationReferral, .spineSurgeryConsultation, .boardDiscussionFixation]
            + PalliativeRadiotherapy.Plan.allCases.map { .radiotherapy($0) }
            + [.startBoneModifyingAgent, .continueBoneModifyingAgent, .withholdZoledronicAcid,
               .askBoneModifyingAgentStatus, .reviewStoppedBoneModifyingAgent, .noBoneModifyingAgentCastrationSensitive,
               .noBoneModifyingAgentShortSurvival, .confirmDiagnosis, .myelomaWorkUpLyticProstate, .referSarcomaCentreBeforeBiopsy,
               .sarcomaCentreCare, .chemotherapyResponse, .androgenDeprivationForMSCC, .sarcomaSurveillanceVisit,
               .nextDose(.zoledronicAcid), .nextDose(.denosumab), .dentalReview]
            + Predisposition.allCases.map { .predisposition($0) }
            + [.germlineTestingOsteosarcoma, .germlineTestingMetastaticProstate, .geneticsReferralFamilyHistory]
    }
}
