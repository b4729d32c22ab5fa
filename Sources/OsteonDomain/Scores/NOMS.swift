/// NOMS decision framework for spinal metastases (Laufer 2013; REFERENCE.md §7):
/// Neurologic + Oncologic decide the radiation plan, Mechanical decides
/// stabilisation, Systemic decides whether the patient can tolerate either.
public enum NOMS: ClinicalRule {
    public static let id = "noms"
    public static let title = "NOMS framework (neurologic, oncologic, mechanical, systemic)"

    /// Expected response of the histology to conventional radiotherapy.
    /// The per-histology lists are ✘ in REFERENCE.md: the clinician chooses.
    public enum Radiosensitivity: String, InputEnum {
        case radiosensitive, radioresistant
    }

    public struct Input: Sendable {
        public var escc: ESCC.Grade?
        public var radiosensitivity: Radiosensitivity?
        public var sinsTotal: Int?
        public var medicallyFitForSurgery: Bool?
        public var primary: String?
        public init(escc: ESCC.Grade?, radiosensitivity: Radiosensitivity?, sinsTotal: Int?, medicallyFitForSurgery: Bool?, primary: String? = nil) {
            self.escc = escc
            self.radiosensitivity = radiosensitivity
            self.sinsTotal = sinsTotal
            self.medicallyFitForSurgery = medicallyFitForSurgery
            self.primary = primary
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let highGradeESCC: Bool
        public let radiationPlan: String
        /// nil when the board must decide (ESCC 1c, radioresistant).
        public let separationSurgery: Bool?
        public let mechanicalAction: String
        public let reasons: [String]
        public let boardDecisionNeeded: Bool
    }

    public static let plans = (
        cEBRT: "conventional external beam RT (cEBRT)",
        sbrt: "spine SBRT/SRS",
        separationThenSBRT: "separation surgery, then spine SBRT/SRS",
        palliativeCEBRT: "conventional external beam RT (cEBRT) ± dexamethasone (palliative)",
        board1c: "board decision (ESCC 1c): spine SBRT/SRS, or separation surgery, then spine SBRT/SRS"
    )

    public static let mechanical = (
        stable: "no stabilization needed (stable)",
        consult: "spine surgery consultation",
        stabilize: "surgical stabilization (open) or cement augmentation per pattern"
    )

    public static let citations = [
        Citation("Laufer I et al. 2013, Oncologist 18(6) (NOMS framework)"),
        Citation("Bilsky MH et al. 2010, J Neurosurg Spine 13(3):324–328"),
        Citation("Fisher CG et al. 2010, Spine 35(22):E1221–E1229"),
        Citation("Alcorn S et al. 2024, Pract Radiat Oncol (ASTRO bone metastases guideline)"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("escc_grade", "Bilsky ESCC grade", allowed: ESCC.Grade.allowedList),
        .oneOf("radiosensitivity", "expected response of the histology to conventional RT", Radiosensitivity.self),
        InputKey("sins_total", "SINS total (mechanical axis)", allowed: "0–18"),
        InputKey("medically_fit_for_surgery", "systemic axis: can the patient tolerate surgery", allowed: "true, false"),
        InputKey("primary", "primary histology, recorded with the result", allowed: "text", required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(escc: r.enumValue("escc_grade"), radiosensitivity: r.enumValue("radiosensitivity"),
              sinsTotal: r.int("sins_total", in: 0...18), medicallyFitForSurgery: r.bool("medically_fit_for_surgery"),
              primary: r.string("primary"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let escc = need.need(input.escc, "escc_grade")
        let sensitivity = need.need(input.radiosensitivity, "radiosensitivity")
        let sins = need.need(input.sinsTotal, "sins_total")
        let fit = need.need(input.medicallyFitForSurgery, "medically_fit_for_surgery")
        guard let escc, let sensitivity, let sins, let fit else { return .cannotScore(need.cannotScore!) }

        var reasons: [String] = []
        let plan: String
        var separation: Bool? = false
        var board = false
        if sensitivity == .radiosensitive {
            plan = plans.cEBRT
            reasons.append("N+O: radiosensitive histology — cEBRT regardless of ESCC grade or myelopathy.")
        } else if escc.isHighGrade {
            if fit {
                plan = plans.separationThenSBRT
                separation = true
                reasons.append("N+O: high-grade ESCC (\(escc.rawValue)) in a radioresistant tumour, fit for surgery — separation surgery followed by SBRT/SRS.")
            } else {
                plan = plans.palliativeCEBRT
                reasons.append("N+O+S: high-grade ESCC (\(escc.rawValue)), radioresistant, not fit for surgery — palliative cEBRT with dexamethasone.")
            }
        } else if escc.isControversial {
            plan = plans.board1c
            separation = nil
            board = true
            reasons.append("N+O: ESCC 1c (cord abutted, not compressed) in a radioresistant tumour — management is debated; the board decides.")
        } else {
            plan = plans.sbrt
            reasons.append("N+O: low-grade ESCC (\(escc.rawValue)) in a radioresistant tumour — spine SBRT/SRS.")
        }

        let action: String
        switch sins {
        case 13...: action = mechanical.stabilize
            reasons.append("M: SINS \(sins) (unstable) — stabilisation usually indicated: open for gross instability, cement augmentation for axial-load pain without it.")
        case 7...12: action = mechanical.consult
            reasons.append("M: SINS \(sins) (potentially unstable) — spine surgery consultation.")
        default: action = mechanical.stable
            reasons.append("M: SINS \(sins) (stable) — no stabilisation needed.")
        }
        if !fit {
            reasons.append("S: not medically fit for surgery — surgical options above depend on what the patient can tolerate.")
        }
        return .scored(Result(input: input, highGradeESCC: escc.isHighGrade, radiationPlan: plan, separationSurgery: separation,
                              mechanicalAction: action, reasons: reasons, boardDecisionNeeded: board))
    }

    public static func report(_ r: Result) -> ScoreReport {
        var cautions = ["The radiosensitivity lists of the NOMS papers are unverified here (✘): the clinician's classification is used."]
        if r.input.escc?.isHighGrade == true {
            cautions.append("Cord compression: dexamethasone with radiotherapy is recommended; surgery plus postoperative RT is conditionally recommended over RT alone (ASTRO 2024).")
        }
        return ScoreReport(
            scoreID: id, title: title,
            recommendation: "Radiation plan: \(r.radiationPlan). Mechanical: \(r.mechanicalAction).",
            rationale: r.reasons, citations: citations, provenance: .sourced,
            outputs: [
                ("high_grade_escc", .bool(r.highGradeESCC)),
                ("radiation_plan", .string(r.radiationPlan)),
                ("separation_surgery", JSONValue(r.separationSurgery)),
                ("mechanical_instability_action", .string(r.mechanicalAction)),
                ("board_decision_needed", .bool(r.boardDecisionNeeded)),
                ("primary", JSONValue(r.input.primary)),
            ],
            cautions: cautions
        )
    }
}
