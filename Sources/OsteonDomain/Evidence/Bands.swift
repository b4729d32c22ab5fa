/// One band of a score: an inclusive range of totals and what it means.
public struct Band<Category: Sendable>: Sendable {
    public let range: ClosedRange<Int>
    public let category: Category
    public let provenance: Provenance

    public init(_ range: ClosedRange<Int>, _ category: Category, _ provenance: Provenance) {
        self.range = range
        self.category = category
        self.provenance = provenance
    }
}

/// The bands of a score over its whole total range. Built once per score;
/// `isPartition` is what the property tests check (no gap, no overlap).
public struct BandTable<Category: Sendable>: Sendable {
    public let totalRange: ClosedRange<Int>
    public let bands: [Band<Category>]

    public init(totalRange: ClosedRange<Int>, _ bands: [Band<Category>]) {
        self.totalRange = totalRange
        self.bands = bands
    }

    /// The band containing `total`; totals come from bounded components, so
    /// a miss is a programming error caught by the partition tests.
    public func band(for total: Int) -> Band<Category> {
        guard let band = bands.first(where: { $0.range.contains(total) }) else {
            preconditionFailure("total \(total) outside every band of \(totalRange)")
        }
        return band
    }

    /// True when the bands, in order, tile `totalRange` exactly.
    public var isPartition: Bool {
        guard let first = bands.first, let last = bands.last,
            first.range.lowerBound == totalRange.lowerBound, last.range.upperBound == totalRange.upperBound
        else { return false }
        return zip(bands, bands.dropFirst()).allSatisfy { $0.range.upperBound + 1 == $1.range.lowerBound }
    }

    public var ranges: [ClosedRange<Int>] { bands.map(\.range) }
}

/// A rule whose result is a total placed in bands; the tests use this to
/// check every such rule the same way.
public protocol BandedRule: ClinicalRule {
    static var totalRange: ClosedRange<Int> { get }
    static var bandRanges: [ClosedRange<Int>] { get }
    static var bandsPartitionRange: Bool { get }
}
