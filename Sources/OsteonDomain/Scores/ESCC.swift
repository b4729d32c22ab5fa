/// Bilsky epidural spinal cord compression grade (Bilsky 2010; REFERENCE.md §7),
/// read on axial T2-weighted MRI at the level of worst compression.
public enum ESCC: ClinicalRule {
    public static let id = "escc"
    public static let title = "Bilsky ESCC grade (epidural spinal cord compression)"

    public enum Grade: String, InputEnum {
        case g0 = "0", g1a = "1a", g1b = "1b", g1c = "1c", g2 = "2", g3 = "3"
        public static var aliases: [String: Grade] { ["1A": .g1a, "1B": .g1b, "1C": .g1c] }

        public var definition: String {
            switch self {
            case .g0: "bone-only disease"
            case .g1a: "epidural impingement, thecal sac not deformed"
            case .g1b: "thecal sac deformed, spinal cord not abutted"
            case .g1c: "thecal sac deformed, cord abutted but not compressed"
            case .g2: "cord compressed, CSF still visible around the cord"
            case .g3: "cord compressed, no CSF visible around the cord"
            }
        }

        /// High grade = 2 or 3: the cord itself is compressed.
        public var isHighGrade: Bool { self == .g2 || self == .g3 }
        /// 1c: management debated; a board decision.
        public var isControversial: Bool { self == .g1c }
    }

    public struct Input: Sendable {
        public var grade: Grade?
        public init(grade: Grade?) { self.grade = grade }
    }

    public struct Result: Sendable {
        public let grade: Grade
        public var gradeClass: String { grade.isHighGrade ? "high" : grade.isControversial ? "intermediate_1c" : "low" }
    }

    public static let citations = [
        Citation("Bilsky MH et al. 2010, J Neurosurg Spine 13(3):324–328"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("escc_grade", "Bilsky grade on axial T2 MRI at the level of worst compression", allowed: Grade.allowedList),
    ]

    public static func read(_ r: inout InputReader) -> Input { Input(grade: r.enumValue("escc_grade")) }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        guard let g = need.need(input.grade, "escc_grade") else { return .cannotScore(need.cannotScore!) }
        return .scored(Result(grade: g))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let text: String
        switch r.gradeClass {
        case "high": text = "High-grade compression: decompression before radiation unless the tumour is highly radiosensitive."
        case "low": text = "Low-grade compression: radiation first in the absence of instability."
        default: text = "Grade 1c: management is debated — a board decision."
        }
        return ScoreReport(
            scoreID: id, title: title, band: r.grade.rawValue, recommendation: text,
            rationale: ["ESCC \(r.grade.rawValue): \(r.grade.definition)."],
            citations: citations, provenance: .sourced,
            outputs: [("escc_grade", .string(r.grade.rawValue)), ("high_grade_escc", .bool(r.grade.isHighGrade)),
                      ("grade_class", .string(r.gradeClass)), ("definition", .string(r.grade.definition))]
        )
    }
}
