import Foundation

/// New Katagiri score (Katagiri 2014; REFERENCE.md §5): survival of patients
/// with skeletal metastases, total 0–10, with the laboratory item.
public enum KatagiriNew: BandedRule {
    public static let id = "katagiri_new_2014"
    public static let title = "New Katagiri score (2014)"

    public enum GrowthGroup: String, InputEnum {
        case slow, moderate, rapid
        var points: Int { switch self { case .slow: 0; case .moderate: 2; case .rapid: 3 } }
    }

    public enum Visceral: String, InputEnum {
        case none, nodular, disseminated
        var points: Int { switch self { case .none: 0; case .nodular: 1; case .disseminated: 2 } }
    }

    public enum LabTier: String, Sendable {
        case normal, abnormal, critical
        var points: Int { switch self { case .normal: 0; case .abnormal: 1; case .critical: 2 } }
    }

    /// The laboratory values in the units of the paper.
    public struct Labs: Sendable {
        public var crpMgDl: Double?
        public var ldhIuL: Double?
        public var albuminGDl: Double?
        public var plateletsPerUl: Double?
        public var calciumMgDl: Double?
        public var bilirubinMgDl: Double?
        public init(crpMgDl: Double?, ldhIuL: Double?, albuminGDl: Double?, plateletsPerUl: Double?,
                    calciumMgDl: Double?, bilirubinMgDl: Double?) {
            self.crpMgDl = crpMgDl
            self.ldhIuL = ldhIuL
            self.albuminGDl = albuminGDl
            self.plateletsPerUl = plateletsPerUl
            self.calciumMgDl = calciumMgDl
            self.bilirubinMgDl = bilirubinMgDl
        }
    }

    public struct Input: Sendable {
        public var primarySite: String?
        public var growthGroup: GrowthGroup?
        public var visceral: Visceral?
        public var labs: Labs?
        public var ecog: Int?
        /// An ECOG range (e.g. converted from KPS); used when `ecog` is absent
        /// and the whole range falls on one side of 3.
        public var ecogRange: ClosedRange<Int>?
        public var previousChemotherapy: Bool?
        public var multipleSkeletalMetastases: Bool?
        public init(primarySite: String?, growthGroup: GrowthGroup?, visceral: Visceral?, labs: Labs?, ecog: Int?,
                    previousChemotherapy: Bool?, multipleSkeletalMetastases: Bool?) {
            self.primarySite = primarySite
            self.growthGroup = growthGroup
            self.visceral = visceral
            self.labs = labs
            self.ecog = ecog
            self.previousChemotherapy = previousChemotherapy
            self.multipleSkeletalMetastases = multipleSkeletalMetastases
        }
    }

    public struct Survival: Sendable {
        public let months6: Double, months12: Double, months24: Double
        public let provenance6: Provenance, provenance12: Provenance, provenance24: Provenance
    }

    public struct Result: Sendable {
        public let input: Input
        public let labTier: LabTier
        public let labReasons: [String]
        public let points: [(key: String, finding: String, points: Int)]
        public let total: Int
        public let band: Band<String>
        public var riskGroup: String { band.category }
        public var survival: Survival { KatagiriNew.survival[band.category]! }
    }

    public static let bands = BandTable<String>(totalRange: 0...10, [
        Band(0...3, "low", .sourced),
        Band(4...6, "intermediate", .secondary),
        Band(7...10, "high", .sourced),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    /// Derivation-cohort survival (%). ✔ = the abstract's rounded value agrees.
    static let survival: [String: Survival] = [
        "low": Survival(months6: 98.1, months12: 91.4, months24: 77.8, provenance6: .unverified, provenance12: .sourced, provenance24: .sourced),
        "intermediate": Survival(months6: 74.0, months12: 49.3, months24: 27.6, provenance6: .unverified, provenance12: .secondary, provenance24: .unverified),
        "high": Survival(months6: 26.9, months12: 6.0, months24: 2.1, provenance6: .sourced, provenance12: .sourced, provenance24: .unverified),
    ]

    public static let citations = [Citation("Katagiri H et al. 2014, Cancer Med 3(5):1359–1367")]

    public static let inputKeys: [InputKey] = [
        InputKey("primary_site", "primary tumour, recorded with the result", allowed: "text", required: false),
        .oneOf("primary_growth_group", "slow 0 (hormone-dependent breast/prostate, thyroid, myeloma, lymphoma), moderate 2, rapid 3", GrowthGroup.self),
        .oneOf("visceral_or_cerebral_metastases", "none 0, nodular 1, disseminated (pleural, peritoneal, leptomeningeal) 2", Visceral.self),
        InputKey("labs", "object: crp_mg_dl, ldh_iu_l, albumin_g_dl, platelets_per_ul, calcium_mg_dl (measured total), total_bilirubin_mg_dl", allowed: "all six numbers"),
        InputKey("ecog_ps", "ECOG performance status", allowed: "0–4"),
        InputKey("previous_chemotherapy", "any previous chemotherapy", allowed: "true, false"),
        InputKey("multiple_skeletal_metastases", "more than one skeletal metastasis", allowed: "true, false"),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        let labs: Labs? = r.nested("labs") { l in
            Labs(crpMgDl: l.double("crp_mg_dl", in: 0...100),
                 ldhIuL: l.double("ldh_iu_l", in: 0...100_000),
                 albuminGDl: l.double("albumin_g_dl", in: 0...10),
                 plateletsPerUl: l.double("platelets_per_ul", in: 0...5_000_000),
                 calciumMgDl: l.double("calcium_mg_dl", in: 0...30),
                 bilirubinMgDl: l.double("total_bilirubin_mg_dl", in: 0...100))
        }
        return Input(primarySite: r.string("primary_site"), growthGroup: r.enumValue("primary_growth_group"),
                     visceral: r.enumValue("visceral_or_cerebral_metastases"), labs: labs,
                     ecog: r.int("ecog_ps", in: 0...4), previousChemotherapy: r.bool("previous_chemotherapy"),
                     multipleSkeletalMetastases: r.bool("multiple_skeletal_metastases"))
    }

    /// Critical (any of platelets < 100 000/µL, Ca ≥ 10.3 mg/dL, bilirubin ≥ 1.4 mg/dL) outranks
    /// abnormal (any of CRP ≥ 0.4 mg/dL, LDH ≥ 250 IU/L, albumin < 3.7 g/dL); the item is never 3.
    public static func labTier(crp: Double, ldh: Double, albumin: Double, platelets: Double, calcium: Double,
                               bilirubin: Double) -> (LabTier, [String]) {
        var critical: [String] = []
        if platelets < 100_000 { critical.append("platelets \(format(platelets))/µL < 100 000") }
        if calcium >= 10.3 { critical.append("calcium \(format(calcium)) mg/dL ≥ 10.3") }
        if bilirubin >= 1.4 { critical.append("total bilirubin \(format(bilirubin)) mg/dL ≥ 1.4") }
        if !critical.isEmpty { return (.critical, critical) }
        var abnormal: [String] = []
        if crp >= 0.4 { abnormal.append("CRP \(format(crp)) mg/dL ≥ 0.4") }
        if ldh >= 250 { abnormal.append("LDH \(format(ldh)) IU/L ≥ 250") }
        if albumin < 3.7 { abnormal.append("albumin \(format(albumin)) g/dL < 3.7") }
        return abnormal.isEmpty ? (.normal, []) : (.abnormal, abnormal)
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let growth = need.need(input.growthGroup, "primary_growth_group")
        let visceral = need.need(input.visceral, "visceral_or_cerebral_metastases")
        let labs = need.need(input.labs, "labs")
        let crp = need.need(labs?.crpMgDl, "labs.crp_mg_dl")
        let ldh = need.need(labs?.ldhIuL, "labs.ldh_iu_l")
        let albumin = need.need(labs?.albuminGDl, "labs.albumin_g_dl")
        let platelets = need.need(labs?.plateletsPerUl, "labs.platelets_per_ul")
        let calcium = need.need(labs?.calciumMgDl, "labs.calcium_mg_dl")
        let bilirubin = need.need(labs?.bilirubinMgDl, "labs.total_bilirubin_mg_dl")
        var ecogFinding: (text: String, points: Int)?
        if let e = input.ecog {
            ecogFinding = ("ECOG \(e)", e >= 3 ? 1 : 0)
        } else if let r = input.ecogRange, (r.lowerBound >= 3) == (r.upperBound >= 3) {
            ecogFinding = ("ECOG \(r.lowerBound)–\(r.upperBound) (converted from KPS)", r.lowerBound >= 3 ? 1 : 0)
        }
        let ecog = need.need(ecogFinding, "ecog_ps")
        let chemo = need.need(input.previousChemotherapy, "previous_chemotherapy")
        let multiple = need.need(input.multipleSkeletalMetastases, "multiple_skeletal_metastases")
        if labs == nil { need = RequiredInputs.dropping(need, prefix: "labs.") }
        guard let growth, let visceral, let crp, let ldh, let albumin, let platelets, let calcium, let bilirubin,
            let ecog, let chemo, let multiple
        else { return .cannotScore(need.cannotScore!) }
        let (tier, reasons) = labTier(crp: crp, ldh: ldh, albumin: albumin, platelets: platelets, calcium: calcium,
                                      bilirubin: bilirubin)
        let site = input.primarySite.map { " (\($0))" } ?? ""
        let points: [(key: String, finding: String, points: Int)] = [
            ("primary_lesion", growth.rawValue + site, growth.points),
            ("visceral_or_cerebral_metastases", visceral.rawValue, visceral.points),
            ("laboratory_data", tier.rawValue, tier.points),
            ("ecog_ps_3_or_4", ecog.text, ecog.points),
            ("previous_chemotherapy", chemo ? "yes" : "no", chemo ? 1 : 0),
            ("multiple_skeletal_metastases", multiple ? "yes" : "no", multiple ? 1 : 0),
        ]
        let total = points.reduce(0) { $0 + $1.points }
        return .scored(Result(input: input, labTier: tier, labReasons: reasons, points: points, total: total,
                              band: bands.band(for: total)))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let s = r.survival
        var rationale = ["Total \(r.total) of 0–10 places the patient in the \(r.riskGroup)-risk group."]
        rationale.append(r.labReasons.isEmpty
            ? "Laboratory data normal."
            : "Laboratory data \(r.labTier.rawValue): \(r.labReasons.joined(separator: ", ")).")
        rationale.append("Derivation-cohort survival: \(format(s.months6)) % at 6 months, \(format(s.months12)) % at 12 months, \(format(s.months24)) % at 24 months.")
        return ScoreReport(
            scoreID: id, title: title,
            components: r.points.map { ComponentPoints(key: $0.key, finding: $0.finding, points: $0.points) },
            total: r.total, band: "\(r.band.range.lowerBound)–\(r.band.range.upperBound)",
            recommendation: "Survival estimate for treatment planning: \(r.riskGroup) risk (\(format(s.months12)) % alive at 12 months in the derivation cohort).",
            rationale: rationale, citations: citations, provenance: r.band.provenance,
            outputs: [
                ("points", .object(r.points.map { ($0.key, .int($0.points)) })),
                ("laboratory_tier", .string(r.labTier.rawValue)),
                ("total", .int(r.total)),
                ("risk_group", .string(r.riskGroup)),
                ("derivation_survival_percent", ["6mo": .double(s.months6), "12mo": .double(s.months12), "24mo": .double(s.months24)]),
                ("derivation_survival_provenance", ["6mo": .string(s.provenance6.rawValue), "12mo": .string(s.provenance12.rawValue),
                                                    "24mo": .string(s.provenance24.rawValue)]),
                ("primary_site", JSONValue(r.input.primarySite)),
            ],
            cautions: [
                "Scores estimate groups, not individuals: 808 patients registered 2005–2008 in Japan (Katagiri 2014).",
                "Calcium is the measured total value; whether the paper corrected it for albumin is not stated (✘).",
                "A total computed without the laboratory item is the 2005 instrument, not this one.",
            ]
        )
    }
}
