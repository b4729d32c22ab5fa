/// A recorded fact that forbids an action, with why. Every rule of that kind
/// is written here and nowhere else (REFERENCE §18); the plan, the board
/// summary and the patient guide all consult `Assessment.prohibitions`.
public struct Prohibition: Sendable {
    public let action: ClinicalAction
    /// In words, for the board: "no calcium or vitamin D supplements while hypercalcaemic".
    public let what: String
    public let reason: String
    public let facts: [Fact]
    public let citations: [Citation]
    /// "Osteon" when REFERENCE marks the rule as an Osteon safety decision.
    public let decidedBy: String?
}

extension Assessment {
    public func forbids(_ action: ClinicalAction) -> Prohibition? { prohibitions.first { $0.action == action } }

    mutating func forbid(_ p: Prohibition) {
        guard forbids(p.action) == nil else { return }
        prohibitions.append(p)
    }

    /// The one gate every plan item goes through: an item asking for a
    /// forbidden action is kept aside (shown as withheld, with the reason).
    mutating func propose(_ item: PlanItem, to section: WritableKeyPath<Assessment, [PlanItem]>) {
        let forbidden = prohibitions
        if let p = forbidden.first(where: { item.actions.contains($0.action) }) {
            withheld.append((item, p))
        } else {
            self[keyPath: section].append(item)
        }
    }

    /// Re-checks every item against every prohibition once the plan is built,
    /// so that an item proposed before its prohibition was found is caught too.
    mutating func enforceProhibitions() {
        for section in [\Assessment.imagingPlan, \.treatmentPlan, \.surveillance, \.prevention] as [WritableKeyPath<Assessment, [PlanItem]>] {
            let items = self[keyPath: section]
            self[keyPath: section] = []
            for item in items { propose(item, to: section) }
        }
        if let p = forbids(.calciumVitaminDSupplements) {
            careGaps.removeAll { $0.code == .calciumVitaminDMissing }
            // The label's supplement caution on the dose card gives way to the prohibition.
            for i in scores.indices where scores[i].report?.cautions.contains(ZoledronicAcidRenalDose.supplementCaution) == true {
                var report = scores[i].report!
                report.cautions = report.cautions.map { $0 == ZoledronicAcidRenalDose.supplementCaution ? "Not now: \(p.what) (\(p.reason))" : $0 }
                scores[i] = ScoreEntry(id: scores[i].id, lesionID: scores[i].lesionID, result: scores[i].result, report: report, problem: nil)
            }
        }
    }
}

enum Safety {
    static let osteon = "Osteon"

    /// §18.3.1: no calcium or vitamin D supplements while corrected calcium is above the normal range.
    static func hypercalcaemia(_ calcium: CalciumStatus) -> [Prohibition] {
        guard let hyper = calcium.hyper else { return [] }
        return [Prohibition(action: .calciumVitaminDSupplements, what: "no calcium or vitamin D supplements while the calcium is high",
                            reason: "\(hyper.description): supplementing a hypercalcaemic patient is contraindicated; the label's supplement advice belongs to the bone-metastasis indication.",
                            facts: calcium.facts, citations: [References.zometaLabel, References.statPearlsCalcium], decidedBy: osteon)]
    }

    /// §18.3.4: correct pre-existing hypocalcaemia before denosumab or zoledronic acid (labels).
    static func hypocalcaemia(_ calcium: CalciumStatus) -> [Prohibition] {
        guard let hypo = calcium.hypo else { return [] }
        let reason = "\(hypo.description): correct hypocalcaemia before a bone-modifying agent (labels)."
        return [ClinicalAction.denosumabDose, .zoledronicAcidDose, .pamidronateDose].map { action in
            Prohibition(action: action, what: "no bone-modifying agent dose until the calcium is corrected", reason: reason,
                        facts: calcium.facts, citations: [References.xgevaLabel, References.zometaLabel, References.ctcae5], decidedBy: nil)
        }
    }

    /// §18.2.2: a withheld dose forbids a dose.
    static func zoledronicAcidPreDose(_ check: ZoledronicAcidRetreatment.Result, facts: [Fact]) -> [Prohibition] {
        switch check.decision {
        case .withhold, .continueWithholding, .waitForRetreatmentInterval:
            return [Prohibition(action: .zoledronicAcidDose, what: "no zoledronic acid dose now", reason: check.reason, facts: facts,
                                citations: ZoledronicAcidRetreatment.citations, decidedBy: nil)]
        case .give, .resumeSameDose:
            return []
        }
    }

    /// §9.1: CrCl < 30 mL/min: zoledronic acid for bone metastases or myeloma is not recommended (label Table 1).
    /// The hypercalcaemia dose is not affected (no renal reduction while creatinine < 4.5 mg/dL).
    static func zoledronicAcidRenal(crcl: Double, facts: [Fact]) -> Prohibition {
        Prohibition(action: .zoledronicAcidOngoingDose, what: "no zoledronic acid for the bone disease",
                    reason: "CrCl \(format(crcl)) mL/min is below 30: zoledronic acid is not recommended (Zometa label, Table 1).",
                    facts: facts, citations: [References.zometaLabel], decidedBy: nil)
    }

    /// §18.1.1: radiosensitive, mechanically stable, no neurological deficit → no surgery first.
    static func radiosensitiveSpine(lesion: Lesion, facts: [Fact]) -> Prohibition {
        Prohibition(action: .surgeryFirst(lesion: lesion.id), what: "no decompression surgery first for \(lesion.label)",
                    reason: "Radiosensitive histology, mechanically stable spine and no neurological deficit: conventional RT whatever the ESCC grade (NOMS); Patchell 2005 excluded radiosensitive tumours.",
                    facts: facts, citations: [References.noms, References.patchell2005], decidedBy: nil)
    }

    /// §18.1.4: SBRT only without neurological symptoms or signs (ASTRO 2024).
    static func sbrtWithNeurologicalSigns(lesion: Lesion, facts: [Fact]) -> Prohibition {
        Prohibition(action: .sbrt(lesion: lesion.id), what: "no SBRT for \(lesion.label)",
                    reason: "Neurological symptoms or signs are recorded; ASTRO 2024 selects SBRT only without them.",
                    facts: facts, citations: [References.astro2024], decidedBy: nil)
    }

    /// §18.6: no "walking is good" with an impending fracture, an unstable spine or suspected cord compression.
    static func weightBearing(_ a: Assessment) -> Prohibition? {
        var why: [String] = []
        var facts: [Fact] = []
        for alert in a.alerts {
            switch alert.code {
            case .impendingPathologicalFracture, .pathologicalFracture, .spinalInstability, .potentialSpinalInstability, .suspectedMSCC, .highGradeESCC:
                why.append(alert.title.prefix(1).lowercased() + alert.title.dropFirst())
                facts += alert.facts
            default: break
            }
        }
        guard !why.isEmpty else { return nil }
        return Prohibition(action: .weightBearingExercise, what: "no general advice to walk or exercise; ask the team how much weight the bone can take",
                           reason: "Recorded: \(why.joined(separator: "; ")).", facts: facts, citations: [References.mirels1989, References.fisher2010],
                           decidedBy: osteon)
    }
}
