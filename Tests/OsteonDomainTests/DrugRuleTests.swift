import OsteonDomain
import Testing

/// REFERENCE.md §9: Cockcroft–Gault, zoledronic acid, denosumab, MRONJ, calcium.
@Suite struct CockcroftGaultTests {
    /// Published worked examples (◐ superglobalcalculator, REFERENCE §9.2).
    @Test func publishedExamples() {
        #expect(run(CockcroftGault.self, ["age_years": 65, "weight_kg": 70, "serum_creatinine_mg_dl": 1.4, "sex": "male"])["crcl_ml_min"] == 52.1)
        #expect(run(CockcroftGault.self, ["age_years": 45, "weight_kg": 60, "serum_creatinine_mg_dl": 0.9, "sex": "female"])["crcl_ml_min"] == 74.8)
    }

    @Test func siCreatinineIsConverted() {
        // 123.76 µmol/L ÷ 88.4 = 1.4 mg/dL.
        let out = run(CockcroftGault.self, ["age_years": 65, "weight_kg": 70, "serum_creatinine_umol_l": 123.76, "sex": "male"])
        #expect(out["crcl_ml_min"] == 52.1)
    }

    @Test func childrenAreOutsideTheFormula() {
        #expect(run(CockcroftGault.self, ["age_years": 12, "weight_kg": 40, "serum_creatinine_mg_dl": 0.5, "sex": "male"])["error"]
                == "cannot score: age_years invalid")
    }
}

@Suite struct ZoledronicAcidTests {
    func dose(crcl target: Double) -> JSONValue {
        // Male, SCr 1.0, age 40: CrCl = 100 × weight / 72, so weight = 0.72 × target.
        run(ZoledronicAcidRenalDose.self, ["indication": "bone_metastases_or_myeloma", "age_years": 40,
                                           "weight_kg": .double(target * 0.72), "serum_creatinine_mg_dl": 1.0, "sex": "male"])
    }

    @Test(arguments: [(60.05, 60.1, 4.0), (60.04, 60.0, 3.5), (50.0, 50.0, 3.5), (49.96, 50.0, 3.5), (49.94, 49.9, 3.3),
                      (40.0, 40.0, 3.3), (39.9, 39.9, 3.0), (30.0, 30.0, 3.0)])
    func bandEdgesUseTheRoundedClearance(crcl: Double, rounded: Double, mg: Double) {
        let out = dose(crcl: crcl)
        #expect(out["crcl_ml_min"] == .double(rounded))
        #expect(out["dose_mg"] == .double(mg))
        #expect(out["infusion_minutes_min"] == 15)
    }

    @Test func belowThirtyIsNotRecommendedAndPointsToDenosumabCalciumMonitoring() {
        let out = dose(crcl: 29.94)
        #expect(out["crcl_ml_min"] == 29.9)
        #expect(out["recommendation"] == "not_recommended")
        #expect(out["dose_mg"] == .null)
        #expect(out["cautions"].map { $0.serialized().contains("hypocalcaemia") } == true)
    }

    @Test func intervalChoiceIsRecordedWithItsCitation() {
        let base: JSONValue = ["indication": "bone_metastases_or_myeloma", "age_years": 60, "weight_kg": 80,
                               "serum_creatinine_mg_dl": 1.0, "sex": "male"]
        #expect(run(ZoledronicAcidRenalDose.self, base)["interval_options"] == ["q4w", "q12w"])
        let chosen = run(ZoledronicAcidRenalDose.self, with(base, [("interval", "q12w")]))
        #expect(chosen["interval"] == "q12w")
        #expect(chosen["interval_citation"]?.stringValue?.contains("CALGB 70604") == true)
        // The recommendation leads with the whole action, interval included once chosen (issue "what now?").
        #expect(chosen["recommendation_text"] == "Give zoledronic acid 4 mg IV over no less than 15 minutes, every 12 weeks.")
        #expect(run(ZoledronicAcidRenalDose.self, base)["recommendation_text"] == "Give zoledronic acid 4 mg IV over no less than 15 minutes.")
    }

    @Test func hypercalcaemiaNeedsNoRenalAdjustmentBelow4point5() {
        let base: JSONValue = ["indication": "hypercalcemia_of_malignancy", "age_years": 80, "weight_kg": 50,
                               "serum_creatinine_mg_dl": 2.5, "sex": "female"]
        let out = run(ZoledronicAcidRenalDose.self, base)
        #expect(out["dose_mg"] == 4.0)
        #expect(out["recommendation"] == "give")
        let high = run(ZoledronicAcidRenalDose.self, with(base, [("serum_creatinine_mg_dl", 4.5)]))
        #expect(high["recommendation"] == "risk_benefit_review")
        #expect(high["dose_mg"] == .null)
    }
}

@Suite struct ZoledronicAcidPreDoseTests {
    func check(_ baseline: Double, _ current: Double, normal: Bool = true, withheld: Bool = false,
               indication: String = "bone_metastases_or_myeloma", days: Int? = nil) -> JSONValue? {
        var inputs: JSONValue = ["indication": .string(indication), "baseline_serum_creatinine_mg_dl": .double(baseline),
                                 "current_serum_creatinine_mg_dl": .double(current), "baseline_creatinine_normal": .bool(normal),
                                 "withheld_for_renal_deterioration": .bool(withheld)]
        if let days { inputs = with(inputs, [("days_since_last_dose", .int(days))]) }
        return run(ZoledronicAcidRetreatment.self, inputs)["recommendation"]
    }

    @Test func deteriorationLimitsDependOnTheBaseline() {
        #expect(check(0.9, 1.39) == "give")
        #expect(check(0.9, 1.4) == "withhold")
        #expect(check(1.6, 2.5, normal: false) == "give")
        #expect(check(1.6, 2.6, normal: false) == "withhold")
    }

    @Test func resumeOnlyWithinTenPercentOfBaseline() {
        #expect(check(1.0, 1.1, withheld: true) == "resume_same_dose")
        #expect(check(1.0, 1.11, withheld: true) == "continue_withholding")
    }

    @Test func hypercalcaemiaRetreatmentWaitsSevenDays() {
        #expect(check(1.0, 1.0, indication: "hypercalcemia_of_malignancy", days: 6) == "wait_for_retreatment_interval")
        #expect(check(1.0, 1.0, indication: "hypercalcemia_of_malignancy", days: 7) == "give")
        #expect(run(ZoledronicAcidRetreatment.self, ["indication": "hypercalcemia_of_malignancy", "baseline_serum_creatinine_mg_dl": 1.0,
                                                     "current_serum_creatinine_mg_dl": 1.0, "baseline_creatinine_normal": true,
                                                     "withheld_for_renal_deterioration": false])["error"]
                == "cannot score: days_since_last_dose missing")
    }
}

@Suite struct DenosumabTests {
    let base: JSONValue = ["indication": "bone_metastases_or_myeloma", "hypocalcemia_present": false, "calcium_vitamin_d_prescribed": true,
                           "crcl_ml_min": 65, "on_dialysis": false, "dental_evaluation_done": true]

    @Test func readyPatientStartsAndUnassessedRiskFactorsAreListed() {
        let out = run(DenosumabChecks.self, base)
        #expect(out["recommendation"] == "start")
        #expect(out["calcium_monitoring_alert"] == false)
        #expect(out["checks"].map { $0.serialized().contains("mronj_risk_tobacco_use") } == true)
    }

    @Test func lowClearanceRaisesTheCalciumMonitoringAlert() {
        #expect(run(DenosumabChecks.self, with(base, [("crcl_ml_min", 22.9)]))["calcium_monitoring_alert"] == true)
        #expect(run(DenosumabChecks.self, with(base, [("on_dialysis", true)]))["calcium_monitoring_alert"] == true)
    }

    @Test func hypocalcaemiaIsCorrectedFirstThenDental() {
        #expect(run(DenosumabChecks.self, with(base, [("hypocalcemia_present", true), ("dental_evaluation_done", false)]))["recommendation"]
                == "correct_hypocalcemia_first")
        #expect(run(DenosumabChecks.self, with(base, [("dental_evaluation_done", false)]))["recommendation"] == "dental_evaluation_first")
    }

    @Test func giantCellTumourHasLoadingDoses() {
        let out = run(DenosumabChecks.self, with(base, [("indication", "giant_cell_tumor_of_bone")]))
        #expect(out["regimen"]?.stringValue?.contains("days 8 and 15") == true)
    }
}

@Suite struct MRONJTests {
    let base: JSONValue = ["bma_or_antiangiogenic_exposure": true, "exposed_bone_weeks": 10, "jaw_radiotherapy": false, "jaw_metastasis": false]

    @Test func definitionNeedsMoreThanEightWeeksAndNoJawRadiotherapy() {
        #expect(run(MRONJ.self, base)["meets_definition"] == true)
        #expect(run(MRONJ.self, with(base, [("exposed_bone_weeks", 8)]))["meets_definition"] == false)
        #expect(run(MRONJ.self, with(base, [("jaw_radiotherapy", true)]))["meets_definition"] == false)
        #expect(run(MRONJ.self, with(base, [("bma_or_antiangiogenic_exposure", false)]))["meets_definition"] == false)
    }
}

@Suite struct CorrectedCalciumTests {
    @Test func secondaryWorkedExample() {
        #expect(run(CorrectedCalcium.self, ["total_calcium_mg_dl": 10.9, "albumin_g_dl": 5.0])["corrected_calcium_mg_dl"] == 10.1)
    }

    @Test(arguments: [(10.49, "none", false), (10.5, "mild", false), (11.99, "mild", false), (12.0, "moderate", true),
                      (13.99, "moderate", true), (14.0, "severe_crisis", true)])
    func severityBandsOnTheRoundedValue(corrected: Double, severity: String, meets: Bool) {
        let out = run(CorrectedCalcium.self, ["total_calcium_mg_dl": .double(corrected), "albumin_g_dl": 4.0])
        #expect(out["severity"] == .string(severity))
        #expect(out["meets_zometa_hcm_threshold_12_mg_dl"] == .bool(meets))
    }

    @Test func roundingToHundredthsHappensBeforeTheComparison() {
        // 11.4 + 0.8 × (4.0 − 3.256) = 11.9952 → 12.00 → moderate.
        let out = run(CorrectedCalcium.self, ["total_calcium_mg_dl": 11.4, "albumin_g_dl": 3.256])
        #expect(out["corrected_calcium_mg_dl"] == 12.0)
        #expect(out["severity"] == "moderate")
    }

    @Test func siUnits() {
        // 2.5 + 0.02 × (40 − 30) = 2.70 mmol/L = 10.82 mg/dL.
        let out = run(CorrectedCalcium.self, ["total_calcium_mmol_l": 2.5, "albumin_g_l": 30])
        #expect(out["corrected_calcium_mmol_l"] == 2.7)
        #expect(out["corrected_calcium_mg_dl"] == 10.82)
        #expect(out["severity"] == "mild")
        #expect(run(CorrectedCalcium.self, ["total_calcium_mmol_l": 2.5])["error"] == "cannot score: albumin_g_l missing")
    }
}
