/// Treatment plan (REFERENCE §7, §9, §10, §11–13): bone-modifying agent with
/// renal dosing and pre-checks, radiotherapy per lesion, surgical referral with
/// survival estimates beside it, and the primary-sarcoma pathway.
enum TreatmentPlan {
    typealias Item = Assessment.PlanItem

    static func run(_ ctx: Context, _ a: inout Assessment) {
        mscc(ctx, &a)
        hypercalcaemia(ctx, &a)
        for lesion in ctx.metastaticTypeLesions { surgery(lesion, ctx, &a) }
        // Radiotherapy once the diagnosis is confirmed (a biopsy comes first otherwise).
        for lesion in ctx.confirmedMetastaticLesions { radiotherapy(lesion, ctx, &a) }
        boneModifyingAgent(ctx, &a)
        undetermined(ctx, &a)
        sarcoma(ctx, &a)
    }

    /// The survival scores in one line, shown beside every surgical item.
    static func survivalSummary(_ a: Assessment) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let t = a.score(TokuhashiRevised.id) { pairs.append(("tokuhashi_revised_2005", .string("\(format(t["total"]!.numberValue!)): \(t["predicted_survival"]!.stringValue ?? "")"))) }
        if let t = a.score(Tomita.id) { pairs.append(("tomita_2001", .string("\(format(t["total"]!.numberValue!)): \(t["treatment_goal"]!.stringValue ?? "")"))) }
        if let k = a.score(KatagiriNew.id) { pairs.append(("katagiri_new_2014", .string("\(format(k["total"]!.numberValue!)): \(k["risk_group"]!.stringValue ?? "") risk"))) }
        if let note = a.survivalNote { pairs.append(("note", .string(note))) }
        return pairs.isEmpty ? .string("no survival score could be computed: see data_needed") : .object(pairs)
    }

    static func mscc(_ ctx: Context, _ a: inout Assessment) {
        guard a.alerts.contains(where: { $0.code == "suspected_mscc" || $0.code == "high_grade_escc" }) else { return }
        a.treatmentPlan.append(Item(code: "dexamethasone_with_radiotherapy", category: "supportive",
                                    text: "Dexamethasone with radiotherapy for spinal cord compression.",
                                    reason: "ASTRO 2024 recommends dexamethasone with RT for cord or cauda equina compression.",
                                    citations: [References.astro2024]))
    }

    static func hypercalcaemia(_ ctx: Context, _ a: inout Assessment) {
        guard let cc = ctx.correctedCalcium, cc.severity == .moderate || cc.severity == .severeCrisis else { return }
        var text = CorrectedCalcium.management.joined(separator: " ")
        if let crcl = ctx.clearance, let scr = ctx.c.latestLab(.creatinine, on: ctx.asOf)?.value {
            text += scr < ZoledronicAcidRenalDose.hcmCreatinineLimitMgDl
                ? " Zoledronic acid 4 mg needs no renal adjustment here (creatinine \(format(roundHalfUp(scr, places: 2))) mg/dL < 4.5; CrCl \(format(crcl.crclMlMin)) mL/min)."
                : " Creatinine is 4.5 mg/dL or more: weigh zoledronic acid against its risks."
        }
        a.treatmentPlan.append(Item(code: "treat_hypercalcaemia", category: "supportive", text: text,
                                    reason: "Corrected calcium \(format(cc.correctedMgDl)) mg/dL meets the label threshold (≥ 12 mg/dL) for zoledronic acid in hypercalcaemia of malignancy.",
                                    citations: [References.statPearlsCalcium, References.zometaLabel]))
    }

    // MARK: Surgery

    static func surgery(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let surgeries = (ctx.c.surgeries ?? []).filter { $0.lesionID == lesion.id }
        let survival = survivalSummary(a)
        var reasons: [String] = []
        var specialty: Specialty?
        var code = ""
        if let m = a.score(Mirels.id, lesion: lesion.id), let total = m["total"]?.numberValue, total >= 9 {
            reasons.append("Mirels \(format(total)) (≥ 9): prophylactic fixation before radiotherapy")
            specialty = .orthopaedicOncology; code = "prophylactic_fixation_referral"
        }
        if lesion.fracture == .complete {
            reasons.append("completed pathological fracture")
            specialty = .orthopaedicOncology; code = "fracture_fixation_referral"
        } else if lesion.fracture == .impending, specialty == nil {
            reasons.append("recorded as an impending fracture")
            specialty = .orthopaedicOncology; code = "prophylactic_fixation_referral"
        }
        if let s = a.score(SINS.id, lesion: lesion.id), let total = s["total"]?.numberValue, total >= 7 {
            reasons.append("SINS \(format(total)) (≥ 7): spine surgery consultation\(total >= 13 ? "; stabilisation usually indicated" : "")")
            specialty = .spineSurgery; code = "spine_surgery_consultation"
        }
        if let n = a.score(NOMS.id, lesion: lesion.id), n["separation_surgery"] == true {
            reasons.append("high-grade ESCC in a radioresistant tumour, fit for surgery: separation surgery then SBRT (NOMS)")
            specialty = .spineSurgery; code = "spine_surgery_consultation"
        }
        if let m = a.score(Mirels.id, lesion: lesion.id), m["total"] == 8 {
            a.treatmentPlan.append(Item(code: "board_discussion_fixation", category: "surgery",
                                        text: "Discuss prophylactic fixation of \(lesion.label) at the tumour board.",
                                        reason: "Mirels 8 is borderline: Osteon fixes at ≥ 9, Mirels' abstract at ≥ 8.",
                                        citations: Mirels.citations, lesionID: lesion.id, details: ["survival_estimates": survival]))
        }
        guard let specialty else { return }
        if ctx.lesionClass[lesion.id]?.isConfirmedMetastaticType != true {
            reasons.append("the origin is not confirmed: biopsy before fixation, since a primary bone sarcoma needs a different operation")
        }
        let done = surgeries.contains { [.prophylacticFixation, .fractureFixation, .decompression, .stabilization, .separationSurgery, .cementAugmentation].contains($0.kind) }
        let referred = ctx.referral(specialty == .spineSurgery ? [.spineSurgery, .orthopaedicOncology] : [.orthopaedicOncology], since: lesion.detectedDate)
        a.treatmentPlan.append(Item(code: code, category: "surgery",
                                    text: "\(specialty == .spineSurgery ? "Spine surgery" : "Orthopaedic oncology") review for \(lesion.label).",
                                    reason: reasons.joined(separator: "; ") + ". Survival estimates are shown beside the referral.",
                                    citations: (specialty == .spineSurgery ? SINS.citations + [Citation("Laufer I et al. 2013, Oncologist 18(6) (NOMS framework)")] : Mirels.citations) + [References.patchell2005],
                                    lesionID: lesion.id, status: done ? "done" : referred != nil ? "referred" : "to_refer",
                                    details: ["survival_estimates": survival]))
        if !done && referred == nil {
            a.gap("surgical_review_missing", "\(lesion.label): \(reasons.joined(separator: "; ")), but no \(specialty.rawValue.replacingOccurrences(of: "_", with: " ")) review is recorded.",
                  specialty == .spineSurgery ? SINS.citations : Mirels.citations, lesion: lesion.id)
        }
    }

    // MARK: Radiotherapy (REFERENCE §10)

    static func radiotherapy(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let courses = ctx.radiotherapy(for: lesion).sorted { ($0.date ?? Day(ordinal: .min)) < ($1.date ?? Day(ordinal: .min)) }
        let painful = lesion.painful == true
        let compression = lesion.escc?.isHighGrade == true || (lesion.isSpinal && ctx.c.neurology?.hasDeficit == true)
        guard painful || compression else { return }
        let surgicalItem = a.treatmentPlan.first { $0.lesionID == lesion.id && $0.category == "surgery" && $0.code != "board_discussion_fixation" }
        let fixationPlanned = surgicalItem.map { $0.code.hasSuffix("fixation_referral") } ?? false
        let postOp = (ctx.c.surgeries ?? []).contains { $0.lesionID == lesion.id && $0.kind != .biopsy }
        var months: Double?
        if let last = courses.last?.date { months = Double(last.days(until: ctx.asOf)) / 30.44 }
        let input = PalliativeRadiotherapy.Input(
            site: lesion.isSpinal ? .spine : .nonSpine, previouslyIrradiated: !courses.isEmpty, monthsSincePreviousRT: months,
            cordCompression: compression, surgicalCandidate: compression ? ctx.c.fitForSurgery : nil, postOperative: postOp,
            goodPerformanceStatus: nil, plannedSurgery: fixationPlanned, neurologicalSymptoms: ctx.c.neurology?.hasDeficit,
            expectedSurvivalWeeks: ctx.c.expectedSurvivalWeeks)
        switch PalliativeRadiotherapy.evaluate(input) {
        case .scored(let r):
            let report = PalliativeRadiotherapy.report(r)
            var text = report.recommendation
            if fixationPlanned && !postOp { text = "After fixation: postoperative radiotherapy. " + text }
            else if surgicalItem?.code == "spine_surgery_consultation" && !postOp { text = "After the spine surgery consultation: " + text }
            a.treatmentPlan.append(Item(code: "radiotherapy_\(r.plan.rawValue)", category: "radiotherapy", text: "\(lesion.label): \(text)",
                                        reason: r.reasons.joined(separator: " "), citations: r.citations, lesionID: lesion.id,
                                        details: report.json))
        case .cannotScore(let problem):
            for f in problem.missingFields {
                a.need(f == "surgical_candidate" ? "fit_for_surgery" : "radiotherapy[\(lesion.id)].\(f)", for: PalliativeRadiotherapy.id,
                       "needed to choose the radiotherapy plan for \(lesion.label)")
            }
        }
    }

    // MARK: Bone-modifying agents (REFERENCE §9)

    static func boneModifyingAgent(_ ctx: Context, _ a: inout Assessment) {
        guard ctx.confirmedSkeletalDisease else { return }
        let active = ctx.activeBMAs
        let zaInput = ZoledronicAcidRenalDose.Input(
            indication: .boneMetastasesOrMyeloma,
            clearance: CockcroftGault.Input(ageYears: ctx.age.map(Double.init), weightKg: ctx.c.patient.weightKg,
                                            serumCreatinineMgDl: ctx.c.latestLab(.creatinine, on: ctx.asOf)?.value,
                                            sex: ctx.c.patient.sex.map { $0 == .female ? .female : .male }, weightKind: ctx.c.patient.weightKind),
            interval: active.first { $0.agent == .zoledronicAcid }?.interval)
        let onZA = active.contains { $0.agent == .zoledronicAcid }
        let onDenosumab = active.contains { $0.agent == .denosumab }
        var za: ZoledronicAcidRenalDose.Result?
        if active.isEmpty || onZA {
            za = CaseScores.record(ZoledronicAcidRenalDose.self, ZoledronicAcidRenalDose.evaluate(zaInput), where: [
                "age_years": ("patient.birth_date", "age (birth date or age_years)"),
                "weight_kg": ("patient.weight_kg", "body weight in kg, for Cockcroft–Gault"),
                "serum_creatinine_mg_dl": ("labs.creatinine", "serum creatinine with unit and date"),
                "sex": ("patient.sex", "sex, for Cockcroft–Gault"),
            ], into: &a)
        }
        let checks = prechecks(ctx)
        if active.isEmpty {
            var text: String
            var reason = "Skeletal metastases or myeloma bone disease without a bone-modifying agent. No agent has been shown superior (ASCO 2011)."
            if let za, za.recommendation == .notRecommended {
                text = "Denosumab 120 mg subcutaneously every 4 weeks (zoledronic acid is not recommended at CrCl \(format(za.clearance.crclMlMin)) mL/min), with calcium and vitamin D and close calcium monitoring."
                reason += " CrCl < 30 mL/min: zoledronic acid not recommended; denosumab carries a higher hypocalcaemia risk at this clearance."
                a.alerts.append(Assessment.Alert(code: "denosumab_hypocalcaemia_risk", severity: .soon, title: "Denosumab with CrCl < 30 mL/min",
                                                 action: "Monitor calcium closely; correct hypocalcaemia before starting; calcium and vitamin D.",
                                                 reason: "Hypocalcaemia risk is higher with CrCl < 30 mL/min or dialysis.", citations: [References.xgevaLabel]))
            } else if let za, let dose = za.doseMg {
                text = "Zoledronic acid \(format(dose)) mg IV over at least 15 minutes (CrCl \(format(za.clearance.crclMlMin)) mL/min), every 4 weeks (label) or every 12 weeks (CALGB 70604); or denosumab 120 mg subcutaneously every 4 weeks."
            } else {
                text = "Zoledronic acid (dose by creatinine clearance: see data_needed) or denosumab 120 mg subcutaneously every 4 weeks."
            }
            a.treatmentPlan.append(Item(code: "start_bone_modifying_agent", category: "bone_modifying_agent", text: text, reason: reason,
                                        citations: [References.vanPoznak2011, References.zometaLabel, References.xgevaLabel, References.himelstein2017],
                                        status: "to_start", details: ["prechecks": .array(checks.map { ["code": .string($0.0), "text": .string($0.1), "status": .string($0.2)] })]))
            a.gap("bma_not_prescribed", "Skeletal metastases or myeloma bone disease without a bone-modifying agent (zoledronic acid or denosumab).",
                  [References.vanPoznak2011])
        } else {
            for med in active {
                var text = "Continue \(med.agent?.rawValue.replacingOccurrences(of: "_", with: " ") ?? med.name ?? "bone-modifying agent")"
                var reason = "Bone-modifying agent for skeletal disease."
                if med.agent == .zoledronicAcid, let za {
                    if let dose = za.doseMg {
                        text += " at \(format(dose)) mg (CrCl \(format(za.clearance.crclMlMin)) mL/min)"
                        if let given = med.doseMg, roundHalfUp(given, places: 1) > dose {
                            a.alerts.append(Assessment.Alert(code: "zoledronic_acid_dose_above_renal_band", severity: .urgent,
                                                             title: "Zoledronic acid dose above the renal band",
                                                             action: "Reduce to \(format(dose)) mg for CrCl \(format(za.clearance.crclMlMin)) mL/min.",
                                                             reason: "Recorded dose \(format(given)) mg; label Table 1 gives \(format(dose)) mg for CrCl \(za.band.category.label).",
                                                             citations: [References.zometaLabel]))
                        }
                    } else {
                        a.alerts.append(Assessment.Alert(code: "zoledronic_acid_renal_contraindication", severity: .urgent,
                                                         title: "Zoledronic acid with CrCl < 30 mL/min",
                                                         action: "Stop zoledronic acid; consider denosumab with calcium monitoring.",
                                                         reason: "CrCl \(format(za.clearance.crclMlMin)) mL/min: not recommended (label Table 1).",
                                                         citations: [References.zometaLabel, References.xgevaLabel]))
                    }
                    if med.interval == nil {
                        a.need("medications[zoledronic_acid].interval", for: "bone_modifying_agent", "q4w (label) or q12w (CALGB 70604): record the interval chosen")
                    } else {
                        text += ", \(med.interval!.rawValue)"
                        reason += " Interval \(med.interval!.rawValue): \(med.interval!.citation.text)."
                    }
                }
                if med.agent == .denosumab { text += " 120 mg subcutaneously every 4 weeks" }
                a.treatmentPlan.append(Item(code: "continue_bone_modifying_agent", category: "bone_modifying_agent", text: text + ".", reason: reason,
                                            citations: med.agent == .denosumab ? [References.xgevaLabel] : [References.zometaLabel, References.himelstein2017],
                                            status: "active", details: ["prechecks": .array(checks.map { ["code": .string($0.0), "text": .string($0.1), "status": .string($0.2)] })]))
            }
            if onDenosumab, let crcl = ctx.clearance, crcl.crclMlMin < DenosumabChecks.hypocalcemiaRiskCrCl {
                a.alerts.append(Assessment.Alert(code: "denosumab_hypocalcaemia_risk", severity: .soon, title: "Denosumab with CrCl < 30 mL/min",
                                                 action: "Monitor calcium closely; calcium and vitamin D.",
                                                 reason: "CrCl \(format(crcl.crclMlMin)) mL/min: higher hypocalcaemia risk.", citations: [References.xgevaLabel]))
            }
            if ctx.c.dental?.calciumVitaminD == false || (ctx.c.dental?.calciumVitaminD == nil && ctx.medications(.calciumVitaminD).isEmpty && ctx.c.medications != nil) {
                a.gap("calcium_vitamin_d_missing", "On a bone-modifying agent without calcium and vitamin D supplements recorded.",
                      [References.zometaLabel, References.xgevaLabel])
            }
        }
        // Dental evaluation before a non-urgent start (MASCC/ISOO/ASCO).
        let dentalDone = ctx.c.dental?.lastEvaluationDate != nil || ctx.referral([.dental]) != nil
        if !dentalDone {
            a.gap("dental_check_missing", active.isEmpty
                    ? "No dental evaluation recorded before starting a bone-modifying agent."
                    : "On a bone-modifying agent with no dental evaluation recorded.",
                  [References.yarom2019, References.vanPoznak2011])
            a.need("dental.last_evaluation_date", for: "bone_modifying_agent", "date of the last dental evaluation")
        }
    }

    /// Pre-checks before starting or continuing a BMA: (code, text, status).
    static func prechecks(_ ctx: Context) -> [(String, String, String)] {
        let dental = ctx.c.dental?.lastEvaluationDate
        let onSupplements = ctx.c.dental?.calciumVitaminD == true || !ctx.medications(.calciumVitaminD).isEmpty
        return [
            ("dental_evaluation", "Oral and dental assessment and needed dental work before a non-urgent start; dental review every 6 months; avoid elective extractions and implants.",
             dental.map { "done \($0)" } ?? "not recorded"),
            ("calcium_vitamin_d", "Calcium 500 mg and vitamin D 400 IU daily (zoledronic acid label); calcium and vitamin D as needed with denosumab.",
             onSupplements ? "prescribed" : "not recorded"),
            ("creatinine_before_each_dose", "Serum creatinine before every zoledronic acid dose; withhold for a rise of ≥ 0.5 mg/dL (normal baseline) or ≥ 1.0 mg/dL (abnormal).",
             ctx.creatinineDate.map { "last \($0)" } ?? "not recorded"),
            ("calcium_before_denosumab", "Correct hypocalcaemia before denosumab; monitor calcium.",
             ctx.calciumDate.map { "last \($0)" } ?? "not recorded"),
        ]
    }

    // MARK: Lesions of unknown origin; primary sarcoma (REFERENCE §11–13)

    static func undetermined(_ ctx: Context, _ a: inout Assessment) {
        for d in a.differential where d.confirmed == nil {
            guard let top = d.candidates.first else { continue }
            let sarcoma = ["osteosarcoma", "ewing_sarcoma", "chondrosarcoma", "giant_cell_tumor", "chordoma"].contains(top.diagnosis)
            if sarcoma {
                a.treatmentPlan.append(Item(code: "refer_sarcoma_centre_before_biopsy", category: "referral",
                                            text: "Refer to a bone-sarcoma multidisciplinary team before any biopsy; the biopsy is planned by that team.",
                                            reason: "The most likely diagnosis of \(d.lesionID ?? "the lesion") is a primary bone tumour (\(top.diagnosis.replacingOccurrences(of: "_", with: " "))).",
                                            citations: [References.ukBSG2016], lesionID: d.lesionID,
                                            status: ctx.referral([.sarcomaCentre]) != nil ? "referred" : "to_refer"))
                if ctx.referral([.sarcomaCentre]) == nil {
                    a.gap("sarcoma_centre_referral_missing", "Suspected primary bone tumour without referral to a bone-sarcoma centre.", [References.ukBSG2016], lesion: d.lesionID)
                }
            } else {
                a.treatmentPlan.append(Item(code: "confirm_diagnosis", category: "work_up",
                                            text: "Confirm the diagnosis: history and examination for a primary, full blood count, calcium, alkaline phosphatase, serum protein electrophoresis/free light chains (myeloma, ✘), CT chest/abdomen/pelvis, bone scan or PET, then biopsy.",
                                            reason: "Origin of \(d.lesionID ?? "the lesion") not recorded; most likely \(top.diagnosis.replacingOccurrences(of: "_", with: " ")).",
                                            citations: [References.mskKeyOver40, References.wheelessStaging], lesionID: d.lesionID))
            }
        }
    }

    static func sarcoma(_ ctx: Context, _ a: inout Assessment) {
        guard !ctx.boneSarcomas.isEmpty else { return }
        let referral = ctx.referral([.sarcomaCentre])
        let biopsy = (ctx.c.surgeries ?? []).filter { $0.kind == .biopsy }.compactMap(\.date).min()
        a.treatmentPlan.append(Item(code: "sarcoma_centre_care", category: "referral",
                                    text: "Care by a bone-sarcoma multidisciplinary team: biopsy planned by that team, staging, and multimodal treatment.",
                                    reason: "Primary bone tumour (\(ctx.boneSarcomas.compactMap { $0.primarySite?.rawValue }.joined(separator: ", "))).",
                                    citations: [References.ukBSG2016], status: referral != nil ? "referred" : "to_refer"))
        if referral == nil {
            a.gap("sarcoma_centre_referral_missing", "Primary bone tumour without a recorded referral to a bone-sarcoma centre.", [References.ukBSG2016])
        } else if let biopsy, let referred = referral?.date, biopsy < referred {
            a.gap("biopsy_before_sarcoma_referral", "Biopsy on \(biopsy) before referral to the sarcoma centre on \(referred): the tract may need excision.", [References.ukBSG2016])
        }
        if let h = a.score(Huvos.id) {
            a.treatmentPlan.append(Item(code: "chemotherapy_response", category: "systemic",
                                        text: "Huvos grade \(h["huvos_grade"]?.stringValue ?? "?"): \(h["good_responder_ge_90_percent"] == true ? "good" : "poor") response to chemotherapy.",
                                        reason: "Good response is ≥ 90 % necrosis.", citations: Huvos.citations))
        }
    }
}
