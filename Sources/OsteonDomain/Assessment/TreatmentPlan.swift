/// Treatment plan (REFERENCE §7, §9, §10, §11–13, §18): one ordered pathway
/// per decision. Spine: SpinePathway; bone-modifying agent:
/// BoneModifyingAgentPathway; calcium: Calcium.swift and the items here.
enum TreatmentPlan {
    typealias Item = Assessment.PlanItem

    static func run(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.metastaticTypeLesions where !lesion.isSpinal { limbSurgery(lesion, ctx, &a) }
        for lesion in ctx.metastaticTypeLesions where lesion.isSpinal { SpinePathway.run(lesion, ctx, &a) }
        // Radiotherapy of other bones once the diagnosis is confirmed (a biopsy comes first otherwise).
        for lesion in ctx.confirmedMetastaticLesions where !lesion.isSpinal {
            radiotherapy(lesion, ctx, &a, compression: false, radiosensitive: ctx.primaryCancer(of: lesion).flatMap(CaseScores.radiosensitivity).map { $0 == .radiosensitive },
                         surgeryFirst: nil, stabilisation: false, facts: [])
        }
        dexamethasone(ctx, &a)
        hypercalcaemia(ctx, &a)
        hypocalcaemia(ctx, &a)
        BoneModifyingAgentPathway.run(ctx, &a)
        prostateCordCompression(ctx, &a)
        undetermined(ctx, &a)
        sarcoma(ctx, &a)
    }

    /// The survival scores, shown beside every surgical item.
    static func survivalSummary(_ a: Assessment) -> SurvivalSummary {
        SurvivalSummary(tokuhashi: a.result(TokuhashiRevised.self), tomita: a.result(Tomita.self), katagiri: a.result(KatagiriNew.self), note: a.survivalNote)
    }

    static func dexamethasone(_ ctx: Context, _ a: inout Assessment) {
        guard a.has(AlertCode.suspectedMSCC) || a.has(AlertCode.highGradeESCC) else { return }
        var item = Item(code: .dexamethasoneWithRadiotherapy, category: .supportive,
                        text: "Dexamethasone with radiotherapy for spinal cord compression (16 mg a day is common practice for suspected compression with neurological signs, ◐; dose ✘).",
                        reason: "ASTRO 2024 recommends dexamethasone with RT for cord or cauda equina compression.",
                        citations: [References.astro2024, References.niceCG75])
        item.facts = a.alerts.filter { $0.code == .suspectedMSCC || $0.code == .highGradeESCC }.flatMap(\.facts)
        a.propose(item, to: \.treatmentPlan)
    }

    // MARK: Calcium (REFERENCE §9.6, §18.2.4, §18.3)

    static func hypercalcaemia(_ ctx: Context, _ a: inout Assessment) {
        guard let hyper = ctx.calcium.hyper, hyper.meetsTreatmentThreshold else { return }
        var lines = ["IV 0.9 % saline 100–300 mL/h to restore urine output."]
        let scr = ctx.c.latestLab(.creatinine, on: ctx.asOf)
        var actions: Set<ClinicalAction> = []
        if let p = a.forbids(.zoledronicAcidDose) {
            lines.append("Zoledronic acid: not now — \(p.reason)")
        } else if let scr, scr.value >= ZoledronicAcidRenalDose.hcmCreatinineLimitMgDl {
            lines.append("Creatinine \(format(roundHalfUp(scr.value, places: 2))) mg/dL is 4.5 or more: weigh zoledronic acid against its risks (outside the label's no-adjustment range); pamidronate 60–90 mg over 2–4 hours if renal function allows.")
        } else {
            let creatinine = scr.map { " (creatinine \(format(roundHalfUp($0.value, places: 2))) mg/dL < 4.5)" } ?? " (creatinine not recorded: measure it)"
            lines.append("Zoledronic acid 4 mg IV over at least 15 minutes, one dose, no renal reduction\(creatinine); at least 7 days before re-treatment. Or pamidronate 60–90 mg over 2–4 hours if renal function allows.")
            actions.insert(.zoledronicAcidDose)
            lines.append("The ongoing bone-metastasis dose of zoledronic acid is set later, from a creatinine measured after rehydration.")
        }
        lines.append("Calcitonin 4–8 IU/kg SC/IM every 12 hours as a bridge; steroids in myeloma or lymphoma.")
        if let refractory = bisphosphonateRefractory(ctx) {
            lines.append("Calcium still raised \(refractory) after a bisphosphonate: if refractory, denosumab 120 mg subcutaneously with extra doses on days 8 and 15 of the first month (days 1, 8, 15, 29, then every 4 weeks; Xgeva label ◐).")
        } else {
            lines.append("Denosumab when refractory to bisphosphonates (120 mg with extra doses on days 8 and 15 of the first month, ◐).")
        }
        lines.append("No calcium or vitamin D supplements while the calcium is high.")
        var item = Item(code: .treatHypercalcaemia, category: .supportive, text: lines.joined(separator: " "),
                        reason: "\(hyper.description) meets the label threshold (≥ 12 mg/dL) for treating hypercalcaemia of malignancy.",
                        citations: [References.statPearlsCalcium, References.zometaLabel, References.xgevaLabel])
        item.facts = ctx.calcium.facts + (scr.map { [Fact("labs.creatinine", "\(format($0.value)) mg/dL\($0.date.map { " on \($0)" } ?? "")")] } ?? [])
        item.actions = actions
        if !hyper.corrected { item.wouldChangeWith.append("labs.albumin") }
        a.propose(item, to: \.treatmentPlan)
        if ctx.recordedBMAs.contains(where: { $0.agent == .zoledronicAcid }) || ctx.recordedBMAs.isEmpty, a.forbids(.zoledronicAcidDose) == nil,
           scr.map({ $0.value < ZoledronicAcidRenalDose.hcmCreatinineLimitMgDl }) ?? false {
            CaseScores.record(ZoledronicAcidRenalDose.self, ZoledronicAcidRenalDose.evaluate(.init(indication: .hypercalcemiaOfMalignancy,
                                                                                                    clearance: ctx.clearanceInput(creatinine: scr?.value))),
                              where: BoneModifyingAgentPathway.clearancePlaces, into: &a)
        }
    }

    /// "Refractory": hypercalcaemia still present 7 days or more after a bisphosphonate dose (the label's re-treatment interval).
    static func bisphosphonateRefractory(_ ctx: Context) -> String? {
        if ctx.recordedBMAs.contains(where: { $0.agent == .denosumab && $0.indication == .hypercalcaemiaRefractoryToBisphosphonate }) { return "(recorded as refractory)" }
        guard let calciumDate = ctx.calciumDate else { return nil }
        let doses = ctx.recordedBMAs.filter { $0.agent == .zoledronicAcid || $0.agent == .pamidronate }.compactMap { $0.lastDoseDate ?? $0.startDate }
        guard let last = doses.filter({ $0 <= calciumDate }).max(), last.days(until: calciumDate) >= ZoledronicAcidRetreatment.hcmMinimumDaysBetweenDoses else { return nil }
        return "on \(calciumDate), \(last.days(until: calciumDate)) days after the bisphosphonate of \(last)"
    }

    static func hypocalcaemia(_ ctx: Context, _ a: inout Assessment) {
        guard let hypo = ctx.calcium.hypo else { return }
        var item = Item(code: .correctHypocalcaemia, category: .supportive,
                        text: "Correct the calcium before any dose of denosumab or zoledronic acid: calcium and vitamin D as needed\(hypo.grade >= 3 ? ", intravenous calcium for grade 3–4" : ""); check magnesium, vitamin D and renal function; repeat calcium with albumin.",
                        reason: hypo.description + "; pre-existing hypocalcaemia must be corrected before a bone-modifying agent (labels).",
                        citations: [References.ctcae5, References.xgevaLabel, References.zometaLabel])
        item.facts = ctx.calcium.facts
        item.actions = [.calciumVitaminDSupplements]
        a.propose(item, to: \.treatmentPlan)
    }

    // MARK: Surgery of limb and other non-spinal lesions

    static func limbSurgery(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let surgeries = (ctx.c.surgeries ?? []).filter { $0.lesionID == lesion.id }
        var reasons: [String] = []
        var facts: [Fact] = []
        var code: PlanCode?
        let mirels = a.result(Mirels.self, lesion: lesion.id)
        if let m = mirels, m.fixationRecommended {
            reasons.append("Mirels \(m.total) (≥ 9): prophylactic fixation before radiotherapy")
            facts.append(Fact(ctx.path(lesion, "mirels"), "Mirels \(m.total)"))
            code = .prophylacticFixationReferral
        }
        if lesion.fracture == .complete {
            reasons.append("completed pathological fracture")
            facts.append(Fact(ctx.path(lesion, "fracture"), "complete"))
            code = .fractureFixationReferral
        } else if lesion.fracture == .impending, code == nil {
            reasons.append("recorded as an impending fracture")
            facts.append(Fact(ctx.path(lesion, "fracture"), "impending"))
            code = .prophylacticFixationReferral
        }
        if let m = mirels, m.category == .borderline {
            var item = Item(code: .boardDiscussionFixation, category: .surgery, text: "Discuss prophylactic fixation of \(lesion.label) at the tumour board.",
                            reason: "Mirels 8 is borderline: Osteon fixes at ≥ 9, Mirels' abstract at ≥ 8.",
                            citations: Mirels.citations, lesionID: lesion.id, details: .survivalEstimates(survivalSummary(a)))
            item.facts = [Fact(ctx.path(lesion, "mirels"), "Mirels 8")]
            a.propose(item, to: \.treatmentPlan)
        }
        guard let code else { return }
        if ctx.lesionClass[lesion.id]?.isConfirmedMetastaticType != true {
            reasons.append("the origin is not confirmed: biopsy before fixation, since a primary bone sarcoma needs a different operation")
        }
        let done = surgeries.contains { [.prophylacticFixation, .fractureFixation, .stabilization, .resection, .amputation].contains($0.kind) }
        let referred = ctx.referral([.orthopaedicOncology], since: lesion.detectedDate)
        var item = Item(code: code, category: .surgery, text: "Orthopaedic oncology review for \(lesion.label).",
                        reason: reasons.joined(separator: "; ") + ". Survival estimates are shown beside the referral.",
                        citations: Mirels.citations + [References.patchell2005], lesionID: lesion.id,
                        status: done ? .done : referred != nil ? .referred : .toRefer, details: .survivalEstimates(survivalSummary(a)))
        item.facts = facts
        a.propose(item, to: \.treatmentPlan)
        if !done && referred == nil {
            a.gap(.surgicalReviewMissing, "\(lesion.label): \(reasons.joined(separator: "; ")), but no orthopaedic oncology review is recorded.",
                  Mirels.citations, lesion: lesion.id, facts: facts)
        }
    }

    // MARK: Radiotherapy (REFERENCE §10, §18.1)

    static func radiotherapy(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment, compression: Bool, radiosensitive: Bool?,
                             surgeryFirst: Bool?, stabilisation: Bool, facts: [Fact]) {
        let courses = ctx.radiotherapy(for: lesion).sorted { ($0.date ?? Day(ordinal: .min)) < ($1.date ?? Day(ordinal: .min)) }
        let painful = lesion.painful == true
        guard painful || compression else { return }
        let fixationPlanned = a.treatmentPlan.contains { $0.lesionID == lesion.id && ($0.code == .prophylacticFixationReferral || $0.code == .fractureFixationReferral) }
        let spineSurgery = a.treatmentPlan.contains { $0.lesionID == lesion.id && $0.code == .spineSurgeryConsultation }
        let postOp = (ctx.c.surgeries ?? []).contains { $0.lesionID == lesion.id && $0.kind != .biopsy }
        var months: Double?
        if let last = courses.last?.date { months = Double(last.days(until: ctx.asOf)) / 30.44 }
        let plannedSurgery: Bool? = fixationPlanned || surgeryFirst == true ? true : spineSurgery ? nil : false
        let input = PalliativeRadiotherapy.Input(
            site: lesion.isSpinal ? .spine : .nonSpine, previouslyIrradiated: !courses.isEmpty, monthsSincePreviousRT: months,
            cordCompression: compression, surgicalCandidate: compression ? surgeryFirst : nil, postOperative: postOp,
            goodPerformanceStatus: ctx.goodPerformanceStatus, plannedSurgery: plannedSurgery,
            neurologicalSymptoms: ctx.c.neurology?.neurologicalSigns, expectedSurvivalWeeks: ctx.c.expectedSurvivalWeeks,
            radiosensitive: radiosensitive)
        switch PalliativeRadiotherapy.evaluate(input) {
        case .scored(let r):
            let report = PalliativeRadiotherapy.report(r)
            var text = report.recommendation
            if (fixationPlanned || (stabilisation && radiosensitive == true && lesion.isSpinal && a.result(SINS.self, lesion: lesion.id).map { $0.total >= 13 } == true)) && !postOp {
                text = "After \(fixationPlanned ? "fixation" : "stabilisation"): postoperative radiotherapy. " + text
            } else if spineSurgery && surgeryFirst != true && !postOp {
                text = "After the spine surgery consultation: " + text
            }
            var item = Item(code: .radiotherapy(r.plan), category: .radiotherapy, text: "\(lesion.label): \(text)",
                            reason: r.reasons.joined(separator: " "), citations: r.citations, lesionID: lesion.id, details: .radiotherapy(r))
            item.facts = facts + (courses.last.map { c in [Fact("radiotherapy[\(lesion.id)]", "\(c.doseGy.map { "\(format($0)) Gy" } ?? "RT")\(c.date.map { " on \($0)" } ?? "")")] } ?? [])
                + (ctx.performanceFact.map { [$0] } ?? [])
            if r.sbrtOption == true { item.actions.insert(.sbrt(lesion: lesion.id)) }
            if r.plan == .surgeryThenPostoperativeRT { item.actions.insert(.surgeryFirst(lesion: lesion.id)) }
            if r.sbrtOption == nil {
                if ctx.goodPerformanceStatus == nil { item.wouldChangeWith.append("performance_status.ecog") }
                if ctx.c.neurology?.neurologicalSigns == nil { item.wouldChangeWith.append("neurology") }
            }
            if radiosensitive == nil, compression { item.wouldChangeWith.append(ctx.primaryCancer(of: lesion).map { ctx.cancerPath($0, "radiosensitivity") } ?? "cancers[].radiosensitivity") }
            a.propose(item, to: \.treatmentPlan)
        case .cannotScore(let problem):
            for f in problem.missingFields {
                a.need(f == "surgical_candidate" ? "fit_for_surgery" : "radiotherapy[\(lesion.id)].\(f)", for: PalliativeRadiotherapy.id,
                       "needed to choose the radiotherapy plan for \(lesion.label)")
            }
        }
    }

    // MARK: Prostate (REFERENCE §18.1.6)

    static func prostateCordCompression(_ ctx: Context, _ a: inout Assessment) {
        guard a.has(AlertCode.suspectedMSCC) || a.has(AlertCode.highGradeESCC) else { return }
        for cancer in ctx.cancers where cancer.primarySite == .prostate && cancer.castrationSensitive != false {
            let onADT = (ctx.c.medications ?? []).contains { $0.medicationClass == .hormonal && $0.isActive }
            guard !onADT else { continue }
            var item = Item(code: .androgenDeprivationForMSCC, category: .boardPrompt,
                            text: "Hormone-naive prostate cancer with cord compression: start androgen deprivation at once — prefer an LHRH antagonist or orchiectomy, or cover an LHRH agonist with an antiandrogen to avoid a flare (◐ EAU prostate guideline; wording ✘).",
                            reason: "Prostate cancer \(cancer.castrationSensitive == true ? "recorded as castration-sensitive" : "with no castration status") and no hormonal therapy recorded as active, with suspected or MRI-proven cord compression.",
                            citations: [References.eauProstate], status: .toDo)
            item.facts = a.alerts.filter { $0.code == .suspectedMSCC || $0.code == .highGradeESCC }.flatMap(\.facts)
            if ctx.c.medications == nil { item.wouldChangeWith.append("medications") }
            if cancer.castrationSensitive == nil { item.wouldChangeWith.append(ctx.cancerPath(cancer, "hormone_status")) }
            a.propose(item, to: \.treatmentPlan)
            break
        }
    }

    // MARK: Lesions of unknown origin; primary sarcoma (REFERENCE §11–13)

    static let sarcomaDiagnoses = ["osteosarcoma", "ewing_sarcoma", "chondrosarcoma", "giant_cell_tumor", "chordoma"]

    static func undetermined(_ ctx: Context, _ a: inout Assessment) {
        for d in a.differential where d.confirmed == nil {
            guard let top = d.candidates.first else { continue }
            let name = top.diagnosis.replacingOccurrences(of: "_", with: " ")
            if sarcomaDiagnoses.contains(top.diagnosis) {
                var item = Item(code: .referSarcomaCentreBeforeBiopsy, category: .referral,
                                text: "Refer to a bone-sarcoma multidisciplinary team before any biopsy; the biopsy is planned by that team.",
                                reason: "The most likely diagnosis of \(d.lesionID ?? "the lesion") is a primary bone tumour (\(name)).",
                                citations: [References.ukBSG2016], lesionID: d.lesionID,
                                status: ctx.referral([.sarcomaCentre]) != nil ? .referred : .toRefer)
                item.facts = top.reasonsFor.map { Fact("differential[\(d.lesionID ?? "")]", $0) }
                a.propose(item, to: \.treatmentPlan)
                if ctx.referral([.sarcomaCentre]) == nil {
                    a.gap(.sarcomaCentreReferralMissing, "Suspected primary bone tumour without referral to a bone-sarcoma centre.", [References.ukBSG2016], lesion: d.lesionID)
                }
            } else {
                var item = Item(code: .confirmDiagnosis, category: .workUp,
                                text: "Confirm the diagnosis: history and examination for a primary; full blood count, calcium, alkaline phosphatase, serum protein electrophoresis and free light chains (myeloma, ✘); the staging scans in the imaging plan; then biopsy\(d.candidates.prefix(3).contains { sarcomaDiagnoses.contains($0.diagnosis) } ? " after discussion with a sarcoma centre (a primary bone tumour is in the differential)" : "").",
                                reason: "Origin of \(d.lesionID ?? "the lesion") not recorded; most likely \(name).",
                                citations: [References.mskKeyOver40, References.wheelessStaging], lesionID: d.lesionID)
                item.facts = top.reasonsFor.map { Fact("differential[\(d.lesionID ?? "")]", $0) }
                item.wouldChangeWith = ["lesions[\(d.lesionID ?? "")].origin"]
                a.propose(item, to: \.treatmentPlan)
            }
        }
        // A lytic lesion in prostate cancer (usually blastic): myeloma is in the differential (§18.4).
        if ctx.cancers.contains(where: { $0.primarySite == .prostate }), !ctx.hasMyeloma {
            let lytic = ctx.lesions.filter { $0.phenotype == .lytic }
            if let first = lytic.first {
                var item = Item(code: .myelomaWorkUpLyticProstate, category: .workUp,
                                text: "Lytic lesion in prostate cancer: add serum protein electrophoresis and free light chains, and confirm by biopsy (◐).",
                                reason: "Prostate metastases are usually blastic (§11); a lytic lesion puts myeloma in the differential.",
                                citations: [References.coleman2006, References.mskKeyOver40], lesionID: first.id)
                item.facts = lytic.map { Fact(ctx.path($0, "phenotype"), "lytic") }
                a.propose(item, to: \.treatmentPlan)
            }
        }
    }

    static func sarcoma(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.boneSarcomas.isEmpty else { return }
        let referral = ctx.referral([.sarcomaCentre])
        let biopsy = (ctx.c.surgeries ?? []).filter { $0.kind == .biopsy }.compactMap(\.date).min()
        var item = Item(code: .sarcomaCentreCare, category: .referral,
                        text: "Care by a bone-sarcoma multidisciplinary team: biopsy planned by that team, staging, and multimodal treatment.",
                        reason: "Primary bone tumour (\(ctx.boneSarcomas.compactMap { $0.primarySite?.rawValue.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", "))).",
                        citations: [References.ukBSG2016], status: referral != nil ? .referred : .toRefer)
        item.facts = ctx.boneSarcomas.compactMap { $0.primarySite.map { Fact("cancers[].primary_site", $0.rawValue) } }
        a.propose(item, to: \.treatmentPlan)
        if referral == nil {
            a.gap(.sarcomaCentreReferralMissing, "Primary bone tumour without a recorded referral to a bone-sarcoma centre.", [References.ukBSG2016])
        } else if let biopsy, let referred = referral?.date, biopsy < referred {
            a.gap(.biopsyBeforeSarcomaReferral, "Biopsy on \(biopsy) before referral to the sarcoma centre on \(referred): the tract may need excision.", [References.ukBSG2016])
        }
        if let h = a.result(Huvos.self) {
            a.propose(Item(code: .chemotherapyResponse, category: .systemic,
                           text: "Huvos grade \(h.grade): \(h.goodResponder ? "good" : "poor") response to chemotherapy.",
                           reason: "Good response is ≥ 90 % necrosis.", citations: Huvos.citations), to: \.treatmentPlan)
        }
    }
}
