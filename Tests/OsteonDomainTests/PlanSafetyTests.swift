import OsteonDomain
import Testing

/// One whole-case scenario per finding of "Clinical safety of the plan", each
/// written from REFERENCE.md (§9, §13, §18), asserting what must appear and
/// naming the wrong recommendation that must not. They read the JSON edge only,
/// so they run unchanged against the code from before the fix (where they fail).
enum Plan {
    static let day = Day("2026-11-26")!

    static func assess(_ c: JSONValue, on day: Day = day) throws -> JSONValue {
        let read = try CaseReader.read(c)
        return Assessor.assess(read.patientCase, asOf: day, inputProblems: read.problems, unknownKeys: read.unknownKeys).json
    }

    static func codes(_ a: JSONValue, _ section: String) -> [String] {
        (a[section]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
    }
    static func items(_ a: JSONValue) -> [JSONValue] {
        ["imaging_plan", "treatment_plan", "surveillance", "prevention"].flatMap { a[$0]?.arrayValue ?? [] }
    }
    static func planCodes(_ a: JSONValue) -> [String] { items(a).compactMap { $0["code"]?.stringValue } }
    static func planText(_ a: JSONValue) -> String { items(a).compactMap { $0["text"]?.stringValue }.joined(separator: "\n") }
    static func alerts(_ a: JSONValue) -> [String] { codes(a, "alerts") }
    static func gaps(_ a: JSONValue) -> [String] { codes(a, "care_gaps") }
    static func needed(_ a: JSONValue) -> [String] { (a["data_needed"]?.arrayValue ?? []).compactMap { $0["field"]?.stringValue } }
    static func score(_ a: JSONValue, _ id: String) -> JSONValue? { a["scores"]?[id] }

    static let labsNormal: [JSONValue] = [
        ["test": "crp", "value": 0.2, "unit": "mg/dL", "date": "2026-11-20"], ["test": "ldh", "value": 180, "unit": "U/L", "date": "2026-11-20"],
        ["test": "platelets", "value": 250, "unit": "10*9/L", "date": "2026-11-20"], ["test": "bilirubin", "value": 0.6, "unit": "mg/dL", "date": "2026-11-20"],
    ]
    static func calcium(_ ca: Double, albumin: Double?, on day: String = "2026-11-20", albuminDay: String? = nil) -> [JSONValue] {
        var out: [JSONValue] = [["test": "calcium", "value": .double(ca), "unit": "mg/dL", "date": .string(day)]]
        if let albumin { out.append(["test": "albumin", "value": .double(albumin), "unit": "g/dL", "date": .string(albuminDay ?? day)]) }
        return out
    }
    static func creatinine(_ v: Double, on day: String = "2026-11-20") -> JSONValue {
        ["test": "creatinine", "value": .double(v), "unit": "mg/dL", "date": .string(day)]
    }

    /// A breast-cancer patient with one painful lytic rib metastasis and a full record.
    static func breast(_ changes: [(String, JSONValue?)] = []) -> JSONValue {
        with([
            "patient_id": "S-BR", "patient": ["birth_date": "1960-05-01", "sex": "female", "weight_kg": 70, "weight_kind": "actual"],
            "cancers": [["primary_site": "breast", "hormone_status": "hormone_dependent", "stage": "IV"]],
            "lesions": [["id": "L1", "bone": "rib", "origin": "metastasis", "phenotype": "lytic", "pain": "moderate", "detected_date": "2026-10-01"]],
            "skeletal_metastasis_counts": ["extraspinal": 1, "vertebral": 0], "other_metastases": [],
            "labs": .array(labsNormal + calcium(9.4, albumin: 4.0) + [creatinine(0.9)]),
            "performance_status": ["ecog": 1, "kps": 80], "medications": [], "dental": ["last_evaluation_date": "2026-10-15"],
            "neurology": ["new_weakness": false, "sensory_level": false, "bladder_bowel_dysfunction": false, "frankel_grade": "E"],
        ], changes)
    }

    /// A spinal metastasis at T8 with the SINS inputs for a stable spine (SINS 5: semirigid 1, mechanical 3, mixed 1).
    static func spinalLesion(escc: String, level: String = "T8") -> JSONValue {
        ["id": "S1", "bone": "vertebra", "level": .string(level), "origin": "metastasis", "phenotype": "mixed", "pain": "mechanical",
         "alignment": "normal", "vertebral_body_collapse": "none_of_the_above", "posterolateral_involvement": "none", "escc_grade": .string(escc),
         "detected_date": "2026-11-01"]
    }
}

@Suite struct PlanSafetyTests {
    typealias P = Plan

    // §18.1.1: myeloma (radiosensitive), ESCC 2, no deficit, stable spine.
    @Test func radiosensitiveCompressionWithAStableSpineGetsRadiotherapyNotSurgeryFirst() throws {
        let a = try P.assess(P.breast([
            ("patient_id", "S-MM"), ("cancers", [["primary_site": "myeloma"]]), ("lesions", [P.spinalLesion(escc: "2")]),
            ("skeletal_metastasis_counts", ["extraspinal": 0, "vertebral": 1]), ("fit_for_surgery", true),
        ]))
        #expect(P.score(a, "sins")?["total"] == 5)
        let plan = P.planCodes(a)
        #expect(!plan.contains("radiotherapy_surgery_then_postoperative_rt"), "surgical decompression first proposed for a radiosensitive tumour")
        #expect(!P.planText(a).contains("Surgical decompression"))
        #expect(!P.planText(a).lowercased().contains("decompression or separation surgery"))
        #expect(plan.contains("radiotherapy_rt_alone_for_compression"))
        #expect(plan.contains("dexamethasone_with_radiotherapy"))
        // Myeloma's radiosensitivity reaches NOMS (§18.1.1, "myeloma's radiosensitivity never reaches NOMS").
        #expect(P.score(a, "noms")?["valid"] == true)
        #expect(P.score(a, "noms")?["radiation_plan"] == "conventional external beam RT (cEBRT)")
    }

    // §18.1.2: compression is decided before any re-irradiation timing.
    @Test func aPreviousCourseNeverRemovesSurgeryForCompressionInAFitPatient() throws {
        let a = try P.assess(P.breast([
            ("patient_id", "S-RCC"), ("cancers", [["primary_site": "kidney"]]), ("lesions", [P.spinalLesion(escc: "3")]),
            ("skeletal_metastasis_counts", ["extraspinal": 0, "vertebral": 1]), ("fit_for_surgery", true),
            ("radiotherapy", [["lesion_id": "S1", "dose_gy": 8, "fractions": 1, "date": "2026-11-12"]]),
            ("neurology", ["new_weakness": true, "frankel_grade": "D", "symptom_onset": "2026-11-25"]),
        ]))
        let plan = P.planCodes(a)
        #expect(!plan.contains("radiotherapy_too_soon_for_reirradiation"), "re-irradiation timing ran before the compression branch")
        #expect(!P.planText(a).contains("Too soon to consider re-irradiation"))
        #expect(plan.contains("radiotherapy_surgery_then_postoperative_rt"))
        #expect(plan.contains("spine_surgery_consultation"))
    }

    // §9.1, §18.2.2: a rise of ≥ 0.5 mg/dL from a normal baseline withholds; the dose is never re-set from the new creatinine.
    @Test func aCreatinineRiseOnZoledronicAcidWithholdsInsteadOfReducingTheDose() throws {
        let a = try P.assess(P.breast([
            ("labs", .array(P.labsNormal + P.calcium(9.4, albumin: 4.0) + [P.creatinine(0.9, on: "2026-01-05"), P.creatinine(1.6)])),
            ("medications", [["agent": "zoledronic_acid", "status": "active", "start_date": "2026-01-10", "last_dose_date": "2026-10-25",
                              "interval": "q4w", "dose_mg": 4.0], ["name": "calcium and vitamin D", "class": "calcium_vitamin_d", "status": "active"]]),
        ]))
        let text = P.planText(a)
        #expect(!text.contains("Reduce to"), "the label says withhold, not reduce")
        #expect(!(a["alerts"]?.arrayValue ?? []).contains { $0["action"]?.stringValue?.contains("Reduce to") == true })
        #expect(!P.alerts(a).contains("zoledronic_acid_dose_above_renal_band"))
        #expect(!P.codes(a, "treatment_plan").contains("continue_bone_modifying_agent"))
        #expect(P.codes(a, "treatment_plan").contains("withhold_zoledronic_acid"))
        #expect(P.alerts(a).contains("zoledronic_acid_withheld"))
        #expect(text.contains("within 10 % of baseline") && text.contains("same dose"))
        // The dose stays the one of the baseline clearance: 4 mg (CrCl 86.1 mL/min), not the 3.3 mg of creatinine 1.6.
        #expect(P.score(a, "zoledronic_acid_renal_dose")?["dose_mg"] == 4.0)
        // No next dose is scheduled while withheld.
        #expect(!P.codes(a, "surveillance").contains("zoledronic_acid_next_dose"))
    }

    @Test func resumingAfterAWithheldDoseKeepsTheSameDose() throws {
        let a = try P.assess(P.breast([
            ("labs", .array(P.labsNormal + P.calcium(9.4, albumin: 4.0) + [P.creatinine(0.9, on: "2026-01-05"), P.creatinine(0.95)])),
            ("medications", [["agent": "zoledronic_acid", "status": "on_hold", "start_date": "2026-01-10", "last_dose_date": "2026-08-25",
                              "interval": "q4w", "dose_mg": 4.0]]),
        ]))
        #expect(P.planText(a).contains("Resume zoledronic acid at 4 mg"))
    }

    // §18.3.2: missing albumin does not hide hypercalcaemia.
    @Test func totalCalciumWithoutAlbuminStillAlerts() throws {
        let a = try P.assess(P.breast([("labs", .array(P.labsNormal + P.calcium(14.5, albumin: nil) + [P.creatinine(0.9)]))]))
        let alerts = a["alerts"]?.arrayValue ?? []
        let alert = try #require(alerts.first { $0["code"] == "hypercalcaemia_uncorrected" }, "no alert for total calcium 14.5 mg/dL without albumin")
        // 14.5 − 0.8 = 13.7: moderate, so urgent.
        #expect(alert["severity"] == "urgent")
        #expect(alert["title"]?.stringValue?.contains("albumin missing") == true)
        #expect(alert["reason"]?.stringValue?.contains("13.7") == true)
        #expect(P.needed(a).contains("labs.albumin"))
        #expect(P.codes(a, "treatment_plan").contains("treat_hypercalcaemia"))
    }

    // §18.3.3: calcium and albumin months apart are not paired.
    @Test func calciumAndAlbuminFromDifferentDaysAreNotPaired() throws {
        let a = try P.assess(P.breast([("labs", .array(P.labsNormal + P.calcium(11.6, albumin: 2.5, on: "2026-11-20", albuminDay: "2026-06-01") + [P.creatinine(0.9)]))]))
        // Paired silently, 11.6 + 0.8 × 1.5 = 12.8 (moderate). Unpaired: at least 10.8 (mild), uncorrected.
        #expect(!P.alerts(a).contains("hypercalcaemia_moderate"))
        #expect(P.alerts(a).contains("hypercalcaemia_uncorrected"))
        #expect((a["warnings"]?.arrayValue ?? []).contains { $0.stringValue?.contains("not from the same day") == true })
        #expect(P.score(a, "corrected_calcium")?["valid"] == false)
    }

    // §18.3.1: never advise calcium or vitamin D while hypercalcaemic.
    @Test func hypercalcaemiaForbidsCalciumAndVitaminDAdvice() throws {
        let a = try P.assess(P.breast([
            ("labs", .array(P.labsNormal + P.calcium(12.0, albumin: 3.0) + [P.creatinine(0.9)])),
            ("medications", [["agent": "denosumab", "status": "active", "start_date": "2026-09-01", "last_dose_date": "2026-11-05"]]),
        ]))
        #expect(P.score(a, "corrected_calcium")?["corrected_calcium_mg_dl"] == 12.8)
        let out = a.serialized()
        #expect(!out.contains("Calcium 500 mg and vitamin D 400 IU daily"), "supplements advised at corrected calcium 12.8 mg/dL")
        #expect(!P.planText(a).contains("Calcium and vitamin D as needed"))
        #expect(!P.gaps(a).contains("calcium_vitamin_d_missing"))
        #expect((a["not_advised"]?.arrayValue ?? []).contains { $0["what"]?.stringValue?.contains("calcium or vitamin D") == true })
    }

    // §18.3.4: hypocalcaemia on denosumab.
    @Test func hypocalcaemiaOnDenosumabAlertsAndStopsTheNextDose() throws {
        let a = try P.assess(P.breast([
            ("labs", .array(P.labsNormal + P.calcium(7.0, albumin: 4.0) + [P.creatinine(0.9)])),
            ("medications", [["agent": "denosumab", "status": "active", "start_date": "2026-09-01", "last_dose_date": "2026-11-05"]]),
        ]))
        let alert = try #require((a["alerts"]?.arrayValue ?? []).first { $0["code"] == "hypocalcaemia" }, "no alert at corrected calcium 7.0 mg/dL")
        #expect(alert["title"]?.stringValue?.contains("grade 2") == true)
        #expect(!P.planText(a).contains("Continue denosumab"), "denosumab continued at corrected calcium 7.0 mg/dL")
        #expect(!P.codes(a, "surveillance").contains("denosumab_next_dose"))
        #expect(P.codes(a, "treatment_plan").contains("correct_hypocalcaemia"))
        #expect(P.gaps(a).contains("hypocalcaemia_before_bma"))
    }

    @Test func hypocalcaemiaUsesTheLaboratoryLowerLimitWhenGiven() throws {
        // 8.6 mg/dL is normal against the default 8.5 but below this laboratory's 8.8.
        let labs: [JSONValue] = P.labsNormal + [["test": "calcium", "value": 8.6, "unit": "mg/dL", "date": "2026-11-20", "reference_low": 8.8],
                                               ["test": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-20"], P.creatinine(0.9)]
        #expect(P.alerts(try P.assess(P.breast([("labs", .array(labs))]))).contains("hypocalcaemia"))
        #expect(!P.alerts(try P.assess(P.breast([("labs", .array(P.labsNormal + P.calcium(8.6, albumin: 4.0) + [P.creatinine(0.9)]))]))).contains("hypocalcaemia"))
    }

    // §18.2.1: castration-sensitive prostate cancer: insufficient evidence, no gap.
    @Test func castrationSensitiveProstateCancerIsNotAMissedBoneModifyingAgent() throws {
        let a = try P.assess(P.breast([
            ("patient_id", "S-PR"), ("patient", ["birth_date": "1950-01-01", "sex": "male", "weight_kg": 80, "weight_kind": "actual"]),
            ("cancers", [["primary_site": "prostate", "hormone_status": "castration_sensitive", "stage": "IV"]]),
            ("lesions", [["id": "L1", "bone": "pelvis", "origin": "metastasis", "phenotype": "blastic", "pain": "moderate"]]),
            ("medications", [["name": "degarelix", "class": "hormonal", "status": "active"]]),
        ]))
        #expect(!P.gaps(a).contains("bma_not_prescribed"), "castration-sensitive disease flagged as a missed bone-modifying agent")
        #expect(!P.codes(a, "treatment_plan").contains("start_bone_modifying_agent"))
        #expect(P.codes(a, "treatment_plan").contains("no_bone_modifying_agent_castration_sensitive"))
        // Unknown castration status is asked for, not assumed.
        let unknown = try P.assess(P.breast([
            ("patient_id", "S-PR2"), ("patient", ["birth_date": "1950-01-01", "sex": "male", "weight_kg": 80, "weight_kind": "actual"]),
            ("cancers", [["primary_site": "prostate", "stage": "IV"]]),
            ("lesions", [["id": "L1", "bone": "pelvis", "origin": "metastasis", "phenotype": "blastic", "pain": "moderate"]]),
        ]))
        #expect(!P.gaps(unknown).contains("bma_not_prescribed"))
        #expect(P.needed(unknown).contains("cancers[0].hormone_status"))
        // Castration-resistant: indicated.
        let resistant = try P.assess(P.breast([
            ("patient_id", "S-PR3"), ("patient", ["birth_date": "1950-01-01", "sex": "male", "weight_kg": 80, "weight_kind": "actual"]),
            ("cancers", [["primary_site": "prostate", "hormone_status": "castration_resistant", "stage": "IV"]]),
            ("lesions", [["id": "L1", "bone": "pelvis", "origin": "metastasis", "phenotype": "blastic", "pain": "moderate"]]),
        ]))
        #expect(P.gaps(resistant).contains("bma_not_prescribed"))
    }

    // §18.2.3: a bone-modifying agent without a status is asked about.
    @Test func aBoneModifyingAgentWithoutAStatusIsAskedAboutNotContinued() throws {
        let a = try P.assess(P.breast([("medications", [["agent": "zoledronic_acid", "last_dose_date": "2021-03-01", "interval": "q4w"]])]))
        #expect(!P.planText(a).contains("Continue zoledronic acid"), "a 2021 zoledronic acid without a status was continued")
        #expect(P.codes(a, "treatment_plan").contains("ask_bone_modifying_agent_status"))
        #expect(P.needed(a).contains("medications[0].status"))
        #expect(!P.gaps(a).contains("bma_not_prescribed"))
        #expect(!P.codes(a, "surveillance").contains("zoledronic_acid_next_dose"))
    }

    @Test func noMedicationListGivesNoBoneModifyingAgentGap() throws {
        let a = try P.assess(P.breast([("medications", nil)]))
        #expect(!P.gaps(a).contains("bma_not_prescribed"), "a medication list that was never recorded produced a care gap")
        #expect(P.needed(a).contains("medications"))
    }

    @Test func aCompletedCourseIsAStoppedAgentNotANeverGivenOne() throws {
        let a = try P.assess(P.breast([("medications", [["agent": "zoledronic_acid", "status": "completed", "last_dose_date": "2025-02-01"]])]))
        #expect(!P.gaps(a).contains("bma_not_prescribed"), "a completed course reported as never prescribed")
        let gap = try #require((a["care_gaps"]?.arrayValue ?? []).first { $0["code"] == "bma_interrupted" })
        #expect(gap["reason"]?.stringValue?.contains("2025-02-01") == true)
        #expect(!(a["treatment_plan"]?.arrayValue ?? []).contains { $0["reason"]?.stringValue?.contains("without a bone-modifying agent") == true && $0["code"] == "start_bone_modifying_agent" && !($0["text"]?.stringValue?.contains("Restart") ?? false) })
    }

    // §9.4: denosumab for bisphosphonate-refractory hypercalcaemia has loading doses on days 8 and 15.
    @Test func bisphosphonateRefractoryHypercalcaemiaGetsDenosumabLoadingDoses() throws {
        let a = try P.assess(P.breast([
            ("labs", .array(P.labsNormal + P.calcium(12.6, albumin: 3.5) + [P.creatinine(0.9)])),
            ("medications", [["agent": "zoledronic_acid", "status": "completed", "indication": "hypercalcaemia_of_malignancy", "last_dose_date": "2026-11-06"],
                             ["agent": "denosumab", "status": "active", "indication": "hypercalcaemia_refractory_to_bisphosphonate", "start_date": "2026-11-18",
                              "last_dose_date": "2026-11-18"]]),
        ]))
        let text = P.planText(a)
        #expect(text.contains("days 8 and 15"), "no loading doses for refractory hypercalcaemia")
        // The next dose is the day-8 loading dose, not four weeks later.
        let next = (a["surveillance"]?.arrayValue ?? []).first { $0["code"] == "denosumab_next_dose" }
        #expect(next?["due"] == "2026-11-25")
        // The rule itself gives the loading doses for this indication.
        let rule = run(DenosumabChecks.self, ["indication": "hypercalcemia_refractory_to_bisphosphonate", "hypocalcemia_present": false,
                                              "calcium_vitamin_d_prescribed": false, "crcl_ml_min": 80, "on_dialysis": false, "dental_evaluation_done": true])
        #expect(rule["regimen"]?.stringValue?.contains("days 8 and 15") == true)
    }

    // §13, §18.4: myeloma imaging is whole-body low-dose CT.
    @Test func myelomaGetsWholeBodyLowDoseCTNotABoneScan() throws {
        let a = try P.assess(P.breast([
            ("patient_id", "S-MM2"), ("cancers", [["primary_site": "myeloma"]]),
            ("lesions", [["id": "L1", "bone": "humerus", "region": "diaphysis", "origin": "primary", "phenotype": "lytic", "pain": "mild", "size_fraction": 0.2]]),
            ("skeletal_metastasis_counts", nil),
        ]))
        let imaging = P.codes(a, "imaging_plan")
        #expect(!imaging.contains("whole_skeleton_survey"), "bone scan or PET proposed for myeloma")
        #expect(!(a["imaging_plan"]?.arrayValue ?? []).contains { $0["text"]?.stringValue?.hasPrefix("Bone scan") == true })
        #expect(imaging.contains("whole_body_low_dose_ct"))
    }

    // §13 survivorship row, §18.4: no routine staging years after curative treatment.
    @Test func aBreastCancerInRemissionGetsNoRoutineStaging() throws {
        let a = try P.assess([
            "patient_id": "S-SURV", "patient": ["birth_date": "1962-02-02", "sex": "female"],
            "cancers": [["primary_site": "breast", "stage": "IIIA", "diagnosis_date": "2018-03-01", "end_of_treatment_date": "2019-01-15",
                         "clinical_status": "remission"]],
            "lesions": [], "neurology": ["back_pain": false],
        ])
        let imaging = P.codes(a, "imaging_plan")
        #expect(!imaging.contains("breast_systemic_staging"), "systemic staging CT and bone scan years after curative treatment")
        #expect(imaging.contains("no_routine_imaging_survivorship"))
    }

    // §13, §18.4: the unknown-origin work-up scans are imaging-plan items.
    @Test func unknownOriginWorkUpScansAreImagingItems() throws {
        let a = try P.assess([
            "patient_id": "S-CUP", "patient": ["birth_date": "1955-07-07", "sex": "male"],
            "lesions": [["id": "L1", "bone": "pelvis", "phenotype": "lytic", "pain": "moderate"]],
        ])
        let imaging = P.codes(a, "imaging_plan")
        #expect(imaging.contains("ct_chest_abdomen_pelvis"), "work-up scans only as free text in the treatment plan")
        #expect(imaging.contains("bone_scan_or_pet") || imaging.contains("whole_body_low_dose_ct"))
        #expect(P.codes(a, "treatment_plan").contains("confirm_diagnosis"))
    }

    // §18.5: counts are facts, not derivations from the lesions entered.
    @Test func oneLesionIsNotACountOfVertebraeOrOfMetastases() throws {
        let a = try P.assess(P.breast([
            ("lesions", [P.spinalLesion(escc: "1a", level: "T11-L1")]), ("skeletal_metastasis_counts", nil),
        ]))
        for id in ["tokuhashi_revised_2005", "tomita_2001", "katagiri_new_2014"] {
            #expect(P.score(a, id)?["valid"] == false, "\(id) scored from one lesion as if it were a count")
        }
        let needed = P.needed(a)
        #expect(needed.contains("skeletal_metastasis_counts.extraspinal") || needed.contains("skeletal_metastasis_counts"))
        // With the counts recorded the scores run.
        let counted = try P.assess(P.breast([("lesions", [P.spinalLesion(escc: "1a", level: "T11-L1")]),
                                             ("skeletal_metastasis_counts", ["extraspinal": 4, "vertebral": 3])]))
        #expect(P.score(counted, "tokuhashi_revised_2005")?["valid"] == true)
        #expect(P.score(counted, "tomita_2001")?["valid"] == true)
    }

    // §18.5: AJCC site group follows the bone; never appendicular by default.
    @Test func anIliacOsteosarcomaIsStagedAsPelvis() throws {
        let a = try P.assess([
            "patient_id": "S-OS", "patient": ["birth_date": "2010-01-01", "sex": "male"],
            "cancers": [["primary_site": "osteosarcoma", "staging": ["greatest_dimension_cm": 9, "discontinuous_tumor_in_primary_bone": false, "grade": "G3",
                                                                    "regional_nodes": "N0", "distant_metastases": "none", "compartment": "extracompartmental",
                                                                    "pelvic_segments": 1, "extraosseous_extension": true,
                                                                    "crosses_sacroiliac_joint_to_neuroforamen": false,
                                                                    "encases_external_iliac_vessels_or_tumor_thrombus": false]]],
            "lesions": [["id": "L1", "bone": "ilium", "origin": "primary"]],
        ])
        #expect(P.score(a, "ajcc8_bone_appendicular_trunk_skull") == nil, "an iliac tumour staged as appendicular (stage IIB)")
        #expect(P.score(a, "ajcc8_bone_pelvis")?["T"] == "T2b")
        // Without a bone or site group the site group is asked for.
        let unknown = try P.assess(["patient_id": "S-OS2", "cancers": [["primary_site": "osteosarcoma", "staging": ["grade": "G3"]]]])
        #expect(P.score(unknown, "ajcc8_bone_appendicular_trunk_skull") == nil)
        #expect(P.needed(unknown).contains("cancers[0].staging.site_group"))
    }

    // §18.5: Enneking has no GX.
    @Test func ennekingCannotStageGX() throws {
        let a = try P.assess([
            "patient_id": "S-GX", "cancers": [["primary_site": "chondrosarcoma", "staging": ["site_group": "appendicular_trunk_skull", "grade": "GX",
                                                                                             "compartment": "intracompartmental", "regional_nodes": "N0",
                                                                                             "distant_metastases": "none", "greatest_dimension_cm": 5,
                                                                                             "discontinuous_tumor_in_primary_bone": false]]],
        ])
        let enneking = P.score(a, "enneking_msts")
        #expect(enneking?["valid"] == false, "Enneking staged GX as low grade (\(enneking?["stage"]?.stringValue ?? ""))")
        #expect(P.needed(a).contains("cancers[0].staging.grade"))
        // AJCC groups GX with low grade (✔).
        #expect(P.score(a, "ajcc8_bone_appendicular_trunk_skull")?["stage_group"] == "IA")
    }

    // §8.2: a spine segment is one of five per vertebra, not a vertebral level.
    @Test func spineSegmentsAreExplainedAsFivePerVertebra() throws {
        let a = try P.assess(["patient_id": "S-CH", "cancers": [["primary_site": "chordoma", "staging": ["site_group": "spine", "grade": "G1"]]]])
        let detail = (a["data_needed"]?.arrayValue ?? []).first { $0["field"] == "cancers[0].staging.segments_involved" }?["detail"]?.stringValue
        #expect(detail?.contains("five") == true && detail?.contains("pedicle") == true, "segments described as \(detail ?? "nothing")")
    }

    // §18.1.4: SBRT for good performance status, no planned surgery, no neurological signs.
    @Test func sbrtIsOfferedWhenItsThreeConditionsAreRecorded() throws {
        let a = try P.assess(P.breast([("performance_status", ["ecog": 0, "kps": 90]), ("lesions", [P.spinalLesion(escc: "1a")]),
                                       ("skeletal_metastasis_counts", ["extraspinal": 0, "vertebral": 1])]))
        let rt = try #require((a["treatment_plan"]?.arrayValue ?? []).first { $0["code"]?.stringValue?.hasPrefix("radiotherapy_") == true })
        #expect(rt["details"]?["sbrt_option"] == true, "SBRT never offered: good performance status is never evaluated")
        // ECOG 2 is not good performance status (Osteon: ECOG 0–1).
        let ecog2 = try P.assess(P.breast([("performance_status", ["ecog": 2, "kps": 60]), ("lesions", [P.spinalLesion(escc: "1a")]),
                                           ("skeletal_metastasis_counts", ["extraspinal": 0, "vertebral": 1])]))
        let rt2 = try #require((ecog2["treatment_plan"]?.arrayValue ?? []).first { $0["code"]?.stringValue?.hasPrefix("radiotherapy_") == true })
        #expect(rt2["details"]?["sbrt_option"] == false)
    }

    // §18.1.5: under 4 weeks expected survival, a single 8 Gy fraction for pain.
    @Test func shortExpectedSurvivalGetsASingleFractionNotSupportiveCareOnly() throws {
        let a = try P.assess(P.breast([("expected_survival_weeks", 3)]))
        let text = P.planText(a)
        #expect(!text.lowercased().contains("best supportive care"), "RT withdrawn for pain at < 4 weeks")
        #expect(P.planCodes(a).contains("radiotherapy_single_fraction_8_gy"))
        #expect(text.contains("single 8 Gy fraction"))
    }

    // §18.2.4: hypercalcaemia with renal impairment: one hypercalcaemia dose, the ongoing dose after rehydration.
    @Test func hypercalcaemiaWithRenalImpairmentShowsOneExplainedDose() throws {
        // Female 75 y, 55 kg, creatinine 1.4: CrCl 33.4 mL/min (3.0 mg band) — and corrected calcium 13.0.
        let a = try P.assess(P.breast([
            ("patient", ["birth_date": "1951-01-01", "sex": "female", "weight_kg": 55, "weight_kind": "actual"]),
            ("labs", .array(P.labsNormal + P.calcium(12.2, albumin: 3.0) + [P.creatinine(1.4)])),
        ]))
        let text = P.planText(a)
        #expect(!(text.contains("4 mg") && text.contains("Zoledronic acid 3 mg IV")), "two zoledronic acid doses side by side")
        #expect(!text.contains("Zoledronic acid 3 mg IV"))
        #expect(text.contains("after rehydration"))
        #expect(P.score(a, "zoledronic_acid_renal_dose")?["indication"] == "hypercalcemia_of_malignancy")
        #expect(P.score(a, "zoledronic_acid_renal_dose")?["dose_mg"] == 4.0)
    }

    // §18.1.6: hormone-naive prostate cancer with cord compression (◐ board prompt).
    @Test func hormoneNaiveProstateCancerWithCordCompressionPromptsAndrogenDeprivation() throws {
        let a = try P.assess(P.breast([
            ("patient_id", "S-PR4"), ("patient", ["birth_date": "1948-01-01", "sex": "male", "weight_kg": 80, "weight_kind": "actual"]),
            ("cancers", [["primary_site": "prostate", "hormone_status": "hormone_dependent", "stage": "IV"]]),
            ("lesions", [P.spinalLesion(escc: "2")]), ("skeletal_metastasis_counts", ["extraspinal": 2, "vertebral": 1]),
            ("neurology", ["new_weakness": true, "symptom_onset": "2026-11-25"]), ("fit_for_surgery", false),
        ]))
        let item = try #require((a["treatment_plan"]?.arrayValue ?? []).first { $0["code"] == "androgen_deprivation_for_mscc" })
        #expect(item["category"] == "board_prompt")
        #expect(item["text"]?.stringValue?.contains("◐") == true)
        // §18.5: germline testing for metastatic prostate cancer.
        #expect(P.codes(a, "prevention").contains("germline_testing_metastatic_prostate"))
    }

    // Every plan item names the recorded facts behind it.
    @Test func planItemsNameTheirTriggeringFacts() throws {
        let a = try P.assess(P.breast([("labs", .array(P.labsNormal + P.calcium(12.0, albumin: 3.0) + [P.creatinine(0.9)]))]))
        let hcm = try #require((a["treatment_plan"]?.arrayValue ?? []).first { $0["code"] == "treat_hypercalcaemia" })
        let facts = hcm["triggered_by"]?.arrayValue ?? []
        #expect(facts.contains { $0["path"] == "labs.calcium" && $0["value"]?.stringValue?.contains("12") == true })
        #expect(facts.contains { $0["path"] == "labs.albumin" })
    }
}

extension PlanSafetyTests {
    // §9.1: the weight's kind is asked for, not assumed.
    @Test func aWeightWithoutItsKindIsAskedFor() throws {
        let a = try P.assess(P.breast([("patient", ["birth_date": "1960-05-01", "sex": "female", "weight_kg": 70])]))
        #expect(P.needed(a).contains("patient.weight_kind"))
    }

    // §1, global rule 1: a femoral lesion without its region could be peritrochanteric (3 points): ask.
    @Test func aFemoralLesionWithoutARegionAsksForTheMirelsSite() throws {
        let a = try P.assess(P.breast([("lesions", [["id": "L1", "bone": "femur", "origin": "metastasis", "phenotype": "lytic", "pain": "functional",
                                                     "size_fraction": 0.5]])]))
        #expect(P.score(a, "mirels")?["valid"] == false, "a femur without its region was scored as 'lower limb'")
        #expect(P.needed(a).contains("lesions[L1].mirels_site"))
    }
}

@Suite struct StableCodeTests {
    /// Every alert, gap and plan code the assessment can emit is documented in the README.
    @Test func theReadmeDocumentsEveryCode() throws {
        let readme = try String(contentsOf: Cases.dir.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        for code in AlertCode.allCases.map(\.rawValue) + GapCode.allCases.map(\.rawValue) {
            #expect(readme.contains("`\(code)`"), "README lacks \(code)")
        }
        for code in PlanCode.all {
            if case .predisposition = code { continue }
            #expect(readme.contains("`\(code.rawValue)`"), "README lacks \(code.rawValue)")
        }
        #expect(readme.contains("`predisposition_<syndrome>`"))
        // The codes that existed before stay.
        for kept in ["bma_not_prescribed", "surgical_review_missing", "mscc_imaging_overdue", "dental_check_missing", "dental_follow_up_overdue",
                     "calcium_vitamin_d_missing", "creatinine_check_missing", "surveillance_overdue", "sarcoma_centre_referral_missing",
                     "biopsy_before_sarcoma_referral", "germline_testing_not_offered"] {
            #expect(GapCode(rawValue: kept) != nil, "\(kept)")
        }
    }
}
