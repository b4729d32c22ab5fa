/// One patient's outcome facts (read from FHIR by OsteonFHIR): the index date (the earliest
/// bone-metastasis record), the end of follow-up (death on or before the as-of date, else the latest
/// dated record up to it), and the first skeletal-related event after the index date.
public struct OutcomeRecord: Sendable, Equatable {
    public enum Exclusion: String, Sendable, CaseIterable {
        case boneMetastasisWithoutDate = "bone metastasis with no date"
        case deathWithoutDate = "death with no date"
        case deathBeforeIndex = "death before the index date"
        case noFollowUp = "no dated record on or before the as-of date"
    }

    public var patientID: String
    public var index: Day
    public var end: Day
    public var died: Bool
    /// The first skeletal-related event after the index date, on or before the end of follow-up.
    public var firstSRE: Day?
    public var primaries: [PrimarySite]
    /// The survival scores computed from the facts dated on or before the index date + 30 days (those that could be).
    public var scores: [ScoreAtIndex]
    public var bma: BMAFacts
    public var radiotherapy: [RadiotherapyCourseFacts]
    public var cordCompression: CordCompressionFacts
    /// A primary bone tumour recorded beside the metastases (a sarcoma that spread to bone, a second cancer).
    public var sarcoma: SarcomaPathwayFacts?

    public init(patientID: String, index: Day, end: Day, died: Bool, firstSRE: Day?, primaries: [PrimarySite], scores: [ScoreAtIndex] = [],
                bma: BMAFacts = BMAFacts(firstStart: nil, prostate: false, castrationSensitive: nil), radiotherapy: [RadiotherapyCourseFacts] = [],
                cordCompression: CordCompressionFacts = CordCompressionFacts(suspected: false, since: nil), sarcoma: SarcomaPathwayFacts? = nil) {
        self.sarcoma = sarcoma
        self.bma = bma
        self.radiotherapy = radiotherapy
        self.cordCompression = cordCompression
        self.patientID = patientID
        self.index = index
        self.end = end
        self.died = died
        self.firstSRE = firstSRE
        self.primaries = primaries
        self.scores = scores
    }

    public var survival: Observation { Observation(days: index.days(until: end), event: died) }
    /// Skeletal event or death, whichever came first.
    public var eventFree: Observation { firstSRE.map { Observation(days: index.days(until: $0), event: true) } ?? survival }
    public var competing: (days: Int, outcome: CumulativeIncidence.Outcome) {
        if let s = firstSRE { return (index.days(until: s), .event) }
        return (index.days(until: end), died ? .death : .censored)
    }
    /// The group for survival by primary: the first primary recorded ("unknown primary" when none is).
    public var primaryGroup: String { primaries.first?.rawValue ?? PrimarySite.unknownPrimary.rawValue }
}

/// A survival score at the index date: its total and its group (Katagiri's risk group, Tokuhashi's and Tomita's total bands).
public struct ScoreAtIndex: Sendable, Equatable {
    public enum Score: String, Sendable, CaseIterable {
        case katagiri = "katagiri_new_2014", tokuhashi = "tokuhashi_revised_2005", tomita = "tomita_2001"

        /// Tokuhashi: a higher total predicts longer survival; Katagiri and Tomita: shorter.
        public var higherMeansLonger: Bool { self == .tokuhashi }
        /// The groups in order, as the JSON names them.
        public var groups: [String] {
            switch self {
            case .katagiri: ["low", "intermediate", "high"]
            case .tokuhashi: TokuhashiRevised.bandRanges.map(ScoreAtIndex.name)
            case .tomita: Tomita.bandRanges.map(ScoreAtIndex.name)
            }
        }
    }

    public var score: Score
    public var total: Int
    public var group: String

    public init(score: Score, total: Int, group: String) {
        self.score = score
        self.total = total
        self.group = group
    }

    static func name(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)-\(r.upperBound)" }

    /// The scores an assessment could compute.
    public static func from(_ a: Assessment) -> [ScoreAtIndex] {
        var out: [ScoreAtIndex] = []
        if let k = a.result(KatagiriNew.self) { out.append(.init(score: .katagiri, total: k.total, group: k.band.category)) }
        if let t = a.result(TokuhashiRevised.self) { out.append(.init(score: .tokuhashi, total: t.total, group: name(t.band.range))) }
        if let t = a.result(Tomita.self) { out.append(.init(score: .tomita, total: t.total, group: name(t.band.range))) }
        return out
    }

    /// The derivation cohort's survival at 6, 12 and 24 months where REFERENCE gives it (Katagiri §5; Tokuhashi
    /// predicts a band, not a percentage; REFERENCE prints no survival for Tomita's bands).
    public static func published(_ score: Score, group: String, months: Int) -> (percent: Double, provenance: Provenance)? {
        guard score == .katagiri, let s = KatagiriNew.survival[group] else { return nil }
        switch months {
        case 6: return (s.months6, s.provenance6)
        case 12: return (s.months12, s.provenance12)
        case 24: return (s.months24, s.provenance24)
        default: return nil
        }
    }
}

public enum OutcomeRead: Sendable, Equatable {
    case noBoneMetastasis
    /// Outside the cohort, but in the population of a primary bone tumour's measure.
    case primaryBoneTumour(SarcomaPathwayFacts)
    case excluded(OutcomeRecord.Exclusion)
    case included(OutcomeRecord)
}

/// The outcome figures of a cohort: overall survival, survival by primary with the log-rank test, and the
/// first skeletal-related event with death as a competing risk.
public struct OutcomeReport: Sendable {
    public let asOf: Day
    public let patientsRead: Int
    public let withBoneMetastasis: Int
    public let records: [OutcomeRecord]
    public let excluded: [(reason: OutcomeRecord.Exclusion, count: Int)]
    public let overall: KaplanMeier
    public let byPrimary: [(group: String, curve: KaplanMeier)]
    public let logRank: LogRank?
    public let skeletalEvents: CumulativeIncidence
    public let eventFree: KaplanMeier
    /// Per score: the curves of its groups, and how many included patients it could not be computed for.
    public let byScore: [(score: ScoreAtIndex.Score, groups: [(group: String, curve: KaplanMeier)], notComputed: Int)]
    public let concordance: [(score: ScoreAtIndex.Score, c: Concordance?)]
    public let measures: [QualityMeasure]
    /// The patients with a primary bone tumour (in the cohort or not), for `sarcoma_referral_before_biopsy`.
    public let pathways: [SarcomaPathwayFacts]
    /// Observed survival at 6, 12 and 24 months (182, 365, 730 days).
    public static let calibrationDays = [(6, 182), (12, 365), (24, 730)]

    public init(asOf: Day, reads: [OutcomeRead]) {
        self.asOf = asOf
        patientsRead = reads.count
        var records: [OutcomeRecord] = []
        var excluded: [OutcomeRecord.Exclusion: Int] = [:]
        var metastatic = 0
        var pathways: [SarcomaPathwayFacts] = []
        for r in reads {
            switch r {
            case .noBoneMetastasis: break
            case .primaryBoneTumour(let p): pathways.append(p)
            case .excluded(let why): metastatic += 1; excluded[why, default: 0] += 1
            case .included(let record): metastatic += 1; records.append(record); if let p = record.sarcoma { pathways.append(p) }
            }
        }
        self.pathways = pathways
        withBoneMetastasis = metastatic
        self.records = records
        self.excluded = OutcomeRecord.Exclusion.allCases.compactMap { e in excluded[e].map { (e, $0) } }
        overall = KaplanMeier(records.map(\.survival))
        let groups = Dictionary(grouping: records, by: \.primaryGroup)
        byPrimary = groups.keys.sorted().map { ($0, KaplanMeier(groups[$0]!.map(\.survival))) }
        logRank = LogRank(groups.keys.sorted().map { groups[$0]!.map(\.survival) })
        skeletalEvents = CumulativeIncidence(records.map(\.competing))
        eventFree = KaplanMeier(records.map(\.eventFree))
        byScore = ScoreAtIndex.Score.allCases.map { score in
            let scored = records.compactMap { r in r.scores.first { $0.score == score }.map { (r, $0) } }
            let groups = score.groups.compactMap { g -> (String, KaplanMeier)? in
                let members = scored.filter { $0.1.group == g }.map(\.0.survival)
                return members.isEmpty ? nil : (g, KaplanMeier(members))
            }
            return (score, groups, records.count - scored.count)
        }
        measures = Measures.all.map { $0.measure(records) } + [Measures.sarcomaReferralDefinition.measure(pathways)]
        concordance = ScoreAtIndex.Score.allCases.map { score in
            let items = records.compactMap { r in
                r.scores.first { $0.score == score }.map { (observation: r.survival, prediction: Double(score.higherMeansLonger ? $0.total : -$0.total)) }
            }
            return (score, Concordance(items))
        }
    }
}

extension OutcomeReport {
    /// The JSON of `osteon outcomes --format json`. With `suppressBelow` N, every count from 1 to N − 1 is
    /// written "suppressed" and every estimate built on fewer than N patients is null (reports that leave the institution).
    public func json(suppressBelow n: Int? = nil) -> JSONValue {
        func count(_ c: Int) -> JSONValue {
            if let n, c > 0, c < n { return "suppressed" }
            return .int(c)
        }
        func small(_ c: Int) -> Bool { n.map { c < $0 } ?? false }
        func km(_ k: KaplanMeier) -> JSONValue {
            guard !small(k.n) else { return .null }
            return .object([
                ("n", count(k.n)), ("events", count(k.events)), ("median_days", k.medianDays.map { .int($0) } ?? .null),
                ("table", .array(k.table.map { r in
                    let hidden = small(r.atRisk)
                    return .object([
                        ("t_days", .int(r.days)), ("at_risk", count(r.atRisk)), ("events", count(r.events)), ("censored", count(r.censored)),
                        ("survival", hidden ? .null : .double(r.survival)), ("ci_lower", hidden ? .null : .double(r.lower)),
                        ("ci_upper", hidden ? .null : .double(r.upper)),
                    ])
                })),
            ])
        }
        let anySmallGroup = byPrimary.contains { small($0.curve.n) }
        let cif: JSONValue = small(skeletalEvents.n) || small(skeletalEvents.firstEvents) ? .null
            : .array(skeletalEvents.table.map { ["t_days": .int($0.days), "cif": .double($0.incidence)] })
        return .object([
            ("as_of", .string(asOf.description)),
            ("cohort", .object([
                ("patients_read", count(patientsRead)), ("with_bone_metastasis", count(withBoneMetastasis)), ("included", count(records.count)),
                ("excluded", .array(excluded.map { ["reason": .string($0.reason.rawValue), "count": count($0.count)] })),
            ])),
            ("overall_survival", km(overall)),
            ("survival_by_primary", .object(byPrimary.map { ($0.group, km($0.curve)) })),
            ("logrank_by_primary", logRank.map { l in anySmallGroup ? .null : ["statistic": .double(l.statistic), "df": .int(l.degreesOfFreedom), "p": .double(l.p)] } ?? .null),
            ("survival_by_score", .object(byScore.map { s in
                (s.score.rawValue, .object(s.groups.map { ($0.group, km($0.curve)) } + [("not_computed", count(s.notComputed))]))
            })),
            ("calibration", calibrationJSON(count: count, small: small)),
            ("concordance", concordanceJSON(count: count, small: small)),
            ("skeletal_events", .object([
                ("n", count(skeletalEvents.n)), ("first_events", count(skeletalEvents.firstEvents)),
                ("deaths_before_event", count(skeletalEvents.deathsBeforeEvent)), ("cumulative_incidence", cif),
                ("event_free_survival", km(eventFree)),
            ])),
            ("measures", measuresJSON(count: count, small: small)),
        ])
    }

    func calibrationJSON(count: (Int) -> JSONValue, small: (Int) -> Bool) -> JSONValue {
        .array(byScore.flatMap { s in
                s.groups.flatMap { g in
                    Self.calibrationDays.map { months, t -> JSONValue in
                        let atRisk = g.curve.table.filter { $0.days >= t }.reduce(0) { $0 + $1.events + $1.censored }
                        let row = g.curve.row(at: t)
                        let hidden = small(atRisk) || small(g.curve.n)
                        let published = ScoreAtIndex.published(s.score, group: g.group, months: months)
                        return .object([
                            ("score", .string(s.score.rawValue)), ("group", .string(g.group)), ("months", .int(months)),
                            ("observed", hidden ? .null : .double(row?.survival ?? 1)), ("ci_lower", hidden ? .null : .double(row?.lower ?? 1)),
                            ("ci_upper", hidden ? .null : .double(row?.upper ?? 1)), ("at_risk", count(atRisk)),
                            ("published", published.map { .double($0.percent / 100) } ?? .null),
                            ("published_mark", published.map { .string($0.provenance.mark) } ?? .null),
                        ])
                    }
                }
            })
    }

    func concordanceJSON(count: (Int) -> JSONValue, small: (Int) -> Bool) -> JSONValue {
        .object(concordance.map { s in
                (s.score.rawValue, s.c.map { c in small(c.n) ? .null : .object([
                    ("c_index", .double(c.index)), ("n", count(c.n)),
                    ("higher_score_means", .string(s.score.higherMeansLonger ? "longer survival" : "shorter survival")),
                ]) } ?? .null)
            })
    }

    func measuresJSON(count: (Int) -> JSONValue, small: (Int) -> Bool) -> JSONValue {
        .array(measures.map { m in
                .object([
                    ("id", .string(m.id)), ("title", .string(m.title)), ("numerator", count(m.numerator)), ("denominator", count(m.denominator)),
                    ("rate", small(m.numerator) || small(m.denominator) ? .null : m.rate.map { .double($0) } ?? .null),
                    ("excluded", .array(m.excluded.map { ["reason": .string($0.reason), "count": count($0.count)] })), ("citation", .string(m.citation)),
                    ("unit", .string(m.unit)),
                ])
        })
    }

    /// A plain summary for a terminal (`--format text`).
    public func text(suppressBelow n: Int? = nil) -> String {
        func count(_ c: Int) -> String { n.map { c > 0 && c < $0 } == true ? "<\(n!)" : String(c) }
        func percent(_ x: Double) -> String { String(Int((x * 1000).rounded())).padded(3).inserting(".", fromEnd: 1) + " %" }
        func median(_ k: KaplanMeier) -> String { k.medianDays.map { "\($0) days" } ?? "not reached" }
        var lines = ["Outcomes as of \(asOf)",
                     "Patients read: \(count(patientsRead)); with a bone metastasis: \(count(withBoneMetastasis)); included: \(count(records.count))"]
        for e in excluded { lines.append("  excluded, \(e.reason.rawValue): \(count(e.count))") }
        let hide = { (k: KaplanMeier) in n.map { k.n < $0 } ?? false }
        lines.append("")
        // A survival figure read where fewer than N are at risk is itself a small cell.
        func at(_ k: KaplanMeier, _ t: Int) -> String {
            let few = n.map { (k.row(at: t)?.atRisk ?? k.n) < $0 } ?? false
            return "\(t) d " + (few ? "suppressed" : percent(k.survival(at: t)))
        }
        lines.append("Overall survival: " + (hide(overall) ? "suppressed" : "median \(median(overall)); " + [182, 365, 730].map { at(overall, $0) }.joined(separator: ", ")))
        lines.append("Survival by primary:")
        for (group, k) in byPrimary {
            lines.append("  \(Words.value(group)): " + (hide(k) ? "suppressed" : "n \(count(k.n)), deaths \(count(k.events)), median \(median(k))"))
        }
        if let l = logRank, !byPrimary.contains(where: { hide($0.curve) }) {
            lines.append("  log-rank chi-square \(String(format: "%.3f", l.statistic)) on \(l.degreesOfFreedom) df, p = \(String(format: "%.4g", l.p))")
        }
        lines.append("")
        lines.append("Survival by score at the index date (facts up to 30 days after it):")
        for s in byScore {
            lines.append("  \(Words.rule(s.score.rawValue)) (not computable for \(count(s.notComputed))):")
            for g in s.groups {
                lines.append("    \(g.group): " + (hide(g.curve) ? "suppressed" : "n \(count(g.curve.n)), " + [182, 365, 730].map { at(g.curve, $0) }.joined(separator: ", ")))
            }
            if let c = concordance.first(where: { $0.score == s.score })?.c, !(n.map { c.n < $0 } ?? false) {
                lines.append("    Harrell's C \(String(format: "%.3f", c.index)) (n \(count(c.n)); a higher total means \(s.score.higherMeansLonger ? "longer" : "shorter") survival)")
            }
        }
        lines.append("")
        lines.append("First skeletal-related event (death competing): \(count(skeletalEvents.firstEvents)) events, \(count(skeletalEvents.deathsBeforeEvent)) deaths before one")
        if !(n.map { skeletalEvents.n < $0 || skeletalEvents.firstEvents < $0 } ?? false) {
            lines.append("  cumulative incidence: " + [182, 365, 730].map { "\($0) d \(percent(skeletalEvents.incidence(at: $0)))" }.joined(separator: ", "))
        }
        lines.append("")
        lines.append("Quality measures:")
        for m in measures {
            let rate = m.rate.map { r in n.map { m.numerator < $0 || m.denominator < $0 } == true ? "suppressed" : percent(r) } ?? "no denominator"
            lines.append("  \(m.title): \(count(m.numerator)) of \(count(m.denominator)) \(m.unit) (\(rate))")
            for e in m.excluded { lines.append("    left out, \(e.reason): \(count(e.count))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private extension String {
    func padded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
    func inserting(_ s: String, fromEnd k: Int) -> String { String(dropLast(k)) + s + String(suffix(k)) }
}
