/// A quality measure over the outcome cohort: who counts, who meets it, who is left out and why.
public struct QualityMeasure: Sendable, Equatable {
    public var id: String
    public var title: String
    public var numerator: Int
    public var denominator: Int
    public var excluded: [(reason: String, count: Int)]
    public var citation: String
    /// What the counts count: "patients", or "radiotherapy courses".
    public var unit: String = "patients"
    public var rate: Double? { denominator > 0 ? Double(numerator) / Double(denominator) : nil }

    public static func == (a: QualityMeasure, b: QualityMeasure) -> Bool {
        a.id == b.id && a.numerator == b.numerator && a.denominator == b.denominator && a.excluded.map(\.reason) == b.excluded.map(\.reason)
            && a.excluded.map(\.count) == b.excluded.map(\.count) && a.unit == b.unit
    }
}

/// The bone-modifying agent facts of one patient that the measures read.
public struct BMAFacts: Sendable, Equatable {
    /// The earliest start (else first recorded dose) of zoledronic acid, pamidronate or denosumab that was given.
    public var firstStart: Day?
    /// Prostate cancer: true castration-sensitive, false castration-resistant, nil unknown; nil also when not prostate.
    public var prostate: Bool
    public var castrationSensitive: Bool?
    /// Every dose given, one by one (FHIR MedicationAdministration); nil when the record keeps only the first and latest.
    public var doseDays: [Day]?
    /// The dated dental evaluations recorded.
    public var dentalEvaluations: [Day]
    /// The record keeps only the latest dental evaluation (the case format), so an earlier one may have been overwritten.
    public var dentalLatestOnly: Bool
    /// The first course was started for hypercalcaemia of malignancy: an urgent start (REFERENCE §9.5 asks the check before a non-urgent one).
    public var urgentStart: Bool

    public init(firstStart: Day?, prostate: Bool, castrationSensitive: Bool?, doseDays: [Day]? = nil, dentalEvaluations: [Day] = [],
                dentalLatestOnly: Bool = false, urgentStart: Bool = false) {
        self.firstStart = firstStart
        self.prostate = prostate
        self.castrationSensitive = castrationSensitive
        self.doseDays = doseDays
        self.dentalEvaluations = dentalEvaluations
        self.dentalLatestOnly = dentalLatestOnly
        self.urgentStart = urgentStart
    }

    /// From a case read from the record: a course's start and latest dose, each dose one by one where the record keeps
    /// them (`dose_dates`: FHIR MedicationAdministration, the server's dose rows), and the dental evaluations (every
    /// one where the record keeps them, `evaluation_dates`; else the latest only).
    public init(_ c: PatientCase) {
        let agents = (c.medications ?? []).filter {
            ($0.medicationClass == .boneModifyingAgent || [.zoledronicAcid, .denosumab, .pamidronate].contains($0.agent)) && !$0.notGiven
        }
        func begun(_ m: Medication) -> Day? { ([m.startDate, m.doseDates?.first].compactMap { $0 }.min()) ?? m.lastDoseDate }
        let first = agents.filter { begun($0) != nil }.min { begun($0)! < begun($1)! }
        let doses = agents.flatMap { $0.doseDates ?? [] }.sorted()
        let prostateCancer = c.cancers?.first { $0.primarySite == .prostate }
        self.init(firstStart: first.flatMap(begun), prostate: prostateCancer != nil,
                  castrationSensitive: prostateCancer?.castrationSensitive, doseDays: doses.isEmpty ? nil : doses,
                  dentalEvaluations: Array(Set((c.dental?.evaluationDates ?? []) + [c.dental?.lastEvaluationDate].compactMap { $0 })).sorted(),
                  dentalLatestOnly: c.dental?.evaluationDates == nil,
                  urgentStart: [.hypercalcaemiaOfMalignancy, .hypercalcaemiaRefractoryToBisphosphonate].contains(first?.indication))
    }
}

/// Where one patient stands in a measure.
public enum MeasureStatus: Sendable, Equatable {
    case met, notMet
    /// Left out of the denominator, with the reason.
    case excluded(String)
}

public enum Measures {
    static let bmaWindowBefore = 30, bmaWindowAfter = 90

    public struct Definition: Sendable {
        public let id: String
        public let title: String
        public let citation: String
        /// What one count is: a patient, or (for a measure of treatments) a radiotherapy course.
        public let unit: String
        /// Where each of a patient's units stands (one per patient for a patient measure; none when the patient has no such unit).
        public let statuses: @Sendable (OutcomeRecord) -> [MeasureStatus]
        /// The reasons a unit is left out, in the order reports list them.
        public let reasons: [String]

        public init(id: String, title: String, citation: String, classify: @escaping @Sendable (OutcomeRecord) -> MeasureStatus, reasons: [String]) {
            self.init(id: id, title: title, citation: citation, unit: "patients", statuses: { [classify($0)] }, reasons: reasons)
        }

        public init(id: String, title: String, citation: String, unit: String, statuses: @escaping @Sendable (OutcomeRecord) -> [MeasureStatus], reasons: [String]) {
            self.id = id
            self.title = title
            self.citation = citation
            self.unit = unit
            self.statuses = statuses
            self.reasons = reasons
        }

        /// A patient measure's status of one patient.
        public func classify(_ r: OutcomeRecord) -> MeasureStatus? { statuses(r).first }

        public func measure(_ records: [OutcomeRecord]) -> QualityMeasure {
            Measures.tally(records.flatMap(statuses), id: id, title: title, citation: citation, unit: unit, reasons: reasons)
        }

        /// The measure per calendar quarter of the index date ("2026-Q1"), oldest first.
        public func quarterly(_ records: [OutcomeRecord]) -> [(quarter: String, numerator: Int, denominator: Int)] {
            Measures.byQuarter(records.flatMap { r in statuses(r).map { (r.index, $0) } })
        }
    }

    /// The measure from every unit's status: met and not met make the denominator, the left out are counted by reason.
    static func tally(_ statuses: [MeasureStatus], id: String, title: String, citation: String, unit: String, reasons: [String]) -> QualityMeasure {
        var numerator = 0, denominator = 0
        var left: [String: Int] = [:]
        for status in statuses {
            switch status {
            case .met: numerator += 1; denominator += 1
            case .notMet: denominator += 1
            case .excluded(let why): left[why, default: 0] += 1
            }
        }
        return QualityMeasure(id: id, title: title, numerator: numerator, denominator: denominator,
                              excluded: reasons.compactMap { r in left[r].map { (r, $0) } }, citation: citation, unit: unit)
    }

    /// Met and eligible per calendar quarter of each unit's day ("2026-Q1"), oldest first; left-out units are not counted.
    static func byQuarter(_ units: [(Day, MeasureStatus)]) -> [(quarter: String, numerator: Int, denominator: Int)] {
        var by: [String: (Int, Int)] = [:]
        for (day, status) in units where status == .met || status == .notMet {
            let (y, m, _) = day.components
            let q = "\(y)-Q\((m - 1) / 3 + 1)"
            by[q, default: (0, 0)].0 += status == .met ? 1 : 0
            by[q, default: (0, 0)].1 += 1
        }
        return by.keys.sorted().map { ($0, by[$0]!.0, by[$0]!.1) }
    }

    static let sensitive = "castration-sensitive prostate cancer", unknownCastration = "prostate cancer, castration status not recorded",
               before = "bone-modifying agent started before the window", short = "fewer than 90 days of follow-up and no agent started"

    /// `bma_within_90_days`: a bone-modifying agent first started from 30 days before to 90 days after the index date.
    /// Denominator: the cohort with at least 90 days of follow-up or a start in the window. Left out, counted:
    /// castration-sensitive prostate cancer (REFERENCE §18.2: insufficient evidence), prostate cancer whose castration
    /// status is not recorded (§18.2: ask, do not assume), and a start before the window (already treated).
    public static let bmaWithin90DaysDefinition = Definition(
        id: "bma_within_90_days", title: "Bone-modifying agent started within 90 days of the first bone metastasis",
        citation: "REFERENCE §18.2: ESMO 2020 (bone metastases of solid tumours, myeloma); ASCO–CCO 2020, Saylor, J Clin Oncol (prostate: castration-resistant disease)",
        classify: { r in
            let bma = r.bma
            if bma.prostate && bma.castrationSensitive == true { return .excluded(sensitive) }
            if bma.prostate && bma.castrationSensitive == nil { return .excluded(unknownCastration) }
            let start = bma.firstStart.map { r.index.days(until: $0) }
            if let s = start, s < -bmaWindowBefore { return .excluded(before) }
            let inWindow = start.map { $0 <= bmaWindowAfter } ?? false
            guard inWindow || r.index.days(until: r.end) >= bmaWindowAfter else { return .excluded(short) }
            return inWindow ? .met : .notMet
        },
        reasons: [sensitive, unknownCastration, before, short])

    public static func bmaWithin90Days(_ records: [OutcomeRecord]) -> QualityMeasure { bmaWithin90DaysDefinition.measure(records) }

    static let noAgent = "no bone-modifying agent started",
               urgent = "started urgently for hypercalcaemia of malignancy",
               dentalAfterOnly = "dental evaluation recorded only after the first dose (the record keeps the latest only)"

    /// `dental_check_before_bma`: among patients who started a bone-modifying agent, a dental evaluation dated on or
    /// before the first dose (dates have no time of day, so the same day counts). Left out: no agent started; an urgent
    /// start for hypercalcaemia (REFERENCE §9.5 asks the check before a non-urgent start); and, where the record keeps
    /// only the latest evaluation, one dated after the first dose (an earlier one cannot be told from it).
    public static let dentalCheckBeforeBMADefinition = Definition(
        id: "dental_check_before_bma", title: "Dental evaluation before the first dose of a bone-modifying agent",
        citation: "REFERENCE §9.5: Yarom 2019, J Clin Oncol (MASCC/ISOO/ASCO): oral assessment before a non-urgent start; §9.3: ASCO 2011, dental examination before starting",
        classify: { r in
            let bma = r.bma
            guard let start = bma.firstStart else { return .excluded(noAgent) }
            if bma.urgentStart { return .excluded(urgent) }
            if bma.dentalEvaluations.contains(where: { $0 <= start }) { return .met }
            if bma.dentalLatestOnly && !bma.dentalEvaluations.isEmpty { return .excluded(dentalAfterOnly) }
            return .notMet
        },
        reasons: [noAgent, urgent, dentalAfterOnly])

    static let persistenceYear = 365, persistenceGap = 90
    static let dosesNotKept = "doses not recorded one by one", shortAfterStart = "fewer than 12 months of follow-up after the first dose"

    /// `bma_persistence_12_months`: of the patients who started a bone-modifying agent and were followed 12 months
    /// (365 days) from the first dose, those with no gap over 90 days between doses in that year. A course that
    /// stops leaves a gap open to the next dose, so the time from the last dose in the year to the year's end counts
    /// as a gap too. Left out: no agent started; doses not recorded one by one (the case format keeps a course's
    /// first and latest dose only); under 12 months of follow-up after the first dose.
    public static let bmaPersistenceDefinition = Definition(
        id: "bma_persistence_12_months", title: "Bone-modifying agent continued through the first year (no gap over 90 days)",
        citation: "REFERENCE §9.3–§9.4: zoledronic acid every 3–4 or every 12 weeks (CALGB 70604, Himelstein JAMA 2017), denosumab every 4 weeks; a gap over 90 days is longer than the longest interval",
        classify: { r in
            let bma = r.bma
            guard bma.firstStart != nil else { return .excluded(noAgent) }
            guard let doses = bma.doseDays?.sorted(), let first = doses.first else { return .excluded(dosesNotKept) }
            let yearEnd = first.adding(days: persistenceYear)
            guard r.end >= yearEnd else { return .excluded(shortAfterStart) }
            let inYear = doses.filter { $0 <= yearEnd } + [yearEnd]
            let longest = zip(inYear, inYear.dropFirst()).map { $0.days(until: $1) }.max() ?? 0
            return longest > persistenceGap ? .notMet : .met
        },
        reasons: [noAgent, dosesNotKept, shortAfterStart])

    /// Every measure computed, in report order.
    public static let all = [bmaWithin90DaysDefinition, dentalCheckBeforeBMADefinition, shortCourseRadiotherapyDefinition,
                             cordCompressionMRIDefinition, bmaPersistenceDefinition]
}

extension OutcomeReport {
    /// The measures as CSV (`--format csv`): one row per measure, then one per left-out reason.
    public func measuresCSV(suppressBelow n: Int? = nil) -> String {
        func count(_ c: Int) -> String { n.map { c > 0 && c < $0 } == true ? "suppressed" : String(c) }
        func field(_ s: String) -> String { s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var lines = ["measure,title,numerator,denominator,rate,left_out_reason,left_out,citation"]
        for m in measures {
            let hidden = n.map { (m.numerator > 0 && m.numerator < $0) || (m.denominator > 0 && m.denominator < $0) } ?? false
            let rate = hidden ? "suppressed" : m.rate.map { String($0) } ?? ""
            lines.append([m.id, m.title, count(m.numerator), count(m.denominator), rate, "", "", m.citation].map(field).joined(separator: ","))
            for x in m.excluded { lines.append([m.id, m.title, "", "", "", x.reason, count(x.count), ""].map(field).joined(separator: ",")) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
