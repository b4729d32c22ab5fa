import Foundation

/// Mirels' score: risk of pathological fracture of a long bone with a
/// metastasis (REFERENCE.md §1). Not for the spine (SINS) or primary sarcoma.
public enum Mirels: BandedRule {
    public static let id = "mirels"
    public static let title = "Mirels' score (impending pathological fracture, long bone)"

    public enum Site: String, InputEnum {
        case upperLimb = "upper_limb"
        case lowerLimb = "lower_limb"
        case peritrochanteric
        var points: Int { switch self { case .upperLimb: 1; case .lowerLimb: 2; case .peritrochanteric: 3 } }
    }

    public enum Pain: String, InputEnum {
        case mild, moderate, functional
        var points: Int { switch self { case .mild: 1; case .moderate: 2; case .functional: 3 } }
    }

    public enum LesionType: String, InputEnum {
        case blastic, mixed, lytic
        var points: Int { switch self { case .blastic: 1; case .mixed: 2; case .lytic: 3 } }
        public static var aliases: [String: LesionType] { ["sclerotic": .blastic, "osteoblastic": .blastic, "osteolytic": .lytic] }
    }

    public enum Size: String, InputEnum {
        case ltOneThird = "lt_one_third"
        case oneThirdToTwoThirds = "one_third_to_two_thirds"
        case gtTwoThirds = "gt_two_thirds"
        var points: Int { switch self { case .ltOneThird: 1; case .oneThirdToTwoThirds: 2; case .gtTwoThirds: 3 } }

        /// Osteon convention (REFERENCE §1, edges ✘): r < 1/3 → 1; 1/3 ≤ r ≤ 2/3 → 2; r > 2/3 → 3.
        /// Compared in whole-number arithmetic so that 1/3 and 2/3 land exactly.
        public init(fractionOfDiameter r: Double) {
            if 3 * r < 1 { self = .ltOneThird } else if 3 * r <= 2 { self = .oneThirdToTwoThirds } else { self = .gtTwoThirds }
        }
    }

    public enum Category: String, Sendable { case low, borderline, high }

    public struct Input: Sendable {
        public var site: Site?
        public var pain: Pain?
        public var lesionType: LesionType?
        public var size: Size?
        public init(site: Site?, pain: Pain?, lesionType: LesionType?, size: Size?) {
            self.site = site
            self.pain = pain
            self.lesionType = lesionType
            self.size = size
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let points: (site: Int, pain: Int, lesionType: Int, size: Int)
        public let total: Int
        public let band: Band<Category>

        public var category: Category { band.category }
        public var recommendation: String {
            switch category {
            case .low: "radiotherapy_and_observation"
            case .borderline: "clinical_judgment"
            case .high: "prophylactic_fixation_before_radiotherapy"
            }
        }
        public var fractureRisk6moBand: String {
            switch category {
            case .low: "0-4%"
            case .borderline: "~15%"
            case .high: ">=33%"
            }
        }
        /// Surgical referral threshold used by the case assessment (total ≥ 9).
        public var fixationRecommended: Bool { category == .high }
    }

    public static let bands = BandTable<Category>(totalRange: 4...12, [
        Band(4...7, .low, .sourced),
        Band(8...8, .borderline, .sourced),
        Band(9...12, .high, .sourced),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    public static let citations = [
        Citation("Mirels H 1989, Clin Orthop Relat Res 249:256–264"),
        Citation("Jawad MU, Scully SP 2010, Clin Orthop Relat Res 468:2825–2827"),
    ]

    public static let inputKeys: [InputKey] = [
        .oneOf("site", "upper limb 1, lower limb 2, peritrochanteric 3", Site.self),
        .oneOf("pain", "mild 1, moderate 2, functional (severe or brought on by use) 3", Pain.self),
        .oneOf("lesion_type", "radiographic type: blastic 1, mixed 2, lytic 3", LesionType.self),
        .oneOf("size", "fraction of the bone's diameter on plain radiograph (or give size_fraction)", Size.self),
        InputKey("size_fraction", "lesion width ÷ bone diameter, used when size is not given", allowed: "0–1", required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        var size: Size? = r.enumValue("size")
        if size == nil, let fraction = r.double("size_fraction", in: 0...1) {
            size = Size(fractionOfDiameter: fraction)
        }
        return Input(site: r.enumValue("site"), pain: r.enumValue("pain"), lesionType: r.enumValue("lesion_type"), size: size)
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let site = need.need(input.site, "site")
        let pain = need.need(input.pain, "pain")
        let type = need.need(input.lesionType, "lesion_type")
        let size = need.need(input.size, "size")
        guard let site, let pain, let type, let size else { return .cannotScore(need.cannotScore!) }
        let points = (site.points, pain.points, type.points, size.points)
        let total = points.0 + points.1 + points.2 + points.3
        return .scored(Result(input: input, points: points, total: total, band: bands.band(for: total)))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let i = r.input
        let text: String
        switch r.category {
        case .low: text = "Low fracture risk (0–4 % at 6 months): radiotherapy and observation."
        case .borderline: text = "Borderline (about 15 % at 6 months): clinical judgment; discuss fixation at the board."
        case .high: text = "High fracture risk (33 % or more at 6 months): prophylactic fixation before radiotherapy."
        }
        return ScoreReport(
            scoreID: id, title: title,
            components: [
                ComponentPoints(key: "site", finding: i.site!.rawValue, points: r.points.site),
                ComponentPoints(key: "pain", finding: i.pain!.rawValue, points: r.points.pain),
                ComponentPoints(key: "lesion_type", finding: i.lesionType!.rawValue, points: r.points.lesionType),
                ComponentPoints(key: "size", finding: i.size!.rawValue, points: r.points.size),
            ],
            total: r.total, band: "\(r.band.range.lowerBound)–\(r.band.range.upperBound)",
            recommendation: text,
            rationale: [
                "Total \(r.total) of 4–12 falls in the \(r.category.rawValue) band.",
                "Osteon recommends fixation at 9 or more and calls 8 borderline, the common reading of Mirels' table (Jawad & Scully 2010).",
                "Mirels' own abstract says lesions scoring 8 or more need prophylactic fixation before irradiation: at 8 the board decides.",
                "At ≥ 9 the score is sensitive (about 91 %) but not specific (about 35 %) (Ramsey 2020).",
            ],
            citations: citations, provenance: r.band.provenance,
            outputs: [
                ("points", ["site": .int(r.points.site), "pain": .int(r.points.pain),
                            "lesion_type": .int(r.points.lesionType), "size": .int(r.points.size)]),
                ("total", .int(r.total)),
                ("category", .string(r.category.rawValue)),
                ("recommendation", .string(r.recommendation)),
                ("fracture_risk_6mo_band", .string(r.fractureRisk6moBand)),
            ],
            cautions: ["Scores estimate groups, not individuals (derivation: 78 irradiated lesions, Mirels 1989)."]
        )
    }
}
