/// One radiotherapy course as `single_fraction_or_short_course_rt` reads it: its schedule, and the facts of the
/// record that take it out of "uncomplicated painful bone metastasis" (NQF 1822's denominator exclusions).
public struct RadiotherapyCourseFacts: Sendable, Equatable {
    public var date: Day?
    public var doseGy: Double?
    public var fractions: Int?
    /// The course names a metastatic bone lesion of the record.
    public var toBoneMetastasis: Bool
    /// An earlier course to the same lesion or site (one site's words within the other's), or one where either names no site (it cannot be told apart).
    public var previousToSite: Bool
    /// Fixation, stabilisation, separation or decompression surgery, or resection, of the site on or before the course
    /// (one that names no lesion, or has no date, counts: it cannot be told apart).
    public var stabilised: Bool
    /// A spinal lesion with the cord compressed (ESCC 2–3, REFERENCE §7) or a neurological deficit recorded by the course's date.
    public var cordCompression: Bool
    /// A femoral lesion: NQF 1822 leaves out femoral cortical involvement over 3 cm, a length the record does not keep.
    public var femoral: Bool

    public init(date: Day?, doseGy: Double?, fractions: Int?, toBoneMetastasis: Bool = true, previousToSite: Bool = false,
                stabilised: Bool = false, cordCompression: Bool = false, femoral: Bool = false) {
        self.date = date
        self.doseGy = doseGy
        self.fractions = fractions
        self.toBoneMetastasis = toBoneMetastasis
        self.previousToSite = previousToSite
        self.stabilised = stabilised
        self.cordCompression = cordCompression
        self.femoral = femoral
    }

    static let stabilising: Set<SurgeryKind> = [.prophylacticFixation, .fractureFixation, .stabilization, .separationSurgery, .decompression, .resection]

    /// Every course of a case, in record order.
    public static func all(_ c: PatientCase) -> [RadiotherapyCourseFacts] {
        let courses = c.radiotherapy ?? []
        let lesions = c.lesions ?? []
        func lesion(_ r: RadiotherapyCourse) -> Lesion? { r.lesionID.flatMap { id in lesions.first { $0.id == id } } }
        // The words of the site treated ("left femur, diaphysis" → left, femur, diaphysis); nil when neither it nor its lesion names one.
        func words(_ r: RadiotherapyCourse) -> Set<Substring>? {
            let w = Set((r.site ?? lesion(r)?.site ?? "").lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }))
            return w.isEmpty ? nil : w
        }
        return courses.map { course in
            let lesion = lesion(course)
            let earlier = courses.contains { other in
                guard let d = other.date, let mine = course.date, d < mine else { return false }
                if let a = other.lesionID, let b = course.lesionID { return a == b }
                guard let a = words(other), let b = words(course) else { return true }
                return a.isSubset(of: b) || b.isSubset(of: a)
            }
            let surgery = (c.surgeries ?? []).contains { s in
                guard let kind = s.kind, stabilising.contains(kind) else { return false }
                guard s.lesionID == nil || s.lesionID == course.lesionID else { return false }
                guard let d = s.date, let mine = course.date else { return true }
                return d <= mine
            }
            var cord = false
            if let lesion, lesion.isSpinal {
                let deficit = c.neurology.map { n in n.hasDeficit && (n.symptomOnset.map { d in course.date.map { d <= $0 } ?? true } ?? true) } ?? false
                cord = lesion.escc == .g2 || lesion.escc == .g3 || deficit
            }
            return RadiotherapyCourseFacts(date: course.date, doseGy: course.doseGy, fractions: course.fractions,
                                           toBoneMetastasis: lesion?.origin == .metastasis, previousToSite: earlier, stabilised: surgery,
                                           cordCompression: cord, femoral: lesion?.bone == .femur)
        }
    }
}

extension Measures {
    /// The schedules ASTRO names for previously unirradiated painful bone metastases (REFERENCE §10), as (Gy, fractions).
    static let shortSchedules: [(gy: Double, fractions: Int)] = [(8, 1), (20, 5), (24, 6), (30, 10)]

    static let rtNoDate = "course with no date", rtBeforeIndex = "course before the first bone metastasis",
               rtNotBone = "course not linked to a bone metastasis", rtPrevious = "previous radiotherapy to the site",
               rtStabilised = "surgical stabilisation of the site", rtCord = "spinal cord compression",
               rtFemoral = "femoral lesion (cortical involvement over 3 cm cannot be told: its length is not recorded)",
               rtNoSchedule = "dose or number of fractions not recorded"

    /// `single_fraction_or_short_course_rt`: of the radiotherapy courses for uncomplicated painful bone metastases,
    /// those given as 8 Gy/1, 20 Gy/5, 24 Gy/6 or 30 Gy/10. One count per course dated on or after the index date
    /// that names a metastatic bone lesion. Left out, in this order: no date; before the index date; not linked to a
    /// bone metastasis; NQF 1822's exclusions (previous radiotherapy to the site, surgical stabilisation, spinal cord
    /// compression, femoral cortical involvement over 3 cm — every femoral lesion, as the length is not recorded);
    /// then dose or fractions not recorded.
    public static let shortCourseRadiotherapyDefinition = Definition(
        id: "single_fraction_or_short_course_rt", title: "Radiotherapy for an uncomplicated painful bone metastasis given as 8 Gy/1, 20 Gy/5, 24 Gy/6 or 30 Gy/10",
        citation: "REFERENCE §10: ASTRO 2017 (Lutz, Pract Radiat Oncol 7:4–12) and 2024 (Alcorn); NQF 1822 (ASTRO): external beam radiotherapy for bone metastases",
        unit: "radiotherapy courses",
        statuses: { r in
            r.radiotherapy.map { course in
                guard let date = course.date else { return .excluded(rtNoDate) }
                if date < r.index { return .excluded(rtBeforeIndex) }
                if !course.toBoneMetastasis { return .excluded(rtNotBone) }
                if course.previousToSite { return .excluded(rtPrevious) }
                if course.stabilised { return .excluded(rtStabilised) }
                if course.cordCompression { return .excluded(rtCord) }
                if course.femoral { return .excluded(rtFemoral) }
                guard let gy = course.doseGy, let n = course.fractions else { return .excluded(rtNoSchedule) }
                return shortSchedules.contains { n == $0.fractions && abs(gy - $0.gy) < 0.05 } ? .met : .notMet
            }
        },
        reasons: [rtNoDate, rtBeforeIndex, rtNotBone, rtPrevious, rtStabilised, rtCord, rtFemoral, rtNoSchedule])
}
