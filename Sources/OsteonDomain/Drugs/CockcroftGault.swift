import Foundation

/// Creatinine clearance by Cockcroft–Gault (Cockcroft & Gault 1976; REFERENCE.md §9.2):
/// CrCl = (140 − age) × weight / (72 × SCr[mg/dL]), × 0.85 if female; rounded half-up to 0.1 mL/min.
public enum CockcroftGault: ClinicalRule {
    public static let id = "cockcroft_gault"
    public static let title = "Creatinine clearance (Cockcroft–Gault)"

    public enum Sex: String, InputEnum {
        case male, female
        public static var aliases: [String: Sex] { ["m": .male, "f": .female] }
    }

    public enum WeightKind: String, InputEnum { case actual, ideal, adjusted, asGiven = "as_given" }

    public struct Input: Sendable {
        public var ageYears: Double?
        public var weightKg: Double?
        public var serumCreatinineMgDl: Double?
        public var sex: Sex?
        /// Which weight was used (the label does not say which it intends, ✘): recorded, not applied.
        public var weightKind: WeightKind?
        public init(ageYears: Double?, weightKg: Double?, serumCreatinineMgDl: Double?, sex: Sex?, weightKind: WeightKind? = nil) {
            self.ageYears = ageYears
            self.weightKg = weightKg
            self.serumCreatinineMgDl = serumCreatinineMgDl
            self.sex = sex
            self.weightKind = weightKind
        }
    }

    public struct Result: Sendable {
        public let input: Input
        /// Unrounded, for display of the working.
        public let exact: Double
        /// Rounded half-up to 0.1 mL/min; every band decision uses this value.
        public let crclMlMin: Double
    }

    public static let citations = [Citation("Cockcroft DW, Gault MH 1976, Nephron 16:31–41")]

    /// Standard conversion for SI creatinine (µmol/L ÷ 88.4 = mg/dL; REFERENCE ✘).
    public static let micromolPerMg = 88.4

    public static let inputKeys: [InputKey] = [
        InputKey("age_years", "age in years (adults)", allowed: "18–120"),
        InputKey("weight_kg", "body weight in kg, used exactly as given", allowed: "1–500"),
        InputKey("serum_creatinine_mg_dl", "serum creatinine, mg/dL (or serum_creatinine_umol_l)", allowed: "0.1–30"),
        .oneOf("sex", "sex (× 0.85 if female)", Sex.self),
        .oneOf("weight_kind", "which weight was entered, recorded with the result", WeightKind.self, required: false),
    ]

    /// Reads the inputs shared by every rule that needs CrCl.
    static func readInput(_ r: inout InputReader) -> Input {
        var scr = r.double("serum_creatinine_mg_dl", in: 0.1...30)
        if scr == nil, let umol = r.double("serum_creatinine_umol_l", in: 8.84...2652) {
            scr = umol / micromolPerMg
        }
        return Input(ageYears: r.double("age_years", in: 18...120), weightKg: r.double("weight_kg", in: 1...500),
                     serumCreatinineMgDl: scr, sex: r.enumValue("sex"), weightKind: r.enumValue("weight_kind"))
    }

    public static func read(_ r: inout InputReader) -> Input { readInput(&r) }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let age = need.need(input.ageYears, "age_years")
        let weight = need.need(input.weightKg, "weight_kg")
        let scr = need.need(input.serumCreatinineMgDl, "serum_creatinine_mg_dl")
        let sex = need.need(input.sex, "sex")
        guard let age, let weight, let scr, let sex else { return .cannotScore(need.cannotScore!) }
        var crcl = (140 - age) * weight / (72 * scr)
        if sex == .female { crcl *= 0.85 }
        return .scored(Result(input: input, exact: crcl, crclMlMin: roundHalfUp(crcl, places: 1)))
    }

    static func working(_ r: Result) -> String {
        let i = r.input
        let female = i.sex == .female ? " × 0.85" : ""
        return "CrCl = (140 − \(format(i.ageYears!))) × \(format(i.weightKg!)) kg / (72 × \(format(roundHalfUp(i.serumCreatinineMgDl!, places: 3))) mg/dL)\(female) = \(format(r.crclMlMin)) mL/min (rounded half-up to 0.1)."
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title,
            recommendation: "Creatinine clearance \(format(r.crclMlMin)) mL/min.",
            rationale: [working(r), "Weight used: \(r.input.weightKind?.rawValue ?? "as given")."],
            citations: citations, provenance: .sourced,
            outputs: [("crcl_ml_min", .double(r.crclMlMin)), ("weight_kind", JSONValue(r.input.weightKind?.rawValue))]
        )
    }
}
