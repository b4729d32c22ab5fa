/// How well a clinical fact is sourced (REFERENCE.md legend).
public enum Provenance: String, Sendable, CaseIterable {
    /// Seen in a public source when the reference was compiled.
    case sourced
    /// Seen only in a secondary or third-party source.
    case secondary
    /// From memory; not found in any source.
    case unverified

    public var mark: String {
        switch self {
        case .sourced: "✔"
        case .secondary: "◐"
        case .unverified: "✘"
        }
    }
}

/// A bibliographic pointer shown next to every recommendation.
public struct Citation: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var description: String { text }
}

/// Why a rule could not produce a result: the fields to collect or fix.
/// Never answered by defaulting a value.
public struct CannotScore: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public enum Kind: String, Sendable { case missing, invalid }
        public let field: String
        public let kind: Kind
        /// What to fix, for a person (empty for a plain missing field).
        public let detail: String
    }

    public let problems: [Problem]

    public init(problems: [Problem]) {
        precondition(!problems.isEmpty, "CannotScore needs at least one problem")
        self.problems = problems
    }

    public static func missing(_ fields: [String]) -> CannotScore {
        CannotScore(problems: fields.map { Problem(field: $0, kind: .missing, detail: "") })
    }

    public static func invalid(_ field: String, _ detail: String) -> CannotScore {
        CannotScore(problems: [Problem(field: field, kind: .invalid, detail: detail)])
    }

    public var missingFields: [String] { problems.filter { $0.kind == .missing }.map(\.field) }

    /// "cannot score: pain missing" (the first problem: the stable CLI contract).
    public var message: String {
        let first = problems[0]
        return "cannot score: \(first.field) \(first.kind.rawValue)"
    }

    /// Every problem, with what to fix.
    public var description: String {
        problems.map { p in
            p.detail.isEmpty ? "\(p.field) \(p.kind.rawValue)" : "\(p.field) \(p.kind.rawValue): \(p.detail)"
        }.joined(separator: "; ")
    }
}

/// The result of one rule: either a full result or what is missing.
public enum Outcome<Value: Sendable>: Sendable {
    case scored(Value)
    case cannotScore(CannotScore)

    public var value: Value? {
        if case .scored(let v) = self { return v }
        return nil
    }

    public var cannotScore: CannotScore? {
        if case .cannotScore(let c) = self { return c }
        return nil
    }

    public func map<T: Sendable>(_ transform: (Value) -> T) -> Outcome<T> {
        switch self {
        case .scored(let v): .scored(transform(v))
        case .cannotScore(let c): .cannotScore(c)
        }
    }
}

/// Collects the names of absent required inputs, in input order, so a rule
/// can report all of them at once.
public struct RequiredInputs {
    private(set) var missing: [String] = []
    public init() {}

    public mutating func need<T>(_ value: T?, _ field: String) -> T? {
        if value == nil { missing.append(field) }
        return value
    }

    public var cannotScore: CannotScore? { missing.isEmpty ? nil : .missing(missing) }
}

/// One scored component: the input key, the finding in words, and its points.
public struct ComponentPoints: Sendable, Equatable {
    public let key: String
    public let finding: String
    public let points: Int
    public init(key: String, finding: String, points: Int) {
        self.key = key
        self.finding = finding
        self.points = points
    }
}

/// A uniform view of any rule's result, for reports, JSON and the UI.
/// `outputs` carries the rule-specific keys (stable names, as in vignettes.json).
public struct ScoreReport: Sendable {
    public let scoreID: String
    public let title: String
    public var components: [ComponentPoints]
    public var total: Int?
    public var band: String?
    public var recommendation: String
    public var rationale: [String]
    public var citations: [Citation]
    public var provenance: Provenance
    public var outputs: [(String, JSONValue)]
    public var cautions: [String]

    public init(
        scoreID: String, title: String, components: [ComponentPoints] = [], total: Int? = nil, band: String? = nil,
        recommendation: String, rationale: [String], citations: [Citation], provenance: Provenance,
        outputs: [(String, JSONValue)], cautions: [String] = []
    ) {
        self.scoreID = scoreID
        self.title = title
        self.components = components
        self.total = total
        self.band = band
        self.recommendation = recommendation
        self.rationale = rationale
        self.citations = citations
        self.provenance = provenance
        self.outputs = outputs
        self.cautions = cautions
    }

    /// The JSON contract of `osteon score <id> --format json`.
    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [("valid", true), ("score", .string(scoreID))]
        pairs += outputs
        let taken = Set(pairs.map(\.0))
        let extra: [(String, JSONValue)] = [
            ("title", .string(title)),
            ("components", .array(components.map { c in
                ["key": .string(c.key), "finding": .string(c.finding), "points": .int(c.points)]
            })),
            ("band", JSONValue(band)),
            ("recommendation_text", .string(recommendation)),
            ("rationale", .string(rationale.joined(separator: " "))),
            ("citation", .string(citations.map(\.text).joined(separator: "; "))),
            ("citations", JSONValue(citations.map(\.text))),
            ("provenance", .string(provenance.rawValue)),
            ("provenance_mark", .string(provenance.mark)),
            ("cautions", JSONValue(cautions)),
        ]
        pairs += extra.filter { !taken.contains($0.0) }
        return .object(pairs)
    }

    public static func invalidJSON(_ problem: CannotScore) -> JSONValue {
        [
            "valid": false,
            "error": .string(problem.message),
            "missing": JSONValue(problem.missingFields),
            "detail": .string(problem.description),
        ]
    }
}

extension RequiredInputs {
    /// When a whole group is absent, report the group rather than each member.
    static func dropping(_ inputs: RequiredInputs, prefix: String) -> RequiredInputs {
        var copy = RequiredInputs()
        copy.missing = inputs.missing.filter { !$0.hasPrefix(prefix) }
        return copy
    }
}
