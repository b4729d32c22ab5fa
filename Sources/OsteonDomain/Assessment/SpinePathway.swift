/// One ordered decision per spinal metastasis (REFERENCE §7, §10, §18.1):
/// instability → compression → radiosensitivity → fitness → radiotherapy.
/// Each step reads the typed results of the one before; a previous RT course
/// is considered only after the surgical option has been decided.
enum SpinePathway {
    typealias Item = Assessment.PlanItem

    static func run(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let sins = a.result(SINS.self, lesion: lesion.id)
        let noms = a.result(NOMS.self, lesion: lesion.id)
        let neuro = ctx.c.neurology
        let deficit = neuro?.hasDeficit == true
        var facts: [Fact] = []
        if let sins { facts.append(Fact(ctx.path(lesion, "sins"), "SINS \(sins.total)")) }
        if let g = lesion.escc { facts.append(Fact(ctx.path(lesion, "escc_grade"), "ESCC \(g.rawValue)")) }
        if deficit { facts.append(Fact("neurology", "neurological deficit recorded")) }

        // 1. Instability (SINS §2): unstable needs stabilisation whatever else is decided.
        let unstable = sins.map { $0.category == .unstable }
        let consult = sins.map { $0.total >= 7 } ?? false

        // 2. Compression: high-grade ESCC or a neurological deficit.
        let compression: Bool? = lesion.escc?.isHighGrade == true || deficit ? true : (lesion.escc == nil && neuro == nil ? nil : false)

        // 3. Radiosensitivity of the lesion's own histology (myeloma included).
        let primary = ctx.primaryCancer(of: lesion)
        let sensitivity = primary.flatMap(CaseScores.radiosensitivity)
        if let p = primary, let s = sensitivity { facts.append(Fact(ctx.cancerPath(p, "radiosensitivity"), s.rawValue)) }
        let radiosensitive = sensitivity.map { $0 == .radiosensitive }

        // 4. Fitness: surgery first only for a radioresistant (or unclassified) tumour with compression in a surgical candidate.
        var surgeryFirst: Bool?
        if compression == true {
            if radiosensitive == true {
                surgeryFirst = false
            } else if let fit = ctx.c.fitForSurgery {
                surgeryFirst = fit
                facts.append(Fact("fit_for_surgery", fit ? "yes" : "no"))
            } else {
                a.need("fit_for_surgery", for: "spinal_cord_compression", "can the patient tolerate decompression surgery (decides surgery then RT, or RT alone)")
            }
        } else if compression == false {
            surgeryFirst = false
        }
        if radiosensitive == true, sins.map({ $0.total <= 6 }) == true, !deficit {
            a.forbid(Safety.radiosensitiveSpine(lesion: lesion, facts: facts))
        }
        if neuro?.neurologicalSigns == true {
            a.forbid(Safety.sbrtWithNeurologicalSigns(lesion: lesion, facts: facts.filter { $0.path.hasPrefix("neurology") }))
        }

        // The high-grade ESCC alert says what this pathway decided.
        if let escc = a.result(ESCC.self, lesion: lesion.id) {
            let action: String
            if radiosensitive == true {
                action = "Radiosensitive histology: conventional RT with dexamethasone whatever the ESCC grade (NOMS)\(unstable == true ? ", after stabilisation" : ""); radiation oncology\(consult ? " and spine surgery" : "") review."
            } else if surgeryFirst == true {
                action = "Decompression or separation surgery, then postoperative RT; dexamethasone; spine surgery and radiation oncology review."
            } else if surgeryFirst == false {
                action = "Not a surgical candidate: RT alone with dexamethasone (8 Gy/1, 16 Gy/2, 20 Gy/5 or 30 Gy/10); radiation oncology review."
            } else {
                action = noms.map { "NOMS: \($0.radiationPlan); dexamethasone with radiotherapy; spine surgery and radiation oncology review." }
                    ?? "Spine surgery and radiation oncology review: decompression before radiation unless the tumour is highly radiosensitive; dexamethasone with radiotherapy."
            }
            Alerts.escc(escc, action: action, lesion, ctx, &a)
        }

        // Spine surgery: stability consultation, stabilisation, or decompression first.
        var reasons: [String] = []
        var actions: Set<ClinicalAction> = []
        if let sins, consult {
            reasons.append("SINS \(sins.total) (≥ 7): spine surgery consultation\(sins.total >= 13 ? "; stabilisation usually indicated" : radiosensitive == true ? "; stabilisation only with the board's agreement" : "")")
        }
        if surgeryFirst == true {
            reasons.append(noms?.separationSurgery == true
                ? "high-grade ESCC in a radioresistant tumour, fit for surgery: separation surgery then SBRT (NOMS)"
                : "cord compression in a surgical candidate\(radiosensitive == nil ? " (histology not classified as radiosensitive)" : ""): decompression surgery then postoperative RT (Patchell 2005; ASTRO 2024)")
            actions.insert(.surgeryFirst(lesion: lesion.id))
        }
        if lesion.fracture == .complete { reasons.append("completed pathological fracture") }
        if !reasons.isEmpty {
            if ctx.lesionClass[lesion.id]?.isConfirmedMetastaticType != true {
                reasons.append("the origin is not confirmed: biopsy before surgery, since a primary bone tumour needs a different operation")
            }
            let done = (ctx.c.surgeries ?? []).contains { $0.lesionID == lesion.id && [.decompression, .stabilization, .separationSurgery, .cementAugmentation, .fractureFixation].contains($0.kind) }
            let referred = ctx.referral([.spineSurgery, .orthopaedicOncology], since: lesion.detectedDate)
            var item = Item(code: .spineSurgeryConsultation, category: .surgery, text: "Spine surgery review for \(lesion.label).",
                            reason: reasons.joined(separator: "; ") + ". Survival estimates are shown beside the referral.",
                            citations: SINS.citations + [References.noms, References.patchell2005], lesionID: lesion.id,
                            status: done ? .done : referred != nil ? .referred : .toRefer, details: .survivalEstimates(TreatmentPlan.survivalSummary(a)))
            item.facts = facts
            item.actions = actions
            if ctx.c.fitForSurgery == nil, surgeryFirst == nil { item.wouldChangeWith.append("fit_for_surgery") }
            a.propose(item, to: \.treatmentPlan)
            if !done && referred == nil {
                a.gap(.surgicalReviewMissing, "\(lesion.label): \(reasons.joined(separator: "; ")), but no spine surgery review is recorded.", SINS.citations,
                      lesion: lesion.id, facts: facts)
            }
        }

        // Radiotherapy, once the origin is confirmed.
        guard ctx.lesionClass[lesion.id]?.isConfirmedMetastaticType == true else { return }
        TreatmentPlan.radiotherapy(lesion, ctx, &a, compression: compression == true, radiosensitive: radiosensitive,
                                   surgeryFirst: surgeryFirst, stabilisation: consult, facts: facts)
    }
}
