/// Urgent findings, shown first: suspected cord compression, hypercalcaemia,
/// completed or impending fracture, instability, and drug-safety alerts.
enum Alerts {
    typealias Alert = Assessment.Alert

    static func mirels(_ r: Mirels.Result, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        switch r.category {
        case .high:
            a.alerts.append(Alert(code: "impending_pathological_fracture", severity: .urgent,
                                  title: "Impending pathological fracture, \(lesion.label)",
                                  action: "Orthopaedic review for prophylactic fixation before radiotherapy.",
                                  reason: "Mirels \(r.total) (≥ 9: 33 % or more fracture risk at 6 months).",
                                  citations: Mirels.citations, lesionID: lesion.id))
        case .borderline:
            a.alerts.append(Alert(code: "borderline_fracture_risk", severity: .soon,
                                  title: "Borderline fracture risk, \(lesion.label)",
                                  action: "Discuss prophylactic fixation at the tumour board (Mirels' abstract: ≥ 8 needs fixation).",
                                  reason: "Mirels 8 (about 15 % at 6 months).", citations: Mirels.citations, lesionID: lesion.id))
        case .low: break
        }
    }

    static func sins(_ r: SINS.Result, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        switch r.category {
        case .unstable:
            a.alerts.append(Alert(code: "spinal_instability", severity: .urgent, title: "Unstable spine, \(lesion.label)",
                                  action: "Spine surgery consultation; stabilisation is usually indicated.",
                                  reason: "SINS \(r.total) (13–18: unstable).", citations: SINS.citations, lesionID: lesion.id))
        case .potentiallyUnstable:
            a.alerts.append(Alert(code: "potential_spinal_instability", severity: .soon, title: "Potentially unstable spine, \(lesion.label)",
                                  action: "Spine surgery consultation before radiotherapy.",
                                  reason: "SINS \(r.total) (7–12: potentially unstable).", citations: SINS.citations, lesionID: lesion.id))
        case .stable: break
        }
    }

    static func escc(_ r: ESCC.Result, _ noms: NOMS.Result?, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        guard r.grade.isHighGrade else { return }
        a.alerts.append(Alert(code: "high_grade_escc", severity: .urgent, title: "High-grade epidural cord compression, \(lesion.label)",
                              action: noms.map { "NOMS: \($0.radiationPlan); dexamethasone with radiotherapy; spine surgery and radiation oncology review." }
                                ?? "Spine surgery and radiation oncology review: decompression before radiation unless the tumour is highly radiosensitive; dexamethasone with radiotherapy.",
                              reason: "ESCC \(r.grade.rawValue): \(r.grade.definition).",
                              citations: ESCC.citations + [References.astro2024], lesionID: lesion.id))
    }

    /// Suspected metastatic spinal cord compression: cancer (or spinal
    /// metastasis) with new neurological symptoms or signs.
    static func mscc(_ ctx: Context, _ a: inout Assessment) {
        guard let neuro = ctx.c.neurology, neuro.hasDeficit, !ctx.cancers.isEmpty || !ctx.spinalMetastaticLesions.isEmpty else { return }
        var signs: [String] = []
        if neuro.newWeakness == true { signs.append("new weakness") }
        if neuro.sensoryLevel == true { signs.append("a sensory level") }
        if neuro.bladderBowelDysfunction == true { signs.append("bladder or bowel dysfunction") }
        if let f = neuro.frankel, f != .E { signs.append("Frankel \(f.rawValue)") }
        a.alerts.append(Alert(code: "suspected_mscc", severity: .emergency, title: "Suspected metastatic spinal cord compression",
                              action: "MRI of the whole spine and a treatment plan within 24 hours; dexamethasone; urgent spine surgery and radiation oncology review (surgery then radiotherapy for surgical candidates).",
                              reason: "Known cancer with \(signs.joined(separator: ", ")).",
                              citations: [References.niceQS56, References.astro2024, References.patchell2005]))
    }

    static func fractures(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.lesions {
            switch lesion.fracture {
            case .complete?:
                a.alerts.append(Alert(code: "pathological_fracture", severity: .urgent, title: "Pathological fracture, \(lesion.label)",
                                      action: "Orthopaedic review for fixation; radiotherapy after surgery; confirm the diagnosis before fixing if the origin is unknown.",
                                      reason: "A completed fracture through a bone lesion is recorded.",
                                      citations: [References.astro2024, References.jacofsky], lesionID: lesion.id))
            case .impending?:
                if !a.alerts.contains(where: { $0.code == "impending_pathological_fracture" && $0.lesionID == lesion.id }) {
                    a.alerts.append(Alert(code: "impending_pathological_fracture", severity: .urgent, title: "Impending pathological fracture, \(lesion.label)",
                                          action: "Orthopaedic review for prophylactic fixation before radiotherapy.",
                                          reason: "Recorded as an impending fracture by the clinician.", citations: Mirels.citations, lesionID: lesion.id))
                }
            default: break
            }
        }
    }

    static func calcium(_ ctx: Context, _ a: inout Assessment) {
        guard let cc = ctx.correctedCalcium, cc.severity != .none else { return }
        let management = CorrectedCalcium.management.joined(separator: " ")
        let value = "Corrected calcium \(format(cc.correctedMgDl)) mg/dL\(ctx.calciumDate.map { " on \($0)" } ?? "")"
        switch cc.severity {
        case .severeCrisis:
            a.alerts.append(Alert(code: "hypercalcaemia_crisis", severity: .emergency, title: "Hypercalcaemic crisis",
                                  action: management, reason: "\(value) (≥ 14.0).", citations: [References.statPearlsCalcium, References.zometaLabel]))
        case .moderate:
            a.alerts.append(Alert(code: "hypercalcaemia_moderate", severity: .urgent, title: "Moderate hypercalcaemia of malignancy",
                                  action: management, reason: "\(value) (12.0–13.9).", citations: [References.statPearlsCalcium, References.zometaLabel]))
        case .mild:
            a.alerts.append(Alert(code: "hypercalcaemia_mild", severity: .soon, title: "Mild hypercalcaemia",
                                  action: "Repeat and look for the cause; treat if symptomatic.", reason: "\(value) (10.5–11.9).",
                                  citations: [References.statPearlsCalcium]))
        case .none: break
        }
    }
}
