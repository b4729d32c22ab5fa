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
        unknownOrigin(ctx, &a)
        prostate(ctx, &a)
        breast(ctx, &a)
        survivorship(ctx, &a)
        limbLesions(ctx, &a)
        skeletalSurvey(ctx, &a)
    }

    static func add(_ item: Item, _ a: inout Assessment, facts: [Fact] = []) {
        var item = item
        item.facts += facts
        a.propose(item, to: \.imagingPlan)
    }

    /// Bone symptoms: painful lesions or back pain.
    static func boneSymptoms(_ ctx: Context) -> Bool {
        ctx.lesions.contains { $0.painful == true } || ctx.c.neurology?.backPain == true
    }

    /// Staging rows apply at diagnosis or with new symptoms; a treated cancer in remission gets none (§18.4).
    static func stagingApplies(_ cancer: Cancer, _ ctx: Context) -> Bool {
        !cancer.inRemission(on: ctx.asOf) || boneSymptoms(ctx)
    }

    static func mscc(_ ctx: Context, _ a: inout Assessment) {
        let neuro = ctx.c.neurology
        if let alert = a.alerts.first(where: { $0.code == .suspectedMSCC }) {
            let onset = neuro?.symptomOnset
            let done = ctx.c.imaging?.first { $0.isWholeSpineMRI && (onset == nil || ($0.date.map { $0 >= onset! } ?? false)) }
            let due = onset?.adding(days: 1)
            var status: PlanStatus = done != nil ? .done : .dueNow
            if done == nil, let due, ctx.asOf > due {
                status = .overdue
                a.gap(.msccImagingOverdue, "Suspected cord compression since \(onset!) and no whole-spine MRI within 24 hours.", [References.niceQS56], facts: alert.facts)
            }
            if onset == nil && done == nil { a.need("neurology.symptom_onset", for: "mscc_imaging", "date the neurological symptoms began (24-hour MRI target)") }
            var item = Item(code: .mriWholeSpine24h, category: .imaging,
                            text: "MRI of the whole spine within 24 hours (sagittal T1 and/or STIR and T2, axial through abnormalities; CT if MRI is contraindicated). Do not use plain X-ray to rule spinal metastases in or out.",
                            reason: "Suspected metastatic spinal cord compression.", citations: [References.niceQS56, References.niceMSCCTechnique],
                            status: status, due: due ?? ctx.asOf)
            if onset == nil { item.wouldChangeWith.append("neurology.symptom_onset") }
            add(item, &a, facts: alert.facts)
        } else if neuro?.backPain == true, !ctx.cancers.isEmpty {
            let done = ctx.c.imaging?.first { $0.modality == .mri && ($0.region?.lowercased().contains("spine") ?? false) }
            add(Item(code: .mriSpine1Week, category: .imaging,
                     text: "MRI of the spine within 1 week for spinal pain suggestive of metastases without neurological deficit.",
                     reason: "Back pain in a patient with cancer, no neurological deficit recorded. (The 1-week interval is unverified, ✘.)",
                     citations: [References.niceCG75], status: done != nil ? .done : .toDo), &a, facts: [Fact("neurology.back_pain", "yes")])
        }
    }

    static func suspectedSarcoma(_ ctx: Context, _ a: inout Assessment) {
        let suspected = a.differential.contains { $0.confirmed == nil && ($0.candidates.first.map { TreatmentPlan.sarcomaDiagnoses.contains($0.diagnosis) } ?? false) }
        // A known sarcoma whose metastatic status is recorded has been staged.
        let unstaged = ctx.boneSarcomas.contains { $0.staging?.distantMetastases == nil }
        guard suspected || unstaged else { return }
        let biopsy = (ctx.c.surgeries ?? []).contains { $0.kind == .biopsy }
        let steps: [(PlanCode, String, [Modality], ((String) -> Bool)?)] = [
            (.mriWholeInvolvedBone, "MRI of the whole involved bone (skip lesions).", [.mri], nil),
            (.ctChest, "CT of the chest (lung metastases).", [.ct], { $0.contains("chest") || $0.contains("thorax") }),
            (.boneScanOrPET, "Bone scan or PET for other bone lesions.", [.boneScan, .petCT], nil),
        ]
        for (code, text, modalities, region) in steps {
            let done = has(ctx, modalities, region: region) != nil
            add(Item(code: code, category: .imaging, text: text + (biopsy ? "" : " Before biopsy."),
                     reason: "Staging of a suspected or known primary bone sarcoma before biopsy.",
                     citations: [References.wheelessStaging, References.ukBSG2016], status: done ? .done : .toDo), &a)
        }
    }

    /// A lesion of unknown origin: the work-up scans are plan items (§13, §18.4).
    static func unknownOrigin(_ ctx: Context, _ a: inout Assessment) {
        let undetermined = a.differential.filter { d in
            d.confirmed == nil && !(d.candidates.first.map { TreatmentPlan.sarcomaDiagnoses.contains($0.diagnosis) } ?? true)
        }
        guard let d = undetermined.first else { return }
        let facts = [Fact("lesions[\(d.lesionID ?? "")].origin", "not recorded")]
        let reason = "Origin of \(d.lesionID ?? "the lesion") not recorded: look for a primary and other lesions before the biopsy."
        let cap = has(ctx, [.ct], region: { $0.contains("abdomen") || $0.contains("chest") && $0.contains("pelvis") }) != nil
        add(Item(code: .ctChestAbdomenPelvis, category: .imaging, text: "CT of the chest, abdomen and pelvis to look for a primary.",
                 reason: reason, citations: [References.mskKeyOver40, References.wheelessStaging], status: cap ? .done : .toDo), &a, facts: facts)
        if d.candidates.first?.diagnosis == "myeloma" {
            wholeBodyLowDoseCT(ctx, &a, reason: "Myeloma leads the differential: bone scintigraphy has no role in myeloma.", facts: facts)
        } else {
            let survey = has(ctx, [.boneScan, .petCT, .psmaPET]) != nil
            add(Item(code: .boneScanOrPET, category: .imaging, text: "Bone scan or PET for other bone lesions.", reason: reason,
                     citations: [References.mskKeyOver40, References.wheelessStaging], status: survey ? .done : .toDo), &a, facts: facts)
        }
    }

    static func wholeBodyLowDoseCT(_ ctx: Context, _ a: inout Assessment, reason: String, facts: [Fact]) {
        let done = (ctx.c.imaging ?? []).contains { s in
            (s.modality == .ct || s.modality == .mri || s.modality == .petCT) && (s.region.map(Context.isWholeBody) ?? false)
        }
        add(Item(code: .wholeBodyLowDoseCT, category: .imaging,
                 text: "Whole-body low-dose CT (PET-CT or whole-body MRI as alternatives); not a bone scan, which misses lytic myeloma lesions.",
                 reason: reason, citations: [References.imwg2019], status: done ? .done : .toDo), &a, facts: facts)
    }

    static func prostate(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.confirmedSkeletalDisease else { return }
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite == .prostate && stagingApplies(cancer, ctx) {
            let t = cancer.tCategory?.uppercased()
            let symptoms = boneSymptoms(ctx)
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
                    add(Item(code: .noBoneScanProstate, category: .imaging,
                             text: "No bone scan needed for staging: none of the NCCN criteria is met.",
                             reason: "T \(cancer.tCategory!), PSA \(format(cancer.psa!)), Gleason \(cancer.gleason!), no bone symptoms.",
                             citations: [References.nccn2018Prostate]), &a)
                }
                continue
            }
            let done = has(ctx, [.boneScan, .psmaPET, .petCT]) != nil
            add(Item(code: .boneScanProstateStaging, category: .imaging,
                     text: "Bone scan for staging (PSMA PET is an acceptable, more accurate alternative in unfavourable-intermediate and higher risk).",
                     reason: "NCCN criteria met: \(reasons.joined(separator: ", ")).",
                     citations: [References.nccn2018Prostate, References.aua2017], status: done ? .done : .toDo), &a)
        }
    }

    static func breast(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.confirmedSkeletalDisease else { return }
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite == .breast && stagingApplies(cancer, ctx) {
            let symptoms = boneSymptoms(ctx)
            guard let stage = cancer.stage?.uppercased().replacingOccurrences(of: "STAGE", with: "").trimmingCharacters(in: .whitespaces) else {
                a.need("cancers[\(n)].stage", for: "breast_bone_imaging", "breast cancer stage decides whether bone imaging is needed")
                continue
            }
            let advanced = stage.hasPrefix("III") || stage.hasPrefix("IV")
            let early = !advanced && (stage.hasPrefix("I") || stage.hasPrefix("0"))
            let done = has(ctx, [.boneScan, .petCT]) != nil
            if advanced || symptoms {
                add(Item(code: advanced ? .breastSystemicStaging : .boneScanForSymptoms, category: .imaging,
                         text: advanced ? "Systemic staging: CT chest/abdomen/pelvis with a bone scan, or FDG-PET/CT." : "Bone scan for localised bone pain.",
                         reason: advanced ? "Breast cancer stage \(stage): bone-scan positivity about 14 % in stage III." : "Breast cancer stage \(stage) with bone symptoms.",
                         citations: [References.nccnBreast2015], status: done ? .done : .toDo), &a, facts: [Fact("cancers[\(n)].stage", stage)])
            } else if early {
                add(Item(code: .noRoutineBoneImaging, category: .imaging,
                         text: "No routine bone scan, CT or PET: only for localised bone pain or a raised alkaline phosphatase.",
                         reason: "Breast cancer stage \(stage), no bone symptoms recorded.", citations: [References.nccnBreast2015]), &a,
                    facts: [Fact("cancers[\(n)].stage", stage)])
            }
        }
    }

    static func limbLesions(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.metastaticTypeLesions where lesion.bone?.isLongBone == true {
            let needsFilm = lesion.phenotype == nil || (lesion.sizeFraction == nil && lesion.mirelsSize == nil)
            guard needsFilm || lesion.painful == true else { continue }
            let film = has(ctx, [.xray]) != nil
            if needsFilm || !film {
                add(Item(code: .radiographWholeBone, category: .imaging,
                         text: "Plain radiographs of the whole \(lesion.bone!.rawValue) (two views), then CT for cortical detail if fracture risk is unclear.",
                         reason: "\(lesion.label): the lesion type and its width against the bone's diameter (Mirels) come from the radiograph.",
                         citations: [References.jacofsky], lesionID: lesion.id, status: film ? .done : .toDo), &a)
            }
        }
    }

    static func skeletalSurvey(_ ctx: Context, _ a: inout Assessment) {
        guard ctx.confirmedSkeletalDisease else { return }
        // Myeloma: whole-body low-dose CT, not a bone scan (IMWG 2019).
        if ctx.hasMyeloma && ctx.metastasizingCancers.isEmpty {
            wholeBodyLowDoseCT(ctx, &a, reason: "Myeloma bone disease: whole-body low-dose CT is the first survey; bone scintigraphy has no role (lytic lesions are cold).",
                               facts: [Fact("cancers[].primary_site", "myeloma")])
            return
        }
        guard ctx.wholeSkeletonSurvey == nil else { return }
        add(Item(code: .wholeSkeletonSurvey, category: .imaging,
                 text: "Bone scan or PET to survey the whole skeleton.",
                 reason: "Skeletal metastases are present and no whole-skeleton imaging is recorded; the number of lesions drives the survival scores.",
                 citations: [References.jacofsky], status: .toDo), &a)
    }

    /// After curative treatment, in remission and without bone symptoms: no routine bone imaging (§13, §18.4).
    static func survivorship(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.confirmedSkeletalDisease, !boneSymptoms(ctx) else { return }
        for (n, cancer) in ctx.cancers.enumerated() where cancer.inRemission(on: ctx.asOf) && cancer.primarySite.map({ !$0.isPrimaryBoneTumor }) ?? false {
            let fact = cancer.clinicalStatus.map { Fact("cancers[\(n)].clinical_status", $0.rawValue) }
                ?? Fact("cancers[\(n)].end_of_treatment_date", cancer.endOfTreatmentDate!.description)
            add(Item(code: .noRoutineImagingSurvivorship, category: .imaging,
                     text: "No routine bone scan, CT, PET or tumour markers in follow-up: image only for new symptoms or signs.",
                     reason: "\(cancer.primarySite!.rawValue.replacingOccurrences(of: "_", with: " ").capitalized) cancer treated and in remission, no bone symptoms recorded: the staging rows apply at diagnosis, not in follow-up.",
                     citations: [References.khatcheressian2013]), &a, facts: [fact])
            return
        }
    }
}
