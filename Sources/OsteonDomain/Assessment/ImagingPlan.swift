/// Imaging work-up by primary and symptoms (REFERENCE §13).
enum ImagingPlan {
    typealias Item = Assessment.PlanItem

    static func has(_ ctx: Context, _ modalities: [Modality], since: Day? = nil, region: ((String) -> Bool)? = nil) -> ImagingStudy? {
        (ctx.c.imaging ?? []).first { s in
            guard let m = s.modality, modalities.contains(m) else { return false }
            if let since, let d = s.date, d < since { return false }
            if let region { return s.region.map { region($0.lowercased()) } ?? false }
            return true
        }
    }

    static func run(_ ctx: Context, _ a: inout Assessment) {
        mscc(ctx, &a)
        suspectedSarcoma(ctx, &a)
        prostate(ctx, &a)
        breast(ctx, &a)
        limbLesions(ctx, &a)
        skeletalSurvey(ctx, &a)
    }

    static func mscc(_ ctx: Context, _ a: inout Assessment) {
        let neuro = ctx.c.neurology
        if a.alerts.contains(where: { $0.code == "suspected_mscc" }) {
            let onset = neuro?.symptomOnset
            let done = ctx.c.imaging?.first { $0.isWholeSpineMRI && (onset == nil || ($0.date.map { $0 >= onset! } ?? false)) }
            let due = onset?.adding(days: 1)
            var status = done != nil ? "done" : "due_now"
            if done == nil, let due, ctx.asOf > due {
                status = "overdue"
                a.gap("mscc_imaging_overdue", "Suspected cord compression since \(onset!) and no whole-spine MRI within 24 hours.", [References.niceQS56])
            }
            if onset == nil && done == nil { a.need("neurology.symptom_onset", for: "mscc_imaging", "date the neurological symptoms began (24-hour MRI target)") }
            a.imagingPlan.append(Item(code: "mri_whole_spine_24h", category: "imaging",
                                      text: "MRI of the whole spine within 24 hours (sagittal T1 and/or STIR and T2, axial through abnormalities; CT if MRI is contraindicated). Do not use plain X-ray to rule spinal metastases in or out.",
                                      reason: "Suspected metastatic spinal cord compression.", citations: [References.niceQS56, References.niceMSCCTechnique],
                                      status: status, due: due ?? ctx.asOf))
        } else if neuro?.backPain == true, !ctx.cancers.isEmpty {
            let done = ctx.c.imaging?.first { $0.modality == .mri && ($0.region?.lowercased().contains("spine") ?? false) }
            a.imagingPlan.append(Item(code: "mri_spine_1_week", category: "imaging",
                                      text: "MRI of the spine within 1 week for spinal pain suggestive of metastases without neurological deficit.",
                                      reason: "Back pain in a patient with cancer, no neurological deficit recorded. (The 1-week interval is unverified, ✘.)",
                                      citations: [References.niceCG75], status: done != nil ? "done" : "to_do"))
        }
    }

    static func suspectedSarcoma(_ ctx: Context, _ a: inout Assessment) {
        let sarcomaNames = ["osteosarcoma", "ewing_sarcoma", "chondrosarcoma", "giant_cell_tumor", "chordoma"]
        let suspected = a.differential.contains { $0.confirmed == nil && ($0.candidates.first.map { sarcomaNames.contains($0.diagnosis) } ?? false) }
        // A known sarcoma whose metastatic status is recorded has been staged.
        let unstaged = ctx.boneSarcomas.contains { $0.staging?.distantMetastases == nil }
        guard suspected || unstaged else { return }
        let biopsy = (ctx.c.surgeries ?? []).contains { $0.kind == .biopsy }
        let steps: [(String, String, [Modality], ((String) -> Bool)?)] = [
            ("mri_whole_involved_bone", "MRI of the whole involved bone (skip lesions).", [.mri], nil),
            ("ct_chest", "CT of the chest (lung metastases).", [.ct], { $0.contains("chest") || $0.contains("thorax") }),
            ("bone_scan_or_pet", "Bone scan or PET for other bone lesions.", [.boneScan, .petCT], nil),
        ]
        for (code, text, modalities, region) in steps {
            let done = has(ctx, modalities, region: region) != nil
            a.imagingPlan.append(Item(code: code, category: "imaging", text: text + (biopsy ? "" : " Before biopsy."),
                                      reason: "Staging of a suspected or known primary bone sarcoma before biopsy.",
                                      citations: [References.wheelessStaging, References.ukBSG2016], status: done ? "done" : "to_do"))
        }
    }

    static func prostate(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.confirmedSkeletalDisease else { return }
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite == .prostate {
            let t = cancer.tCategory?.uppercased()
            let symptoms = ctx.lesions.contains { $0.painful == true } || ctx.c.neurology?.backPain == true
            var reasons: [String] = []
            if let t, t.hasPrefix("T1"), let psa = cancer.psa, psa > 20 { reasons.append("T1 with PSA > 20") }
            if let t, t.hasPrefix("T2"), let psa = cancer.psa, psa > 10 { reasons.append("T2 with PSA > 10") }
            if let g = cancer.gleason, g >= 8 { reasons.append("Gleason \(g) ≥ 8") }
            if let t, t.hasPrefix("T3") || t.hasPrefix("T4") { reasons.append("\(t)") }
            if symptoms { reasons.append("bone symptoms") }
            if reasons.isEmpty {
                let incomplete = cancer.tCategory == nil || cancer.psa == nil || cancer.gleason == nil
                if incomplete {
                    for (field, value) in [("t_category", cancer.tCategory as Any?), ("psa_ng_ml", cancer.psa as Any?), ("gleason", cancer.gleason as Any?)] where value == nil {
                        a.need("cancers[\(n)].\(field)", for: "prostate_bone_imaging", "prostate staging: T category, PSA and Gleason decide bone imaging")
                    }
                } else {
                    a.imagingPlan.append(Item(code: "no_bone_scan_prostate", category: "imaging",
                                              text: "No bone scan needed for staging: none of the NCCN criteria is met.",
                                              reason: "T \(cancer.tCategory!), PSA \(format(cancer.psa!)), Gleason \(cancer.gleason!), no bone symptoms.",
                                              citations: [References.nccn2018Prostate]))
                }
                continue
            }
            let done = has(ctx, [.boneScan, .psmaPET, .petCT]) != nil
            a.imagingPlan.append(Item(code: "bone_scan_prostate_staging", category: "imaging",
                                      text: "Bone scan for staging (PSMA PET is an acceptable, more accurate alternative in unfavourable-intermediate and higher risk).",
                                      reason: "NCCN criteria met: \(reasons.joined(separator: ", ")).",
                                      citations: [References.nccn2018Prostate, References.aua2017], status: done ? "done" : "to_do"))
        }
    }

    static func breast(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.confirmedSkeletalDisease else { return }
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite == .breast {
            let symptoms = ctx.lesions.contains { $0.painful == true } || ctx.c.neurology?.backPain == true
            guard let stage = cancer.stage?.uppercased().replacingOccurrences(of: "STAGE", with: "").trimmingCharacters(in: .whitespaces) else {
                a.need("cancers[\(n)].stage", for: "breast_bone_imaging", "breast cancer stage decides whether bone imaging is needed")
                continue
            }
            let advanced = stage.hasPrefix("III") || stage.hasPrefix("IV")
            let early = !advanced && (stage.hasPrefix("I") || stage.hasPrefix("0"))
            let done = has(ctx, [.boneScan, .petCT]) != nil
            if advanced || symptoms {
                a.imagingPlan.append(Item(code: advanced ? "breast_systemic_staging" : "bone_scan_for_symptoms", category: "imaging",
                                          text: advanced ? "Systemic staging: CT chest/abdomen/pelvis with a bone scan, or FDG-PET/CT." : "Bone scan for localised bone pain.",
                                          reason: advanced ? "Breast cancer stage \(stage): bone-scan positivity about 14 % in stage III." : "Breast cancer stage \(stage) with bone symptoms.",
                                          citations: [References.nccnBreast2015], status: done ? "done" : "to_do"))
            } else if early {
                a.imagingPlan.append(Item(code: "no_routine_bone_imaging", category: "imaging",
                                          text: "No routine bone scan, CT or PET: only for localised bone pain or a raised alkaline phosphatase.",
                                          reason: "Breast cancer stage \(stage), no bone symptoms recorded.", citations: [References.nccnBreast2015]))
            }
        }
    }

    static func limbLesions(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.metastaticTypeLesions where lesion.bone?.isLongBone == true {
            let needsFilm = lesion.phenotype == nil || (lesion.sizeFraction == nil && lesion.mirelsSize == nil)
            guard needsFilm || lesion.painful == true else { continue }
            let film = has(ctx, [.xray]) != nil
            if needsFilm || !film {
                a.imagingPlan.append(Item(code: "radiograph_whole_bone", category: "imaging",
                                          text: "Plain radiographs of the whole \(lesion.bone!.rawValue) (two views), then CT for cortical detail if fracture risk is unclear.",
                                          reason: "\(lesion.label): the lesion type and its width against the bone's diameter (Mirels) come from the radiograph.",
                                          citations: [References.jacofsky], lesionID: lesion.id, status: film ? "done" : "to_do"))
            }
        }
    }

    static func skeletalSurvey(_ ctx: Context, _ a: inout Assessment) {
        guard ctx.confirmedSkeletalDisease, has(ctx, [.boneScan, .petCT, .psmaPET]) == nil else { return }
        a.imagingPlan.append(Item(code: "whole_skeleton_survey", category: "imaging",
                                  text: "Bone scan or PET to survey the whole skeleton.",
                                  reason: "Skeletal metastases are present and no whole-skeleton imaging is recorded; the number of lesions drives the survival scores.",
                                  citations: [References.jacofsky], status: "to_do"))
    }
}
