import OsteonDomain
import Testing

/// REFERENCE.md §7, §8, §10 and §15 beyond the public vignettes.
@Suite struct AJCCTests {
    let base: JSONValue = ["histology": "osteosarcoma, tibia", "greatest_dimension_cm": 8.0, "discontinuous_tumor_in_primary_bone": false,
                           "grade": "G2", "regional_nodes": "N0", "distant_metastases": "none"]

    @Test func eightCentimetresExactlyIsT1() {
        #expect(run(AJCC8BoneAppendicular.self, base)["T"] == "T1")
        #expect(run(AJCC8BoneAppendicular.self, with(base, [("greatest_dimension_cm", 8.01)]))["T"] == "T2")
    }

    @Test func stageGroups() {
        func stage(_ changes: [(String, JSONValue?)]) -> JSONValue? { run(AJCC8BoneAppendicular.self, with(base, changes))["stage_group"] }
        #expect(stage([]) == "IIA")
        #expect(stage([("greatest_dimension_cm", 9)]) == "IIB")
        #expect(stage([("discontinuous_tumor_in_primary_bone", true)]) == "III")
        #expect(stage([("discontinuous_tumor_in_primary_bone", true), ("grade", "G1")]) == "IB")
        #expect(stage([("regional_nodes", "N1")]) == "IVB")
        #expect(stage([("distant_metastases", "other_distant_sites")]) == "IVB")
        #expect(stage([("distant_metastases", "bone")]) == "IVB")
        #expect(stage([("distant_metastases", "lung_only"), ("grade", "G1")]) == "IVA")
        #expect(stage([("regional_nodes", "NX")]) == "IIA")
    }

    @Test func lymphomaAndMyelomaAreOutsideTheBoneChapter() {
        let out = run(AJCC8BoneAppendicular.self, with(base, [("histology", "diffuse large B-cell lymphoma of bone")]))
        #expect(out["error"] == "cannot score: histology invalid")
    }

    @Test func spineTCategories() {
        let spine: JSONValue = ["histology": "chordoma", "segments_involved": 2, "non_adjacent_segments": false, "spinal_canal_extension": false,
                                "great_vessel_extension": false, "grade": "G1", "regional_nodes": "N0", "distant_metastases": "none"]
        #expect(run(AJCC8BoneSpine.self, spine)["T"] == "T1")
        #expect(run(AJCC8BoneSpine.self, with(spine, [("segments_involved", 3)]))["T"] == "T2")
        #expect(run(AJCC8BoneSpine.self, with(spine, [("segments_involved", 4)]))["T"] == "T3")
        #expect(run(AJCC8BoneSpine.self, with(spine, [("non_adjacent_segments", true)]))["T"] == "T3")
        #expect(run(AJCC8BoneSpine.self, with(spine, [("spinal_canal_extension", true)]))["T"] == "T4a")
        #expect(run(AJCC8BoneSpine.self, spine)["stage_group"] == .null)
    }

    @Test func pelvisTCategories() {
        let pelvis: JSONValue = ["histology": "chondrosarcoma", "greatest_dimension_cm": 6, "pelvic_segments": 1, "extraosseous_extension": false,
                                 "crosses_sacroiliac_joint_to_neuroforamen": false, "encases_external_iliac_vessels_or_tumor_thrombus": false,
                                 "grade": "G2", "regional_nodes": "N0", "distant_metastases": "none"]
        #expect(run(AJCC8BonePelvis.self, pelvis)["T"] == "T1a")
        #expect(run(AJCC8BonePelvis.self, with(pelvis, [("greatest_dimension_cm", 9)]))["T"] == "T1b")
        #expect(run(AJCC8BonePelvis.self, with(pelvis, [("extraosseous_extension", true)]))["T"] == "T2a")
        #expect(run(AJCC8BonePelvis.self, with(pelvis, [("pelvic_segments", 2), ("extraosseous_extension", true)]))["T"] == "T3a")
        #expect(run(AJCC8BonePelvis.self, with(pelvis, [("pelvic_segments", 3)]))["T"] == "T4a")
        #expect(run(AJCC8BonePelvis.self, with(pelvis, [("encases_external_iliac_vessels_or_tumor_thrombus", true)]))["T"] == "T4b")
        #expect(run(AJCC8BonePelvis.self, pelvis)["provenance"] == "unverified")
    }
}

@Suite struct EnnekingHuvosTests {
    @Test(arguments: [("low", "intracompartmental", false, "IA"), ("low", "extracompartmental", false, "IB"),
                      ("high", "intracompartmental", false, "IIA"), ("high", "extracompartmental", false, "IIB"),
                      ("low", "intracompartmental", true, "IIIA"), ("high", "extracompartmental", true, "IIIB")])
    func malignantStages(grade: String, compartment: String, metastasis: Bool, stage: String) {
        let out = run(Enneking.self, ["grade": .string(grade), "compartment": .string(compartment), "metastasis_or_skip_or_node": .bool(metastasis)])
        #expect(out["stage"] == .string(stage))
    }

    @Test func benignStages() {
        #expect(run(Enneking.self, ["grade": "benign", "benign_activity": "aggressive"])["stage"] == "3")
        #expect(run(Enneking.self, ["grade": "benign"])["error"] == "cannot score: benign_activity missing")
    }

    @Test(arguments: [(0.0, "I"), (49.9, "I"), (50.0, "II"), (89.9, "II"), (90.0, "III"), (99.9, "III"), (100.0, "IV")])
    func huvosGrades(necrosis: Double, grade: String) {
        let out = run(Huvos.self, ["percent_necrosis": .double(necrosis)])
        #expect(out["huvos_grade"] == .string(grade))
        #expect(out["good_responder_ge_90_percent"] == .bool(necrosis >= 90))
    }
}

@Suite struct NOMSTests {
    let base: JSONValue = ["escc_grade": "2", "radiosensitivity": "radioresistant", "sins_total": 5, "medically_fit_for_surgery": false]

    @Test func unfitHighGradeRadioresistantGetsPalliativeCEBRT() {
        let out = run(NOMS.self, base)
        #expect(out["separation_surgery"] == false)
        #expect(out["radiation_plan"]?.stringValue?.contains("dexamethasone") == true)
        #expect(out["mechanical_instability_action"] == "no stabilization needed (stable)")
    }

    @Test func lowGradeRadioresistantGetsSBRT() {
        #expect(run(NOMS.self, with(base, [("escc_grade", "1b")]))["radiation_plan"] == "spine SBRT/SRS")
        #expect(run(NOMS.self, with(base, [("escc_grade", 0)]))["radiation_plan"] == "spine SBRT/SRS")
    }

    @Test func grade1cIsABoardDecision() {
        let out = run(NOMS.self, with(base, [("escc_grade", "1c"), ("medically_fit_for_surgery", true)]))
        #expect(out["board_decision_needed"] == true)
        #expect(out["separation_surgery"] == .null)
    }

    @Test func radiosensitiveIsCEBRTWhateverTheGrade() {
        let out = run(NOMS.self, with(base, [("escc_grade", "3"), ("radiosensitivity", "radiosensitive"), ("medically_fit_for_surgery", true)]))
        #expect(out["radiation_plan"] == "conventional external beam RT (cEBRT)")
        #expect(out["high_grade_escc"] == true)
    }

    @Test func esccGradeAlone() {
        #expect(run(ESCC.self, ["escc_grade": "1c"])["grade_class"] == "intermediate_1c")
        #expect(run(ESCC.self, ["escc_grade": 3])["high_grade_escc"] == true)
        #expect(run(ESCC.self, ["escc_grade": "4"])["error"] == "cannot score: escc_grade invalid")
    }
}

@Suite struct RadiotherapyTests {
    let base: JSONValue = ["site": "non_spine", "previously_irradiated": false, "cord_compression": false, "post_operative": false,
                           "good_performance_status": true, "planned_surgery": false, "neurological_symptoms": false]

    @Test func uncomplicatedPainfulLesionGetsSingle8GyAndSBRTIsOfferedWhenSelected() {
        let out = run(PalliativeRadiotherapy.self, base)
        #expect(out["recommendation"] == "single_fraction_8_gy")
        #expect(out["preferred"] == "8 Gy in 1 fraction")
        #expect(out["sbrt_option"] == true)
        #expect(run(PalliativeRadiotherapy.self, with(base, [("neurological_symptoms", true)]))["sbrt_option"] == false)
    }

    @Test func bedIsDerivedArithmetic() {
        let out = run(PalliativeRadiotherapy.self, base)
        guard case .array(let regimens)? = out["regimens"] else { Issue.record("no regimens"); return }
        #expect(regimens.map { $0["bed10_gy"]! } == [14.4, 28.0, 33.6, 39.0])
    }

    @Test func compression() {
        let compressed = with(base, [("site", "spine"), ("cord_compression", true)])
        #expect(run(PalliativeRadiotherapy.self, compressed)["error"] == "cannot score: surgical_candidate missing")
        #expect(run(PalliativeRadiotherapy.self, with(compressed, [("surgical_candidate", true)]))["recommendation"] == "surgery_then_postoperative_rt")
        let alone = run(PalliativeRadiotherapy.self, with(compressed, [("surgical_candidate", false)]))
        #expect(alone["recommendation"] == "rt_alone_for_compression")
        #expect(alone["dexamethasone"] == true)
    }

    @Test func reirradiationAfterMoreThanOneMonth() {
        let again = with(base, [("site", "spine"), ("previously_irradiated", true)])
        #expect(run(PalliativeRadiotherapy.self, again)["error"] == "cannot score: months_since_previous_rt missing")
        #expect(run(PalliativeRadiotherapy.self, with(again, [("months_since_previous_rt", 1)]))["recommendation"] == "too_soon_for_reirradiation")
        let out = run(PalliativeRadiotherapy.self, with(again, [("months_since_previous_rt", 3)]))
        #expect(out["recommendation"] == "reirradiation")
        #expect(out.serialized().contains("20 Gy in 8 fractions"))
    }

    /// REFERENCE §18.1.5: expected survival < 4 weeks does not withdraw RT for pain (ASTRO 2024): a single 8 Gy fraction.
    @Test func shortExpectedSurvivalStillGetsASingle8GyFractionForPain() {
        let out = run(PalliativeRadiotherapy.self, with(base, [("expected_survival_weeks", 3)]))
        #expect(out["recommendation"] == "single_fraction_8_gy")
        #expect(out["preferred"] == "8 Gy in 1 fraction")
        #expect(out["recommendation_text"]?.stringValue?.contains("best supportive care") == false)
        #expect(out["sbrt_option"] == false)
    }
}

@Suite struct ReadabilityTests {
    @Test func publishedExampleFromText() {
        let out = run(Readability.self, ["text": "The cat sat on the mat."])
        #expect(out["words"] == 6)
        #expect(out["sentences"] == 1)
        #expect(out["syllables"] == 6)
        #expect(out["flesch_reading_ease"] == 116.145)
    }

    /// Pinned syllable counts of the counter (dictionary values).
    @Test(arguments: [("bone", 1), ("cancer", 2), ("table", 2), ("tumour", 2), ("radiation", 4), ("biopsy", 3), ("scanned", 1),
                      ("fracture", 2), ("medicine", 3), ("calcium", 3), ("spine", 1), ("boxes", 2), ("wanted", 2), ("x-ray", 2)])
    func syllables(word: String, count: Int) {
        #expect(TextCounter.syllables(in: word) == count)
    }

    @Test func gradeTargets() {
        let hard = run(Readability.self, ["words": 100, "sentences": 4, "syllables": 170])
        #expect(hard["meets_grade_8_target"] == false)
        let plain = run(Readability.self, ["text": "This is a short note. It has small words. You can read it."])
        #expect(plain["meets_grade_6_target"] == true)
    }
}
