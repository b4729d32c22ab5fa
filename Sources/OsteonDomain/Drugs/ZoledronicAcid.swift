import Foundation

/// Zoledronic acid 4 mg: dose by baseline creatinine clearance (Zometa US label
/// §2.2 Table 1; REFERENCE.md §9.1), infusion time and interval (§9.3).
public enum ZoledronicAcidRenalDose: BandedRule {
    public static let id = "zoledronic_acid_renal_dose"
    public static let title = "Zoledronic acid — renal dose, infusion and interval"

    public enum Indication: String, InputEnum {
        case boneMetastasesOrMyeloma = "bone_metastases_or_myeloma"
        case hypercalcemiaOfMalignancy = "hypercalcemia_of_malignancy"
        public static var aliases: [String: Indication] {
            ["bone_metastases": .boneMetastasesOrMyeloma, "multiple_myeloma": .boneMetastasesOrMyeloma,
             "myeloma": .boneMetastasesOrMyeloma, "hypercalcaemia_of_malignancy": .hypercalcemiaOfMalignancy,
             "hcm": .hypercalcemiaOfMalignancy]
        }
    }

    public enum Interval: String, InputEnum {
        case q4w, q12w
        public var words: String { self == .q4w ? "every 4 weeks" : "every 12 weeks" }
        public var citation: Citation {
            switch self {
            case .q4w: Citation("Zometa (zoledronic acid) US prescribing information: every 3–4 weeks")
            case .q12w: Citation("Himelstein AL et al. 2017, JAMA 317(1):48–58 (CALGB 70604: every 12 weeks non-inferior)")
            }
        }
    }

    /// Dose in tenths of a mg by CrCl in tenths of mL/min (whole numbers, so
    /// the band edges are exact): > 60.0 → 4.0; 50.0–60.0 → 3.5; 40.0–49.9 → 3.3;
    /// 30.0–39.9 → 3.0; < 30.0 → not recommended.
    public struct DoseBand: Sendable {
        public let label: String
        public let doseMg: Double?
    }

    /// Bands over CrCl in tenths of mL/min (0.0–300.0 mL/min covers every adult value).
    public static let bands = BandTable<DoseBand>(totalRange: 0...3000, [
        Band(0...299, DoseBand(label: "<30", doseMg: nil), .sourced),
        Band(300...399, DoseBand(label: "30-39", doseMg: 3.0), .sourced),
        Band(400...499, DoseBand(label: "40-49", doseMg: 3.3), .sourced),
        Band(500...600, DoseBand(label: "50-60", doseMg: 3.5), .sourced),
        Band(601...3000, DoseBand(label: ">60", doseMg: 4.0), .sourced),
    ])
    public static var totalRange: ClosedRange<Int> { bands.totalRange }
    public static var bandRanges: [ClosedRange<Int>] { bands.ranges }
    public static var bandsPartitionRange: Bool { bands.isPartition }

    public static func band(forCrCl crcl: Double) -> Band<DoseBand> {
        let tenths = Int(roundHalfUp(crcl, places: 1) * 10 + 0.5 * (crcl >= 0 ? 1 : -1))
        return bands.band(for: min(max(tenths, 0), 3000))
    }

    /// The label's supplement advice for the bone-metastasis indication (not for hypercalcaemia, §18.3.1).
    public static let supplementCaution = "Give oral calcium 500 mg and a multivitamin with 400 IU vitamin D daily."

    /// Serum creatinine below which hypercalcaemia of malignancy needs no dose adjustment (label).
    public static let hcmCreatinineLimitMgDl = 4.5
    public static let minimumInfusionMinutes = 15

    public struct Input: Sendable {
        public var indication: Indication?
        public var clearance: CockcroftGault.Input
        public var interval: Interval?
        public init(indication: Indication?, clearance: CockcroftGault.Input, interval: Interval? = nil) {
            self.indication = indication
            self.clearance = clearance
            self.interval = interval
        }
    }

    public enum Recommendation: String, Sendable {
        case give
        case notRecommended = "not_recommended"
        /// HCM with creatinine ≥ 4.5 mg/dL: outside the label's no-adjustment statement.
        case riskBenefitReview = "risk_benefit_review"
    }

    public struct Result: Sendable {
        public let input: Input
        public let clearance: CockcroftGault.Result
        public let band: Band<DoseBand>
        public let recommendation: Recommendation
        public let doseMg: Double?
        public var infusionMinutesMin: Int? { doseMg == nil ? nil : ZoledronicAcidRenalDose.minimumInfusionMinutes }
    }

    public static let citations = [
        Citation("Zometa (zoledronic acid) US prescribing information, §2.2 Table 1"),
        Citation("Cockcroft DW, Gault MH 1976, Nephron 16:31–41"),
    ]

    public static let inputKeys: [InputKey] = [
        .oneOf("indication", "why zoledronic acid is given", Indication.self),
    ] + CockcroftGault.inputKeys + [
        InputKey("crcl_method", "how CrCl was obtained, recorded with the result", allowed: "text", required: false),
        .oneOf("interval", "chosen interval for bone metastases: q4w (label) or q12w (CALGB 70604)", Interval.self, required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        _ = r.string("crcl_method")
        return Input(indication: r.enumValue("indication"), clearance: CockcroftGault.readInput(&r), interval: r.enumValue("interval"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let indication = need.need(input.indication, "indication")
        let crclOutcome = CockcroftGault.evaluate(input.clearance)
        if let missing = crclOutcome.cannotScore { return .cannotScore(.missing(need.missing + missing.missingFields)) }
        guard let indication, let crcl = crclOutcome.value else { return .cannotScore(need.cannotScore!) }
        let band = band(forCrCl: crcl.crclMlMin)
        switch indication {
        case .boneMetastasesOrMyeloma:
            let dose = band.category.doseMg
            return .scored(Result(input: input, clearance: crcl, band: band,
                                  recommendation: dose == nil ? .notRecommended : .give, doseMg: dose))
        case .hypercalcemiaOfMalignancy:
            let scr = input.clearance.serumCreatinineMgDl!
            return scr < hcmCreatinineLimitMgDl
                ? .scored(Result(input: input, clearance: crcl, band: band, recommendation: .give, doseMg: 4.0))
                : .scored(Result(input: input, clearance: crcl, band: band, recommendation: .riskBenefitReview, doseMg: nil))
        }
    }

    public static func report(_ r: Result) -> ScoreReport {
        var rationale = [CockcroftGault.working(r.clearance)]
        var cautions = ["Measure serum creatinine before every dose; withhold for renal deterioration (see zoledronic_acid_pre_dose_check)."]
        let text: String
        switch (r.input.indication!, r.recommendation) {
        case (.boneMetastasesOrMyeloma, .give):
            // The action in full: dose, route, infusion time and, once chosen, the interval.
            text = "Give zoledronic acid \(format(r.doseMg!)) mg IV over no less than 15 minutes\(r.input.interval.map { ", \($0.words)" } ?? "")."
            rationale.append("Baseline CrCl band \(r.band.category.label) mL/min → \(format(r.doseMg!)) mg (label Table 1).")
            cautions.append(supplementCaution)
            cautions.append("Dental examination and preventive dentistry before starting (Van Poznak 2011).")
        case (.boneMetastasesOrMyeloma, _):
            text = "Zoledronic acid is not recommended: CrCl below 30 mL/min (severe renal impairment). Consider denosumab with calcium monitoring."
            rationale.append("Baseline CrCl \(format(r.clearance.crclMlMin)) mL/min < 30: not recommended (label Table 1).")
            cautions.append("Denosumab carries a higher risk of hypocalcaemia at CrCl < 30 mL/min: monitor calcium (see denosumab_checks).")
        case (.hypercalcemiaOfMalignancy, .give):
            text = "Give zoledronic acid 4 mg IV over no less than 15 minutes after rehydration; wait at least 7 days before re-treatment."
            rationale.append("Hypercalcaemia of malignancy: no dose adjustment for renal function when serum creatinine < 4.5 mg/dL (label).")
        case (.hypercalcemiaOfMalignancy, _):
            text = "Serum creatinine is 4.5 mg/dL or more: outside the label's no-adjustment range; weigh risks and benefits before giving zoledronic acid."
            rationale.append("The label's statement of no dose adjustment covers serum creatinine < 4.5 mg/dL only.")
        }
        var outputs: [(String, JSONValue)] = [
            ("crcl_ml_min", .double(r.clearance.crclMlMin)),
            ("crcl_band", .string(r.band.category.label)),
            ("recommendation", .string(r.recommendation.rawValue)),
            ("dose_mg", JSONValue(r.doseMg)),
            ("infusion_minutes_min", JSONValue(r.infusionMinutesMin)),
            ("indication", .string(r.input.indication!.rawValue)),
        ]
        var citations = citations
        if r.input.indication == .boneMetastasesOrMyeloma, r.doseMg != nil {
            if let chosen = r.input.interval {
                outputs.append(("interval", .string(chosen.rawValue)))
                outputs.append(("interval_citation", .string(chosen.citation.text)))
                citations.append(chosen.citation)
            } else {
                outputs.append(("interval_options", JSONValue(Interval.allCases.map(\.rawValue))))
                rationale.append("Interval: every 4 weeks (label) or every 12 weeks (CALGB 70604, non-inferior); record the choice.")
                citations.append(Interval.q12w.citation)
            }
        }
        return ScoreReport(
            scoreID: id, title: title, band: r.band.category.label, recommendation: text, rationale: rationale,
            citations: citations, provenance: r.band.provenance, outputs: outputs, cautions: cautions)
    }
}

/// Before each dose: withhold for renal deterioration and resume when
/// creatinine is back within 10 % of baseline (Zometa label; REFERENCE.md §9.1).
/// For hypercalcaemia of malignancy: at least 7 days before re-treatment.
public enum ZoledronicAcidRetreatment: ClinicalRule {
    public static let id = "zoledronic_acid_pre_dose_check"
    public static let title = "Zoledronic acid — creatinine check before each dose and re-treatment"

    public struct Input: Sendable {
        public var indication: ZoledronicAcidRenalDose.Indication?
        public var baselineCreatinineMgDl: Double?
        public var currentCreatinineMgDl: Double?
        public var baselineCreatinineNormal: Bool?
        public var withheldForRenalDeterioration: Bool?
        public var daysSinceLastDose: Int?
        public init(indication: ZoledronicAcidRenalDose.Indication?, baselineCreatinineMgDl: Double?,
                    currentCreatinineMgDl: Double?, baselineCreatinineNormal: Bool?,
                    withheldForRenalDeterioration: Bool?, daysSinceLastDose: Int?) {
            self.indication = indication
            self.baselineCreatinineMgDl = baselineCreatinineMgDl
            self.currentCreatinineMgDl = currentCreatinineMgDl
            self.baselineCreatinineNormal = baselineCreatinineNormal
            self.withheldForRenalDeterioration = withheldForRenalDeterioration
            self.daysSinceLastDose = daysSinceLastDose
        }
    }

    public enum Decision: String, Sendable {
        case give
        case withhold
        case resumeSameDose = "resume_same_dose"
        case continueWithholding = "continue_withholding"
        case waitForRetreatmentInterval = "wait_for_retreatment_interval"
    }

    public struct Result: Sendable {
        public let input: Input
        public let decision: Decision
        public let riseMgDl: Double
        public let reason: String
    }

    public static let deteriorationRiseNormalBaseline = 0.5
    public static let deteriorationRiseAbnormalBaseline = 1.0
    public static let resumeWithinFraction = 0.10
    public static let hcmMinimumDaysBetweenDoses = 7

    public static let citations = [Citation("Zometa (zoledronic acid) US prescribing information (renal toxicity; re-treatment of hypercalcaemia of malignancy)")]

    public static let inputKeys: [InputKey] = [
        .oneOf("indication", "why zoledronic acid is given", ZoledronicAcidRenalDose.Indication.self),
        InputKey("baseline_serum_creatinine_mg_dl", "creatinine before the first dose", allowed: "0.1–30"),
        InputKey("current_serum_creatinine_mg_dl", "creatinine measured before this dose", allowed: "0.1–30"),
        InputKey("baseline_creatinine_normal", "was the baseline within the laboratory's normal range", allowed: "true, false"),
        InputKey("withheld_for_renal_deterioration", "is treatment currently withheld for renal deterioration", allowed: "true, false"),
        InputKey("days_since_last_dose", "days since the last dose (required for hypercalcaemia of malignancy)", allowed: "0 or more", required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(indication: r.enumValue("indication"),
              baselineCreatinineMgDl: r.double("baseline_serum_creatinine_mg_dl", in: 0.1...30),
              currentCreatinineMgDl: r.double("current_serum_creatinine_mg_dl", in: 0.1...30),
              baselineCreatinineNormal: r.bool("baseline_creatinine_normal"),
              withheldForRenalDeterioration: r.bool("withheld_for_renal_deterioration"),
              daysSinceLastDose: r.int("days_since_last_dose", in: 0...100_000))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let indication = need.need(input.indication, "indication")
        let baseline = need.need(input.baselineCreatinineMgDl, "baseline_serum_creatinine_mg_dl")
        let current = need.need(input.currentCreatinineMgDl, "current_serum_creatinine_mg_dl")
        let normal = need.need(input.baselineCreatinineNormal, "baseline_creatinine_normal")
        let withheld = need.need(input.withheldForRenalDeterioration, "withheld_for_renal_deterioration")
        let days = indication == .hypercalcemiaOfMalignancy ? need.need(input.daysSinceLastDose, "days_since_last_dose") : input.daysSinceLastDose
        guard let indication, let baseline, let current, let normal, let withheld else { return .cannotScore(need.cannotScore!) }
        if let c = need.cannotScore { return .cannotScore(c) }
        // Compare in hundredths of mg/dL so that 0.5 and 10 % edges are exact.
        let b = Int(roundHalfUp(baseline, places: 2) * 100 + 0.5), c = Int(roundHalfUp(current, places: 2) * 100 + 0.5)
        let rise = Double(c - b) / 100
        if withheld {
            if c * 100 <= b * 110 {
                return .scored(Result(input: input, decision: .resumeSameDose, riseMgDl: rise,
                                      reason: "Creatinine \(format(current)) mg/dL is back within 10 % of baseline \(format(baseline)) mg/dL: resume at the dose given before the interruption."))
            }
            return .scored(Result(input: input, decision: .continueWithholding, riseMgDl: rise,
                                  reason: "Creatinine \(format(current)) mg/dL is not yet within 10 % of baseline \(format(baseline)) mg/dL: keep withholding."))
        }
        let limit = normal ? deteriorationRiseNormalBaseline : deteriorationRiseAbnormalBaseline
        if c - b >= Int(limit * 100) {
            return .scored(Result(input: input, decision: .withhold, riseMgDl: rise,
                                  reason: "Creatinine rose \(format(rise)) mg/dL from a \(normal ? "normal" : "abnormal") baseline (limit \(format(limit)) mg/dL): withhold for renal deterioration."))
        }
        if indication == .hypercalcemiaOfMalignancy, let days, days < hcmMinimumDaysBetweenDoses {
            return .scored(Result(input: input, decision: .waitForRetreatmentInterval, riseMgDl: rise,
                                  reason: "Only \(days) days since the last dose: re-treatment of hypercalcaemia needs at least 7 days."))
        }
        return .scored(Result(input: input, decision: .give, riseMgDl: rise,
                              reason: "Creatinine change \(format(rise)) mg/dL is below the \(format(limit)) mg/dL deterioration limit: give the planned dose."))
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title, recommendation: r.reason,
            rationale: ["Renal deterioration: a rise of ≥ 0.5 mg/dL from a normal baseline or ≥ 1.0 mg/dL from an abnormal one; resume only within 10 % of baseline, at the same dose."],
            citations: citations, provenance: .sourced,
            outputs: [("recommendation", .string(r.decision.rawValue)), ("creatinine_rise_mg_dl", .double(r.riseMgDl))]
        )
    }
}
