/// One validating pass over one NDJSON line that also picks out the few
/// string values screening needs, without building a tree: resourceType and id
/// at the top level, the subject/patient reference, and every "code",
/// "display", "text" and "profile" string. A line that is not exactly one JSON
/// object is rejected with the byte offset and reason.
public struct ScanResult {
    public var resourceType: Range<Int>?
    public var id: Range<Int>?
    public var reference: Range<Int>?
    /// Values of "code" keys and of meta.profile entries.
    public var codes: [Range<Int>] = []
    /// Values of "display" and "text" keys (short ones).
    public var texts: [Range<Int>] = []
    public var error: (offset: Int, reason: String)?

    public init() {}
}

public enum FastScan {
    enum Key { case other, resourceType, id, subject, reference, code, display, text, profile }

    /// Scans `bytes`; string ranges are offsets into it (quotes excluded, escapes not decoded).
    public static func scan(_ bytes: UnsafeRawBufferPointer, into result: inout ScanResult) {
        result.resourceType = nil
        result.id = nil
        result.reference = nil
        result.codes.removeAll(keepingCapacity: true)
        result.texts.removeAll(keepingCapacity: true)
        result.error = nil
        let n = bytes.count
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), n > 0 else {
            result.error = (0, "empty line")
            return
        }
        var i = 0
        // Containers as a bit stack (1 = object), at most 64 deep: no allocation per line.
        var objects: UInt64 = 0
        var depth = 0
        // In an object: expecting a key (or '}' right after '{').
        var expectKey = false
        var afterValue = false
        var lastKey = Key.other
        // Key of the depth-1 object member we are inside (for subject.reference).
        var topKey = Key.other

        @inline(__always) func fail(_ reason: String) { result.error = (i, reason) }

        @inline(__always) func skipWS() {
            while i < n {
                let b = base[i]
                if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A { i += 1 } else { break }
            }
        }

        /// Scans a string starting at the quote; returns the content range or nil on error.
        @inline(__always) func scanString() -> Range<Int>? {
            i += 1
            let start = i
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let q = v ^ 0x2222_2222_2222_2222, bs = v ^ 0x5C5C_5C5C_5C5C_5C5C
                let special = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((v &- 0x2020_2020_2020_2020) & ~v)
                if special & highs != 0 { break }
                i += 8
            }
            while i < n {
                let b = base[i]
                if b == 0x22 { let r = start..<i; i += 1; return r }
                if b == 0x5C {
                    i += 1
                    guard i < n else { return nil }
                    let e = base[i]
                    if e == 0x75 {
                        guard i + 4 < n else { return nil }
                        for k in 1...4 {
                            let h = base[i + k]
                            let hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66)
                            if !hex { return nil }
                        }
                        i += 5
                        continue
                    }
                    if !(e == 0x22 || e == 0x5C || e == 0x2F || e == 0x62 || e == 0x66 || e == 0x6E || e == 0x72 || e == 0x74) { return nil }
                    i += 1
                    continue
                }
                if b < 0x20 { return nil }
                i += 1
            }
            return nil
        }

        @inline(__always) func keyKind(_ r: Range<Int>) -> Key {
            let len = r.count
            let p = base + r.lowerBound
            switch len {
            case 2 where p[0] == 0x69 && p[1] == 0x64: return .id
            case 4 where p[0] == 0x63 && p[1] == 0x6F && p[2] == 0x64 && p[3] == 0x65: return .code
            case 4 where p[0] == 0x74 && p[1] == 0x65 && p[2] == 0x78 && p[3] == 0x74: return .text
            case 7 where p[0] == 0x73 && p[1] == 0x75 && p[2] == 0x62 && p[3] == 0x6A && p[4] == 0x65 && p[5] == 0x63 && p[6] == 0x74: return .subject
            case 7 where p[0] == 0x70 && p[1] == 0x61 && p[2] == 0x74 && p[3] == 0x69 && p[4] == 0x65 && p[5] == 0x6E && p[6] == 0x74: return .subject
            case 7 where p[0] == 0x64 && p[1] == 0x69 && p[2] == 0x73 && p[3] == 0x70 && p[4] == 0x6C && p[5] == 0x61 && p[6] == 0x79: return .display
            case 7 where p[0] == 0x70 && p[1] == 0x72 && p[2] == 0x6F && p[3] == 0x66 && p[4] == 0x69 && p[5] == 0x6C && p[6] == 0x65: return .profile
            case 9 where p[0] == 0x72 && p[1] == 0x65 && p[2] == 0x66 && p[3] == 0x65 && p[4] == 0x72 && p[8] == 0x65: return .reference
            case 12 where p[0] == 0x72 && p[1] == 0x65 && p[2] == 0x73 && p[4] == 0x75 && p[8] == 0x54 && p[9] == 0x79 && p[11] == 0x65: return .resourceType
            default: return .other
            }
        }

        skipWS()
        guard i < n, base[i] == 0x7B else { fail("a line must be one JSON object"); return }
        while true {
            skipWS()
            guard i < n else {
                if depth == 0 && afterValue { return }
                fail("unexpected end of line (unclosed object or array)")
                return
            }
            let b = base[i]
            if depth == 0 && afterValue { fail("unexpected text after the JSON object"); return }
            let inObject = depth > 0 && (objects >> UInt64(depth - 1)) & 1 == 1
            if afterValue {
                // After a value: ',' or a closing bracket.
                if b == 0x2C {
                    i += 1
                    afterValue = false
                    expectKey = inObject
                    if inObject {
                        skipWS()
                        guard i < n, base[i] == 0x22 else { fail("expected a key after ','"); return }
                    }
                    continue
                }
                if (b == 0x7D && inObject) || (b == 0x5D && !inObject) {
                    i += 1
                    depth -= 1
                    if depth == 1 { topKey = .other }
                    afterValue = true
                    continue
                }
                fail("expected ',' or a closing bracket")
                return
            }
            if expectKey {
                if b == 0x7D {
                    // Empty object "{}".
                    i += 1
                    depth -= 1
                    afterValue = true
                    expectKey = false
                    continue
                }
                guard b == 0x22, let k = scanString() else { fail("expected a key in quotes"); return }
                lastKey = keyKind(k)
                if depth == 1 { topKey = lastKey }
                skipWS()
                guard i < n, base[i] == 0x3A else { fail("expected ':' after a key"); return }
                i += 1
                expectKey = false
                continue
            }
            // A value.
            switch b {
            case 0x7B:
                guard depth < 64 else { fail("nested deeper than 64 levels"); return }
                objects |= 1 << UInt64(depth)
                depth += 1
                i += 1
                expectKey = true
                afterValue = false
            case 0x5B:
                guard depth < 64 else { fail("nested deeper than 64 levels"); return }
                objects &= ~(1 << UInt64(depth))
                depth += 1
                i += 1
                skipWS()
                if i < n, base[i] == 0x5D {
                    i += 1
                    depth -= 1
                    afterValue = true
                }
            case 0x22:
                guard let r = scanString() else { fail("invalid string"); return }
                switch lastKey {
                case .resourceType where depth == 1: result.resourceType = r
                case .id where depth == 1: result.id = r
                case .reference where depth == 2 && topKey == .subject && result.reference == nil: result.reference = r
                case .code, .profile: result.codes.append(r)
                case .display, .text: if r.count < 300 { result.texts.append(r) }
                default: break
                }
                afterValue = true
            case 0x74:
                guard i + 3 < n, base[i + 1] == 0x72, base[i + 2] == 0x75, base[i + 3] == 0x65 else { fail("invalid literal"); return }
                i += 4
                afterValue = true
            case 0x66:
                guard i + 4 < n, base[i + 1] == 0x61, base[i + 2] == 0x6C, base[i + 3] == 0x73, base[i + 4] == 0x65 else { fail("invalid literal"); return }
                i += 5
                afterValue = true
            case 0x6E:
                guard i + 3 < n, base[i + 1] == 0x75, base[i + 2] == 0x6C, base[i + 3] == 0x6C else { fail("invalid literal"); return }
                i += 4
                afterValue = true
            default:
                // Number: -?digits(.digits)?([eE][+-]?digits)?
                let start = i
                if base[i] == 0x2D { i += 1 }
                let d0 = i
                while i < n, base[i] >= 0x30, base[i] <= 0x39 { i += 1 }
                if i == d0 { i = start; fail("unexpected character"); return }
                if i < n, base[i] == 0x2E {
                    i += 1
                    let f0 = i
                    while i < n, base[i] >= 0x30, base[i] <= 0x39 { i += 1 }
                    if i == f0 { fail("digits expected after '.'"); return }
                }
                if i < n, base[i] == 0x65 || base[i] == 0x45 {
                    i += 1
                    if i < n, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
                    let e0 = i
                    while i < n, base[i] >= 0x30, base[i] <= 0x39 { i += 1 }
                    if i == e0 { fail("digits expected in the exponent"); return }
                }
                afterValue = true
            }
            // Keys are per member; an array's items keep the member's key.
            if afterValue, inObject { lastKey = .other }
        }
    }
}
