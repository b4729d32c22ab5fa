/// ECOG ↔ Karnofsky, used only when one of the two is missing. The scales
/// correspond approximately: Osteon takes the union of the conventional table
/// (ECOG 0 = KPS 90–100, 1 = 70–80, 2 = 50–60, 3 = 30–40, 4 = 10–20; ◐ secondary)
/// and the empirical one of Prasad 2018 (100, 80–90, 70, 50–60, 10–40), so a
/// derived value is used only where both readings agree.
extension PerformanceStatus {
    static let kpsForECOG: [Int: ClosedRange<Int>] = [0: 90...100, 1: 70...90, 2: 50...70, 3: 30...60, 4: 10...40]

    /// The KPS range the record supports, and whether it was derived from ECOG.
    public var kpsRange: (range: ClosedRange<Int>, derivedFromECOG: Bool)? {
        if let kps { return (kps...kps, false) }
        if let ecog, let range = Self.kpsForECOG[ecog] { return (range, true) }
        return nil
    }

    /// The ECOG range the record supports, and whether it was derived from KPS.
    public var ecogRange: (range: ClosedRange<Int>, derivedFromKPS: Bool)? {
        if let ecog { return (ecog...ecog, false) }
        guard let kps else { return nil }
        let matches = Self.kpsForECOG.filter { $0.value.contains(kps) }.map(\.key).sorted()
        guard let lo = matches.first, let hi = matches.last else { return nil }
        return (lo...hi, true)
    }

    /// Both recorded but far apart on every conversion: worth a warning.
    public var isInconsistent: Bool {
        guard let ecog, let kps, let range = Self.kpsForECOG[ecog] else { return false }
        return !range.contains(kps)
    }
}
