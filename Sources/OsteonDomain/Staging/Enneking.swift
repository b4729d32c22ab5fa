import Foundation

/// Enneking / MSTS surgical staging of bone sarcoma (Enneking 1980; REFERENCE.md §8.1).
/// Malignant: IA–IIIB by grade, compartment and metastasis; benign: 1 latent, 2 active, 3 aggressive.
public enum Enneking: ClinicalRule {
    public static let id = "enneking_msts"
    public static let title = "Enneking (MSTS) surgical staging"

    public enum Grade: String, InputEnum {
        case low, high, benign
        public static var aliases: [String: Grade] { ["g1": .low, "g2": .high, "low_grade": .low, "high_grade": .high, "g0": .benign] }
    }

    public enum Compartment: String, InputEnum {
        case intracompartmental, extracompartmental
        public static var aliases: [String: Compartment] { ["t1": .intracompartmental, "t2": .extracompartmental, "intra": .intracompartmental, "extra": .extracompartmental] }
    }

    public enum BenignActivity: String, InputEnum { case latent, active, aggressive }

    public struct Input: Sendable {
        public var grade: Grade?
        public var compartment: Compartment?
        public var metastasisOrSkipOrNode: Bool?
        public var benignActivity: BenignActivity?
        public init(grade: Grade?, compartment: Compartment?, metastasisOrSkipOrNode: Bool?, benignActivity: BenignActivity? = nil) {
            self.grade = grade
            self.compartment = compartment
            self.metastasisOrSkipOrNode = metastasisOrSkipOrNode
            self.benignActivity = benignActivity
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let stage: String
        public let reason: String
    }

    public static let citations = [Citation("Enneking WF et al. 1980, Clin Orthop Relat Res (surgical staging of musculoskeletal sarcoma)")]

    public static let inputKeys: [InputKey] = [
        .oneOf("grade", "G1 low, G2 high; or benign", Grade.self),
        .oneOf("compartment", "T1 intracompartmental, T2 extracompartmental (malignant only)", Compartment.self),
        InputKey("metastasis_or_skip_or_node", "any skip lesion, regional node or distant metastasis (M1; malignant only)", allowed: "true, false"),
        .oneOf("benign_activity", "benign lesions only: 1 latent, 2 active, 3 aggressive", BenignActivity.self, required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(grade: r.enumValue("grade"), compartment: r.enumValue("compartment"),
              metastasisOrSkipOrNode: r.bool("metastasis_or_skip_or_node"), benignActivity: r.enumValue("benign_activity"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        guard let grade = need.need(input.grade, "grade") else { return .cannotScore(need.cannotScore!) }
        if grade == .benign {
            guard let activity = need.need(input.benignActivity, "benign_activity") else { return .cannotScore(need.cannotScore!) }
            let stage = ["latent": "1", "active": "2", "aggressive": "3"][activity.rawValue]!
            return .scored(Result(input: input, stage: stage, reason: "Benign lesion, \(activity.rawValue): stage \(stage)."))
        }
        let compartment = need.need(input.compartment, "compartment")
        let metastasis = need.need(input.metastasisOrSkipOrNode, "metastasis_or_skip_or_node")
        guard let compartment, let metastasis else { return .cannotScore(need.cannotScore!) }
        let letter = compartment == .intracompartmental ? "A" : "B"
        let stage = metastasis ? "III" + letter : (grade == .low ? "I" : "II") + letter
        let reason = metastasis
            ? "Metastasis, skip lesion or node (M1) with a \(compartment.rawValue) tumour: stage \(stage), whatever the grade."
            : "\(grade.rawValue.capitalized)-grade (\(grade == .low ? "G1" : "G2")), \(compartment.rawValue) (\(letter == "A" ? "T1" : "T2")), M0: stage \(stage)."
        return .scored(Result(input: input, stage: stage, reason: reason))
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title, band: r.stage, recommendation: "Enneking stage \(r.stage).",
            rationale: [r.reason], citations: citations, provenance: .sourced,
            outputs: [("stage", .string(r.stage))]
        )
    }
}
