/// Suspected metastatic spinal cord compression as `mscc_mri_within_24h` reads it: neurological symptoms or
/// signs (new limb weakness, a sensory level, bladder or bowel dysfunction, Frankel A–D) and when they were
/// recorded, and the days of the whole-spine MRIs. Dates carry no time of day.
public struct CordCompressionFacts: Sendable, Equatable {
    public var suspected: Bool
    public var since: Day?
    public var wholeSpineMRIs: [Day]

    public init(suspected: Bool, since: Day?, wholeSpineMRIs: [Day] = []) {
        self.suspected = suspected
        self.since = since
        self.wholeSpineMRIs = wholeSpineMRIs
    }

    public init(_ c: PatientCase) {
        self.init(suspected: c.neurology?.hasDeficit == true, since: c.neurology?.symptomOnset,
                  wholeSpineMRIs: (c.imaging ?? []).filter(\.isWholeSpineMRI).compactMap(\.date).sorted())
    }
}

extension Measures {
    static let msccNone = "no suspected cord compression recorded", msccNoDate = "suspected cord compression with no date",
               msccAfterEnd = "suspected after the end of follow-up", msccShort = "followed less than a day after the suspicion",
               msccNextDay = "whole-spine MRI the next day (the record has no time of day)"

    /// `mscc_mri_within_24h`: with suspected metastatic spinal cord compression (neurological symptoms or signs), an
    /// MRI of the whole spine within 24 hours. On dates alone: an MRI the same day is within 24 hours (met); one two or
    /// more days later, or none, is not; one the next day cannot be told and is left out, counted. Left out as well: no
    /// suspicion recorded, a suspicion with no date or after the end of follow-up, and follow-up that ended that day with no MRI.
    public static let cordCompressionMRIDefinition = Definition(
        id: "mscc_mri_within_24h", title: "Whole-spine MRI within 24 hours of suspected spinal cord compression",
        citation: "REFERENCE §13: NICE QS56 (statement 3) and NICE NG234 (2023): suspected metastatic spinal cord compression with neurological symptoms or signs, MRI of the whole spine within 24 hours",
        classify: { r in
            let m = r.cordCompression
            guard m.suspected else { return .excluded(msccNone) }
            guard let since = m.since else { return .excluded(msccNoDate) }
            if since > r.end { return .excluded(msccAfterEnd) }
            let after = m.wholeSpineMRIs.map { since.days(until: $0) }.filter { $0 >= 0 }
            if after.contains(0) { return .met }
            if after.contains(1) { return .excluded(msccNextDay) }
            if since.days(until: r.end) < 1 { return .excluded(msccShort) }
            return .notMet
        },
        reasons: [msccNone, msccNoDate, msccAfterEnd, msccShort, msccNextDay])
}
