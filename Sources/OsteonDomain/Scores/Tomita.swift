import Foundation

/// Tomita score (Tomita 2001; REFERENCE.md §4): surgical strategy for spinal
/// metastases, total 2–10. Factor points and bands are secondary (◐).
public enum Tomita: BandedRule {
    public static let id = "tomita_2001"
    public static let title = "Tomita score (2001)"

    /// Growth group chosen by the clinician (assignment beyond the table's examples is ✘).
    public enum GrowthGroup: String, InputEnum {
        case slow, moderate, rapid
        var points: Int { switch self { case .slow: 1; case .moderate: 2; case .rapid: 4 } }
    }

    public enum Visceral: String, InputEnum {
        case none, treatable, untreatable
        var points: Int { switch self { case .none: 0; case .treatable: 2; case .untreatable: 4 } }
    }

    public enum BoneMetastases: String, InputEnum {
        case solitaryOrIsolated = "solitary_or_isolated"
        case multiple
        var points: Int { switch self { case .solitaryOrIsolated: 1; case .multiple: 2 } }
        public static var aliases: [String: BoneMetastases] { ["solitary": .solitaryOrIsolated, "isolated": .solitaryOrIsolated] }
    }

    public struct Strategy: Sendable {
        public let goal: String
        public let surgery: String
    }

    public struct Input: Sendable {
        /// Recorded with the result; the points come from the growth group.
        public var primarySite: String?
        public var growthGroup: GrowthGroup?
        public var visceral: Visceral?
        public var bone: BoneMetastases?
        public init(primarySite: String?, growthGroup: GrowthGroup?, visceral: Visceral?, bone: BoneMetastases?) {
            self.primarySite = primarySite
            self.growthGroup = growthGroup
            self.visceral = visceral
            self.bone = bone
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let points: [(key: String, finding: String, points: Int)]
        public let total: Int
        public let band: Band<Strategy>
    }

    public static let bands = BandTable<Strategy>(totalRange: 2...10, [
        Band(2...3, Strategy(goal: "long-term local control", surgery: "wide or marginal excision"), .secondary),
        Band(4...5, Strategy(goal: "middle-term local control", surgery: "marginal or intralesional excision"), .secondary),
        Band(6...7, Strategy(goal: "short-term palliation", surgery: "palliative surgery"), .secondary),
        Band(8...10, Strategy(goal: "terminal care", surgery: "non-operative supportive care"), .secondary),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    public static let citations = [Citation("Tomita K et al. 2001, Spine 26(3):298–306")]

    public static let inputKeys: [InputKey] = [
        InputKey("primary_site", "primary tumour, recorded with the result", allowed: "text", required: false),
        .oneOf("primary_growth_group", "slow (breast, thyroid, prostate) 1, moderate (kidney, uterus) 2, rapid or unknown (lung, liver, stomach, colon) 4", GrowthGroup.self),
        .oneOf("visceral_metastases", "none 0, treatable 2, untreatable 4", Visceral.self),
        .oneOf("bone_metastases", "solitary or isolated 1, multiple 2 (spine included)", BoneMetastases.self),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(primarySite: r.string("primary_site"), growthGroup: r.enumValue("primary_growth_group"),
              visceral: r.enumValue("visceral_metastases"), bone: r.enumValue("bone_metastases"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let growth = need.need(input.growthGroup, "primary_growth_group")
        let visceral = need.need(input.visceral, "visceral_metastases")
        let bone = need.need(input.bone, "bone_metastases")
        guard let growth, let visceral, let bone else { return .cannotScore(need.cannotScore!) }
        let site = input.primarySite.map { " (\($0))" } ?? ""
        let points: [(key: String, finding: String, points: Int)] = [
            ("primary_tumor_growth", growth.rawValue + site, growth.points),
            ("visceral_metastases", visceral.rawValue, visceral.points),
            ("bone_metastases", bone.rawValue, bone.points),
        ]
        let total = points.reduce(0) { $0 + $1.points }
        return .scored(Result(input: input, points: points, total: total, band: bands.band(for: total)))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let s = r.band.category
        return ScoreReport(
            scoreID: id, title: title,
            components: r.points.map { ComponentPoints(key: $0.key, finding: $0.finding, points: $0.points) },
            total: r.total, band: "\(r.band.range.lowerBound)–\(r.band.range.upperBound)",
            recommendation: "Treatment goal: \(s.goal); surgical strategy: \(s.surgery).",
            rationale: ["Total \(r.total) of 2–10 falls in the \(r.band.range.lowerBound)–\(r.band.range.upperBound) band.",
                        "The growth group was chosen by the clinician; grouping of tumours is era-dependent."],
            citations: citations, provenance: r.band.provenance,
            outputs: [
                ("points", .object(r.points.map { ($0.key, .int($0.points)) })),
                ("total", .int(r.total)),
                ("treatment_goal", .string(s.goal)),
                ("surgical_strategy", .string(s.surgery)),
                ("primary_site", JSONValue(r.input.primarySite)),
            ],
            cautions: ["Factor points and bands are from secondary sources (◐); Osteon prints no survival figures for Tomita."]
        )
    }
}
