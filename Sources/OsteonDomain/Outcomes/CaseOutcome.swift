/// The outcome facts of a case held by the server (`osteon outcomes` on a database, the quality dashboard),
/// read by the definitions of README "Outcomes" in the case format's terms: the index date is the earliest
/// detected date of a metastatic lesion; death is `patient.deceased_on`; follow-up otherwise ends at the
/// latest dated fact on or before the as-of date. Skeletal-related events (CALGB 70604): radiotherapy to a
/// lesion, surgery to bone other than biopsy, a lesion first recorded with a complete (pathological) fracture,
/// and a lesion first recorded with the cord compressed (ESCC grade 2 or 3: REFERENCE §7, Bilsky 2010), each dated after the index.
extension PatientCase {
    public func outcome(asOf: Day, patientID id: String? = nil) -> OutcomeRead {
        let metastatic = (lesions ?? []).filter { $0.origin == .metastasis }
        let sarcoma = SarcomaPathwayFacts(self, patientID: id ?? patientID)
        guard !metastatic.isEmpty else { return sarcoma.map { .primaryBoneTumour($0) } ?? .noBoneMetastasis }
        let dates = metastatic.compactMap(\.detectedDate)
        guard dates.count == metastatic.count, let index = dates.min() else { return .excluded(.boneMetastasisWithoutDate) }
        let death = patient.deceasedOn
        if let death, death < index { return .excluded(.deathBeforeIndex) }
        let end: Day, died: Bool
        if let death, death <= asOf {
            (end, died) = (death, true)
        } else {
            guard let last = recordDays.filter({ $0 <= asOf }).max(), last >= index else { return .excluded(.noFollowUp) }
            (end, died) = (last, false)
        }
        let sre = skeletalEventDays.filter { $0 > index && $0 <= end }.min()
        let cutoff = index.adding(days: 30)
        let scores = ScoreAtIndex.from(Assessor.assess(knownBy(cutoff), asOf: cutoff))
        return .included(OutcomeRecord(patientID: id ?? patientID, index: index, end: end, died: died, firstSRE: sre,
                                       primaries: cancers?.compactMap(\.primarySite) ?? [], scores: scores, bma: BMAFacts(self),
                                       radiotherapy: RadiotherapyCourseFacts.all(self), cordCompression: CordCompressionFacts(self), sarcoma: sarcoma))
    }

    /// Every date a fact of the case was recorded for.
    var recordDays: [Day] {
        var days: [Day?] = []
        days += (cancers ?? []).flatMap { [$0.diagnosisDate, $0.endOfTreatmentDate] }
        days += (lesions ?? []).map(\.detectedDate)
        days += (labs ?? []).map(\.date)
        days += [performance?.date, neurology?.symptomOnset, dental?.lastEvaluationDate]
        days += (medications ?? []).flatMap { [$0.startDate, $0.lastDoseDate] + ($0.doseDates ?? []) }
        days += (radiotherapy ?? []).map(\.date) + (surgeries ?? []).map(\.date)
        days += (imaging ?? []).map(\.date) + (referrals ?? []).map(\.date)
        return days.compactMap { $0 }
    }

    /// The dates of the case's skeletal-related events (any date; the caller keeps those after the index).
    var skeletalEventDays: [Day] {
        var days: [Day?] = (radiotherapy ?? []).map(\.date)
        days += (surgeries ?? []).filter { $0.kind != .biopsy }.map(\.date)
        days += (lesions ?? []).filter { $0.fracture == .complete || $0.escc == .g2 || $0.escc == .g3 }.map(\.detectedDate)
        return days.compactMap { $0 }
    }

    /// The case as it was known on `day`: every dated fact after it left out (undated facts stay).
    public func knownBy(_ day: Day) -> PatientCase {
        func known(_ d: Day?) -> Bool { d.map { $0 <= day } ?? true }
        var c = self
        c.asOf = day
        c.cancers = cancers?.filter { known($0.diagnosisDate) }
        c.lesions = lesions?.filter { known($0.detectedDate) }
        c.labs = labs?.filter { known($0.date) }
        if !known(performance?.date) { c.performance = nil }
        if !known(neurology?.symptomOnset) { c.neurology = nil }
        c.medications = medications?.filter { known($0.startDate ?? $0.doseDates?.first ?? $0.lastDoseDate) }.map { m in
            var m = m
            guard let doses = m.doseDates else { return m }
            m.doseDates = doses.filter { $0 <= day }
            if let last = m.lastDoseDate, last > day { m.lastDoseDate = m.doseDates?.last }
            return m
        }
        c.radiotherapy = radiotherapy?.filter { known($0.date) }
        c.surgeries = surgeries?.filter { known($0.date) }
        c.imaging = imaging?.filter { known($0.date) }
        c.referrals = referrals?.filter { known($0.date) }
        if let death = patient.deceasedOn, death > day { c.patient.deceasedOn = nil }
        return c
    }
}
