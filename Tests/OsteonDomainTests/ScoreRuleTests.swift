import OsteonDomain
import Testing

/// Edges and rules of REFERENCE.md §1–5 that the public vignettes do not reach.
@Suite struct MirelsTests {
    let base: JSONValue = ["site": "peritrochanteric", "pain": "mild", "lesion_type": "lytic", "size": "lt_one_third"]

    @Test func eightIsBorderlineAndTheRationaleShowsTheAbstractsReading() {
        // Peritrochanteric + lytic with minimum pain and size = 8 (Ramsey 2020).
        let out = run(Mirels.self, base)
        #expect(out["total"] == 8)
        #expect(out["category"] == "borderline")
        #expect(out["recommendation"] == "clinical_judgment")
        #expect(out["fracture_risk_6mo_band"] == "~15%")
        #expect(out["rationale"]?.stringValue?.contains("8 or more") == true)
    }

    @Test func nineIsTheFixationThreshold() {
        let out = run(Mirels.self, with(base, [("pain", "moderate")]))
        #expect(out["total"] == 9)
        #expect(out["recommendation"] == "prophylactic_fixation_before_radiotherapy")
    }

    @Test(arguments: [(0.2, "lt_one_third"), (1.0 / 3.0, "one_third_to_two_thirds"), (0.5, "one_third_to_two_thirds"),
                      (2.0 / 3.0, "one_third_to_two_thirds"), (0.7, "gt_two_thirds"), (1.0, "gt_two_thirds")])
    func sizeFractionMapsToTheCategory(fraction: Double, expected: String) {
        let out = run(Mirels.self, with(base, [("size", nil), ("size_fraction", .double(fraction))]))
        let size = out["components"].flatMap { c -> JSONValue? in
            guard case .array(let items) = c else { return nil }
            return items.first { $0["key"] == "size" }?["finding"]
        }
        #expect(size == .string(expected))
    }

    @Test func minimumAndMaximum() {
        #expect(run(Mirels.self, ["site": "upper_limb", "pain": "mild", "lesion_type": "blastic", "size": "lt_one_third"])["total"] == 4)
        #expect(run(Mirels.self, ["site": "peritrochanteric", "pain": "functional", "lesion_type": "lytic", "size": "gt_two_thirds"])["total"] == 12)
    }
}

@Suite struct SINSTests {
    /// Every level of the table maps to its category (Fisher 2010; REFERENCE §2).
    @Test func levelToLocationCategory() {
        let expected: [(String, SINS.Location)] = [
            ("occiput", .junctional), ("C1", .junctional), ("C2", .junctional), ("C3", .mobile), ("C6", .mobile),
            ("C7", .junctional), ("T1", .junctional), ("T2", .junctional), ("T3", .semirigid), ("T10", .semirigid),
            ("T11", .junctional), ("T12", .junctional), ("L1", .junctional), ("L2", .mobile), ("L4", .mobile),
            ("L5", .junctional), ("S1", .junctional), ("S2", .rigid), ("S5", .rigid),
        ]
        for (text, category) in expected {
            #expect(SpinalLevel(text)?.sinsLocation == category, "\(text)")
        }
        #expect(SpinalLevel("T13") == nil)
        #expect(SpinalLevel("L6") == nil)
        #expect(SpinalLevel("X1") == nil)
    }

    let base: JSONValue = ["level": "T8", "pain": "pain_free", "bone_lesion": "blastic", "alignment": "normal",
                           "vertebral_body_collapse": "none_of_the_above", "posterolateral_involvement": "none"]

    @Test func aLesionSpanningCategoriesTakesTheHighestScoringLevel() {
        let out = run(SINS.self, with(base, [("level", "T9-T11")]))
        #expect(out["location_category"] == "junctional")
        #expect(out["total"] == 3)
        let listed = run(SINS.self, with(base, [("level", ["S3", "L3"])]))
        #expect(listed["location_category"] == "mobile")
    }

    @Test func bandEdges() {
        let six = run(SINS.self, with(base, [("level", "T12"), ("pain", "mechanical")]))
        #expect(six["total"] == 6)
        #expect(six["category"] == "stable")
        #expect(six["surgical_consultation_recommended"] == false)
        let thirteen = run(SINS.self, with(base, [("level", "T12"), ("pain", "mechanical"), ("alignment", "subluxation_translation"),
                                                  ("vertebral_body_collapse", "gt_50_percent")]))
        #expect(thirteen["total"] == 13)
        #expect(thirteen["category"] == "unstable")
        let maximum = run(SINS.self, with(base, [("level", "C1"), ("pain", "mechanical"), ("bone_lesion", "lytic"),
                                                 ("alignment", "subluxation_translation"), ("vertebral_body_collapse", "gt_50_percent"),
                                                 ("posterolateral_involvement", "bilateral")]))
        #expect(maximum["total"] == 18)
    }

    @Test func anUnknownLevelIsInvalidAndSaysWhy() {
        let out = run(SINS.self, with(base, [("level", "T14")]))
        #expect(out["error"] == "cannot score: level invalid")
        #expect(out["detail"]?.stringValue?.contains("vertebral level") == true)
    }
}

@Suite struct TokuhashiTests {
    let base: JSONValue = ["kps": 50, "extraspinal_bone_metastases_count": 1, "vertebral_body_metastases_count": 2,
                           "major_internal_organ_metastases": "removable", "primary_site": "other", "frankel_grade": "C"]

    @Test func karnofskyBetweenStepsIsAskedNotRounded() {
        let out = run(TokuhashiRevised.self, with(base, [("kps", 75)]))
        #expect(out["error"] == "cannot score: kps invalid")
        #expect(out["detail"]?.stringValue?.contains("do not round") == true)
    }

    @Test func bandEdges() {
        // 1 + 1 + 1 + 1 + 2 + 1 = 7 → < 6 months; +1 → 8 still; +2 → 9.
        #expect(run(TokuhashiRevised.self, base)["total"] == 7)
        let eight = run(TokuhashiRevised.self, with(base, [("major_internal_organ_metastases", "none")]))
        #expect(eight["total"] == 8)
        #expect(eight["predicted_survival"] == "<6 months")
        let eleven = run(TokuhashiRevised.self, with(base, [("primary_site", "rectum"), ("frankel_grade", "E"), ("kps", 80)]))
        #expect(eleven["total"] == 11)
        #expect(eleven["predicted_survival"] == "6 months or more")
        let twelve = run(TokuhashiRevised.self, with(base, [("primary_site", "breast"), ("frankel_grade", "E"), ("kps", 80)]))
        #expect(twelve["total"] == 12)
        #expect(twelve["predicted_survival"] == "1 year or more")
    }

    @Test(arguments: [("lung", 0), ("osteosarcoma", 0), ("esophagus", 0), ("liver", 1), ("unidentified", 1), ("colon", 2),
                      ("kidney", 3), ("uterus", 3), ("rectum", 4), ("thyroid", 5), ("carcinoid", 5)])
    func primarySitePoints(site: String, points: Int) {
        let out = run(TokuhashiRevised.self, with(base, [("primary_site", .string(site))]))
        #expect(out["points"]?["primary_site"] == .int(points))
    }

    @Test func noVertebralMetastasisIsInvalidForASpinalScore() {
        #expect(run(TokuhashiRevised.self, with(base, [("vertebral_body_metastases_count", 0)]))["error"]
                == "cannot score: vertebral_body_metastases_count invalid")
    }
}

@Suite struct TomitaTests {
    @Test(arguments: [(3, "long-term local control"), (4, "middle-term local control"), (6, "short-term palliation"),
                      (7, "short-term palliation"), (10, "terminal care")])
    func bands(total: Int, goal: String) {
        // Build the total from the three factors.
        let combos: [(String, String, String)] = [
            ("moderate", "none", "solitary_or_isolated"), ("moderate", "none", "multiple"), ("rapid", "none", "multiple"),
            ("rapid", "treatable", "solitary_or_isolated"), ("rapid", "untreatable", "multiple"),
        ]
        let all = combos.map { c -> JSONValue in
            ["primary_growth_group": .string(c.0), "visceral_metastases": .string(c.1), "bone_metastases": .string(c.2)]
        }
        let out = all.map { run(Tomita.self, $0) }.first { $0["total"] == .int(total) }
        #expect(out?["treatment_goal"] == .string(goal))
    }

    @Test func primarySiteIsRecordedButTheGroupIsRequired() {
        let out = run(Tomita.self, ["primary_site": "breast", "visceral_metastases": "none", "bone_metastases": "multiple"])
        #expect(out["error"] == "cannot score: primary_growth_group missing")
    }
}

@Suite struct KatagiriTests {
    static let normal: [(String, JSONValue)] = [("crp_mg_dl", 0.1), ("ldh_iu_l", 180), ("albumin_g_dl", 4.2),
                                                ("platelets_per_ul", 250_000), ("calcium_mg_dl", 9.4), ("total_bilirubin_mg_dl", 0.6)]

    func tier(_ changes: [(String, JSONValue)]) -> JSONValue? {
        var labs = Self.normal
        for (k, v) in changes { labs[labs.firstIndex { $0.0 == k }!].1 = v }
        let out = run(KatagiriNew.self, ["primary_growth_group": "slow", "visceral_or_cerebral_metastases": "none", "labs": .object(labs),
                                         "ecog_ps": 0, "previous_chemotherapy": false, "multiple_skeletal_metastases": false])
        return out["laboratory_tier"]
    }

    @Test func laboratoryThresholdsAreInclusiveAsPublished() {
        #expect(tier([]) == "normal")
        #expect(tier([("crp_mg_dl", 0.4)]) == "abnormal")
        #expect(tier([("crp_mg_dl", 0.39)]) == "normal")
        #expect(tier([("ldh_iu_l", 250)]) == "abnormal")
        #expect(tier([("albumin_g_dl", 3.7)]) == "normal")
        #expect(tier([("albumin_g_dl", 3.69)]) == "abnormal")
        #expect(tier([("platelets_per_ul", 100_000)]) == "normal")
        #expect(tier([("platelets_per_ul", 99_999)]) == "critical")
        #expect(tier([("calcium_mg_dl", 10.3)]) == "critical")
        #expect(tier([("total_bilirubin_mg_dl", 1.4)]) == "critical")
    }

    @Test func criticalOutranksAbnormalAndNeverAddsUp() {
        #expect(tier([("crp_mg_dl", 2.0), ("ldh_iu_l", 400), ("albumin_g_dl", 3.0), ("calcium_mg_dl", 11), ("platelets_per_ul", 50_000)]) == "critical")
    }

    @Test func survivalFiguresCarryTheirProvenance() {
        let out = run(KatagiriNew.self, ["primary_growth_group": "rapid", "visceral_or_cerebral_metastases": "disseminated",
                                         "labs": .object(Self.normal), "ecog_ps": 4, "previous_chemotherapy": true,
                                         "multiple_skeletal_metastases": true])
        #expect(out["risk_group"] == "high")
        #expect(out["derivation_survival_provenance"]?["6mo"] == "sourced")
        #expect(out["derivation_survival_provenance"]?["24mo"] == "unverified")
    }
}
