import Foundation

/// Spinal Instability Neoplastic Score (Fisher 2010; REFERENCE.md §2).
public enum SINS: BandedRule {
    public static let id = "sins"
    public static let title = "SINS — Spinal Instability Neoplastic Score"

    public enum Location: String, InputEnum {
        case junctional, mobile, semirigid, rigid
        var points: Int { switch self { case .junctional: 3; case .mobile: 2; case .semirigid: 1; case .rigid: 0 } }
    }

    public enum Pain: String, InputEnum {
        case mechanical
        case occasionalNonMechanical = "occasional_non_mechanical"
        case painFree = "pain_free"
        var points: Int { switch self { case .mechanical: 3; case .occasionalNonMechanical: 1; case .painFree: 0 } }
    }

    public enum BoneLesion: String, InputEnum {
        case lytic, mixed, blastic
        var points: Int { switch self { case .lytic: 2; case .mixed: 1; case .blastic: 0 } }
        public static var aliases: [String: BoneLesion] { ["sclerotic": .blastic] }
    }

    public enum Alignment: String, InputEnum {
        case subluxationTranslation = "subluxation_translation"
        case deNovoDeformity = "de_novo_deformity"
        case normal
        var points: Int { switch self { case .subluxationTranslation: 4; case .deNovoDeformity: 2; case .normal: 0 } }
    }

    /// Exactly 50 % collapse is not defined by the source: the reader must pick.
    public enum Collapse: String, InputEnum {
        case gt50Percent = "gt_50_percent"
        case lt50Percent = "lt_50_percent"
        case noCollapseGt50PercentBodyInvolved = "no_collapse_gt_50_percent_body_involved"
        case noneOfTheAbove = "none_of_the_above"
        var points: Int {
            switch self { case .gt50Percent: 3; case .lt50Percent: 2; case .noCollapseGt50PercentBodyInvolved: 1; case .noneOfTheAbove: 0 }
        }
    }

    public enum Posterolateral: String, InputEnum {
        case bilateral, unilateral, none
        var points: Int { switch self { case .bilateral: 3; case .unilateral: 1; case .none: 0 } }
    }

    public enum Category: String, Sendable {
        case stable
        case potentiallyUnstable = "potentially_unstable"
        case unstable
    }

    public struct Input: Sendable {
        /// Levels the lesion spans; the highest-scoring location counts.
        public var levels: [SpinalLevel]?
        public var pain: Pain?
        public var boneLesion: BoneLesion?
        public var alignment: Alignment?
        public var collapse: Collapse?
        public var posterolateral: Posterolateral?
        public init(levels: [SpinalLevel]?, pain: Pain?, boneLesion: BoneLesion?, alignment: Alignment?,
                    collapse: Collapse?, posterolateral: Posterolateral?) {
            self.levels = levels
            self.pain = pain
            self.boneLesion = boneLesion
            self.alignment = alignment
            self.collapse = collapse
            self.posterolateral = posterolateral
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let location: Location
        public let scoredLevel: SpinalLevel
        public let points: [(key: String, finding: String, points: Int)]
        public let total: Int
        public let band: Band<Category>
        public var category: Category { band.category }
        public var surgicalConsultationRecommended: Bool { total >= 7 }
    }

    public static let bands = BandTable<Category>(totalRange: 0...18, [
        Band(0...6, .stable, .sourced),
        Band(7...12, .potentiallyUnstable, .sourced),
        Band(13...18, .unstable, .sourced),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    public static let citations = [
        Citation("Fisher CG et al. 2010, Spine 35(22):E1221–E1229"),
        Citation("Fourney DR et al. 2011, J Clin Oncol 29(22)"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("level", "vertebral level of the lesion (T12), a range (T11-L1) or a list; the highest-scoring location counts",
                 allowed: "occiput, C1–C7, T1–T12, L1–L5, S1–S5"),
        .oneOf("pain", "mechanical 3, occasional non-mechanical 1, pain-free 0", Pain.self),
        .oneOf("bone_lesion", "lytic 2, mixed 1, blastic 0", BoneLesion.self),
        .oneOf("alignment", "subluxation/translation 4, de novo deformity 2, normal 0", Alignment.self),
        .oneOf("vertebral_body_collapse", ">50 % 3, <50 % 2, no collapse but >50 % body involved 1, none 0", Collapse.self),
        .oneOf("posterolateral_involvement", "bilateral 3, unilateral 1, none 0", Posterolateral.self),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        var levels: [SpinalLevel]?
        switch r.raw("level") {
        case .string(let s)?:
            levels = SpinalLevel.span(s)
            if levels == nil { r.invalid("level", "'\(s)' is not a vertebral level such as C4, T12, L5 or S2 (or a range T11-L1)") }
        case .array(let items)?:
            var all: [SpinalLevel] = []
            for item in items {
                guard case .string(let s) = item, let span = SpinalLevel.span(s) else {
                    r.invalid("level", "every item must be a vertebral level such as T12")
                    break
                }
                all += span
            }
            levels = all.isEmpty ? nil : all
        case nil: levels = nil
        default: r.invalid("level", "expected a vertebral level such as T12")
        }
        return Input(levels: levels, pain: r.enumValue("pain"), boneLesion: r.enumValue("bone_lesion"),
                     alignment: r.enumValue("alignment"), collapse: r.enumValue("vertebral_body_collapse"),
                     posterolateral: r.enumValue("posterolateral_involvement"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let levels = need.need(input.levels.flatMap { $0.isEmpty ? nil : $0 }, "level")
        let pain = need.need(input.pain, "pain")
        let lesion = need.need(input.boneLesion, "bone_lesion")
        let alignment = need.need(input.alignment, "alignment")
        let collapse = need.need(input.collapse, "vertebral_body_collapse")
        let posterior = need.need(input.posterolateral, "posterolateral_involvement")
        guard let levels, let pain, let lesion, let alignment, let collapse, let posterior else {
            return .cannotScore(need.cannotScore!)
        }
        let worst = levels.max { $0.sinsLocation.points < $1.sinsLocation.points }!
        let location = worst.sinsLocation
        let points: [(key: String, finding: String, points: Int)] = [
            ("location", "\(worst) (\(location.rawValue))", location.points),
            ("pain", pain.rawValue, pain.points),
            ("bone_lesion", lesion.rawValue, lesion.points),
            ("alignment", alignment.rawValue, alignment.points),
            ("vertebral_body_collapse", collapse.rawValue, collapse.points),
            ("posterolateral_involvement", posterior.rawValue, posterior.points),
        ]
        let total = points.reduce(0) { $0 + $1.points }
        return .scored(Result(input: input, location: location, scoredLevel: worst, points: points, total: total,
                              band: bands.band(for: total)))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let action: String
        switch r.category {
        case .stable: action = "Stable (0–6): no referral needed for stability."
        case .potentiallyUnstable: action = "Potentially unstable (7–12): spine surgery consultation before radiotherapy."
        case .unstable: action = "Unstable (13–18): spine surgery consultation; stabilisation usually indicated."
        }
        var rationale = ["Total \(r.total) of 0–18 is \(r.category.rawValue.replacingOccurrences(of: "_", with: " ")).",
                         "A total of 7 or more warrants surgical consultation (Fisher 2010)."]
        if (r.input.levels?.count ?? 0) > 1 {
            rationale.append("The lesion spans several levels; the highest-scoring level, \(r.scoredLevel), was used.")
        }
        rationale.append("Collapse, alignment and a lytic lesion predict fracture after radiotherapy; location does not (Lee 2021).")
        return ScoreReport(
            scoreID: id, title: title,
            components: r.points.map { ComponentPoints(key: $0.key, finding: $0.finding, points: $0.points) },
            total: r.total, band: "\(r.band.range.lowerBound)–\(r.band.range.upperBound)",
            recommendation: action, rationale: rationale, citations: citations, provenance: r.band.provenance,
            outputs: [
                ("location_category", .string(r.location.rawValue)),
                ("points", .object(r.points.map { ($0.key, .int($0.points)) })),
                ("total", .int(r.total)),
                ("category", .string(r.category.rawValue)),
                ("surgical_consultation_recommended", .bool(r.surgicalConsultationRecommended)),
            ]
        )
    }
}
