import Foundation
import OsteonDomain
import Testing

/// Whole-case scenarios (examples/cases/): what each case must produce and
/// what it must not. Expectations are written from REFERENCE.md, not from output.
struct Scenario: Sendable, CustomTestStringConvertible {
    var file: String
    var boneMetastasis: Bool?? = .none
    var alerts: [String] = []
    var noAlerts: [String] = []
    /// score id → key → expected value (a nil key only asks for a valid score).
    var scores: [String: [String: JSONValue]] = [:]
    var invalidScores: [String] = []
    var noScores: [String] = []
    var plan: [String] = []
    var noPlan: [String] = []
    var gaps: [String] = []
    var noGaps: [String] = []
    var dataNeeded: [String] = []
    var topDiagnosis: String? = nil
    var testDescription: String { file }
}

let scenarios: [Scenario] = [
    Scenario(file: "breast-femur-spine", boneMetastasis: true,
             alerts: ["impending_pathological_fracture", "potential_spinal_instability", "hypercalcaemia_mild"],
             noAlerts: ["suspected_mscc", "spinal_instability", "high_grade_escc"],
             scores: ["mirels": ["total": 10, "category": "high"], "sins": ["total": 10, "location_category": "junctional"],
                      "noms": ["radiation_plan": "conventional external beam RT (cEBRT)", "mechanical_instability_action": "spine surgery consultation"],
                      "tokuhashi_revised_2005": ["total": 14], "tomita_2001": ["total": 3], "katagiri_new_2014": ["risk_group": "low"],
                      "zoledronic_acid_renal_dose": ["dose_mg": 4.0]],
             plan: ["prophylactic_fixation_referral", "spine_surgery_consultation", "start_bone_modifying_agent", "radiotherapy_single_fraction_8_gy"],
             noPlan: ["confirm_diagnosis"],
             gaps: ["surgical_review_missing", "bma_not_prescribed", "dental_check_missing"], noGaps: ["mscc_imaging_overdue"]),
    Scenario(file: "breast-early-no-bone-disease", boneMetastasis: false, noAlerts: ["suspected_mscc"],
             noScores: ["mirels", "sins", "katagiri_new_2014", "tokuhashi_revised_2005"],
             plan: ["no_routine_bone_imaging"], noPlan: ["breast_systemic_staging", "start_bone_modifying_agent"], noGaps: ["bma_not_prescribed"]),
    Scenario(file: "breast-stage-iii-staging", boneMetastasis: false, plan: ["breast_systemic_staging"], noPlan: ["no_routine_bone_imaging"]),
    Scenario(file: "prostate-cord-compression", boneMetastasis: true, alerts: ["suspected_mscc"],
             scores: ["sins": ["total": 5], "tokuhashi_revised_2005": ["total": 9], "katagiri_new_2014": ["risk_group": "intermediate"]],
             invalidScores: ["escc", "noms"],
             plan: ["mri_whole_spine_24h", "dexamethasone_with_radiotherapy", "radiotherapy_rt_alone_for_compression", "continue_bone_modifying_agent"],
             noPlan: ["start_bone_modifying_agent"],
             gaps: ["mscc_imaging_overdue"], noGaps: ["bma_not_prescribed", "dental_check_missing"], dataNeeded: ["lesions[L1].escc_grade"]),
    Scenario(file: "prostate-staging-bone-scan", boneMetastasis: false, plan: ["bone_scan_prostate_staging"], noPlan: ["no_bone_scan_prostate"]),
    Scenario(file: "prostate-low-risk", boneMetastasis: false, plan: ["no_bone_scan_prostate"], noPlan: ["bone_scan_prostate_staging"]),
    Scenario(file: "lung-hypercalcaemic-crisis", boneMetastasis: true, alerts: ["hypercalcaemia_crisis"], noAlerts: ["impending_pathological_fracture"],
             scores: ["corrected_calcium": ["corrected_calcium_mg_dl": 14.3, "severity": "severe_crisis"], "mirels": ["total": 7, "category": "low"],
                      "katagiri_new_2014": ["total": 9, "risk_group": "high", "laboratory_tier": "critical"]],
             noScores: ["sins", "tokuhashi_revised_2005", "tomita_2001"],
             plan: ["treat_hypercalcaemia", "start_bone_modifying_agent"], gaps: ["bma_not_prescribed"]),
    Scenario(file: "lung-targeted-therapy-unknown", boneMetastasis: true, invalidScores: ["katagiri_new_2014"],
             dataNeeded: ["cancers[].targeted_therapy"]),
    Scenario(file: "thyroid-escc3-unfit", boneMetastasis: true, alerts: ["high_grade_escc", "potential_spinal_instability"], noAlerts: ["suspected_mscc"],
             scores: ["noms": ["high_grade_escc": true, "separation_surgery": false,
                               "radiation_plan": "conventional external beam RT (cEBRT) ± dexamethasone (palliative)"],
                      "sins": ["total": 11]],
             // One lesion, whole-spine MRI only: the extraspinal count is not known (REFERENCE §18.5).
             invalidScores: ["tokuhashi_revised_2005", "tomita_2001"],
             plan: ["dexamethasone_with_radiotherapy", "radiotherapy_rt_alone_for_compression"],
             noPlan: ["radiotherapy_surgery_then_postoperative_rt"],
             dataNeeded: ["skeletal_metastasis_counts.extraspinal", "skeletal_metastasis_counts"]),
    Scenario(file: "kidney-escc2-separation-surgery", boneMetastasis: true, alerts: ["high_grade_escc"],
             scores: ["noms": ["separation_surgery": true, "radiation_plan": "separation surgery, then spine SBRT/SRS"],
                      "tomita_2001": ["total": 3], "sins": ["total": 12]],
             plan: ["spine_surgery_consultation", "radiotherapy_surgery_then_postoperative_rt", "dexamethasone_with_radiotherapy"],
             gaps: ["surgical_review_missing", "bma_not_prescribed"]),
    Scenario(file: "kidney-low-clearance-denosumab", boneMetastasis: true, alerts: ["denosumab_hypocalcaemia_risk"],
             scores: ["zoledronic_acid_renal_dose": ["recommendation": "not_recommended", "crcl_band": "<30"]],
             plan: ["start_bone_modifying_agent"], gaps: ["bma_not_prescribed"], noGaps: ["dental_check_missing"]),
    Scenario(file: "breast-on-zoledronic-acid-dose-too-high", boneMetastasis: true, alerts: ["zoledronic_acid_dose_above_renal_band"],
             scores: ["zoledronic_acid_renal_dose": ["crcl_ml_min": 45.1, "dose_mg": 3.3]],
             plan: ["continue_bone_modifying_agent", "zoledronic_acid_next_dose", "dental_review"], noPlan: ["start_bone_modifying_agent"],
             gaps: ["creatinine_check_missing", "dental_follow_up_overdue"], noGaps: ["bma_not_prescribed", "calcium_vitamin_d_missing"]),
    Scenario(file: "myeloma-humerus", boneMetastasis: false, alerts: ["impending_pathological_fracture"],
             scores: ["mirels": ["total": 10]], noScores: ["tokuhashi_revised_2005", "tomita_2001"],
             plan: ["start_bone_modifying_agent", "prophylactic_fixation_referral"], gaps: ["bma_not_prescribed"], topDiagnosis: "myeloma"),
    Scenario(file: "unknown-origin-pelvis-older-adult", boneMetastasis: .some(nil), alerts: ["hypercalcaemia_mild"],
             noScores: ["katagiri_new_2014", "tokuhashi_revised_2005"],
             plan: ["confirm_diagnosis"], noPlan: ["start_bone_modifying_agent", "refer_sarcoma_centre_before_biopsy", "radiotherapy_single_fraction_8_gy"],
             noGaps: ["bma_not_prescribed"], topDiagnosis: "metastasis"),
    Scenario(file: "osteosarcoma-teenager-suspected", boneMetastasis: .some(nil), noScores: ["mirels"],
             plan: ["refer_sarcoma_centre_before_biopsy", "mri_whole_involved_bone", "ct_chest", "bone_scan_or_pet"],
             noPlan: ["confirm_diagnosis", "start_bone_modifying_agent"],
             gaps: ["sarcoma_centre_referral_missing"], noGaps: ["bma_not_prescribed"], topDiagnosis: "osteosarcoma"),
    Scenario(file: "osteosarcoma-surveillance-us", boneMetastasis: false,
             scores: ["ajcc8_bone_appendicular_trunk_skull": ["T": "T1", "stage_group": "IIA"], "enneking_msts": ["stage": "IIA"],
                      "huvos": ["huvos_grade": "III", "good_responder_ge_90_percent": true]],
             noScores: ["mirels", "katagiri_new_2014"],
             plan: ["sarcoma_surveillance_visit", "germline_testing_osteosarcoma", "sarcoma_centre_care"],
             noPlan: ["mri_whole_involved_bone"],
             gaps: ["surveillance_overdue", "germline_testing_not_offered"], noGaps: ["sarcoma_centre_referral_missing", "biopsy_before_sarcoma_referral"]),
    Scenario(file: "osteosarcoma-setting-unknown", boneMetastasis: false,
             scores: ["ajcc8_bone_appendicular_trunk_skull": ["T": "T2", "M": "M1a", "stage_group": "IVA"], "enneking_msts": ["stage": "IIIB"]],
             noPlan: ["sarcoma_surveillance_visit"], noGaps: ["germline_testing_not_offered", "surveillance_overdue"], dataNeeded: ["care_setting"]),
    Scenario(file: "ewing-pelvis", boneMetastasis: false, scores: ["ajcc8_bone_pelvis": ["T": "T3b", "M": "M1a"], "enneking_msts": ["stage": "IIIB"]],
             noScores: ["ajcc8_bone_appendicular_trunk_skull"], plan: ["sarcoma_surveillance_visit"], noGaps: ["surveillance_overdue"]),
    Scenario(file: "chondrosarcoma-ollier", boneMetastasis: false,
             scores: ["ajcc8_bone_appendicular_trunk_skull": ["stage_group": "IA"], "enneking_msts": ["stage": "IA"]],
             plan: ["predisposition_ollier"], noPlan: ["germline_testing_osteosarcoma"]),
    Scenario(file: "mhe-new-painful-lesion", boneMetastasis: .some(nil), plan: ["predisposition_multiple_hereditary_exostoses", "refer_sarcoma_centre_before_biopsy"],
             gaps: ["sarcoma_centre_referral_missing"], topDiagnosis: "chondrosarcoma"),
    Scenario(file: "li-fraumeni-breast", boneMetastasis: false, plan: ["predisposition_li_fraumeni", "genetics_referral_family_history", "no_routine_bone_imaging"]),
    Scenario(file: "breast-borderline-mirels", boneMetastasis: true, alerts: ["borderline_fracture_risk"], noAlerts: ["impending_pathological_fracture"],
             scores: ["mirels": ["total": 8, "category": "borderline"]],
             plan: ["board_discussion_fixation", "continue_bone_modifying_agent", "denosumab_next_dose"],
             noPlan: ["prophylactic_fixation_referral"], noGaps: ["surgical_review_missing", "bma_not_prescribed", "dental_check_missing"]),
    Scenario(file: "breast-missing-lesion-details", boneMetastasis: true, invalidScores: ["mirels", "katagiri_new_2014", "zoledronic_acid_renal_dose"],
             dataNeeded: ["lesions[L1].mirels_site", "lesions[L1].pain", "lesions[L1].size_fraction", "cancers[].hormone_status", "patient.weight_kg", "labs.creatinine"]),
    Scenario(file: "lung-pathological-fracture", boneMetastasis: true, alerts: ["pathological_fracture"], scores: ["mirels": ["total": 10]],
             plan: ["fracture_fixation_referral"], noGaps: ["surgical_review_missing"]),
    Scenario(file: "osteosarcoma-biopsy-before-referral", boneMetastasis: false, gaps: ["biopsy_before_sarcoma_referral", "germline_testing_not_offered"],
             dataNeeded: ["family_history", "cancers[0].end_of_treatment_date"]),
    Scenario(file: "breast-survival-scores-disagree", boneMetastasis: true,
             scores: ["tokuhashi_revised_2005": ["total": 15], "katagiri_new_2014": ["total": 7, "risk_group": "high"]]),
]

enum Cases {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/cases")

    static func assess(_ name: String) throws -> (Assessment, JSONValue) {
        let value = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent(name + ".json")))
        let read = try CaseReader.read(value)
        let a = Assessor.assess(read.patientCase, asOf: try #require(read.patientCase.asOf), inputProblems: read.problems,
                                unknownKeys: read.unknownKeys)
        return (a, a.json)
    }
}

@Suite struct AssessmentScenarioTests {
    @Test func thereAreAtLeastTwentyScenariosCoveringTheSeedsPrimaries() throws {
        #expect(scenarios.count >= 20)
        var sites = Set<String>()
        for s in scenarios {
            let (a, _) = try Cases.assess(s.file)
            sites.formUnion(a.primarySites)
            for d in a.differential { if let top = d.candidates.first, d.confirmed == nil { sites.insert(top.diagnosis) } }
        }
        for site in ["breast", "prostate", "lung", "thyroid", "kidney", "osteosarcoma", "ewing_sarcoma", "chondrosarcoma"] {
            #expect(sites.contains(site), "no scenario for \(site)")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: Cases.dir.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files.map { String($0.dropLast(5)) }) == Set(scenarios.map(\.file)), "every example case has a scenario")
    }

    @Test(arguments: scenarios)
    func scenario(_ s: Scenario) throws {
        let (a, json) = try Cases.assess(s.file)
        if case .some(let expected) = s.boneMetastasis { #expect(a.boneMetastasis == expected, "bone_metastasis") }
        let alerts = a.alerts.map(\.code.rawValue)
        for code in s.alerts { #expect(alerts.contains(code), "missing alert \(code); got \(alerts)") }
        for code in s.noAlerts { #expect(!alerts.contains(code), "unexpected alert \(code)") }
        let scores = json["scores"]
        for (id, expected) in s.scores {
            let score = try #require(scores?[id], "missing score \(id)")
            #expect(score["valid"] == true, "\(id) not valid: \(score["error"]?.stringValue ?? "")")
            for (key, value) in expected { #expect(score[key] == value, "\(id).\(key): expected \(value.serialized()), got \(score[key]?.serialized() ?? "nothing")") }
        }
        for id in s.invalidScores { #expect(scores?[id]?["valid"] == false, "\(id) should be shown as cannot score") }
        for id in s.noScores { #expect(scores?[id] == nil, "\(id) should not apply") }
        let plan = (a.imagingPlan + a.treatmentPlan + a.surveillance + a.prevention).map(\.code.rawValue)
        for code in s.plan { #expect(plan.contains(code), "missing plan item \(code); got \(plan)") }
        for code in s.noPlan { #expect(!plan.contains(code), "unexpected plan item \(code)") }
        let gaps = a.careGaps.map(\.code.rawValue)
        for code in s.gaps { #expect(gaps.contains(code), "missing care gap \(code); got \(gaps)") }
        for code in s.noGaps { #expect(!gaps.contains(code), "unexpected care gap \(code)") }
        let needed = a.dataNeeded.map(\.field)
        for field in s.dataNeeded { #expect(needed.contains(field), "data_needed lacks \(field); got \(needed)") }
        if let top = s.topDiagnosis { #expect(a.differential.first?.candidates.first?.diagnosis == top) }
    }

    /// Every item the assessment shows carries a reason and a citation.
    @Test(arguments: scenarios.map(\.file))
    func everyItemHasItsReasonAndCitation(_ file: String) throws {
        let (a, _) = try Cases.assess(file)
        for alert in a.alerts { #expect(!alert.reason.isEmpty && !alert.citations.isEmpty, "\(alert.code)") }
        for item in a.imagingPlan + a.treatmentPlan + a.surveillance + a.prevention {
            #expect(!item.reason.isEmpty && !item.citations.isEmpty, "\(item.code)")
        }
        for gap in a.careGaps { #expect(!gap.reason.isEmpty && !gap.citations.isEmpty, "\(gap.code)") }
        for s in a.scores where s.valid { #expect(s.json["citation"]?.stringValue?.isEmpty == false, "\(s.id)") }
    }

    @Test func alertsComeMostUrgentFirst() throws {
        for s in scenarios {
            let (a, _) = try Cases.assess(s.file)
            #expect(a.alerts.map(\.severity) == a.alerts.map(\.severity).sorted(), "\(s.file)")
        }
    }
}
