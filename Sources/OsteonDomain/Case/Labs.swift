import Foundation

/// Laboratory tests the assessment uses, each with its canonical unit.
public enum LabTest: String, InputEnum {
    case calcium, albumin, creatinine, crp, ldh, platelets, bilirubin, hemoglobin, alp, psa
    public static var aliases: [String: LabTest] {
        ["total_calcium": .calcium, "serum_calcium": .calcium, "c_reactive_protein": .crp, "lactate_dehydrogenase": .ldh,
         "platelet_count": .platelets, "total_bilirubin": .bilirubin, "haemoglobin": .hemoglobin, "hb": .hemoglobin,
         "alkaline_phosphatase": .alp, "serum_creatinine": .creatinine]
    }

    public var canonicalUnit: String {
        switch self {
        case .calcium, .creatinine, .crp, .bilirubin: "mg/dL"
        case .albumin, .hemoglobin: "g/dL"
        case .ldh, .alp: "U/L"
        case .platelets: "/uL"
        case .psa: "ng/mL"
        }
    }

    /// The units Osteon reads for this test, as laboratories write them (each has a factor below).
    public var units: [String] {
        switch self {
        case .calcium: ["mg/dL", "mmol/L"]
        case .creatinine, .bilirubin: ["mg/dL", "µmol/L"]
        case .albumin, .hemoglobin: ["g/dL", "g/L"]
        case .crp: ["mg/dL", "mg/L"]
        case .ldh, .alp: ["U/L", "IU/L"]
        case .platelets: ["/µL", "10^9/L", "10^3/µL"]
        case .psa: ["ng/mL", "µg/L"]
        }
    }

    /// Every unit of every test, in first-seen order: the form's choices.
    public static var allUnits: [String] {
        var seen: [String] = []
        for t in allCases { for u in t.units where !seen.contains(u) { seen.append(u) } }
        return seen
    }

    /// Factor from `unit` to the canonical unit, and whether the factor rests
    /// on a molar mass not sourced in REFERENCE.md (✘) rather than on unit arithmetic.
    public func factor(from unit: String) -> (factor: Double, unverified: Bool)? {
        let u = LabTest.normaliseUnit(unit)
        switch self {
        case .calcium:
            if u == "mg/dl" { return (1, false) }
            if u == "mmol/l" { return (CorrectedCalcium.mgDlPerMmolL, true) }
        case .creatinine:
            if u == "mg/dl" { return (1, false) }
            if u == "umol/l" { return (1 / CockcroftGault.micromolPerMg, true) }
        case .bilirubin:
            if u == "mg/dl" { return (1, false) }
            if u == "umol/l" { return (1 / 17.1, true) }
        case .albumin, .hemoglobin:
            if u == "g/dl" { return (1, false) }
            if u == "g/l" { return (0.1, false) }
        case .crp:
            if u == "mg/dl" { return (1, false) }
            if u == "mg/l" { return (0.1, false) }
        case .ldh, .alp:
            if ["u/l", "iu/l"].contains(u) { return (1, false) }
        case .platelets:
            if ["/ul", "1/ul", "per_ul", "/mm3"].contains(u) { return (1, false) }
            if ["10*3/ul", "10^3/ul", "k/ul", "10*9/l", "10^9/l", "x10^9/l", "thousand/ul"].contains(u) { return (1000, false) }
        case .psa:
            if ["ng/ml", "ug/l"].contains(u) { return (1, false) }
        }
        return nil
    }

    static func normaliseUnit(_ unit: String) -> String {
        // Common spellings need no work (this runs for every lab of every patient when screening).
        if let known = commonUnits[unit] { return known }
        return unit.trimmingSpaces().lowercased()
            .replacingOccurrences(of: "µ", with: "u").replacingOccurrences(of: "μ", with: "u")
            .replacingOccurrences(of: "{cells}", with: "").replacingOccurrences(of: " ", with: "")
    }
}

private let commonUnits: [String: String] = [
    "mg/dL": "mg/dl", "g/dL": "g/dl", "g/L": "g/l", "mmol/L": "mmol/l", "umol/L": "umol/l", "µmol/L": "umol/l", "mg/L": "mg/l",
    "U/L": "u/l", "IU/L": "iu/l", "10*3/uL": "10*3/ul", "10*9/L": "10*9/l", "/uL": "/ul", "ng/mL": "ng/ml", "K/uL": "k/ul",
]

/// The laboratory's own judgment of a value (FHIR Observation.interpretation).
public enum LabInterpretation: String, InputEnum {
    case normal, high, low, abnormal
    public static var aliases: [String: LabInterpretation] { ["n": .normal, "h": .high, "l": .low, "a": .abnormal, "hh": .high, "ll": .low] }
}

public struct LabResult: Sendable {
    public var test: LabTest?
    public var value: Double?
    public var unit: String?
    public var date: Day?
    /// The laboratory's reference range, in the result's own unit.
    public var referenceLow: Double?
    public var referenceHigh: Double?
    public var interpretation: LabInterpretation?
    public var source: String?
    public init() {}

    /// The value in the canonical unit, or why it cannot be used.
    public var canonical: Result<(value: Double, unverifiedConversion: Bool), LabProblem> {
        guard let test, let value else { return .failure(.incomplete) }
        guard let unit else { return .failure(.noUnit) }
        guard let f = test.factor(from: unit) else { return .failure(.unconvertibleUnit(unit)) }
        return .success((value * f.factor, f.unverified))
    }
}

public enum LabProblem: Error, Sendable {
    case incomplete, noUnit
    case unconvertibleUnit(String)
}

extension PatientCase {
    /// The latest usable value of `test` on or before `day`, in canonical units.
    public func latestLab(_ test: LabTest, on day: Day) -> (value: Double, date: Day?, index: Int)? {
        guard let labs else { return nil }
        var best: (value: Double, date: Day?, index: Int)?
        for (i, lab) in labs.enumerated() where lab.test == test {
            if let d = lab.date, d > day { continue }
            guard case .success(let c) = lab.canonical else { continue }
            if best == nil || (lab.date ?? Day(ordinal: .min)) >= (best!.date ?? Day(ordinal: .min)) {
                best = (c.value, lab.date, i)
            }
        }
        return best
    }
}
