import Foundation

/// Albumin-corrected calcium and the severity of hypercalcaemia (REFERENCE.md §9.6).
/// mg/dL: Ca + 0.8 × (4.0 − albumin g/dL); mmol/L: Ca + 0.02 × (40 − albumin g/L).
public enum CorrectedCalcium: ClinicalRule {
    public static let id = "corrected_calcium"
    public static let title = "Corrected calcium and hypercalcaemia severity"

    public enum Severity: String, Sendable {
        /// Below the mild threshold: no hypercalcaemia (says nothing about low calcium).
        case none
        case mild, moderate
        case severeCrisis = "severe_crisis"
    }

    /// mg/dL per mmol/L of calcium (molar mass 40.08; REFERENCE ✘ standard conversion).
    public static let mgDlPerMmolL = 4.008
    /// Thresholds on the corrected value in mg/dL (StatPearls ✔): mild 10.5, moderate 12.0, crisis 14.0.
    public static let mildFrom = 10.5, moderateFrom = 12.0, crisisFrom = 14.0
    /// Zometa label: treat hypercalcaemia of malignancy when corrected Ca ≥ 12 mg/dL.
    public static let zometaThreshold = 12.0

    public enum Units: String, Sendable { case mgDl = "mg/dL", mmolL = "mmol/L" }

    public struct Input: Sendable {
        public var totalCalcium: Double?
        public var albumin: Double?
        /// mg/dL with albumin in g/dL, or mmol/L with albumin in g/L.
        public var units: Units
        public init(totalCalcium: Double?, albumin: Double?, units: Units) {
            self.totalCalcium = totalCalcium
            self.albumin = albumin
            self.units = units
        }
        public static func mgDl(calcium: Double?, albuminGDl: Double?) -> Input { Input(totalCalcium: calcium, albumin: albuminGDl, units: .mgDl) }
    }

    public struct Result: Sendable {
        public let input: Input
        /// Rounded to 0.01 mg/dL; every threshold is compared on this value.
        public let correctedMgDl: Double
        public let correctedMmolL: Double
        public let severity: Severity
        public var meetsZometaThreshold: Bool { correctedMgDl >= CorrectedCalcium.zometaThreshold }
    }

    public static let citations = [
        Citation("StatPearls: Hypercalcemia (correction formula and severity bands)"),
        Citation("Zometa (zoledronic acid) US prescribing information (albumin-corrected Ca ≥ 12 mg/dL)"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("total_calcium_mg_dl", "measured total calcium, mg/dL (or total_calcium_mmol_l)", allowed: "1–30"),
        InputKey("albumin_g_dl", "serum albumin, g/dL (or albumin_g_l with mmol/L calcium)", allowed: "0.5–8"),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        if !r.has("total_calcium_mg_dl"), r.has("total_calcium_mmol_l") {
            return Input(totalCalcium: r.double("total_calcium_mmol_l", in: 0.25...7.5),
                         albumin: r.double("albumin_g_l", in: 5...80), units: .mmolL)
        }
        return Input(totalCalcium: r.double("total_calcium_mg_dl", in: 1...30), albumin: r.double("albumin_g_dl", in: 0.5...8), units: .mgDl)
    }

    public static func severity(correctedMgDl c: Double) -> Severity {
        c >= crisisFrom ? .severeCrisis : c >= moderateFrom ? .moderate : c >= mildFrom ? .mild : .none
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let si = input.units == .mmolL
        let ca = need.need(input.totalCalcium, si ? "total_calcium_mmol_l" : "total_calcium_mg_dl")
        let alb = need.need(input.albumin, si ? "albumin_g_l" : "albumin_g_dl")
        guard let ca, let alb else { return .cannotScore(need.cannotScore!) }
        let mgDl: Double, mmolL: Double
        if si {
            mmolL = roundHalfUp(ca + 0.02 * (40 - alb), places: 2)
            mgDl = roundHalfUp(mmolL * mgDlPerMmolL, places: 2)
        } else {
            mgDl = roundHalfUp(ca + 0.8 * (4.0 - alb), places: 2)
            mmolL = roundHalfUp(mgDl / mgDlPerMmolL, places: 2)
        }
        return .scored(Result(input: input, correctedMgDl: mgDl, correctedMmolL: mmolL, severity: severity(correctedMgDl: mgDl)))
    }

    /// Management of hypercalcaemia of malignancy (AccessMedicine/CURRENT ✔), shown when present.
    public static let management = [
        "IV 0.9 % saline 100–300 mL/h to restore urine output.",
        "Zoledronic acid 4 mg over 15 minutes, or pamidronate 60–90 mg over 2–4 hours, if renal function allows.",
        "Calcitonin 4–8 IU/kg SC/IM every 12 hours as a bridge.",
        "Denosumab when refractory to bisphosphonates; steroids in myeloma or lymphoma.",
    ]

    public static func report(_ r: Result) -> ScoreReport {
        let i = r.input
        let working = i.units == .mgDl
            ? "Corrected Ca = \(format(i.totalCalcium!)) + 0.8 × (4.0 − \(format(i.albumin!))) = \(format(r.correctedMgDl)) mg/dL."
            : "Corrected Ca = \(format(i.totalCalcium!)) + 0.02 × (40 − \(format(i.albumin!))) = \(format(r.correctedMmolL)) mmol/L (\(format(r.correctedMgDl)) mg/dL)."
        let text: String
        switch r.severity {
        case .none: text = "Corrected calcium \(format(r.correctedMgDl)) mg/dL: no hypercalcaemia."
        case .mild: text = "Mild hypercalcaemia (10.5–11.9 mg/dL): look for the cause and treat if symptomatic."
        case .moderate: text = "Moderate hypercalcaemia (12.0–13.9 mg/dL): treat. " + management.joined(separator: " ")
        case .severeCrisis: text = "Hypercalcaemic crisis (≥ 14.0 mg/dL): urgent treatment. " + management.joined(separator: " ")
        }
        return ScoreReport(
            scoreID: id, title: title, band: r.severity.rawValue, recommendation: text,
            rationale: [working, "Thresholds are compared on the value rounded to 0.01 mg/dL.",
                        r.meetsZometaThreshold ? "Meets the label threshold for zoledronic acid in hypercalcaemia of malignancy (≥ 12 mg/dL)."
                            : "Below the label threshold for zoledronic acid in hypercalcaemia of malignancy (12 mg/dL)."],
            citations: citations, provenance: .sourced,
            outputs: [
                ("corrected_calcium_mg_dl", .double(r.correctedMgDl)),
                ("corrected_calcium_mmol_l", .double(r.correctedMmolL)),
                ("severity", .string(r.severity.rawValue)),
                ("meets_zometa_hcm_threshold_12_mg_dl", .bool(r.meetsZometaThreshold)),
            ],
            cautions: ["Ionised calcium is preferred when available."]
        )
    }
}
