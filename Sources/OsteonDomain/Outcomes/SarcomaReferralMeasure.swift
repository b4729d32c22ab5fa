/// A patient with a primary bone tumour as `sarcoma_referral_before_biopsy` reads them: the biopsies and the
/// referrals to a bone-sarcoma centre, with their dates. The population is not the outcome cohort (skeletal
/// metastases): every patient read with a primary bone tumour recorded as a diagnosis.
public struct SarcomaPathwayFacts: Sendable, Equatable {
    public var patientID: String
    public var biopsies: [Day]
    public var undatedBiopsy: Bool
    public var referrals: [Day]
    public var undatedReferral: Bool

    public init(patientID: String, biopsies: [Day], undatedBiopsy: Bool = false, referrals: [Day], undatedReferral: Bool = false) {
        self.patientID = patientID
        self.biopsies = biopsies.sorted()
        self.undatedBiopsy = undatedBiopsy
        self.referrals = referrals.sorted()
        self.undatedReferral = undatedReferral
    }

    /// nil when the case records no primary bone tumour (osteosarcoma, Ewing sarcoma, chondrosarcoma, giant cell
    /// tumour, chordoma, other primary bone malignancy).
    public init?(_ c: PatientCase, patientID: String) {
        guard (c.cancers ?? []).contains(where: { $0.primarySite?.isPrimaryBoneTumor == true }) else { return nil }
        let biopsies = (c.surgeries ?? []).filter { $0.kind == .biopsy }
        let referrals = (c.referrals ?? []).filter { $0.specialty == .sarcomaCentre }
        self.init(patientID: patientID, biopsies: biopsies.compactMap(\.date), undatedBiopsy: biopsies.contains { $0.date == nil },
                  referrals: referrals.compactMap(\.date), undatedReferral: referrals.contains { $0.date == nil })
    }

    /// The earliest dated biopsy: the day the measure is dated by (its quarter).
    public var firstBiopsy: Day? { biopsies.first }
}

extension Measures {
    public struct PathwayDefinition: Sendable {
        public let id: String
        public let title: String
        public let citation: String
        public let classify: @Sendable (SarcomaPathwayFacts) -> MeasureStatus
        public let reasons: [String]

        public func measure(_ patients: [SarcomaPathwayFacts]) -> QualityMeasure {
            Measures.tally(patients.map(classify), id: id, title: title, citation: citation, unit: "patients", reasons: reasons)
        }

        /// By quarter of the first biopsy.
        public func quarterly(_ patients: [SarcomaPathwayFacts]) -> [(quarter: String, numerator: Int, denominator: Int)] {
            Measures.byQuarter(patients.compactMap { p in p.firstBiopsy.map { ($0, classify(p)) } })
        }
    }

    static let noBiopsy = "no biopsy recorded", biopsyNoDate = "biopsy with no date",
               referralNoDate = "sarcoma-centre referral with no date (before or after the biopsy cannot be told)"

    /// `sarcoma_referral_before_biopsy`: of the patients with a primary bone tumour who had a biopsy, those referred to
    /// a bone-sarcoma centre on or before the first (dated) biopsy — the same day counts, as dates carry no time. Left
    /// out: no biopsy recorded; biopsies with no date; a referral with no date and none dated before the biopsy.
    public static let sarcomaReferralDefinition = PathwayDefinition(
        id: "sarcoma_referral_before_biopsy", title: "Primary bone tumour referred to a bone-sarcoma centre before the biopsy",
        citation: "REFERENCE §12 (UK Bone Sarcoma Group guideline 2016: suspected primary bone tumours referred to a specialist bone-sarcoma MDT before biopsy) and §13 (BSG/ESMO)",
        classify: { p in
            guard let biopsy = p.firstBiopsy else { return .excluded(p.undatedBiopsy ? biopsyNoDate : noBiopsy) }
            if p.referrals.contains(where: { $0 <= biopsy }) { return .met }
            if p.undatedReferral { return .excluded(referralNoDate) }
            return .notMet
        },
        reasons: [noBiopsy, biopsyNoDate, referralNoDate])
}
