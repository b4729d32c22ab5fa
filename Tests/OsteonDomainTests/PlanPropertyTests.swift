import OsteonDomain
import PropertyBased
import Testing

/// Whole cases generated from a vector of choices, to check what must hold
/// for every patient (REFERENCE §18), not only for the written scenarios.
enum CaseGen {
    static func pick<T>(_ options: [T], _ n: Int) -> T { options[abs(n) % options.count] }

    static let sites: [JSONValue] = [
        ["primary_site": "breast", "hormone_status": "hormone_dependent"], ["primary_site": "prostate", "hormone_status": "castration_sensitive"],
        ["primary_site": "prostate", "hormone_status": "castration_resistant"], ["primary_site": "prostate"], ["primary_site": "myeloma"],
        ["primary_site": "kidney"], ["primary_site": "lung", "lung_type": "non_small_cell", "targeted_therapy": false],
        ["primary_site": "thyroid"], ["primary_site": "breast", "radiosensitivity": "radiosensitive"], ["primary_site": "lymphoma"],
    ]
    static let lesions: [JSONValue] = [
        ["id": "L1", "bone": "vertebra", "level": "T8", "origin": "metastasis", "phenotype": "mixed", "pain": "mechanical", "alignment": "normal",
         "vertebral_body_collapse": "none_of_the_above", "posterolateral_involvement": "none"],
        ["id": "L1", "bone": "vertebra", "level": "L1", "origin": "metastasis", "phenotype": "lytic", "pain": "mechanical", "alignment": "de_novo_deformity",
         "vertebral_body_collapse": "gt_50_percent", "posterolateral_involvement": "bilateral"],
        ["id": "L1", "bone": "femur", "region": "peritrochanteric", "origin": "metastasis", "phenotype": "lytic", "pain": "functional", "size": "gt_two_thirds"],
        ["id": "L1", "bone": "rib", "origin": "metastasis", "phenotype": "blastic", "pain": "mild"],
        ["id": "L1", "bone": "humerus", "region": "diaphysis", "origin": "metastasis", "phenotype": "mixed", "pain": "moderate", "size_fraction": 0.3],
        ["id": "L1", "bone": "vertebra", "level": "T11-L1", "origin": "metastasis", "phenotype": "lytic", "pain": "occasional_non_mechanical"],
    ]
    static let escc: [JSONValue?] = [nil, "0", "1a", "1c", "2", "3"]
    static let neurology: [JSONValue?] = [
        nil, ["new_weakness": false, "sensory_level": false, "bladder_bowel_dysfunction": false],
        ["new_weakness": true, "symptom_onset": "2026-11-24"], ["frankel_grade": "E"], ["frankel_grade": "C", "back_pain": true], ["back_pain": true],
    ]
    static let calcium: [[JSONValue]] = [
        [], [["test": "calcium", "value": 9.4, "unit": "mg/dL", "date": "2026-11-20"], ["test": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-20"]],
        [["test": "calcium", "value": 12.2, "unit": "mg/dL", "date": "2026-11-20"], ["test": "albumin", "value": 3.0, "unit": "g/dL", "date": "2026-11-20"]],
        [["test": "calcium", "value": 14.5, "unit": "mg/dL", "date": "2026-11-20"]],
        [["test": "calcium", "value": 11.6, "unit": "mg/dL", "date": "2026-11-20"], ["test": "albumin", "value": 2.5, "unit": "g/dL", "date": "2026-05-01"]],
        [["test": "calcium", "value": 7.1, "unit": "mg/dL", "date": "2026-11-20"], ["test": "albumin", "value": 4.2, "unit": "g/dL", "date": "2026-11-20"]],
        [["test": "calcium", "value": 10.2, "unit": "mg/dL", "date": "2026-11-20"], ["test": "albumin", "value": 3.4, "unit": "g/dL", "date": "2026-11-20"]],
    ]
    static let creatinine: [[JSONValue]] = [
        [], [["test": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2026-11-20"]],
        [["test": "creatinine", "value": 0.9, "unit": "mg/dL", "date": "2025-12-01"], ["test": "creatinine", "value": 1.6, "unit": "mg/dL", "date": "2026-11-20"]],
        [["test": "creatinine", "value": 1.5, "unit": "mg/dL", "date": "2025-12-01"], ["test": "creatinine", "value": 2.6, "unit": "mg/dL", "date": "2026-11-20"]],
        [["test": "creatinine", "value": 2.4, "unit": "mg/dL", "date": "2026-11-20"]],
    ]
    static let medications: [JSONValue?] = [
        nil, [],
        [["agent": "zoledronic_acid", "status": "active", "start_date": "2026-01-01", "last_dose_date": "2026-10-30", "interval": "q4w", "dose_mg": 4.0]],
        [["agent": "zoledronic_acid", "status": "on_hold", "start_date": "2026-01-01", "last_dose_date": "2026-08-30", "interval": "q4w"]],
        [["agent": "zoledronic_acid", "last_dose_date": "2021-03-01"]],
        [["agent": "zoledronic_acid", "status": "completed", "last_dose_date": "2025-03-01"]],
        [["agent": "denosumab", "status": "active", "start_date": "2026-06-01", "last_dose_date": "2026-11-01"],
         ["name": "calcium and vitamin D", "class": "calcium_vitamin_d", "status": "active"]],
        [["name": "degarelix", "class": "hormonal", "status": "active"]],
    ]
    static let performance: [JSONValue?] = [nil, ["ecog": 0], ["ecog": 1, "kps": 80], ["ecog": 2], ["kps": 40]]
    static let fit: [JSONValue?] = [nil, true, false]
    static let survival: [JSONValue?] = [nil, 3, 30]
    static let radiotherapy: [JSONValue?] = [nil, [["lesion_id": "L1", "dose_gy": 8, "fractions": 1, "date": "2026-11-10"]],
                                            [["lesion_id": "L1", "dose_gy": 20, "fractions": 5, "date": "2026-03-01"]]]

    static func make(_ p: [Int]) -> JSONValue {
        var lesion = pick(lesions, p[1])
        if case .object(var pairs) = lesion, let g = pick(escc, p[2]), pairs.contains(where: { $0.0 == "level" }) {
            pairs.append(("escc_grade", g))
            lesion = .object(pairs)
        }
        var pairs: [(String, JSONValue)] = [
            ("patient_id", .string("G\(p.map(String.init).joined())")),
            ("patient", ["birth_date": "1955-03-03", "sex": .string(p[0] % 2 == 0 ? "female" : "male"), "weight_kg": 72]),
            ("cancers", [pick(sites, p[0])]),
            ("lesions", [lesion]),
            ("labs", .array(pick(calcium, p[4]) + pick(creatinine, p[5]))),
        ]
        func opt(_ key: String, _ value: JSONValue?) { if let value { pairs.append((key, value)) } }
        opt("neurology", pick(neurology, p[3]))
        opt("medications", pick(medications, p[6]))
        opt("performance_status", pick(performance, p[7]))
        opt("fit_for_surgery", pick(fit, p[8]))
        opt("expected_survival_weeks", pick(survival, p[9]))
        opt("radiotherapy", pick(radiotherapy, p[10]))
        if p[11] % 2 == 0 { pairs.append(("skeletal_metastasis_counts", ["extraspinal": 2, "vertebral": 1])) }
        if p[12] % 3 == 0 { pairs.append(("dental", ["last_evaluation_date": "2026-09-01"])) }
        return .object(pairs)
    }

    static func assess(_ c: JSONValue) throws -> Assessment {
        let read = try CaseReader.read(c)
        return Assessor.assess(read.patientCase, asOf: Day("2026-11-26")!, inputProblems: read.problems, unknownKeys: read.unknownKeys)
    }

    /// Facts that resolve no alert: a referral, a dental visit, an unrelated lab or medicine, family history, a chest film.
    static let neutralFacts: [(String, @Sendable (JSONValue) -> JSONValue)] = [
        ("referral", { appendTo($0, "referrals", ["specialty": "palliative_care", "date": "2026-11-21"]) }),
        ("dental", { with($0, [("dental", ["last_evaluation_date": "2026-11-01"])]) }),
        ("crp", { appendTo($0, "labs", ["test": "crp", "value": 1.2, "unit": "mg/dL", "date": "2026-11-20"]) }),
        ("other medicine", { appendTo($0, "medications", ["name": "paracetamol", "class": "other", "status": "active"]) }),
        ("family history", { with($0, [("family_history", [["relation": "mother", "condition": "breast cancer"]])]) }),
        ("chest film", { appendTo($0, "imaging", ["modality": "xray", "region": "chest", "date": "2026-11-19"]) }),
        ("performance", { with($0, [("performance_status", ["ecog": 1])]) }),
    ]

    static func appendTo(_ c: JSONValue, _ key: String, _ item: JSONValue) -> JSONValue {
        with(c, [(key, .array((c[key]?.arrayValue ?? []) + [item]))])
    }
}

let caseChoices = Gen.int(in: 0...1000).array(of: 13)

@Suite struct PlanPropertyTests {
    @Test func noPlanItemAsksForWhatARecordedFactForbids() async {
        await propertyCheck(count: 400, input: caseChoices) { p in
            let a = try CaseGen.assess(CaseGen.make(p))
            let forbidden = Set(a.prohibitions.map(\.action))
            for item in a.planItems {
                #expect(item.actions.isDisjoint(with: forbidden), "\(item.code.rawValue) asks for \(item.actions.intersection(forbidden)) in \(p)")
            }
        }
    }

    @Test func theThreeForbiddingFactsAndTheirActions() async {
        await propertyCheck(count: 400, input: caseChoices) { p in
            let c = CaseGen.make(p)
            let a = try CaseGen.assess(c)
            let json = a.json.serialized()
            let p = p.map(String.init).joined(separator: ",")
            // Hypercalcaemia forbids calcium and vitamin D supplements.
            if a.alerts.contains(where: { $0.code.family == "hypercalcaemia" }) {
                #expect(!json.contains("Calcium 500 mg and vitamin D 400 IU daily"), "\(p)")
                #expect(!json.contains(ZoledronicAcidRenalDose.supplementCaution), "\(p)")
                #expect(!a.careGaps.contains { $0.code == .calciumVitaminDMissing }, "\(p)")
                #expect(!a.planItems.contains { $0.actions.contains(.calciumVitaminDSupplements) }, "\(p)")
            }
            // A withheld zoledronic-acid dose forbids a dose.
            if a.has(PlanCode.withholdZoledronicAcid) {
                #expect(!a.planItems.contains { $0.actions.contains(.zoledronicAcidDose) }, "\(p)")
                #expect(!a.has(PlanCode.continueBoneModifyingAgent) || !a.treatmentPlan.contains { $0.text.contains("Continue zoledronic acid") }, "\(p)")
                #expect(!a.has(PlanCode.nextDose(.zoledronicAcid)), "\(p)")
            }
            // Radiosensitive + mechanically stable + no deficit forbids surgery first.
            if let sins = a.result(SINS.self, lesion: "L1"), sins.total <= 6, a.has(AlertCode.suspectedMSCC) == false,
               CaseScores_radiosensitive(c), (try CaseReader.read(c)).patientCase.neurology?.hasDeficit != true {
                #expect(!a.has(PlanCode.radiotherapy(.surgeryThenPostoperativeRT)), "\(p)")
                #expect(!a.planItems.contains { $0.actions.contains(.surgeryFirst(lesion: "L1")) }, "\(p)")
            }
            // No SBRT with neurological signs.
            if (try CaseReader.read(c)).patientCase.neurology?.neurologicalSigns == true {
                #expect(!a.planItems.contains { $0.actions.contains(.sbrt(lesion: "L1")) }, "\(p)")
                #expect(!a.treatmentPlan.contains { if case .radiotherapy(let r)? = $0.details { r.sbrtOption == true } else { false } }, "\(p)")
            }
            // No bone-modifying-agent gap without a recorded medication list.
            if c["medications"] == nil {
                #expect(!a.careGaps.contains { $0.code == .bmaNotPrescribed || $0.code == .bmaInterrupted }, "\(p)")
            }
        }
    }

    @Test func everyScoreThatCannotBeComputedListsItsInputsInDataNeeded() async {
        await propertyCheck(count: 300, input: caseChoices) { p in
            let a = try CaseGen.assess(CaseGen.make(p))
            for entry in a.scores where !entry.valid {
                let needs = a.dataNeeded.filter { $0.neededFor.contains(entry.id) }
                #expect(!needs.isEmpty, "\(entry.id) cannot score but nothing is asked for (\(p))")
                #expect(needs.count >= Set(entry.problem!.problems.map { $0.field.split(separator: ".").first.map(String.init) ?? $0.field }).count
                        || needs.contains { $0.field.hasPrefix("labs") || $0.field.contains("SINS") },
                        "\(entry.id): \(entry.problem!.problems.map(\.field)) → \(needs.map(\.field))")
            }
        }
    }

    @Test func aFactThatResolvesNoAlertNeverRemovesOne() async {
        await propertyCheck(count: 300, input: caseChoices, Gen.int(in: 0...100)) { p, which in
            let c = CaseGen.make(p)
            let (name, add) = CaseGen.neutralFacts[which % CaseGen.neutralFacts.count]
            let before = try CaseGen.assess(c), after = try CaseGen.assess(add(c))
            let kept = Set(after.alerts.map { "\($0.code.family)|\($0.lesionID ?? "")" })
            for alert in before.alerts {
                #expect(kept.contains("\(alert.code.family)|\(alert.lesionID ?? "")"), "adding \(name) removed \(alert.code.rawValue) (\(p))")
            }
        }
    }

    @Test func addingASameDayAlbuminKeepsHypercalcaemiaOnlyCorrected() throws {
        // The corrected value can never be below total − 0.8 (albumin ≤ 5.0 g/dL): no albumin can remove the alert.
        for albumin in [2.0, 3.0, 4.0, 5.0] {
            let c: JSONValue = ["patient_id": "A", "labs": [["test": "calcium", "value": 11.4, "unit": "mg/dL", "date": "2026-11-20"]]]
            let before = try CaseGen.assess(c)
            #expect(before.has(AlertCode.hypercalcaemiaUncorrected))
            let after = try CaseGen.assess(CaseGen.appendTo(c, "labs", ["test": "albumin", "value": .double(albumin), "unit": "g/dL", "date": "2026-11-20"]))
            #expect(after.alerts.contains { $0.code.family == "hypercalcaemia" && $0.code != .hypercalcaemiaUncorrected }, "albumin \(albumin)")
        }
    }
}

/// Radiosensitive by the NOMS lists or the board's record (REFERENCE §7).
func CaseScores_radiosensitive(_ c: JSONValue) -> Bool {
    guard let cancer = c["cancers"]?.arrayValue?.first else { return false }
    return cancer["radiosensitivity"] == "radiosensitive" || ["myeloma", "lymphoma"].contains(cancer["primary_site"]?.stringValue ?? "")
}
