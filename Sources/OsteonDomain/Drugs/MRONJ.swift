import Foundation

/// Medication-related osteonecrosis of the jaw: the case definition and the
/// modifiable risk factors (Yarom 2019, MASCC/ISOO/ASCO; REFERENCE.md §9.5).
public enum MRONJ: ClinicalRule {
    public static let id = "mronj"
    public static let title = "MRONJ — case definition and risk factors"

    /// Modifiable risk factors; nil means not assessed (shown as such, never assumed absent).
    public struct RiskFactors: Sendable {
        public var poorOralHealth: Bool?
        public var plannedDentoalveolarSurgery: Bool?
        public var illFittingDentures: Bool?
        public var uncontrolledDiabetes: Bool?
        public var tobaccoUse: Bool?
        public init(poorOralHealth: Bool? = nil, plannedDentoalveolarSurgery: Bool? = nil, illFittingDentures: Bool? = nil,
                    uncontrolledDiabetes: Bool? = nil, tobaccoUse: Bool? = nil) {
            self.poorOralHealth = poorOralHealth
            self.plannedDentoalveolarSurgery = plannedDentoalveolarSurgery
            self.illFittingDentures = illFittingDentures
            self.uncontrolledDiabetes = uncontrolledDiabetes
            self.tobaccoUse = tobaccoUse
        }

        var named: [(code: String, value: Bool?, advice: String)] {
            [
                ("poor_oral_health", poorOralHealth, "Improve oral hygiene and treat dental disease."),
                ("planned_dentoalveolar_surgery", plannedDentoalveolarSurgery, "Avoid elective extractions or implants during oncologic-dose therapy; do needed work before starting."),
                ("ill_fitting_dentures", illFittingDentures, "Refit dentures."),
                ("uncontrolled_diabetes", uncontrolledDiabetes, "Improve diabetes control."),
                ("tobacco_use", tobaccoUse, "Offer tobacco cessation support."),
            ]
        }

        public var present: [String] { named.filter { $0.value == true }.map(\.code) }
        public var notAssessed: [String] { named.filter { $0.value == nil }.map(\.code) }

        var checks: [DenosumabChecks.Check] {
            named.compactMap { f in
                switch f.value {
                case true?: DenosumabChecks.Check(code: "mronj_risk_\(f.code)", actionNeeded: true, text: "MRONJ risk factor: \(f.code.replacingOccurrences(of: "_", with: " ")). \(f.advice)")
                case nil: DenosumabChecks.Check(code: "mronj_risk_\(f.code)", actionNeeded: false, text: "MRONJ risk factor not assessed: \(f.code.replacingOccurrences(of: "_", with: " ")).")
                case false?: nil
                }
            }
        }
    }

    static let riskFactorKeys: [InputKey] = [
        InputKey("poor_oral_health", "MRONJ risk factor", allowed: "true, false", required: false),
        InputKey("planned_dentoalveolar_surgery", "extraction or implant planned", allowed: "true, false", required: false),
        InputKey("ill_fitting_dentures", "MRONJ risk factor", allowed: "true, false", required: false),
        InputKey("uncontrolled_diabetes", "MRONJ risk factor", allowed: "true, false", required: false),
        InputKey("tobacco_use", "MRONJ risk factor", allowed: "true, false", required: false),
    ]

    static func readRiskFactors(_ r: inout InputReader) -> RiskFactors {
        RiskFactors(poorOralHealth: r.bool("poor_oral_health"), plannedDentoalveolarSurgery: r.bool("planned_dentoalveolar_surgery"),
                    illFittingDentures: r.bool("ill_fitting_dentures"), uncontrolledDiabetes: r.bool("uncontrolled_diabetes"),
                    tobaccoUse: r.bool("tobacco_use"))
    }

    public struct Input: Sendable {
        public var antiresorptiveOrAntiangiogenicExposure: Bool?
        public var exposedBoneWeeks: Double?
        public var jawRadiotherapy: Bool?
        public var jawMetastasis: Bool?
        public var riskFactors: RiskFactors
        public init(antiresorptiveOrAntiangiogenicExposure: Bool?, exposedBoneWeeks: Double?, jawRadiotherapy: Bool?,
                    jawMetastasis: Bool?, riskFactors: RiskFactors = RiskFactors()) {
            self.antiresorptiveOrAntiangiogenicExposure = antiresorptiveOrAntiangiogenicExposure
            self.exposedBoneWeeks = exposedBoneWeeks
            self.jawRadiotherapy = jawRadiotherapy
            self.jawMetastasis = jawMetastasis
            self.riskFactors = riskFactors
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let meetsDefinition: Bool
        public let unmetCriteria: [String]
    }

    /// Exposed bone must persist more than 8 weeks.
    public static let minimumWeeksExposed = 8.0

    public static let citations = [
        Citation("Yarom N et al. 2019, J Clin Oncol (MASCC/ISOO/ASCO guideline on MRONJ)"),
        Citation("SWOG S0702, 2021, JAMA Oncol (cumulative ONJ 0.8 % at 1 y, 2.0 % at 2 y, 2.8 % at 3 y on zoledronic acid)"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("bma_or_antiangiogenic_exposure", "current or previous bone-modifying agent or angiogenic inhibitor", allowed: "true, false"),
        InputKey("exposed_bone_weeks", "weeks that exposed (or probeable) maxillofacial bone has persisted", allowed: "0 or more"),
        InputKey("jaw_radiotherapy", "any radiotherapy to the jaws", allowed: "true, false"),
        InputKey("jaw_metastasis", "metastatic disease in the jaws", allowed: "true, false"),
    ] + riskFactorKeys

    public static func read(_ r: inout InputReader) -> Input {
        Input(antiresorptiveOrAntiangiogenicExposure: r.bool("bma_or_antiangiogenic_exposure"),
              exposedBoneWeeks: r.double("exposed_bone_weeks", in: 0...1000), jawRadiotherapy: r.bool("jaw_radiotherapy"),
              jawMetastasis: r.bool("jaw_metastasis"), riskFactors: readRiskFactors(&r))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let exposure = need.need(input.antiresorptiveOrAntiangiogenicExposure, "bma_or_antiangiogenic_exposure")
        let weeks = need.need(input.exposedBoneWeeks, "exposed_bone_weeks")
        let rt = need.need(input.jawRadiotherapy, "jaw_radiotherapy")
        let mets = need.need(input.jawMetastasis, "jaw_metastasis")
        guard let exposure, let weeks, let rt, let mets else { return .cannotScore(need.cannotScore!) }
        var unmet: [String] = []
        if !exposure { unmet.append("no bone-modifying agent or angiogenic inhibitor") }
        if !(weeks > minimumWeeksExposed) { unmet.append("exposed bone for \(format(weeks)) weeks, not more than 8") }
        if rt { unmet.append("radiotherapy to the jaw (consider osteoradionecrosis)") }
        if mets { unmet.append("metastasis to the jaw") }
        return .scored(Result(input: input, meetsDefinition: unmet.isEmpty, unmetCriteria: unmet))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let text = r.meetsDefinition
            ? "Meets the MRONJ case definition: refer to oral medicine / oral surgery; do not start elective dentoalveolar surgery."
            : "Does not meet the MRONJ case definition: \(r.unmetCriteria.joined(separator: "; "))."
        return ScoreReport(
            scoreID: id, title: title, recommendation: text,
            rationale: ["All three are needed: current or previous BMA or angiogenic inhibitor; exposed maxillofacial bone persisting more than 8 weeks; no jaw radiotherapy and no jaw metastasis."],
            citations: citations, provenance: .sourced,
            outputs: [
                ("meets_definition", .bool(r.meetsDefinition)),
                ("unmet_criteria", JSONValue(r.unmetCriteria)),
                ("risk_factors_present", JSONValue(r.input.riskFactors.present)),
                ("risk_factors_not_assessed", JSONValue(r.input.riskFactors.notAssessed)),
            ],
            cautions: ["Incidence on oncologic-dose BMA is about 1–9 %; highest in myeloma, lowest in breast cancer (SWOG S0702)."]
        )
    }
}
