import OsteonDomain
import PropertyBased
import Testing

/// A score's input space for property tests: each component lists its JSON
/// values from least to most severe, so "worse" means a higher index.
struct ScoreSpace: Sendable {
    let rule: any ClinicalRule.Type
    /// Key path ("labs.crp_mg_dl" for nested) and values, least to most severe.
    let components: [(key: String, values: [JSONValue])]
    let fixed: [(String, JSONValue)]
    /// The number that must not move the wrong way when a component worsens,
    /// and whether worse means higher (risk) or lower (survival/dose).
    let metric: @Sendable (JSONValue) -> Double
    let worseIsHigher: Bool

    var id: String { rule.id }

    func inputs(_ picks: [Int]) -> JSONValue {
        var top = fixed
        var nested: [String: [(String, JSONValue)]] = [:]
        var nestedOrder: [String] = []
        for (n, component) in components.enumerated() {
            let value = component.values[picks[n] % component.values.count]
            let parts = component.key.split(separator: ".").map(String.init)
            if parts.count == 2 {
                if nested[parts[0]] == nil { nestedOrder.append(parts[0]) }
                nested[parts[0], default: []].append((parts[1], value))
            } else {
                top.append((component.key, value))
            }
        }
        for group in nestedOrder { top.append((group, .object(nested[group]!))) }
        return .object(top)
    }

    func run(_ picks: [Int]) -> JSONValue? {
        if case .success(let report) = rule.run(inputs(picks)) { return report.json }
        return nil
    }
}

func total(_ json: JSONValue) -> Double { json["total"]!.numberValue! }

let spaces: [ScoreSpace] = [
    ScoreSpace(rule: Mirels.self, components: [
        ("site", ["upper_limb", "lower_limb", "peritrochanteric"]),
        ("pain", ["mild", "moderate", "functional"]),
        ("lesion_type", ["blastic", "mixed", "lytic"]),
        ("size", ["lt_one_third", "one_third_to_two_thirds", "gt_two_thirds"]),
    ], fixed: [], metric: total, worseIsHigher: true),
    ScoreSpace(rule: SINS.self, components: [
        ("level", ["S2", "S5", "T3", "T10", "C3", "L4", "C1", "T12", "L5", "S1"]),
        ("pain", ["pain_free", "occasional_non_mechanical", "mechanical"]),
        ("bone_lesion", ["blastic", "mixed", "lytic"]),
        ("alignment", ["normal", "de_novo_deformity", "subluxation_translation"]),
        ("vertebral_body_collapse", ["none_of_the_above", "no_collapse_gt_50_percent_body_involved", "lt_50_percent", "gt_50_percent"]),
        ("posterolateral_involvement", ["none", "unilateral", "bilateral"]),
    ], fixed: [], metric: total, worseIsHigher: true),
    ScoreSpace(rule: TokuhashiRevised.self, components: [
        ("kps", [100, 90, 80, 70, 60, 50, 40, 30, 20, 10]),
        ("extraspinal_bone_metastases_count", [0, 1, 2, 3, 4, 12]),
        ("vertebral_body_metastases_count", [1, 2, 3, 6]),
        ("major_internal_organ_metastases", ["none", "removable", "unremovable"]),
        ("primary_site", ["breast", "prostate", "thyroid", "rectum", "kidney", "uterus", "other", "liver", "unidentified", "lung", "pancreas"]),
        ("frankel_grade", ["E", "D", "C", "B", "A"]),
    ], fixed: [], metric: total, worseIsHigher: false),
    ScoreSpace(rule: Tomita.self, components: [
        ("primary_growth_group", ["slow", "moderate", "rapid"]),
        ("visceral_metastases", ["none", "treatable", "untreatable"]),
        ("bone_metastases", ["solitary_or_isolated", "multiple"]),
    ], fixed: [("primary_site", "any")], metric: total, worseIsHigher: true),
    ScoreSpace(rule: KatagiriNew.self, components: [
        ("primary_growth_group", ["slow", "moderate", "rapid"]),
        ("visceral_or_cerebral_metastases", ["none", "nodular", "disseminated"]),
        ("labs.crp_mg_dl", [0.1, 0.39, 0.4, 5.0]),
        ("labs.ldh_iu_l", [150, 249, 250, 900]),
        ("labs.albumin_g_dl", [4.5, 3.7, 3.69, 2.0]),
        ("labs.platelets_per_ul", [350_000, 100_000, 99_999, 20_000]),
        ("labs.calcium_mg_dl", [9.0, 10.29, 10.3, 13.0]),
        ("labs.total_bilirubin_mg_dl", [0.4, 1.39, 1.4, 4.0]),
        ("ecog_ps", [0, 1, 2, 3, 4]),
        ("previous_chemotherapy", [false, true]),
        ("multiple_skeletal_metastases", [false, true]),
    ], fixed: [], metric: total, worseIsHigher: true),
    // Worse renal function never gives a larger zoledronic acid dose.
    ScoreSpace(rule: ZoledronicAcidRenalDose.self, components: [
        ("age_years", [25, 45, 60, 72, 85, 100]),
        ("weight_kg", [130, 95, 80, 72, 60, 45]),
        ("serum_creatinine_mg_dl", [0.6, 0.9, 1.1, 1.2, 1.5, 2.0, 3.0]),
        ("sex", ["male", "female"]),
    ], fixed: [("indication", "bone_metastases_or_myeloma")],
       metric: { $0["dose_mg"]?.numberValue ?? 0 }, worseIsHigher: false),
    // Higher calcium or lower albumin never lowers the hypercalcaemia severity.
    ScoreSpace(rule: CorrectedCalcium.self, components: [
        ("total_calcium_mg_dl", [7.5, 9.0, 10.2, 10.5, 11.9, 12.0, 13.5, 15.0]),
        ("albumin_g_dl", [5.0, 4.0, 3.2, 2.5, 1.5]),
    ], fixed: [],
       metric: { ["none": 0.0, "mild": 1, "moderate": 2, "severe_crisis": 3][$0["severity"]!.stringValue!]! }, worseIsHigher: true),
]


let picks = Gen.int(in: 0...999).array(of: 11)

@Suite struct PropertyTests {
    @Test func bandsPartitionTheirRangeWithNoGapOrOverlap() {
        let banded: [any BandedRule.Type] = [Mirels.self, SINS.self, TokuhashiRevised.self, Tomita.self, KatagiriNew.self,
                                             ZoledronicAcidRenalDose.self]
        for rule in banded {
            let (ok, ranges, range, id) = (rule.bandsPartitionRange, rule.bandRanges, rule.totalRange, rule.id)
            #expect(ok, "\(id) bands \(ranges) do not tile \(range)")
            for t in range {
                #expect(ranges.filter { $0.contains(t) }.count == 1, "\(id): total \(t) is in no band or several")
            }
        }
    }

    @Test(arguments: [Mirels.id, SINS.id, TokuhashiRevised.id, Tomita.id, KatagiriNew.id])
    func totalsStayInRangeAndInTheirBand(id: String) async {
        let space = spaces.first { $0.id == id }!
        let banded = space.rule as! any BandedRule.Type
        await propertyCheck(count: 300, input: picks) { p in
            let out = try #require(space.run(p), "\(id) could not score \(space.inputs(p).serialized())")
            let t = Int(total(out))
            let range = banded.totalRange
            #expect(range.contains(t), "\(id): total \(t) outside \(range)")
            let components = out["components"].flatMap { c -> Int? in
                guard case .array(let items) = c else { return nil }
                return items.reduce(0) { $0 + Int($1["points"]!.numberValue!) }
            }
            #expect(components == t, "\(id): components do not add up to the total")
        }
    }

    @Test(arguments: spaces.map { $0.id })
    func aWorseComponentNeverMovesTheResultTheWrongWay(id: String) async {
        let space = spaces.first { $0.id == id }!
        await propertyCheck(count: 300, input: picks, Gen.int(in: 0...100), Gen.int(in: 1...5)) { p, which, step in
            let base = p.enumerated().map { n, v in n < space.components.count ? v % space.components[n].values.count : 0 }
            let c = which % space.components.count
            var worse = base
            worse[c] = min(base[c] + step, space.components[c].values.count - 1)
            let a = try #require(space.run(base)), b = try #require(space.run(worse))
            let (ma, mb) = (space.metric(a), space.metric(b))
            if space.worseIsHigher {
                #expect(mb >= ma, "\(id): worsening \(space.components[c].key) lowered \(ma) to \(mb)")
            } else {
                #expect(mb <= ma, "\(id): worsening \(space.components[c].key) raised \(ma) to \(mb)")
            }
        }
    }

    @Test(arguments: spaces.map { $0.id })
    func missingAnyRequiredInputAlwaysCannotScore(id: String) async {
        let space = spaces.first { $0.id == id }!
        let required = Set(space.rule.inputKeys.filter(\.required).map(\.name))
        await propertyCheck(count: 200, input: picks, Gen.int(in: 1...((1 << 11) - 1))) { p, mask in
            guard case .object(let pairs) = space.inputs(p) else { return }
            let candidates = pairs.map(\.0).filter { required.contains($0) }
            let removed = candidates.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
            guard !removed.isEmpty else { return }
            let inputs = JSONValue.object(pairs.filter { !removed.contains($0.0) })
            switch space.rule.run(inputs) {
            case .success: Issue.record("\(id) scored without \(removed)")
            case .failure(let problem):
                #expect(Set(problem.missingFields) == Set(removed), "\(id): removed \(removed), reported \(problem.missingFields)")
                #expect(problem.message == "cannot score: \(problem.missingFields[0]) missing")
            }
        }
    }
}
