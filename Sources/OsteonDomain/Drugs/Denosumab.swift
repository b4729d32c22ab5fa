import Foundation

/// Denosumab 120 mg checks before and during treatment (Xgeva label; REFERENCE.md §9.4)
/// with the dental evaluation and MRONJ risk factors of MASCC/ISOO/ASCO (§9.5).
public enum DenosumabChecks: ClinicalRule {
    public static let id = "denosumab_checks"
    public static let title = "Denosumab 120 mg — regimen and safety checks"

    public enum Indication: String, InputEnum {
        case boneMetastasesOrMyeloma = "bone_metastases_or_myeloma"
        case giantCellTumorOfBone = "giant_cell_tumor_of_bone"
        case hypercalcemiaRefractoryToBisphosphonate = "hypercalcemia_refractory_to_bisphosphonate"
        public static var aliases: [String: Indication] {
            ["bone_metastases": .boneMetastasesOrMyeloma, "giant_cell_tumour_of_bone": .giantCellTumorOfBone,
             "gctb": .giantCellTumorOfBone, "hypercalcaemia_refractory_to_bisphosphonate": .hypercalcemiaRefractoryToBisphosphonate]
        }
    }

    public struct Input: Sendable {
        public var indication: Indication?
        /// Pre-existing hypocalcaemia, as flagged against the laboratory's own range.
        public var hypocalcemiaPresent: Bool?
        public var calciumAndVitaminDPrescribed: Bool?
        public var crclMlMin: Double?
        public var onDialysis: Bool?
        public var dentalEvaluationDone: Bool?
        public var mronjRiskFactors: MRONJ.RiskFactors
        public init(indication: Indication?, hypocalcemiaPresent: Bool?, calciumAndVitaminDPrescribed: Bool?,
                    crclMlMin: Double?, onDialysis: Bool?, dentalEvaluationDone: Bool?, mronjRiskFactors: MRONJ.RiskFactors) {
            self.indication = indication
            self.hypocalcemiaPresent = hypocalcemiaPresent
            self.calciumAndVitaminDPrescribed = calciumAndVitaminDPrescribed
            self.crclMlMin = crclMlMin
            self.onDialysis = onDialysis
            self.dentalEvaluationDone = dentalEvaluationDone
            self.mronjRiskFactors = mronjRiskFactors
        }
    }

    public enum Decision: String, Sendable {
        case start
        case correctHypocalcemiaFirst = "correct_hypocalcemia_first"
        case dentalEvaluationFirst = "dental_evaluation_first"
    }

    public struct Check: Sendable {
        public let code: String
        public let actionNeeded: Bool
        public let text: String
    }

    public struct Result: Sendable {
        public let input: Input
        public let decision: Decision
        public let regimen: String
        public let checks: [Check]
        public let calciumMonitoringAlert: Bool
    }

    /// The label's regimen by indication (§9.4): loading doses on days 8 and 15 of
    /// the first month for giant cell tumour of bone ✔ and for hypercalcaemia
    /// refractory to bisphosphonates ◐.
    public static func regimen(for indication: Indication) -> String {
        switch indication {
        case .boneMetastasesOrMyeloma: "120 mg subcutaneously every 4 weeks (upper arm, upper thigh or abdomen)"
        case .giantCellTumorOfBone: "120 mg subcutaneously every 4 weeks, with extra 120 mg doses on days 8 and 15 of the first month"
        case .hypercalcemiaRefractoryToBisphosphonate:
            "120 mg subcutaneously every 4 weeks, with extra 120 mg doses on days 8 and 15 of the first month (days 1, 8, 15, 29, then every 4 weeks)"
        }
    }

    /// Days after the first dose on which the first month's doses fall.
    public static func loadingDays(for indication: Indication) -> [Int] {
        indication == .boneMetastasesOrMyeloma ? [] : [7, 14, 28]
    }

    /// CrCl below which denosumab hypocalcaemia risk is higher (label ◐).
    public static let hypocalcemiaRiskCrCl = 30.0

    public static let citations = [
        Citation("Xgeva (denosumab) US prescribing information"),
        Citation("Yarom N et al. 2019, J Clin Oncol (MASCC/ISOO/ASCO guideline on MRONJ)"),
    ]

    public static let inputKeys: [InputKey] = [
        .oneOf("indication", "why denosumab is given", Indication.self),
        InputKey("hypocalcemia_present", "pre-existing hypocalcaemia by the laboratory's range", allowed: "true, false"),
        InputKey("calcium_vitamin_d_prescribed", "calcium and vitamin D supplements prescribed", allowed: "true, false"),
        InputKey("crcl_ml_min", "creatinine clearance (mL/min)", allowed: "0–300"),
        InputKey("on_dialysis", "on dialysis", allowed: "true, false"),
        InputKey("dental_evaluation_done", "oral and dental assessment done before starting", allowed: "true, false"),
    ] + MRONJ.riskFactorKeys

    public static func read(_ r: inout InputReader) -> Input {
        Input(indication: r.enumValue("indication"), hypocalcemiaPresent: r.bool("hypocalcemia_present"),
              calciumAndVitaminDPrescribed: r.bool("calcium_vitamin_d_prescribed"),
              crclMlMin: r.double("crcl_ml_min", in: 0...300), onDialysis: r.bool("on_dialysis"),
              dentalEvaluationDone: r.bool("dental_evaluation_done"), mronjRiskFactors: MRONJ.readRiskFactors(&r))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let indication = need.need(input.indication, "indication")
        let hypo = need.need(input.hypocalcemiaPresent, "hypocalcemia_present")
        let supplements = need.need(input.calciumAndVitaminDPrescribed, "calcium_vitamin_d_prescribed")
        let crcl = need.need(input.crclMlMin, "crcl_ml_min")
        let dialysis = need.need(input.onDialysis, "on_dialysis")
        let dental = need.need(input.dentalEvaluationDone, "dental_evaluation_done")
        guard let indication, let hypo, let supplements, let crcl, let dialysis, let dental else {
            return .cannotScore(need.cannotScore!)
        }
        let regimen = regimen(for: indication)
        let lowClearance = roundHalfUp(crcl, places: 1) < hypocalcemiaRiskCrCl || dialysis
        var checks = [
            Check(code: "hypocalcemia", actionNeeded: hypo,
                  text: hypo ? "Correct the pre-existing hypocalcaemia before the first dose." : "No pre-existing hypocalcaemia."),
            Check(code: "calcium_vitamin_d", actionNeeded: !supplements,
                  text: supplements ? "Calcium and vitamin D prescribed." : "Prescribe calcium and vitamin D as needed to treat or prevent hypocalcaemia."),
            Check(code: "renal_hypocalcemia_risk", actionNeeded: lowClearance,
                  text: lowClearance
                    ? "CrCl < 30 mL/min or dialysis: higher risk of hypocalcaemia — monitor calcium closely."
                    : "No renal dose adjustment needed."),
            Check(code: "dental_evaluation", actionNeeded: !dental,
                  text: dental ? "Dental evaluation done; dental follow-up every 6 months."
                    : "Oral and dental assessment, with any needed dental work, before a non-urgent start."),
        ]
        checks += input.mronjRiskFactors.checks
        let decision: Decision = hypo ? .correctHypocalcemiaFirst : (!dental ? .dentalEvaluationFirst : .start)
        return .scored(Result(input: input, decision: decision, regimen: regimen, checks: checks, calciumMonitoringAlert: lowClearance))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let text: String
        switch r.decision {
        case .start: text = "Start denosumab \(r.regimen)."
        case .correctHypocalcemiaFirst: text = "Correct hypocalcaemia, then start denosumab \(r.regimen)."
        case .dentalEvaluationFirst: text = "Arrange a dental evaluation first (unless the start is urgent), then denosumab \(r.regimen)."
        }
        return ScoreReport(
            scoreID: id, title: title, recommendation: text,
            rationale: r.checks.filter(\.actionNeeded).map(\.text),
            citations: citations, provenance: .sourced,
            outputs: [
                ("recommendation", .string(r.decision.rawValue)),
                ("regimen", .string(r.regimen)),
                ("calcium_monitoring_alert", .bool(r.calciumMonitoringAlert)),
                ("checks", .array(r.checks.map { ["code": .string($0.code), "action_needed": .bool($0.actionNeeded), "text": .string($0.text)] })),
            ],
            cautions: ["Do not extend denosumab beyond every 4 weeks for metastatic disease (◐)."]
        )
    }
}

extension DenosumabChecks.Indication {
    /// Denosumab's hypercalcaemia indication is for disease refractory to bisphosphonates only.
    public init(_ recorded: BMAIndication) {
        switch recorded {
        case .boneMetastasesOrMyeloma: self = .boneMetastasesOrMyeloma
        case .giantCellTumorOfBone: self = .giantCellTumorOfBone
        case .hypercalcaemiaOfMalignancy, .hypercalcaemiaRefractoryToBisphosphonate: self = .hypercalcemiaRefractoryToBisphosphonate
        }
    }
}
