/// One case in, one assessment out. Pure: the date is passed in.
public enum Assessor {
    public static func assess(_ c: PatientCase, asOf: Day, inputProblems: [CannotScore.Problem] = [], unknownKeys: [String] = []) -> Assessment {
        var ctx = Context(c, asOf: asOf)
        var a = Assessment(patientID: c.patientID, asOf: asOf)
        a.warnings += inputProblems.map { "\($0.field): \($0.detail) — value ignored." }
        a.warnings += unknownKeys.map { "\($0): unknown key ignored (check the spelling against schemas/case.schema.json)." }
        a.warnings += dataQuality(c, asOf: asOf)
        a.sources = c.sources.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        // After a death nothing is planned or asked for: no alert, plan item, care gap or missing input puts the
        // patient on a list. The classification and scores stay, as a record (outcomes read the scores at index).
        if let died = c.patient.deceasedOn, died <= asOf {
            a.diedOn = died
            Classification.run(&ctx, &a)
            CaseScores.run(ctx, &a)
            a.dataNeeded = []
            a.warnings.append("Died on \(died): no alerts, plan, care gaps or missing inputs are raised after a death.")
            return a
        }

        // The order matters: calcium decides what is forbidden before any plan
        // item is proposed; scores come before the pathways that read them.
        Classification.run(&ctx, &a)
        Alerts.calcium(ctx, &a)
        Alerts.mscc(ctx, &a)
        Alerts.fractures(ctx, &a)
        CaseScores.run(ctx, &a)
        TreatmentPlan.run(ctx, &a)
        ImagingPlan.run(ctx, &a)
        FollowUp.run(ctx, &a)
        Prevention.run(ctx, &a)
        if let p = Safety.weightBearing(a) { a.forbid(p) }
        a.enforceProhibitions()
        AlertResolution.run(ctx, &a)

        if ctx.age == nil { a.need("patient.birth_date", for: "assessment", "birth date (or age_years): age drives the differential and dosing") }
        // Open alerts first, most severe first; resolved ones after, as a record.
        a.alerts = a.alerts.enumerated().sorted { ($0.element.isOpen ? 0 : 1, $0.element.severity.rank, $0.offset) < ($1.element.isOpen ? 0 : 1, $1.element.severity.rank, $1.offset) }
            .map(\.element)
        return a
    }

    static func dataQuality(_ c: PatientCase, asOf: Day) -> [String] {
        var out: [String] = []
        for (i, lab) in (c.labs ?? []).enumerated() {
            let name = lab.test?.rawValue ?? "labs[\(i)]"
            switch lab.canonical {
            case .failure(.unconvertibleUnit(let u)):
                out.append("\(name) in '\(u)' cannot be converted to \(lab.test!.canonicalUnit): value not used.")
            case .failure(.noUnit):
                out.append("\(name) has no unit: value not used (give the unit, e.g. \(lab.test?.canonicalUnit ?? "mg/dL")).")
            case .success(let v) where v.unverifiedConversion:
                out.append("\(name) converted from \(lab.unit!) with a standard molar-mass factor (not in the clinical reference, ✘).")
            default: break
            }
            if let d = lab.date, d > asOf { out.append("\(name) dated \(d) is after the assessment date \(asOf): not used.") }
        }
        if c.performance?.isInconsistent == true {
            out.append("ECOG \(c.performance!.ecog!) and KPS \(c.performance!.kps!) disagree on every conversion table: check which is current.")
        }
        if let b = c.patient.birthDate, let age = c.patient.ageYears, b.wholeYears(until: asOf) != age {
            out.append("age_years \(age) disagrees with the birth date \(b) (age \(b.wholeYears(until: asOf)) on \(asOf)): the birth date is used.")
        }
        let ids = (c.lesions ?? []).map(\.id)
        for id in Set(ids) where ids.filter({ $0 == id }).count > 1 { out.append("lesion id \(id) is used more than once.") }
        for rt in c.radiotherapy ?? [] { if let l = rt.lesionID, !ids.contains(l) { out.append("radiotherapy refers to unknown lesion \(l).") } }
        for s in c.surgeries ?? [] { if let l = s.lesionID, !ids.contains(l) { out.append("surgery refers to unknown lesion \(l).") } }
        return out
    }
}
