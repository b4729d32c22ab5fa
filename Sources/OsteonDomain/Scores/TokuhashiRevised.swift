import Foundation

/// Revised Tokuhashi score (Tokuhashi 2005; REFERENCE.md §3): survival
/// estimate for spinal metastases, total 0–15.
public enum TokuhashiRevised: BandedRule {
    public static let id = "tokuhashi_revised_2005"
    public static let title = "Revised Tokuhashi score (2005)"

    public enum OrganMetastases: String, InputEnum {
        case unremovable, removable, none
        var points: Int { switch self { case .unremovable: 0; case .removable: 1; case .none: 2 } }
    }

    /// Primary-site groups of the 2005 table. "others" (2) is ◐ (missing from
    /// the NICE excerpt); sites not named in the table must be entered as `other`.
    public enum PrimarySite: String, InputEnum {
        case lung, osteosarcoma, stomach, bladder, oesophagus, pancreas
        case liver, gallbladder, unidentified
        case other
        case kidney, uterus
        case rectum
        case thyroid, breast, prostate, carcinoid

        public var points: Int {
            switch self {
            case .lung, .osteosarcoma, .stomach, .bladder, .oesophagus, .pancreas: 0
            case .liver, .gallbladder, .unidentified: 1
            case .other: 2
            case .kidney, .uterus: 3
            case .rectum: 4
            case .thyroid, .breast, .prostate, .carcinoid: 5
            }
        }

        public var provenance: Provenance { self == .other || self == .rectum ? .secondary : .sourced }

        public static var aliases: [String: PrimarySite] {
            [
                "esophagus": .oesophagus, "others": .other, "colon": .other,
                "unknown": .unidentified, "unknown_primary": .unidentified,
                "renal": .kidney, "renal_cell_carcinoma": .kidney, "rcc": .kidney,
                "breast_hormone_dependent": .breast, "breast_hormone_independent": .breast,
                "prostate_hormone_dependent": .prostate, "prostate_hormone_independent": .prostate,
                "carcinoid_tumor": .carcinoid, "carcinoid_tumour": .carcinoid,
                "nsclc": .lung, "sclc": .lung, "lung_cancer": .lung,
                "hepatocellular_carcinoma": .liver, "gastric": .stomach,
            ]
        }
    }

    public enum Frankel: String, InputEnum {
        case A, B, C, D, E
        var points: Int { switch self { case .A, .B: 0; case .C, .D: 1; case .E: 2 } }
        public static var aliases: [String: Frankel] { ["a": .A, "b": .B, "c": .C, "d": .D, "e": .E] }
    }

    public struct Input: Sendable {
        public var kps: Int?
        /// A KPS range (e.g. converted from ECOG); used when `kps` is absent and
        /// the whole range earns the same points.
        public var kpsRange: ClosedRange<Int>?
        public var kpsRangeSource: String?
        public var extraspinalBoneMetastases: Int?
        public var vertebralBodyMetastases: Int?
        public var organMetastases: OrganMetastases?
        public var primarySite: PrimarySite?
        public var frankel: Frankel?
        public init(kps: Int?, extraspinalBoneMetastases: Int?, vertebralBodyMetastases: Int?,
                    organMetastases: OrganMetastases?, primarySite: PrimarySite?, frankel: Frankel?) {
            self.kps = kps
            self.extraspinalBoneMetastases = extraspinalBoneMetastases
            self.vertebralBodyMetastases = vertebralBodyMetastases
            self.organMetastases = organMetastases
            self.primarySite = primarySite
            self.frankel = frankel
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let points: [(key: String, finding: String, points: Int)]
        public let total: Int
        public let band: Band<String>
        public var predictedSurvival: String { band.category }
    }

    public static let bands = BandTable<String>(totalRange: 0...15, [
        Band(0...8, "<6 months", .sourced),
        Band(9...11, "6 months or more", .sourced),
        Band(12...15, "1 year or more", .sourced),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    public static let citations = [
        Citation("Tokuhashi Y et al. 2005, Spine 30(19):2186–2191 (table as reproduced in NICE CG75 Appendix 3)"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("kps", "Karnofsky performance status, in steps of 10", allowed: "10, 20, … 100"),
        InputKey("extraspinal_bone_metastases_count", "number of extraspinal bone metastatic foci", allowed: "0 or more"),
        InputKey("vertebral_body_metastases_count", "number of metastases in vertebral bodies", allowed: "1 or more"),
        .oneOf("major_internal_organ_metastases", "lung, liver, kidney or brain metastases", OrganMetastases.self),
        .oneOf("primary_site", "primary tumour; sites not in the table: other", PrimarySite.self),
        .oneOf("frankel_grade", "spinal cord palsy, Frankel grade", Frankel.self),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        var kps = r.int("kps", in: 0...100)
        if let k = kps, k % 10 != 0 || k < 10 {
            r.invalid("kps", "Karnofsky must be a step of 10 from 10 to 100; \(k) is between steps — ask, do not round")
            kps = nil
        }
        return Input(kps: kps,
                     extraspinalBoneMetastases: r.int("extraspinal_bone_metastases_count", in: 0...1000),
                     vertebralBodyMetastases: r.int("vertebral_body_metastases_count", in: 1...25),
                     organMetastases: r.enumValue("major_internal_organ_metastases"),
                     primarySite: r.enumValue("primary_site"),
                     frankel: r.enumValue("frankel_grade"))
    }

    static func kpsPoints(_ kps: Int) -> Int { kps <= 40 ? 0 : kps <= 70 ? 1 : 2 }
    static func extraspinalPoints(_ n: Int) -> Int { n >= 3 ? 0 : n >= 1 ? 1 : 2 }
    static func vertebralPoints(_ n: Int) -> Int { n >= 3 ? 0 : n == 2 ? 1 : 2 }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        var kpsFinding: (text: String, points: Int)?
        if let k = input.kps {
            kpsFinding = ("KPS \(k) %", kpsPoints(k))
        } else if let r = input.kpsRange, kpsPoints(r.lowerBound) == kpsPoints(r.upperBound) {
            kpsFinding = ("KPS \(r.lowerBound)–\(r.upperBound) %\(input.kpsRangeSource.map { " (\($0))" } ?? "")", kpsPoints(r.lowerBound))
        }
        let kps = need.need(kpsFinding, "kps")
        let extra = need.need(input.extraspinalBoneMetastases, "extraspinal_bone_metastases_count")
        let vertebral = need.need(input.vertebralBodyMetastases, "vertebral_body_metastases_count")
        let organs = need.need(input.organMetastases, "major_internal_organ_metastases")
        let site = need.need(input.primarySite, "primary_site")
        let frankel = need.need(input.frankel, "frankel_grade")
        guard let kps, let extra, let vertebral, let organs, let site, let frankel else {
            return .cannotScore(need.cannotScore!)
        }
        let points: [(key: String, finding: String, points: Int)] = [
            ("general_condition_kps", kps.text, kps.points),
            ("extraspinal_bone_metastases", "\(extra) foci", extraspinalPoints(extra)),
            ("vertebral_body_metastases", "\(vertebral) vertebral bodies", vertebralPoints(vertebral)),
            ("major_internal_organ_metastases", organs.rawValue, organs.points),
            ("primary_site", site.rawValue, site.points),
            ("palsy_frankel", "Frankel \(frankel.rawValue)", frankel.points),
        ]
        let total = points.reduce(0) { $0 + $1.points }
        return .scored(Result(input: input, points: points, total: total, band: bands.band(for: total)))
    }

    public static func report(_ r: Result) -> ScoreReport {
        // Treatment wording is ✘ (memory of the 2005 paper): shown as a suggestion only.
        let suggestion: String
        switch r.band.range.lowerBound {
        case 0: suggestion = "Predicted survival under 6 months: conservative or palliative care is suggested."
        case 9: suggestion = "Predicted survival 6 months or more: palliative surgery; excisional surgery may be considered for a single lesion without major-organ metastases."
        default: suggestion = "Predicted survival 1 year or more: excisional surgery is suggested."
        }
        var cautions = [
            "Scores estimate groups, not individuals; pooled predictive accuracy in later cohorts 63 % (Zoccali et al.).",
            "The treatment wording is unverified against the 2005 paper (REFERENCE ✘); the survival bands are sourced.",
        ]
        if r.input.primarySite?.provenance == .secondary {
            cautions.append("The points for primary site '\(r.input.primarySite!.rawValue)' come from a secondary source (◐).")
        }
        return ScoreReport(
            scoreID: id, title: title,
            components: r.points.map { ComponentPoints(key: $0.key, finding: $0.finding, points: $0.points) },
            total: r.total, band: "\(r.band.range.lowerBound)–\(r.band.range.upperBound)",
            recommendation: suggestion,
            rationale: ["Total \(r.total) of 0–15 predicts survival of \(r.predictedSurvival).",
                        "This is the revised 2005 instrument (0–15), not the 1990 original (0–12)."],
            citations: citations, provenance: r.band.provenance,
            outputs: [
                ("points", .object(r.points.map { ($0.key, .int($0.points)) })),
                ("total", .int(r.total)),
                ("predicted_survival", .string(r.predictedSurvival)),
            ],
            cautions: cautions
        )
    }
}
