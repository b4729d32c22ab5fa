import Foundation

/// One validating pass over one NDJSON line that also picks out the few
/// string values screening needs, without building a tree: resourceType and id
/// at the top level, the subject/patient reference, and every "code",
/// "display", "text" and "profile" string. A line that is not exactly one JSON
/// object is rejected with the byte offset and reason. It accepts exactly what
/// the full parser (JSONValue) accepts: no leading zeros, numbers in range,
/// valid UTF-8, paired surrogates, no duplicate key (compared as decoded bytes).
public struct ScanResult {
    public var resourceType: Range<Int>?
    public var id: Range<Int>?
    public var reference: Range<Int>?
    /// Values of "code" keys and of meta.profile entries.
    public var codes: [Range<Int>] = []
    /// Values of "display" and "text" keys (short ones).
    public var texts: [Range<Int>] = []
    public var error: (offset: Int, reason: String)?
    /// Reused per line: the keys of the open objects (hash, where the bytes are) and each object's first key.
    var keys: [(hash: UInt64, start: Int, count: Int, decoded: Bool)] = []
    /// The keys' hashes alone (scanned first), and how many entries of both arrays are live: closing an
    /// object lowers the count instead of removing elements.
    var hashes: [UInt64] = []
    var keyCount = 0
    var frames = [Int](repeating: 0, count: 66)
    /// Decoded bytes of keys that hold escapes.
    var decodedKeys: [UInt8] = []
    /// Objects past 16 keys: hash → indexes into `keys`, so a huge object stays linear.
    var big: [Int: [UInt64: [Int]]] = [:]
    /// Depths whose object has a table in `big` (so ordinary objects never touch the dictionary).
    var bigDepths: UInt64 = 0

    public init() {}
}

public enum FastScan {
    /// A key's hash, eight bytes per step (keys are short: one or two steps).
    @inline(__always) static func hashKey(_ p: UnsafePointer<UInt8>, _ c: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(truncatingIfNeeded: c)
        let raw = UnsafeRawPointer(p)
        var k = 0
        while k + 8 <= c {
            h = (h ^ raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0x100_0000_01b3
            h ^= h >> 29
            k += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while k < c { tail |= UInt64(p[k]) << shift; shift += 8; k += 1 }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }

    enum Key { case other, resourceType, id, subject, reference, code, display, text, profile }

    /// Scans `bytes`; string ranges are offsets into it (quotes excluded, escapes not decoded).
    public static func scan(_ bytes: UnsafeRawBufferPointer, into result: inout ScanResult) {
        result.resourceType = nil
        result.id = nil
        result.reference = nil
        result.codes.removeAll(keepingCapacity: true)
        result.texts.removeAll(keepingCapacity: true)
        result.keyCount = 0
        result.decodedKeys.removeAll(keepingCapacity: true)
        if result.bigDepths != 0 { result.big.removeAll(); result.bigDepths = 0 }
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
        /// Whether the last string scanned held a backslash escape.
        var sawEscape = false

        @inline(__always) func scanString() -> Range<Int>? {
            sawEscape = false
            i += 1
            let start = i
            // Eight bytes at a time while none is a quote, a backslash or a control character.
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                let q = v ^ 0x2222_2222_2222_2222, bs = v ^ 0x5C5C_5C5C_5C5C_5C5C
                // Any quote, backslash, control byte or non-ASCII byte (checked as UTF-8 below) stops the fast path.
                let special = ((q &- ones) & ~q) | ((bs &- ones) & ~bs) | ((v &- 0x2020_2020_2020_2020) & ~v) | v
                if special & highs != 0 { break }
                i += 8
            }
            while i < n {
                let b = base[i]
                if b == 0x22 { let r = start..<i; i += 1; return r }
                if b == 0x5C {
                    sawEscape = true
                    i += 1
                    guard i < n else { return nil }
                    let e = base[i]
                    if e == 0x75 {
                        guard let u = hex4(i + 1) else { return nil }
                        i += 5
                        if u >= 0xDC00 && u <= 0xDFFF { return nil }  // a low surrogate alone
                        if u >= 0xD800 && u <= 0xDBFF {
                            guard i + 1 < n, base[i] == 0x5C, base[i + 1] == 0x75, let low = hex4(i + 2), low >= 0xDC00, low <= 0xDFFF else { return nil }
                            i += 6
                        }
                        continue
                    }
                    if !(e == 0x22 || e == 0x5C || e == 0x2F || e == 0x62 || e == 0x66 || e == 0x6E || e == 0x72 || e == 0x74) { return nil }
                    i += 1
                    continue
                }
                if b < 0x20 { return nil }
                if b >= 0x80 {
                    guard let len = utf8Length(i) else { return nil }
                    i += len
                    continue
                }
                i += 1
            }
            return nil
        }

        /// Four hex digits at `at` as a value, or nil.
        @inline(__always) func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let h = base[at + k]
                v <<= 4
                switch h {
                case 0x30...0x39: v |= UInt32(h - 0x30)
                case 0x41...0x46: v |= UInt32(h - 0x41 + 10)
                case 0x61...0x66: v |= UInt32(h - 0x61 + 10)
                default: return nil
                }
            }
            return v
        }

        /// The length of the well-formed UTF-8 sequence at `at` (RFC 3629: no overlong forms, no surrogates, ≤ U+10FFFF), or nil.
        @inline(__always) func utf8Length(_ at: Int) -> Int? {
            let b0 = base[at]
            @inline(__always) func cont(_ k: Int) -> Bool { at + k < n && base[at + k] & 0xC0 == 0x80 }
            switch b0 {
            case 0xC2...0xDF: return cont(1) ? 2 : nil
            case 0xE0: return cont(1) && base[at + 1] >= 0xA0 && cont(2) ? 3 : nil
            case 0xED: return cont(1) && base[at + 1] <= 0x9F && cont(2) ? 3 : nil
            case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : nil
            case 0xF0: return cont(1) && base[at + 1] >= 0x90 && cont(2) && cont(3) ? 4 : nil
            case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : nil
            case 0xF4: return cont(1) && base[at + 1] <= 0x8F && cont(2) && cont(3) ? 4 : nil
            default: return nil
            }
        }

        /// The key's bytes as the full parser decodes them (escapes resolved), for duplicate checks.
        func decodeKey(_ r: Range<Int>) -> [UInt8] {
            var out: [UInt8] = []
            var k = r.lowerBound
            while k < r.upperBound {
                let b = base[k]
                guard b == 0x5C else { out.append(b); k += 1; continue }
                let e = base[k + 1]
                k += 2
                switch e {
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    var u = hex4(k)!
                    k += 4
                    if u >= 0xD800 && u <= 0xDBFF { u = 0x10000 + ((u - 0xD800) << 10) + (hex4(k + 2)! - 0xDC00); k += 6 }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(u)!)).utf8))
                default: out.append(e)
                }
            }
            return out
        }

        /// Records a key of the object at `depth`; false when the object already has it.
        /// Plain keys (no escapes, nearly all) are hashed and compared in place; a key with escapes is decoded first.
        func newKey(_ r: Range<Int>, escaped: Bool) -> Bool {
            var start = r.lowerBound, count = r.count
            let h: UInt64
            if escaped {
                let bytes = decodeKey(r)
                start = result.decodedKeys.count
                count = bytes.count
                result.decodedKeys.append(contentsOf: bytes)
                h = bytes.withUnsafeBufferPointer { hashKey($0.baseAddress!, $0.count) }
            } else {
                h = hashKey(base + start, count)
            }
            let first = result.frames[depth]
            let index = result.keyCount
            func same(_ j: Int) -> Bool {
                let e = result.keys[j]
                guard e.count == count else { return false }
                if !e.decoded && !escaped { return memcmp(base + e.start, base + start, count) == 0 }
                let a = e.decoded ? Array(result.decodedKeys[e.start..<(e.start + e.count)]) : Array(UnsafeBufferPointer(start: base + e.start, count: e.count))
                let b = escaped ? Array(result.decodedKeys[start..<(start + count)]) : Array(UnsafeBufferPointer(start: base + start, count: count))
                return a == b
            }
            if index - first < 16 {
                let found = result.hashes.withUnsafeBufferPointer { hs in
                    var j = first
                    while j < index { if hs[j] == h { return j }; j += 1 }
                    return -1
                }
                if found >= 0, same(found) { return false }
                // A second key with the same hash (rare): check every one.
                if found >= 0 { for j in (found + 1)..<index where result.hashes[j] == h && same(j) { return false } }
            } else {
                if result.bigDepths & (1 << UInt64(depth)) == 0 {
                    var table: [UInt64: [Int]] = [:]
                    for j in first..<index { table[result.hashes[j], default: []].append(j) }
                    result.big[depth] = table
                    result.bigDepths |= 1 << UInt64(depth)
                }
                if let candidates = result.big[depth]![h], candidates.contains(where: same) { return false }
                result.big[depth]![h, default: []].append(index)
            }
            if index < result.keys.count {
                result.keys[index] = (h, start, count, escaped)
                result.hashes[index] = h
            } else {
                result.keys.append((h, start, count, escaped))
                result.hashes.append(h)
            }
            result.keyCount = index + 1
            return true
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
                    if inObject {
                        result.keyCount = result.frames[depth]
                        if result.bigDepths & (1 << UInt64(depth)) != 0 { result.big[depth] = nil; result.bigDepths &= ~(1 << UInt64(depth)) }
                    }
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
                guard newKey(k, escaped: sawEscape) else { i = k.lowerBound - 1; fail("duplicate key"); return }
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
                result.frames[depth] = result.keyCount
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
                if base[d0] == 0x30, i - d0 > 1 { fail("leading zero in a number"); return }
                if i < n, base[i] == 0x2E {
                    i += 1
                    let f0 = i
                    while i < n, base[i] >= 0x30, base[i] <= 0x39 { i += 1 }
                    if i == f0 { fail("digits expected after '.'"); return }
                }
                var exponent = false
                if i < n, base[i] == 0x65 || base[i] == 0x45 {
                    exponent = true
                    i += 1
                    if i < n, base[i] == 0x2B || base[i] == 0x2D { i += 1 }
                    let e0 = i
                    while i < n, base[i] >= 0x30, base[i] <= 0x39 { i += 1 }
                    if i == e0 { fail("digits expected in the exponent"); return }
                }
                // Only an exponent or a very long number can leave the range of a Double (the full parser refuses those).
                if exponent || i - start > 300 {
                    let text = String(decoding: UnsafeBufferPointer(start: base + start, count: i - start), as: UTF8.self)
                    if Int(text) == nil, !(Double(text)?.isFinite ?? false) { fail("number out of range"); return }
                }
                afterValue = true
            }
            // Keys are per member; an array's items keep the member's key.
            if afterValue, inObject { lastKey = .other }
        }
    }
}
