/// Documentation of one input key, for `osteon score <id> --describe` and the UI.
public struct InputKey: Sendable {
    public let name: String
    public let meaning: String
    public let allowed: String
    public let required: Bool

    public init(_ name: String, _ meaning: String, allowed: String, required: Bool = true) {
        self.name = name
        self.meaning = meaning
        self.allowed = allowed
        self.required = required
    }

    public static func oneOf<E: InputEnum>(_ name: String, _ meaning: String, _ type: E.Type, required: Bool = true) -> InputKey {
        InputKey(name, meaning, allowed: E.allowedList, required: required)
    }
}

/// One score, staging or dosing rule: a pure function from typed inputs to
/// a typed result (or what is missing), plus its JSON input and report forms.
public protocol ClinicalRule: SendableMetatype {
    associatedtype Input: Sendable
    associatedtype Result: Sendable

    /// Stable id used by the CLI and the API (e.g. "mirels").
    static var id: String { get }
    static var title: String { get }
    static var inputKeys: [InputKey] { get }

    /// Maps a JSON object of inputs to the typed input; wrong values are
    /// recorded on the reader, absent ones stay nil.
    static func read(_ reader: inout InputReader) -> Input
    static func evaluate(_ input: Input) -> Outcome<Result>
    static func report(_ result: Result) -> ScoreReport
}

extension ClinicalRule {
    /// JSON inputs in, report or the reason it cannot be scored out.
    public static func run(_ inputs: JSONValue) -> Swift.Result<ScoreReport, CannotScore> {
        do {
            var reader = try InputReader(inputs)
            let input = read(&reader)
            try reader.check()
            switch evaluate(input) {
            case .scored(let result): return .success(report(result))
            case .cannotScore(let problem): return .failure(problem)
            }
        } catch {
            return .failure(error)
        }
    }
}

/// Every rule the CLI and API expose, by id.
public enum ScoreCatalog {
    public static let rules: [any ClinicalRule.Type] = [
        Mirels.self,
        SINS.self,
        TokuhashiRevised.self,
        Tomita.self,
        KatagiriNew.self,
        ZoledronicAcidRenalDose.self,
        ZoledronicAcidRetreatment.self,
        DenosumabChecks.self,
        MRONJ.self,
        CorrectedCalcium.self,
        CockcroftGault.self,
        AJCC8BoneAppendicular.self,
        AJCC8BoneSpine.self,
        AJCC8BonePelvis.self,
        Enneking.self,
        Huvos.self,
        ESCC.self,
        NOMS.self,
        PalliativeRadiotherapy.self,
        Readability.self,
    ]

    public static var ids: [String] { rules.map { $0.id } }

    public static func rule(id: String) -> (any ClinicalRule.Type)? {
        rules.first { $0.id == id }
    }

    public static func run(id: String, inputs: JSONValue) -> Swift.Result<ScoreReport, CannotScore>? {
        guard let rule = rule(id: id) else { return nil }
        return rule.run(inputs)
    }
}
