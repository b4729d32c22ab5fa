/// Bone-modifying agents, one ordered decision (REFERENCE §9, §18.2):
/// indication → already on one? → pre-dose check → dose. Medication facts are
/// never defaulted: no status is asked about, no list is asked for, a stopped
/// course is reported as stopped.
enum BoneModifyingAgentPathway {
    typealias Item = Assessment.PlanItem

    static let clearancePlaces: CaseScores.Where = [
        "age_years": ("patient.birth_date", "age (birth date or age_years)"),
        "weight_kg": ("patient.weight_kg", "body weight in kg, for Cockcroft–Gault"),
        "serum_creatinine_mg_dl": ("labs.creatinine", "serum creatinine with unit and date"),
        "sex": ("patient.sex", "sex, for Cockcroft–Gault"),
    ]

    enum Indication {
        case indicated(String, [Fact])
        case notIndicated(PlanCode, String, [Fact], [Citation])
        case unknown
    }

    /// 1. Who should have one (§18.2.1).
    static func indication(_ ctx: Context, _ a: inout Assessment) -> Indication {
        var reasons: [String] = []
        var facts: [Fact] = []
        var unknown = false
        var notIndicated: (PlanCode, String, [Fact], [Citation])?
        if ctx.confirmedMetastaticLesions.contains(where: { ctx.lesionClass[$0.id] == .myeloma }) {
            reasons.append("myeloma bone disease")
            facts.append(Fact("cancers[].primary_site", "myeloma"))
        }
        var candidates = Set<Int>()
        var ambiguous = false
        for lesion in ctx.confirmedMetastaticLesions {
            guard case .metastasis = ctx.lesionClass[lesion.id] else { continue }
            if let i = ctx.primaryCancerIndex(of: lesion) { candidates.insert(i) } else { ambiguous = true }
        }
        if ambiguous {
            let metastasising = ctx.cancers.indices.filter { ctx.cancers[$0].primarySite.map { !$0.isPrimaryBoneTumor && $0 != .myeloma && $0 != .lymphoma } ?? false }
            candidates.formUnion(metastasising)
            if metastasising.isEmpty {
                reasons.append("bone metastases (primary not recorded)")
                facts.append(Fact("lesions", "confirmed bone metastasis"))
            }
        }
        for i in candidates.sorted() {
            let cancer = ctx.cancers[i]
            if cancer.primarySite == .prostate {
                switch cancer.castrationSensitive {
                case false?:
                    reasons.append("castration-resistant prostate cancer with bone metastases")
                    facts.append(Fact("cancers[\(i)].hormone_status", "castration-resistant"))
                case true?:
                    notIndicated = (.noBoneModifyingAgentCastrationSensitive,
                                    "Castration-sensitive prostate cancer with bone metastases: evidence is insufficient for a bone-modifying agent to prevent skeletal events (ASCO–CCO 2020), and the zoledronic-acid label requires progression after at least one hormonal therapy. Reassess when the cancer becomes castration-resistant.",
                                    [Fact("cancers[\(i)].hormone_status", "castration-sensitive")], [References.saylor2020, References.zometaLabel])
                case nil:
                    unknown = true
                    a.need("cancers[\(i)].hormone_status", for: "bone_modifying_agent",
                           "prostate: castration-sensitive (hormone-dependent) or castration-resistant — decides whether a bone-modifying agent is indicated")
                }
            } else {
                reasons.append("bone metastases from \(cancer.primarySite?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "a solid tumour")")
                facts.append(Fact("lesions", "confirmed bone metastasis"))
            }
        }
        if !reasons.isEmpty, let weeks = ctx.c.expectedSurvivalWeeks, weeks < 13, !reasons.contains("myeloma bone disease") {
            return .notIndicated(.noBoneModifyingAgentShortSurvival,
                                 "Expected survival \(format(weeks)) weeks: ESMO 2020 advises bone-modifying agents for solid-tumour bone metastases with an expected survival of 3 months or more (◐; 3 months taken as 13 weeks, Osteon).",
                                 [Fact("expected_survival_weeks", format(weeks))], [References.esmo2020])
        }
        if !reasons.isEmpty { return .indicated(reasons.joined(separator: "; "), facts) }
        if unknown { return .unknown }
        if let n = notIndicated { return .notIndicated(n.0, n.1, n.2, n.3) }
        return .unknown
    }

    static func run(_ ctx: Context, _ a: inout Assessment) {
        guard ctx.confirmedSkeletalDisease else { return }
        let indication = indication(ctx, &a)
        let recorded = ctx.recordedBMAs
        let given = recorded.filter { $0.isActive || $0.isOnHold }
        let unknownStatus = recorded.filter(\.statusUnknown)
        let stopped = recorded.filter(\.hasStopped)

        // 2. Already on one? Every recorded agent is accounted for first.
        for (n, med) in (ctx.c.medications ?? []).enumerated() where med.medicationClass == .boneModifyingAgent && med.statusUnknown {
            let last = med.lastDoseDate ?? med.startDate
            var item = Item(code: .askBoneModifyingAgentStatus, category: .boneModifyingAgent,
                            text: "Ask whether \(med.displayName) is still given: it is recorded without a status\(last.map { " (last dose or start \($0))" } ?? "").",
                            reason: "A bone-modifying agent without a status is not assumed to be active (REFERENCE §18.2.3).",
                            citations: [References.vanPoznak2011], status: .toAsk)
            item.facts = [Fact("medications[\(n)]", "\(med.displayName), no status\(last.map { ", last \($0)" } ?? "")")]
            item.wouldChangeWith = ["medications[\(n)].status"]
            a.propose(item, to: \.treatmentPlan)
            a.need("medications[\(n)].status", for: "bone_modifying_agent", "is \(med.displayName) active, on hold, completed or stopped")
        }
        if given.isEmpty, unknownStatus.isEmpty {
            for med in stopped {
                let when = (med.lastDoseDate ?? med.startDate).map { " (last dose \($0))" } ?? " (date not recorded)"
                let fact = Fact("medications[\(med.displayName)].status", "\(med.status!.rawValue)\(when)")
                var item = Item(code: .reviewStoppedBoneModifyingAgent, category: .boneModifyingAgent,
                                text: "\(med.displayName.prefix(1).uppercased() + med.displayName.dropFirst()) was \(med.status!.rawValue)\(when): record why it stopped, and restart a bone-modifying agent if it is still indicated.",
                                reason: "A stopped course is not the same as one never given; interruption is common (46 % of breast-cancer starters within a year, ◐).",
                                citations: [References.vanPoznak2011, References.himelstein2017], status: .toAsk)
                item.facts = [fact]
                a.propose(item, to: \.treatmentPlan)
                if case .indicated = indication {
                    a.gap(.bmaInterrupted, "\(med.displayName.prefix(1).uppercased() + med.displayName.dropFirst()) recorded as \(med.status!.rawValue)\(when), and no bone-modifying agent is active: ask why, and restart if indicated.",
                          [References.vanPoznak2011], facts: [fact])
                }
            }
        }

        if case .notIndicated(let code, let reason, let facts, let cites) = indication, given.isEmpty {
            var item = Item(code: code, category: .boneModifyingAgent, text: "No bone-modifying agent to prevent skeletal events for now.",
                            reason: reason, citations: cites)
            item.facts = facts
            a.propose(item, to: \.treatmentPlan)
        }

        let checks = prechecks(ctx, a)
        for med in given {
            switch med.agent {
            case .zoledronicAcid?: zoledronicAcid(med, ctx, &a, checks: checks)
            case .denosumab?: denosumab(med, ctx, &a, checks: checks)
            default:
                var item = Item(code: .continueBoneModifyingAgent, category: .boneModifyingAgent, text: "Continue \(med.displayName).",
                                reason: "Bone-modifying agent for skeletal disease.", citations: [References.vanPoznak2011], status: med.isOnHold ? .withheld : .active,
                                details: .prechecks(checks))
                item.actions = med.agent == .pamidronate ? [.pamidronateDose] : []
                a.propose(item, to: \.treatmentPlan)
            }
        }

        // 3–4. Not on one: start, with the dose from the current (baseline) clearance.
        if given.isEmpty, unknownStatus.isEmpty, case .indicated(let why, let facts) = indication {
            start(ctx, &a, why: why, facts: facts, checks: checks, afterStop: !stopped.isEmpty)
        }

        let active = given + unknownStatus
        let planned = a.treatmentPlan.contains { $0.code == .startBoneModifyingAgent }
        if !active.isEmpty || planned {
            if let hypo = ctx.calcium.hypo {
                a.gap(.hypocalcaemiaBeforeBMA, "\(hypo.description), with a bone-modifying agent \(active.isEmpty ? "planned" : "given"): correct it before the next dose.",
                      [References.xgevaLabel, References.zometaLabel], facts: ctx.calcium.facts)
            }
            // Dental evaluation before a non-urgent start, and every 6 months on treatment (MASCC/ISOO/ASCO).
            let dentalDone = ctx.c.dental?.lastEvaluationDate != nil || ctx.referral([.dental]) != nil
            if !dentalDone {
                a.gap(.dentalCheckMissing, active.isEmpty ? "No dental evaluation recorded before starting a bone-modifying agent."
                        : "On a bone-modifying agent with no dental evaluation recorded.", [References.yarom2019, References.vanPoznak2011])
                a.need("dental.last_evaluation_date", for: "bone_modifying_agent", "date of the last dental evaluation")
            }
        }
        if !given.filter(\.isActive).isEmpty, a.forbids(.calciumVitaminDSupplements) == nil,
           ctx.c.dental?.calciumVitaminD == false || (ctx.c.dental?.calciumVitaminD == nil && ctx.medications(.calciumVitaminD).isEmpty && ctx.c.medications != nil) {
            a.gap(.calciumVitaminDMissing, "On a bone-modifying agent without calcium and vitamin D supplements recorded.", [References.zometaLabel, References.xgevaLabel])
        }
    }

    static func start(_ ctx: Context, _ a: inout Assessment, why: String, facts: [Fact], checks: [Precheck], afterStop: Bool) {
        let listRecorded = ctx.c.medications != nil
        let hcm = a.has(PlanCode.treatHypercalcaemia)
        var text: String
        var reason = "\(why.prefix(1).uppercased() + why.dropFirst()) without a bone-modifying agent. No agent has been shown superior (ASCO 2011)."
        var actions: Set<ClinicalAction> = [.denosumabDose]
        var wouldChange: [String] = []
        if hcm {
            text = "Once the hypercalcaemia is treated: a bone-modifying agent for the skeletal metastases — zoledronic acid, with the dose set from a creatinine measured after rehydration, or denosumab 120 mg subcutaneously every 4 weeks."
            reason += " The hypercalcaemia dose (4 mg, no renal reduction) is in the hypercalcaemia item; the ongoing dose waits for renal function after rehydration (Osteon, §18.2.4)."
            actions.insert(.zoledronicAcidDose)
        } else {
            let za = CaseScores.record(ZoledronicAcidRenalDose.self, ZoledronicAcidRenalDose.evaluate(.init(
                indication: .boneMetastasesOrMyeloma, clearance: ctx.clearanceInput(creatinine: ctx.c.latestLab(.creatinine, on: ctx.asOf)?.value))),
                where: clearancePlaces, into: &a)
            weightKindNeeded(ctx, &a)
            if let za, za.recommendation == .notRecommended {
                a.forbid(Safety.zoledronicAcidRenal(crcl: za.clearance.crclMlMin, facts: facts + [Fact("crcl", "\(format(za.clearance.crclMlMin)) mL/min")]))
                text = "Denosumab 120 mg subcutaneously every 4 weeks (zoledronic acid is not recommended at CrCl \(format(za.clearance.crclMlMin)) mL/min), with close calcium monitoring."
                reason += " CrCl < 30 mL/min: zoledronic acid not recommended; denosumab carries a higher hypocalcaemia risk at this clearance."
                a.alert(Assessment.Alert(code: .denosumabHypocalcaemiaRisk, severity: .soon, title: "Denosumab with CrCl < 30 mL/min",
                                         action: "Monitor calcium closely; correct hypocalcaemia before starting; calcium and vitamin D as needed.",
                                         reason: "Hypocalcaemia risk is higher with CrCl < 30 mL/min or dialysis.", citations: [References.xgevaLabel],
                                         facts: [Fact("crcl", "\(format(za.clearance.crclMlMin)) mL/min")]))
            } else if let za, let dose = za.doseMg {
                text = "Zoledronic acid \(format(dose)) mg IV over at least 15 minutes (CrCl \(format(za.clearance.crclMlMin)) mL/min), every 4 weeks (label) or every 12 weeks (CALGB 70604); or denosumab 120 mg subcutaneously every 4 weeks."
                actions.insert(.zoledronicAcidDose)
            } else {
                text = "Zoledronic acid (dose by creatinine clearance: see data needed) or denosumab 120 mg subcutaneously every 4 weeks."
                actions.insert(.zoledronicAcidDose)
                wouldChange += ["labs.creatinine", "patient.weight_kg"]
            }
        }
        if let p = a.forbids(.calciumVitaminDSupplements) { text += " No calcium or vitamin D supplements for now: \(p.reason)" }
        else { text += " With calcium and vitamin D." }
        if !listRecorded {
            text = "If not already on one (no medication list is recorded): " + text.prefix(1).lowercased() + text.dropFirst()
            wouldChange.append("medications")
            a.need("medications", for: "bone_modifying_agent", "the medication list (record \"none\" if there are no medicines)")
        }
        if afterStop { text = "Restart a bone-modifying agent if it is still indicated: " + text.prefix(1).lowercased() + text.dropFirst() }
        var item = Item(code: .startBoneModifyingAgent, category: .boneModifyingAgent, text: text, reason: reason,
                        citations: [References.vanPoznak2011, References.zometaLabel, References.xgevaLabel, References.himelstein2017],
                        status: listRecorded ? .toStart : .toAsk, details: .prechecks(checks))
        item.facts = facts
        item.actions = actions
        item.wouldChangeWith = wouldChange
        // A dose that a recorded fact forbids (hypocalcaemia) keeps the item aside with its reason.
        a.propose(item, to: \.treatmentPlan)
        if listRecorded && !afterStop {
            a.gap(.bmaNotPrescribed, "\(why.prefix(1).uppercased() + why.dropFirst()) without a bone-modifying agent (zoledronic acid or denosumab).",
                  [References.vanPoznak2011], facts: facts)
        }
    }

    /// Weight without its kind is used as given, and the kind is asked for (§9.1).
    static func weightKindNeeded(_ ctx: Context, _ a: inout Assessment) {
        if ctx.c.patient.weightKg != nil, ctx.c.patient.weightKind == nil {
            a.need("patient.weight_kind", for: ZoledronicAcidRenalDose.id, "which body weight was entered for Cockcroft–Gault: actual, ideal or adjusted")
        }
    }

    // MARK: Zoledronic acid on treatment: baseline dose and the check before each dose

    static func zoledronicAcid(_ med: Medication, _ ctx: Context, _ a: inout Assessment, checks: [Precheck]) {
        let creatinines = (ctx.c.labs ?? []).enumerated().compactMap { i, lab -> (value: Double, date: Day?, lab: LabResult)? in
            guard lab.test == .creatinine, case .success(let v) = lab.canonical, lab.date.map({ $0 <= ctx.asOf }) ?? true else { return nil }
            return (v.value, lab.date, lab)
        }.sorted { ($0.date ?? Day(ordinal: .min)) < ($1.date ?? Day(ordinal: .min)) }
        var baseline = med.startDate.flatMap { start in creatinines.last { ($0.date ?? Day(ordinal: .min)) <= start } }
        var baselineNote: String?
        if baseline == nil, let first = creatinines.first {
            baseline = first
            baselineNote = "No creatinine before the first zoledronic acid dose\(med.startDate.map { " (\($0))" } ?? "") is recorded: the earliest on record (\(format(first.value)) mg/dL\(first.date.map { " on \($0)" } ?? "")) is taken as the baseline."
            a.warnings.append(baselineNote!)
        }
        let current = creatinines.last
        let za = CaseScores.record(ZoledronicAcidRenalDose.self, ZoledronicAcidRenalDose.evaluate(.init(
            indication: .boneMetastasesOrMyeloma, clearance: ctx.clearanceInput(creatinine: baseline?.value), interval: med.interval)),
            where: clearancePlaces, into: &a)
        weightKindNeeded(ctx, &a)
        var facts: [Fact] = []
        if let b = baseline { facts.append(Fact("labs.creatinine", "baseline \(format(b.value)) mg/dL\(b.date.map { " on \($0)" } ?? "")")) }
        if let c = current, c.date != baseline?.date || c.value != baseline?.value {
            facts.append(Fact("labs.creatinine", "latest \(format(c.value)) mg/dL\(c.date.map { " on \($0)" } ?? "")"))
        }
        facts.append(Fact("medications[zoledronic_acid].status", med.status?.rawValue ?? "not recorded"))

        // The check before each dose (§9.1, §18.2.2): withhold on a rise; never re-dose from the new creatinine.
        var check: ZoledronicAcidRetreatment.Result?
        if let b = baseline, let c = current {
            let normal: Bool
            switch b.lab.interpretation {
            case .normal?: normal = true
            case .high?, .abnormal?, .low?: normal = false
            case nil:
                if let high = b.lab.referenceHigh, let unit = b.lab.unit, let f = LabTest.creatinine.factor(from: unit) {
                    normal = b.value <= high * f.factor
                } else {
                    // Exactly 1.4 counts as normal, the stricter 0.5 rise (Osteon, §18.2.2).
                    normal = roundHalfUp(b.value, places: 2) <= 1.4
                }
            }
            check = CaseScores.record(ZoledronicAcidRetreatment.self, ZoledronicAcidRetreatment.evaluate(.init(
                indication: .boneMetastasesOrMyeloma, baselineCreatinineMgDl: b.value, currentCreatinineMgDl: c.value,
                baselineCreatinineNormal: normal, withheldForRenalDeterioration: med.isOnHold, daysSinceLastDose: nil)), where: [:], into: &a)
            if let check { for p in Safety.zoledronicAcidPreDose(check, facts: facts) { a.forbid(p) } }
        } else {
            a.need("labs.creatinine", for: ZoledronicAcidRetreatment.id, "serum creatinine before the next zoledronic acid dose (and the baseline before the first)")
        }

        let doseText = za?.doseMg.map { "\(format($0)) mg" }
        if let check, a.forbids(.zoledronicAcidDose) != nil, check.decision != .give, check.decision != .resumeSameDose {
            let resumeAt = baseline.map { roundHalfUp($0.value * 1.1, places: 2) }
            var item = Item(code: .withholdZoledronicAcid, category: .boneModifyingAgent,
                            text: "Withhold zoledronic acid: \(check.reason) Resume only when creatinine is back within 10 % of baseline\(resumeAt.map { " (≤ \(format($0)) mg/dL)" } ?? ""), at the same dose as before\(doseText.map { " (\($0))" } ?? med.doseMg.map { " (\(format($0)) mg)" } ?? "").",
                            reason: "Renal deterioration before a dose: the label says withhold, not reduce; the dose stays the one set from the baseline clearance.",
                            citations: [References.zometaLabel], status: .withheld)
            item.facts = facts
            if let note = baselineNote { item.wouldChangeWith.append("labs.creatinine (baseline: \(note))") }
            a.propose(item, to: \.treatmentPlan)
            if check.decision == .withhold {
                a.alert(Assessment.Alert(code: .zoledronicAcidWithheld, severity: .urgent, title: "Withhold zoledronic acid: creatinine rise",
                                         action: "Do not give the next dose; repeat creatinine; resume at the same dose when within 10 % of baseline.",
                                         reason: check.reason, citations: [References.zometaLabel], facts: facts))
            }
            return
        }
        var text = check?.decision == .resumeSameDose ? "Resume zoledronic acid" : "Continue zoledronic acid"
        var reason = "Bone-modifying agent for skeletal disease; the dose is set from the baseline creatinine clearance, and each dose needs a creatinine first."
        if let check { reason += " " + check.reason }
        if let za, let dose = za.doseMg {
            text += " at \(format(dose)) mg (baseline CrCl \(format(za.clearance.crclMlMin)) mL/min)"
            if let givenDose = med.doseMg, roundHalfUp(givenDose, places: 1) > dose {
                a.alert(Assessment.Alert(code: .zoledronicAcidDoseAboveRenalBand, severity: .urgent, title: "Zoledronic acid dose above the renal band",
                                         action: "Give \(format(dose)) mg, the dose for the baseline CrCl \(format(za.clearance.crclMlMin)) mL/min.",
                                         reason: "Recorded dose \(format(givenDose)) mg; label Table 1 gives \(format(dose)) mg for baseline CrCl \(za.band.category.label) mL/min.",
                                         citations: [References.zometaLabel], facts: facts + [Fact("medications[zoledronic_acid].dose_mg", format(givenDose))]))
            }
        } else if let za, za.doseMg == nil {
            a.forbid(Safety.zoledronicAcidRenal(crcl: za.clearance.crclMlMin, facts: facts))
            a.alert(Assessment.Alert(code: .zoledronicAcidRenalContraindication, severity: .urgent, title: "Zoledronic acid with CrCl < 30 mL/min",
                                     action: "Stop zoledronic acid; consider denosumab with calcium monitoring.",
                                     reason: "Baseline CrCl \(format(za.clearance.crclMlMin)) mL/min: not recommended (label Table 1).",
                                     citations: [References.zometaLabel, References.xgevaLabel], facts: facts))
            return
        }
        if let interval = med.interval {
            text += ", \(interval == .q4w ? "every 4 weeks" : "every 12 weeks")"
            reason += " Interval \(interval.rawValue): \(interval.citation.text)."
        } else {
            a.need("medications[zoledronic_acid].interval", for: "bone_modifying_agent", "q4w (label) or q12w (CALGB 70604): record the interval chosen")
        }
        var item = Item(code: .continueBoneModifyingAgent, category: .boneModifyingAgent, text: text + ".", reason: reason,
                        citations: [References.zometaLabel, References.himelstein2017], status: .active, details: .prechecks(checks))
        item.facts = facts
        item.actions = [.zoledronicAcidDose]
        if let note = baselineNote { item.wouldChangeWith.append("labs.creatinine (baseline: \(note))") }
        a.propose(item, to: \.treatmentPlan)
    }

    static func denosumab(_ med: Medication, _ ctx: Context, _ a: inout Assessment, checks: [Precheck]) {
        let regimen = DenosumabChecks.regimen(for: med.indication.map(DenosumabChecks.Indication.init) ?? (TreatmentPlan.bisphosphonateRefractory(ctx) != nil && ctx.calcium.hyper?.meetsTreatmentThreshold == true ? .hypercalcemiaRefractoryToBisphosphonate : .boneMetastasesOrMyeloma))
        var text = "\(med.isOnHold ? "Denosumab is on hold; when resumed" : "Continue denosumab"): \(regimen)."
        if ctx.calcium.hyper == nil, a.forbids(.calciumVitaminDSupplements) == nil { text += " Calcium and vitamin D as needed to prevent hypocalcaemia." }
        var item = Item(code: .continueBoneModifyingAgent, category: .boneModifyingAgent, text: text,
                        reason: "Bone-modifying agent for skeletal disease (Xgeva label)\(med.indication.map { "; indication: \($0.rawValue.replacingOccurrences(of: "_", with: " "))" } ?? "").",
                        citations: [References.xgevaLabel], status: med.isOnHold ? .withheld : .active, details: .prechecks(checks))
        item.actions = [.denosumabDose]
        item.facts = [Fact("medications[denosumab].status", med.status?.rawValue ?? "not recorded")]
        a.propose(item, to: \.treatmentPlan)
        if let crcl = ctx.clearance, crcl.crclMlMin < DenosumabChecks.hypocalcemiaRiskCrCl {
            a.alert(Assessment.Alert(code: .denosumabHypocalcaemiaRisk, severity: .soon, title: "Denosumab with CrCl < 30 mL/min",
                                     action: "Monitor calcium closely; calcium and vitamin D as needed.",
                                     reason: "CrCl \(format(crcl.crclMlMin)) mL/min: higher hypocalcaemia risk.", citations: [References.xgevaLabel],
                                     facts: [Fact("crcl", "\(format(crcl.crclMlMin)) mL/min")]))
        }
    }

    /// Pre-checks before starting or continuing a BMA; the calcium line
    /// respects what the calcium forbids.
    static func prechecks(_ ctx: Context, _ a: Assessment) -> [Precheck] {
        let dental = ctx.c.dental?.lastEvaluationDate
        let onSupplements = ctx.c.dental?.calciumVitaminD == true || !ctx.medications(.calciumVitaminD).isEmpty
        let supplements: Precheck
        if let p = a.forbids(.calciumVitaminDSupplements) {
            supplements = Precheck(code: .calciumVitaminD, text: "No calcium or vitamin D supplements while the calcium is high (\(p.reason))", status: "not advised")
        } else {
            supplements = Precheck(code: .calciumVitaminD, text: "Calcium 500 mg and vitamin D 400 IU daily (zoledronic acid label); calcium and vitamin D as needed with denosumab.",
                                   status: onSupplements ? "prescribed" : "not recorded")
        }
        return [
            Precheck(code: .dentalEvaluation, text: "Oral and dental assessment and needed dental work before a non-urgent start; dental review every 6 months; avoid elective extractions and implants.",
                     status: dental.map { "done \($0)" } ?? "not recorded"),
            supplements,
            Precheck(code: .creatinineBeforeEachDose, text: "Serum creatinine before every zoledronic acid dose; withhold for a rise of ≥ 0.5 mg/dL (normal baseline) or ≥ 1.0 mg/dL (abnormal).",
                     status: ctx.creatinineDate.map { "last \($0)" } ?? "not recorded"),
            Precheck(code: .calciumBeforeDenosumab, text: "Correct hypocalcaemia before denosumab or zoledronic acid; monitor calcium.",
                     status: ctx.calciumDate.map { "last \($0)" } ?? "not recorded"),
        ]
    }
}
