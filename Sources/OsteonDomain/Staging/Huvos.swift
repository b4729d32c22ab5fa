/// Huvos grade of chemotherapy-induced necrosis in resected osteosarcoma
/// (Huvos/Rosen; REFERENCE.md §8.3). Good responder = ≥ 90 % necrosis.
public enum Huvos: ClinicalRule {
    public static let id = "huvos"
    public static let title = "Huvos grade (osteosarcoma necrosis after chemotherapy)"

    public struct Input: Sendable {
        public var percentNecrosis: Double?
        public init(percentNecrosis: Double?) { self.percentNecrosis = percentNecrosis }
    }

    public struct Result: Sendable {
        public let input: Input
        public let grade: String
        public let meaning: String
        public var goodResponder: Bool { grade == "III" || grade == "IV" }
    }

    public static let citations = [Citation("Huvos/Rosen necrosis grading (Rizzoli; Indian J Med Paediatr Oncol 2021)")]

    public static let inputKeys: [InputKey] = [
        InputKey("percent_necrosis", "necrosis of the resected tumour, %", allowed: "0–100"),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(percentNecrosis: r.double("percent_necrosis", in: 0...100))
    }

    /// I < 50 %; II 50–89 %; III 90–99 %; IV 100 %. Fractions between the
    /// printed integers go to the lower grade (89.5 % is not yet 90 %).
    public static func grade(percentNecrosis p: Double) -> (String, String) {
        if p >= 100 { return ("IV", "no viable tumour (complete response)") }
        if p >= 90 { return ("III", "scattered viable foci (good response)") }
        if p >= 50 { return ("II", "partial response (poor)") }
        return ("I", "little or no effect (poor)")
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        guard let p = need.need(input.percentNecrosis, "percent_necrosis") else { return .cannotScore(need.cannotScore!) }
        let (g, meaning) = grade(percentNecrosis: p)
        return .scored(Result(input: input, grade: g, meaning: meaning))
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title, band: r.grade,
            recommendation: "Huvos grade \(r.grade): \(r.meaning).",
            rationale: ["\(format(r.input.percentNecrosis!)) % necrosis; good response is ≥ 90 % (grade III–IV)."],
            citations: citations, provenance: .sourced,
            outputs: [("huvos_grade", .string(r.grade)), ("good_responder_ge_90_percent", .bool(r.goodResponder))]
        )
    }
}
