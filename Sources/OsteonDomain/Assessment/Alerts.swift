/// Urgent findings, shown first: suspected cord compression, hyper- and
/// hypocalcaemia, completed or impending fracture, instability, and
/// drug-safety alerts. Each names the recorded facts that raised it.
enum Alerts {
    typealias Alert = Assessment.Alert

    static func mirels(_ r: Mirels.Result, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let facts = [Fact(ctx.path(lesion, "mirels"), "Mirels \(r.total) (\(r.category.rawValue))")]
        switch r.category {
        case .high:
            a.alert(Alert(code: .impendingPathologicalFracture, severity: .urgent,
                          title: "Impending pathological fracture, \(lesion.label)",
                          action: "Orthopaedic review for prophylactic fixation before radiotherapy.",
                          reason: "Mirels \(r.total) (≥ 9: 33 % or more fracture risk at 6 months).",
                          citations: Mirels.citations, lesionID: lesion.id, facts: facts))
        case .borderline:
            a.alert(Alert(code: .borderlineFractureRisk, severity: .soon,
                          title: "Borderline fracture risk, \(lesion.label)",
                          action: "Discuss prophylactic fixation at the tumour board (Mirels' abstract: ≥ 8 needs fixation).",
                          reason: "Mirels 8 (about 15 % at 6 months).", citations: Mirels.citations, lesionID: lesion.id, facts: facts))
        case .low: break
        }
    }

    static func sins(_ r: SINS.Result, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let facts = [Fact(ctx.path(lesion, "sins"), "SINS \(r.total) (\(r.category.rawValue.replacingOccurrences(of: "_", with: " ")))")]
        switch r.category {
        case .unstable:
            a.alert(Alert(code: .spinalInstability, severity: .urgent, title: "Unstable spine, \(lesion.label)",
                          action: "Spine surgery consultation; stabilisation is usually indicated.",
                          reason: "SINS \(r.total) (13–18: unstable).", citations: SINS.citations, lesionID: lesion.id, facts: facts))
        case .potentiallyUnstable:
            a.alert(Alert(code: .potentialSpinalInstability, severity: .soon, title: "Potentially unstable spine, \(lesion.label)",
                          action: "Spine surgery consultation before radiotherapy.",
                          reason: "SINS \(r.total) (7–12: potentially unstable).", citations: SINS.citations, lesionID: lesion.id, facts: facts))
        case .stable: break
        }
    }

    static func escc(_ r: ESCC.Result, action: String, _ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        guard r.grade.isHighGrade else { return }
        a.alert(Alert(code: .highGradeESCC, severity: .urgent, title: "High-grade epidural cord compression, \(lesion.label)",
                      action: action, reason: "ESCC \(r.grade.rawValue): \(r.grade.definition).",
                      citations: ESCC.citations + [References.astro2024], lesionID: lesion.id,
                      facts: [Fact(ctx.path(lesion, "escc_grade"), "ESCC \(r.grade.rawValue)")]))
    }

    /// Suspected metastatic spinal cord compression: cancer (or spinal
    /// metastasis) with new neurological symptoms or signs.
    static func mscc(_ ctx: Context, _ a: inout Assessment) {
        guard let neuro = ctx.c.neurology, neuro.hasDeficit, !ctx.cancers.isEmpty || !ctx.spinalMetastaticLesions.isEmpty else { return }
        var signs: [String] = []
        var facts: [Fact] = []
        if neuro.newWeakness == true { signs.append("new weakness"); facts.append(Fact("neurology.new_weakness", "yes")) }
        if neuro.sensoryLevel == true { signs.append("a sensory level"); facts.append(Fact("neurology.sensory_level", "yes")) }
        if neuro.bladderBowelDysfunction == true { signs.append("bladder or bowel dysfunction"); facts.append(Fact("neurology.bladder_bowel_dysfunction", "yes")) }
        if let f = neuro.frankel, f != .E { signs.append("Frankel \(f.rawValue)"); facts.append(Fact("neurology.frankel_grade", f.rawValue)) }
        a.alert(Alert(code: .suspectedMSCC, severity: .emergency, title: "Suspected metastatic spinal cord compression",
                      action: "MRI of the whole spine and a treatment plan within 24 hours; dexamethasone; urgent spine surgery and radiation oncology review (surgery then radiotherapy for surgical candidates).",
                      reason: "Known cancer with \(signs.joined(separator: ", ")).",
                      citations: [References.niceQS56, References.astro2024, References.patchell2005], facts: facts))
    }

    static func fractures(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.lesions {
            let fact = Fact(ctx.path(lesion, "fracture"), lesion.fracture?.rawValue ?? "")
            switch lesion.fracture {
            case .complete?:
                a.alert(Alert(code: .pathologicalFracture, severity: .urgent, title: "Pathological fracture, \(lesion.label)",
                              action: "Orthopaedic review for fixation; radiotherapy after surgery; confirm the diagnosis before fixing if the origin is unknown.",
                              reason: "A completed fracture through a bone lesion is recorded.",
                              citations: [References.astro2024, References.jacofsky], lesionID: lesion.id, facts: [fact]))
            case .impending?:
                a.alert(Alert(code: .impendingPathologicalFracture, severity: .urgent, title: "Impending pathological fracture, \(lesion.label)",
                              action: "Orthopaedic review for prophylactic fixation before radiotherapy.",
                              reason: "Recorded as an impending fracture by the clinician.", citations: Mirels.citations, lesionID: lesion.id, facts: [fact]))
            default: break
            }
        }
    }

    /// Hyper- and hypocalcaemia from the one calcium decision (REFERENCE §9.6, §18.3).
    static func calcium(_ ctx: Context, _ a: inout Assessment) {
        let status = ctx.calcium
        a.warnings += status.warnings
        // What the calcium forbids is decided here, before any plan item is proposed.
        for p in Safety.hypercalcaemia(status) + Safety.hypocalcaemia(status) { a.forbid(p) }
        if let hyper = status.hyper {
            let management = CorrectedCalcium.management.joined(separator: " ")
            let cites = [References.statPearlsCalcium, References.zometaLabel]
            if !hyper.corrected {
                let severity: Assessment.Severity = hyper.severity == .severeCrisis ? .emergency : hyper.severity == .moderate ? .urgent : .soon
                a.alert(Alert(code: .hypercalcaemiaUncorrected, severity: severity,
                              title: "Hypercalcaemia (uncorrected: albumin missing)",
                              action: (hyper.severity == .mild ? "Repeat with albumin (or an ionised calcium) and look for the cause; treat if symptomatic." : management)
                                + " Measure albumin on the same sample, or an ionised calcium.",
                              reason: "\(hyper.description): albumin above 5.0 g/dL is not physiological, so the corrected value is at least total − 0.8 (Osteon, from §9.6).",
                              citations: cites, facts: status.facts))
                return
            }
            let value = hyper.description + (ctx.calciumDate.map { " on \($0)" } ?? "")
            switch hyper.severity {
            case .severeCrisis:
                a.alert(Alert(code: .hypercalcaemiaCrisis, severity: .emergency, title: "Hypercalcaemic crisis",
                              action: management, reason: "\(value) (≥ 14.0).", citations: cites, facts: status.facts))
            case .moderate:
                a.alert(Alert(code: .hypercalcaemiaModerate, severity: .urgent, title: "Moderate hypercalcaemia of malignancy",
                              action: management, reason: "\(value) (12.0–13.9).", citations: cites, facts: status.facts))
            case .mild:
                a.alert(Alert(code: .hypercalcaemiaMild, severity: .soon, title: "Mild hypercalcaemia",
                              action: "Repeat and look for the cause; treat if symptomatic.", reason: "\(value) (10.5–11.9).",
                              citations: [References.statPearlsCalcium], facts: status.facts))
            case .none: break
            }
        }
        if let hypo = status.hypo {
            // Grade 3–4 need treatment now; any grade stops a bone-modifying agent until corrected (Osteon severity).
            let severity: Assessment.Severity = hypo.grade == 4 ? .emergency : hypo.grade == 3 ? .urgent : ctx.recordedBMAs.isEmpty ? .soon : .urgent
            a.alert(Alert(code: .hypocalcaemia, severity: severity, title: "Hypocalcaemia, grade \(hypo.grade)",
                          action: "Correct the calcium (calcium and vitamin D as needed) and do not give denosumab or zoledronic acid until it is corrected; look for the cause (vitamin D, magnesium, renal function).",
                          reason: hypo.description + ".", citations: [References.ctcae5, References.xgevaLabel, References.zometaLabel], facts: status.facts))
        }
    }
}
