/// Calcium, decided once (REFERENCE §9.6 and §18.3): the latest total calcium,
/// corrected only with an albumin from the same day; without one, the lowest
/// value the corrected calcium can have (total − 0.8) still raises
/// hypercalcaemia; hypocalcaemia graded by CTCAE v5 against the lab's range.
struct CalciumStatus: Sendable {
    struct Hyper: Sendable {
        let severity: CorrectedCalcium.Severity
        /// The corrected value, or its lower bound when albumin is missing.
        let valueMgDl: Double
        let corrected: Bool
        var meetsTreatmentThreshold: Bool { valueMgDl >= CorrectedCalcium.zometaThreshold }
        var description: String {
            corrected ? "Corrected calcium \(format(valueMgDl)) mg/dL"
                : "Calcium without a same-day albumin: corrected calcium at least \(format(valueMgDl)) mg/dL (uncorrected: albumin missing)"
        }
    }

    struct Hypo: Sendable {
        /// CTCAE v5 grade 1–4.
        let grade: Int
        let correctedMgDl: Double
        let lowerLimitMgDl: Double
        let limitFromLab: Bool
        var description: String {
            "Corrected calcium \(format(correctedMgDl)) mg/dL: hypocalcaemia grade \(grade) (CTCAE v5; lower limit \(format(lowerLimitMgDl)) mg/dL\(limitFromLab ? " from the laboratory's range" : ", the default when the laboratory gives none"))"
        }
    }

    var total: (value: Double, date: Day?, index: Int)?
    var albumin: (value: Double, date: Day?, index: Int)?
    var corrected: CorrectedCalcium.Result?
    var hyper: Hyper?
    var hypo: Hypo?
    var facts: [Fact] = []
    var warnings: [String] = []
    /// Missing facts that would change the calcium decision: (case path, what to record).
    var needs: [(String, String)] = []

    /// Lower limit of normal when the laboratory gives none (◐ StatPearls/Merck).
    static let defaultLowerLimitMgDl = 8.5
    /// Albumin above 5.0 g/dL is not physiological (◐), so corrected ≥ total − 0.8.
    static let maximumCorrectionMgDl = 0.8

    /// CTCAE v5 (= v4.03) hypocalcaemia grade of a corrected value below the lower limit.
    static func hypocalcaemiaGrade(correctedMgDl v: Double, lowerLimit lln: Double) -> Int? {
        guard v < lln else { return nil }
        if v >= 8.0 { return 1 }
        if v >= 7.0 { return 2 }
        if v >= 6.0 { return 3 }
        return 4
    }

    init(_ c: PatientCase, asOf: Day) {
        guard let ca = c.latestLab(.calcium, on: asOf) else { return }
        total = ca
        let caLab = c.labs![ca.index]
        facts.append(Fact("labs.calcium", "\(format(ca.value)) mg/dL\(ca.date.map { " on \($0)" } ?? "")"))
        albumin = c.latestLab(.albumin, on: asOf)
        // Same sample only: an albumin from another day (or undated) is not used for this calcium.
        let sameDay = c.labs!.enumerated().filter { _, lab in
            lab.test == .albumin && lab.date != nil && lab.date == ca.date
        }.compactMap { i, lab -> (value: Double, date: Day?, index: Int)? in
            guard case .success(let v) = lab.canonical else { return nil }
            return (v.value, lab.date, i)
        }.last
        if let alb = sameDay {
            facts.append(Fact("labs.albumin", "\(format(alb.value)) g/dL on \(alb.date!)"))
            corrected = CorrectedCalcium.evaluate(.mgDl(calcium: ca.value, albuminGDl: alb.value)).value
        } else if let alb = albumin {
            warnings.append("Albumin \(format(alb.value)) g/dL\(alb.date.map { " of \($0)" } ?? " (undated)") is not from the same day as calcium \(format(ca.value)) mg/dL\(ca.date.map { " of \($0)" } ?? " (undated)"): the calcium is not corrected with it.")
        }
        if let cc = corrected {
            if cc.severity != .none { hyper = Hyper(severity: cc.severity, valueMgDl: cc.correctedMgDl, corrected: true) }
            let lln = caLab.referenceLow.flatMap { low in caLab.unit.flatMap { LabTest.calcium.factor(from: $0) }.map { low * $0.factor } }
            let limit = lln.map { roundHalfUp($0, places: 2) } ?? Self.defaultLowerLimitMgDl
            if let grade = Self.hypocalcaemiaGrade(correctedMgDl: cc.correctedMgDl, lowerLimit: limit) {
                hypo = Hypo(grade: grade, correctedMgDl: cc.correctedMgDl, lowerLimitMgDl: limit, limitFromLab: lln != nil)
            }
        } else {
            let bound = roundHalfUp(ca.value - Self.maximumCorrectionMgDl, places: 2)
            let severity = CorrectedCalcium.severity(correctedMgDl: bound)
            if severity != .none { hyper = Hyper(severity: severity, valueMgDl: bound, corrected: false) }
            needs.append(("labs.albumin", "serum albumin from the same sample as the calcium (or an ionised calcium), to correct calcium \(format(ca.value)) mg/dL"))
        }
    }
}
