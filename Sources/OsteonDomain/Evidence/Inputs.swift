import Foundation

/// An enum whose raw values are the input spellings of REFERENCE.md / vignettes.json.
public protocol InputEnum: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {
    /// Other accepted spellings (already normalised: lower case, '_' for spaces and '-').
    static var aliases: [String: Self] { get }
}

extension InputEnum {
    public static var aliases: [String: Self] { [:] }

    /// Trimmed, lower case, '_' for spaces and '-' (without Foundation: this runs for every coded value read).
    static func normalise(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.trimmingSpaces().lowercased().unicodeScalars { out.append(u == " " || u == "-" ? "_" : u) }
        return String(out)
    }

    /// Exact raw value first, then the normalised spelling, then an alias.
    public static func parse(_ text: String) -> Self? {
        if let exact = Self(rawValue: text) { return exact }
        let key = normalise(text)
        if let match = allCases.first(where: { normalise($0.rawValue) == key }) { return match }
        return aliases[key]
    }

    public static var allowedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Reads typed values out of one JSON object of score inputs. Absent or null
/// keys read as nil (the rule then reports them missing); present but wrong
/// values are recorded as invalid with what to fix.
public struct InputReader {
    public let pairs: [(String, JSONValue)]
    public let prefix: String
    public private(set) var problems: [CannotScore.Problem] = []

    public init(_ value: JSONValue, prefix: String = "") throws(CannotScore) {
        guard case .object(let pairs) = value else {
            throw CannotScore.invalid(prefix.isEmpty ? "input" : String(prefix.dropLast()), "expected a JSON object of inputs")
        }
        self.pairs = pairs
        self.prefix = prefix
    }

    public func raw(_ key: String) -> JSONValue? {
        guard let v = pairs.first(where: { $0.0 == key })?.1, v != .null else { return nil }
        return v
    }

    public func has(_ key: String) -> Bool { raw(key) != nil }

    mutating func absorb(_ more: [CannotScore.Problem]) { problems += more }

    mutating func invalid(_ key: String, _ detail: String) {
        problems.append(.init(field: prefix + key, kind: .invalid, detail: detail))
    }

    public mutating func string(_ key: String) -> String? {
        guard let v = raw(key) else { return nil }
        guard case .string(let s) = v, !s.trimmingSpaces().isEmpty else {
            invalid(key, "expected a non-empty text value")
            return nil
        }
        return s
    }

    public mutating func enumValue<E: InputEnum>(_ key: String, _ type: E.Type = E.self) -> E? {
        guard let v = raw(key) else { return nil }
        let text: String
        switch v {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        default:
            invalid(key, "expected one of: \(E.allowedList)")
            return nil
        }
        guard let e = E.parse(text) else {
            invalid(key, "'\(text)' is not one of: \(E.allowedList)")
            return nil
        }
        return e
    }

    public mutating func bool(_ key: String) -> Bool? {
        guard let v = raw(key) else { return nil }
        guard case .bool(let b) = v else {
            invalid(key, "expected true or false")
            return nil
        }
        return b
    }

    public mutating func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let v = raw(key) else { return nil }
        let number: Int?
        switch v {
        case .int(let i): number = i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: number = Int(d)
        default: number = nil
        }
        guard let n = number else {
            invalid(key, "expected a whole number")
            return nil
        }
        guard range.contains(n) else {
            invalid(key, "\(n) is outside \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return n
    }

    public mutating func double(_ key: String, in range: ClosedRange<Double>) -> Double? {
        guard let v = raw(key) else { return nil }
        guard let d = v.numberValue else {
            invalid(key, "expected a number")
            return nil
        }
        guard range.contains(d) else {
            invalid(key, "\(d) is outside the plausible range \(range.lowerBound)–\(range.upperBound)")
            return nil
        }
        return d
    }

    /// A nested object, read with the same rules; its problems are merged back.
    public mutating func nested<T>(_ key: String, _ read: (inout InputReader) -> T) -> T? {
        guard let v = raw(key) else { return nil }
        guard var inner = try? InputReader(v, prefix: prefix + key + ".") else {
            invalid(key, "expected an object")
            return nil
        }
        let result = read(&inner)
        problems += inner.problems
        return result
    }

    /// Throws if any value was present but wrong.
    public func check() throws(CannotScore) {
        if !problems.isEmpty { throw CannotScore(problems: problems) }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (what Foundation's
    /// `trimmingCharacters(in: .whitespaces)` removes), at a fraction of its cost.
    public func trimmingSpaces() -> SubSequence {
        func isSpace(_ c: Character) -> Bool { c == "\t" || c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator } }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
