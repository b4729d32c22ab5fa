import Foundation

/// One vertebral level, occiput (C0) to S5, ordered head to tail.
public struct SpinalLevel: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Region: Int, Sendable, CaseIterable {
        case occiput, cervical, thoracic, lumbar, sacral
        var letter: String { ["O", "C", "T", "L", "S"][rawValue] }
        var count: Int { [1, 7, 12, 5, 5][rawValue] }
    }

    public let region: Region
    public let number: Int

    public init?(region: Region, number: Int) {
        let valid = region == .occiput ? (0...0) : (1...region.count)
        guard valid.contains(number) else { return nil }
        self.region = region
        self.number = number
    }

    /// Parses "T12", "t12", "L5", "S1", "C0", "occiput", and the thoracic
    /// spellings clinicians also write: "Th10", "D10" (dorsal), "T 10".
    public init?(_ text: String) {
        var t = text.trimmingSpaces().uppercased().replacingOccurrences(of: " ", with: "")
        if t.hasPrefix("TH") { t = "T" + t.dropFirst(2) } else if t.hasPrefix("D"), t.count > 1, t.dropFirst().allSatisfy(\.isNumber) { t = "T" + t.dropFirst() }
        if ["OCCIPUT", "OC", "O", "C0"].contains(t) {
            self.init(region: .occiput, number: 0)
            return
        }
        guard let first = t.first, let n = Int(t.dropFirst()) else { return nil }
        let region: Region
        switch first {
        case "C": region = .cervical
        case "T": region = .thoracic
        case "L": region = .lumbar
        case "S": region = .sacral
        default: return nil
        }
        self.init(region: region, number: n)
    }

    public var description: String { region == .occiput ? "occiput" : "\(region.letter)\(number)" }

    /// Position along the spine, for ranges and ordering.
    public var ordinal: Int {
        Region.allCases.prefix(region.rawValue).reduce(0) { $0 + $1.count } + (region == .occiput ? 0 : number - 1)
    }

    public static func < (a: SpinalLevel, b: SpinalLevel) -> Bool { a.ordinal < b.ordinal }

    public static let all: [SpinalLevel] = Region.allCases.flatMap { region in
        (region == .occiput ? [0] : Array(1...region.count)).compactMap { SpinalLevel(region: region, number: $0) }
    }

    /// SINS location category (Fisher 2010; REFERENCE §2): occiput–C2, C7–T2,
    /// T11–L1 and L5–S1 junctional; C3–C6 and L2–L4 mobile; T3–T10 semirigid; S2–S5 rigid.
    public var sinsLocation: SINS.Location {
        switch (region, number) {
        case (.occiput, _): .junctional
        case (.cervical, 1...2), (.cervical, 7): .junctional
        case (.cervical, _): .mobile
        case (.thoracic, 1...2), (.thoracic, 11...12): .junctional
        case (.thoracic, _): .semirigid
        case (.lumbar, 1), (.lumbar, 5): .junctional
        case (.lumbar, _): .mobile
        case (.sacral, 1): .junctional
        case (.sacral, _): .rigid
        }
    }

    /// Parses one level or a range ("T11-L2", "T12–L1") into every level it spans.
    public static func span(_ text: String) -> [SpinalLevel]? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "–" || $0 == "—" })
        if parts.count == 1 { return SpinalLevel(String(parts[0])).map { [$0] } }
        guard parts.count == 2, let a = SpinalLevel(String(parts[0])), let b = SpinalLevel(String(parts[1])) else { return nil }
        let (lo, hi) = a <= b ? (a, b) : (b, a)
        return all.filter { $0 >= lo && $0 <= hi }
    }
}
