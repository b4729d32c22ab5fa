/// Surveillance after sarcoma treatment (REFERENCE §14.1) and the follow-up
/// of bone-modifying agents (§9), each with its due date.
enum FollowUp {
    typealias Item = Assessment.PlanItem

    /// Interval (months) by years since the end of treatment: (from, to).
    static func nccnOsteosarcoma(_ years: Double) -> (Int, Int) {
        years < 2 ? (3, 3) : years < 3 ? (4, 4) : years < 5 ? (6, 6) : (12, 12)
    }
    static func esmoHighGrade(_ years: Double) -> (Int, Int) {
        years < 2 ? (2, 3) : years < 4 ? (2, 4) : years < 10 ? (6, 6) : (6, 12)
    }

    static func run(_ ctx: Context, _ a: inout Assessment) {
        sarcoma(ctx, &a)
        boneModifyingAgents(ctx, &a)
    }

    static func sarcoma(_ ctx: Context, _ a: inout Assessment) {
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite?.isBoneSarcoma == true {
            let site = cancer.primarySite!
            var table: (name: String, interval: (Double) -> (Int, Int), citations: [Citation])?
            switch site {
            case .osteosarcoma:
                switch ctx.c.careSetting {
                case .us?: table = ("NCCN (osteosarcoma)", nccnOsteosarcoma, [References.nccnOsteosarcoma])
                case .nonUS?: table = ("ESMO (high-grade bone sarcoma)", esmoHighGrade, [References.esmo2021])
                case nil: a.need("care_setting", for: "surveillance", "us or non_us: NCCN applies in the US setting, ESMO elsewhere")
                }
            case .ewingSarcoma:
                table = ("ESMO (high-grade bone sarcoma)", esmoHighGrade, [References.esmo2021])
            default:
                a.warnings.append("No sourced surveillance schedule for \(site.rawValue) in REFERENCE.md §14.1: set follow-up by the sarcoma team.")
            }
            guard let table else { continue }
            guard let end = cancer.endOfTreatmentDate else {
                a.need("cancers[\(n)].end_of_treatment_date", for: "surveillance", "end of treatment, the start of the surveillance schedule")
                continue
            }
            guard ctx.asOf >= end else { continue }
            let visits = (ctx.c.followUp?.visits ?? []).filter { $0 >= end && $0 <= ctx.asOf }
            let anchor = visits.max() ?? end
            let years = Double(end.days(until: anchor)) / 365.25
            let (lo, hi) = table.interval(years)
            let earliest = anchor.adding(months: lo), latest = anchor.adding(months: hi)
            let status: PlanStatus = ctx.asOf > latest ? .overdue : ctx.asOf >= earliest ? .due : .upcoming
            // The next few visits after this one, for the printed schedule.
            var schedule: [Day] = []
            var next = latest
            for _ in 0..<4 {
                schedule.append(next)
                let (_, step) = table.interval(Double(end.days(until: next)) / 365.25)
                next = next.adding(months: step)
            }
            let window = lo == hi ? "every \(lo) months" : "every \(lo)–\(hi) months"
            a.propose(Item(code: .sarcomaSurveillanceVisit, category: .surveillance,
                                       text: "Surveillance visit (\(table.name), \(window) at this stage): examination of the tumour site and any reconstruction, chest CT (finds resectable lung relapse better than X-ray), imaging of the primary site; blood tests as indicated.",
                                       reason: "\(site.rawValue.replacingOccurrences(of: "_", with: " ").capitalized) treated until \(end); last visit \(visits.max()?.description ?? "none since the end of treatment").",
                                       citations: table.citations + [References.rizzoliChestCT], status: status, due: latest,
                                       details: .surveillanceSchedule(guideline: table.name, windowStart: earliest, nextVisits: schedule),
                                       facts: [Fact("cancers[\(n)].end_of_treatment_date", end.description)]), to: \.surveillance)
            if status == .overdue {
                a.gap(.surveillanceOverdue, "Sarcoma surveillance visit was due by \(latest) (\(table.name), \(window)).", table.citations)
            }
        }
    }

    static func boneModifyingAgents(_ ctx: Context, _ a: inout Assessment) {
        let active = ctx.activeBMAs
        guard !active.isEmpty else { return }
        for med in active {
            guard let agent = med.agent, agent == .zoledronicAcid || agent == .denosumab else { continue }
            guard let last = med.lastDoseDate ?? med.startDate else {
                a.need("medications[\(agent.rawValue)].last_dose_date", for: "bone_modifying_agent", "date of the last dose, to schedule the next")
                continue
            }
            var due: Day
            var every: String
            if agent == .denosumab {
                // Loading doses on days 8, 15 and 29 of the first month for GCTB and refractory hypercalcaemia (§9.4).
                let indication = med.indication.map(DenosumabChecks.Indication.init) ?? .boneMetastasesOrMyeloma
                let start = med.startDate ?? last
                let loading = DenosumabChecks.loadingDays(for: indication).map { start.adding(days: $0) }.first { $0 > last }
                due = loading ?? last.adding(days: 28)
                every = loading != nil ? "loading dose of the first month" : "every 4 weeks"
            } else {
                guard let interval = med.interval else { continue }
                due = last.adding(days: (interval == .q4w ? 4 : 12) * 7)
                every = interval == .q4w ? "every 4 weeks" : "every 12 weeks"
            }
            let checkSinceLast = agent == .zoledronicAcid ? ctx.creatinineDate.map { $0 > last } ?? false : ctx.calciumDate.map { $0 > last } ?? false
            let test = agent == .zoledronicAcid ? "serum creatinine" : "serum calcium"
            a.propose(Item(code: .nextDose(agent), category: .boneModifyingAgent,
                           text: "Next \(agent.rawValue.replacingOccurrences(of: "_", with: " ")) dose (\(every)), after a \(test) result.",
                           reason: agent == .zoledronicAcid ? "Creatinine before every dose (label)." : "Calcium monitoring on denosumab (label).",
                           citations: agent == .zoledronicAcid ? [References.zometaLabel] : [References.xgevaLabel],
                           status: ctx.asOf > due ? .overdue : ctx.asOf == due ? .due : .upcoming, due: due,
                           details: .checkSinceLastDose(test: test, done: checkSinceLast),
                           facts: [Fact("medications[\(agent.rawValue)].last_dose_date", last.description)],
                           actions: [agent == .zoledronicAcid ? .zoledronicAcidDose : .denosumabDose]), to: \.surveillance)
            if agent == .zoledronicAcid, ctx.asOf >= due, !checkSinceLast {
                a.gap(.creatinineCheckMissing, "Zoledronic acid dose due \(due) with no creatinine measured since the last dose (\(last)).", [References.zometaLabel])
            }
        }
        if let lastDental = ctx.c.dental?.lastEvaluationDate {
            let due = lastDental.adding(months: 6)
            a.propose(Item(code: .dentalReview, category: .boneModifyingAgent,
                           text: "Dental review every 6 months while on a bone-modifying agent.",
                           reason: "MRONJ prevention (MASCC/ISOO/ASCO).", citations: [References.yarom2019],
                           status: ctx.asOf > due ? .overdue : .upcoming, due: due,
                           facts: [Fact("dental.last_evaluation_date", lastDental.description)]), to: \.surveillance)
            if ctx.asOf > due {
                a.gap(.dentalFollowUpOverdue, "Dental review was due by \(due) (every 6 months on a bone-modifying agent).", [References.yarom2019])
            }
        }
    }
}
