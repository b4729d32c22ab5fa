import Foundation

/// Palliative radiotherapy for bone metastases (ASTRO: Lutz 2017 and Alcorn 2024;
/// REFERENCE.md §10): fractionation by scenario, SBRT selection, re-irradiation.
public enum PalliativeRadiotherapy: ClinicalRule {
    public static let id = "palliative_radiotherapy"
    public static let title = "Palliative radiotherapy for bone metastases (ASTRO)"

    public enum Site: String, InputEnum {
        case spine
        case nonSpine = "non_spine"
        public static var aliases: [String: Site] { ["spinal": .spine, "peripheral": .nonSpine, "non_spinal": .nonSpine] }
    }

    public struct Regimen: Sendable, Equatable {
        public let totalGy: Double
        public let fractions: Int
        public var label: String { "\(format(totalGy)) Gy in \(fractions) fraction\(fractions == 1 ? "" : "s")" }
        /// BED with α/β = 10 Gy: n·d·(1 + d/10) (derived arithmetic, not from a source).
        public var bed10: Double {
            let d = totalGy / Double(fractions)
            return roundHalfUp(totalGy * (1 + d / 10), places: 1)
        }
        init(_ gy: Double, _ n: Int) { totalGy = gy; fractions = n }
    }

    public static let conventional = [Regimen(8, 1), Regimen(20, 5), Regimen(24, 6), Regimen(30, 10)]
    public static let compressionRTAlone = [Regimen(8, 1), Regimen(16, 2), Regimen(20, 5), Regimen(30, 10)]
    public static let reirradiationSpine = [Regimen(8, 1), Regimen(20, 5), Regimen(24, 6), Regimen(20, 8)]
    public static let reirradiationNonSpine = [Regimen(8, 1), Regimen(20, 5), Regimen(24, 6)]
    /// Re-irradiation is considered for pain recurring or persisting more than 1 month after EBRT (Lutz 2017).
    public static let reirradiationAfterMonths = 1.0
    /// RT to improve quality of life is conditionally recommended if expected survival is ≥ 4 weeks (Alcorn 2024).
    public static let minimumExpectedSurvivalWeeks = 4.0

    public enum Plan: String, Sendable, CaseIterable {
        case singleFraction8Gy = "single_fraction_8_gy"
        case surgeryThenPostoperativeRT = "surgery_then_postoperative_rt"
        case rtAloneForCompression = "rt_alone_for_compression"
        case postoperativeRT = "postoperative_rt"
        case reirradiation
        case tooSoonForReirradiation = "too_soon_for_reirradiation"
    }

    public struct Input: Sendable {
        public var site: Site?
        public var previouslyIrradiated: Bool?
        public var monthsSincePreviousRT: Double?
        public var cordCompression: Bool?
        public var surgicalCandidate: Bool?
        public var postOperative: Bool?
        public var goodPerformanceStatus: Bool?
        public var plannedSurgery: Bool?
        public var neurologicalSymptoms: Bool?
        public var expectedSurvivalWeeks: Double?
        /// Myeloma/plasmacytoma, lymphoma or seminoma: conventional RT first for compression (NOMS; §18.1.1).
        public var radiosensitive: Bool?
        public init(site: Site?, previouslyIrradiated: Bool?, monthsSincePreviousRT: Double? = nil, cordCompression: Bool?,
                    surgicalCandidate: Bool? = nil, postOperative: Bool?, goodPerformanceStatus: Bool? = nil,
                    plannedSurgery: Bool? = nil, neurologicalSymptoms: Bool? = nil, expectedSurvivalWeeks: Double? = nil,
                    radiosensitive: Bool? = nil) {
            self.site = site
            self.previouslyIrradiated = previouslyIrradiated
            self.monthsSincePreviousRT = monthsSincePreviousRT
            self.cordCompression = cordCompression
            self.surgicalCandidate = surgicalCandidate
            self.postOperative = postOperative
            self.goodPerformanceStatus = goodPerformanceStatus
            self.plannedSurgery = plannedSurgery
            self.neurologicalSymptoms = neurologicalSymptoms
            self.expectedSurvivalWeeks = expectedSurvivalWeeks
            self.radiosensitive = radiosensitive
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let plan: Plan
        public let regimens: [Regimen]
        public let preferred: Regimen?
        /// nil when SBRT selection cannot be decided from what is known.
        public let sbrtOption: Bool?
        public let dexamethasone: Bool
        public let reasons: [String]
        public let citations: [Citation]
    }

    static let lutz = Citation("Lutz S et al. 2017, Pract Radiat Oncol 7(1):4–12 (ASTRO update)")
    static let alcorn = Citation("Alcorn S et al. 2024, Pract Radiat Oncol (ASTRO bone metastases guideline)")

    public static let inputKeys: [InputKey] = [
        .oneOf("site", "spine or non-spine lesion", Site.self),
        InputKey("previously_irradiated", "has this site had radiotherapy before", allowed: "true, false"),
        InputKey("months_since_previous_rt", "months since the previous course (when previously irradiated)", allowed: "0 or more", required: false),
        InputKey("cord_compression", "spinal cord or cauda equina compression", allowed: "true, false"),
        InputKey("surgical_candidate", "a candidate for surgery (when compression)", allowed: "true, false", required: false),
        InputKey("post_operative", "after surgery at this site", allowed: "true, false"),
        InputKey("good_performance_status", "good performance status (for SBRT selection)", allowed: "true, false", required: false),
        InputKey("planned_surgery", "surgery planned at this site (for SBRT selection)", allowed: "true, false", required: false),
        InputKey("neurological_symptoms", "neurological symptoms or signs (for SBRT selection)", allowed: "true, false", required: false),
        InputKey("expected_survival_weeks", "expected survival in weeks", allowed: "0 or more", required: false),
        InputKey("radiosensitive_histology", "myeloma/plasmacytoma, lymphoma or seminoma (conventional RT first for compression)",
                 allowed: "true, false", required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(site: r.enumValue("site"), previouslyIrradiated: r.bool("previously_irradiated"),
              monthsSincePreviousRT: r.double("months_since_previous_rt", in: 0...1200), cordCompression: r.bool("cord_compression"),
              surgicalCandidate: r.bool("surgical_candidate"), postOperative: r.bool("post_operative"),
              goodPerformanceStatus: r.bool("good_performance_status"), plannedSurgery: r.bool("planned_surgery"),
              neurologicalSymptoms: r.bool("neurological_symptoms"), expectedSurvivalWeeks: r.double("expected_survival_weeks", in: 0...5200),
              radiosensitive: r.bool("radiosensitive_histology"))
    }

    /// The order of REFERENCE §18.1: compression (radiosensitivity, then
    /// surgical candidacy) before any re-irradiation timing, so a previous
    /// course never removes the surgical option; short expected survival
    /// never withdraws RT for pain; SBRT only when its three conditions are known.
    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let site = need.need(input.site, "site")
        let previous = need.need(input.previouslyIrradiated, "previously_irradiated")
        let compression = need.need(input.cordCompression, "cord_compression")
        let postOp = need.need(input.postOperative, "post_operative")
        guard let site, let previous, let compression, let postOp else { return .cannotScore(need.cannotScore!) }
        let patchell = Citation("Patchell RA et al. 2005, Lancet 366:643–648")

        if compression && !postOp {
            if input.radiosensitive == true {
                var reasons = ["Radiosensitive histology: conventional RT whatever the ESCC grade, unless the spine is mechanically unstable (NOMS); surgery first is not proposed on the compression grade alone (Patchell 2005 excluded radiosensitive tumours)."]
                if previous { reasons.append("This site was irradiated before: the board weighs re-irradiation (spine: 8 Gy/1, 20 Gy/5, 24 Gy/6 or 20 Gy/8).") }
                return .scored(Result(input: input, plan: previous ? .reirradiation : .rtAloneForCompression,
                                      regimens: previous ? reirradiationSpine : compressionRTAlone, preferred: nil, sbrtOption: false,
                                      dexamethasone: true, reasons: reasons + ["Dexamethasone with RT for compression (ASTRO 2024)."],
                                      citations: [alcorn, Citation("Laufer I et al. 2013, Oncologist 18(6) (NOMS framework)"), patchell]))
            }
            guard let candidate = need.need(input.surgicalCandidate, "surgical_candidate") else { return .cannotScore(need.cannotScore!) }
            if candidate {
                var reasons = ["Cord or cauda equina compression in a surgical candidate: decompression/separation surgery with postoperative RT is conditionally recommended over RT alone; dexamethasone with RT (Patchell 2005; ASTRO 2024)."]
                if previous { reasons.append("A previous RT course to this site does not remove the surgical option.") }
                return .scored(Result(input: input, plan: .surgeryThenPostoperativeRT, regimens: [], preferred: nil, sbrtOption: false,
                                      dexamethasone: true, reasons: reasons, citations: [alcorn, patchell]))
            }
            if previous {
                return .scored(Result(input: input, plan: .reirradiation, regimens: reirradiationSpine, preferred: nil, sbrtOption: false,
                                      dexamethasone: true,
                                      reasons: ["Compression, not a surgical candidate, site irradiated before: re-irradiation of the spine (8 Gy/1, 20 Gy/5, 24 Gy/6 or 20 Gy/8) with dexamethasone is a board decision; the 1-month interval of Lutz 2017 concerns pain, not compression."],
                                      citations: [alcorn, lutz]))
            }
            return .scored(Result(input: input, plan: .rtAloneForCompression, regimens: compressionRTAlone, preferred: nil, sbrtOption: false,
                                  dexamethasone: true,
                                  reasons: ["Compression, not a surgical candidate: RT alone with dexamethasone — 8 Gy/1, 16 Gy/2, 20 Gy/5 or 30 Gy/10."],
                                  citations: [alcorn]))
        }
        let shortSurvival = input.expectedSurvivalWeeks.map { $0 < minimumExpectedSurvivalWeeks } ?? false
        let shortNote = "Expected survival under 4 weeks does not withdraw RT for pain: RT is recommended for painful bone metastases; the 4-week condition is for the quality-of-life recommendation (ASTRO 2024). A single 8 Gy fraction is the least burden."
        if previous {
            guard let months = need.need(input.monthsSincePreviousRT, "months_since_previous_rt") else { return .cannotScore(need.cannotScore!) }
            let options = site == .spine ? reirradiationSpine : reirradiationNonSpine
            if months > reirradiationAfterMonths {
                return .scored(Result(input: input, plan: .reirradiation, regimens: options, preferred: shortSurvival ? Regimen(8, 1) : nil,
                                      sbrtOption: false, dexamethasone: compression,
                                      reasons: ["Pain recurring or persisting more than 1 month after EBRT: re-irradiation may be considered (\(site == .spine ? "spine" : "non-spine") options)."]
                                        + (shortSurvival ? [shortNote] : []),
                                      citations: [lutz, alcorn]))
            }
            return .scored(Result(input: input, plan: .tooSoonForReirradiation, regimens: [], preferred: nil, sbrtOption: false,
                                  dexamethasone: compression,
                                  reasons: ["Only \(format(months)) months since the previous course: re-irradiation is considered for pain recurring or persisting more than 1 month after EBRT."],
                                  citations: [lutz]))
        }
        if postOp {
            return .scored(Result(input: input, plan: .postoperativeRT, regimens: conventional, preferred: nil, sbrtOption: false,
                                  dexamethasone: compression,
                                  reasons: ["Postoperative RT is recommended after surgery for non-spine metastases, or for spine metastases without compression."],
                                  citations: [alcorn]))
        }
        if shortSurvival {
            return .scored(Result(input: input, plan: .singleFraction8Gy, regimens: [Regimen(8, 1)], preferred: Regimen(8, 1), sbrtOption: false,
                                  dexamethasone: false, reasons: [shortNote], citations: [alcorn]))
        }
        // SBRT selection needs all three; one known "no" already rules it out.
        let known = [input.goodPerformanceStatus, input.plannedSurgery.map { !$0 }, input.neurologicalSymptoms.map { !$0 }]
        let sbrt: Bool? = known.contains(false) ? false : known.contains(nil) ? nil : true
        var reasons = [
            "Previously unirradiated painful bone metastasis: 8 Gy/1, 20 Gy/5, 24 Gy/6 and 30 Gy/10 give equivalent pain relief and similar toxicity.",
            "A single 8 Gy fraction is the most convenient; it leads to more re-treatment (about 20 % vs 8 %).",
        ]
        switch sbrt {
        case true?: reasons.append("SBRT is conditionally recommended over conventional RT here: good performance status, no planned surgery, no neurological symptoms.")
        case false?: reasons.append("SBRT is not the selected option: it needs good performance status, no planned surgery and no neurological symptoms or signs.")
        case nil: reasons.append("SBRT may be considered for selected patients with good performance status, no planned surgery and no neurological symptoms or signs: not all three are known.")
        }
        return .scored(Result(input: input, plan: .singleFraction8Gy, regimens: conventional, preferred: Regimen(8, 1), sbrtOption: sbrt,
                              dexamethasone: false, reasons: reasons, citations: [lutz, alcorn]))
    }

    public static func report(_ r: Result) -> ScoreReport {
        let options = r.regimens.map { "\($0.label) (BED₁₀ \(format($0.bed10)) Gy)" }.joined(separator: "; ")
        var text: String
        switch r.plan {
        case .singleFraction8Gy: text = r.regimens.count == 1 ? "A single 8 Gy fraction for pain." : "Single 8 Gy fraction preferred; equivalent options: \(options)."
        case .surgeryThenPostoperativeRT: text = "Decompression or separation surgery, then postoperative RT; dexamethasone."
        case .rtAloneForCompression: text = r.input.radiosensitive == true
            ? "Conventional RT (radiosensitive histology) with dexamethasone: \(options)." : "RT alone with dexamethasone: \(options)."
        case .postoperativeRT: text = "Postoperative RT: \(options)."
        case .reirradiation: text = r.input.cordCompression == true
            ? "Re-irradiation for compression, a board decision, with dexamethasone: \(options)." : "Re-irradiation may be considered: \(options)."
        case .tooSoonForReirradiation: text = "Too soon to consider re-irradiation; review pain control."
        }
        if r.sbrtOption == true { text += " SBRT is an option for this patient." }
        return ScoreReport(
            scoreID: id, title: title, recommendation: text, rationale: r.reasons, citations: r.citations, provenance: .sourced,
            outputs: [
                ("recommendation", .string(r.plan.rawValue)),
                ("regimens", .array(r.regimens.map { ["total_gy": .double($0.totalGy), "fractions": .int($0.fractions),
                                                      "label": .string($0.label), "bed10_gy": .double($0.bed10)] })),
                ("preferred", r.preferred.map { .string($0.label) } ?? .null),
                ("sbrt_option", JSONValue(r.sbrtOption)),
                ("dexamethasone", .bool(r.dexamethasone)),
            ],
            cautions: ["BED₁₀ figures are derived arithmetic (α/β = 10 Gy), not from a source."]
        )
    }
}
