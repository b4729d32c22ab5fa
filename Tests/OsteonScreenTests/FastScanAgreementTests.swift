import Foundation
import OsteonDomain
@testable import OsteonScreen
import Testing

/// Screening's fast first pass and the full parser accept exactly the same
/// lines (issue "Scale"): a line the fast pass kept and the full parser then
/// refused was dropped in pass 2 after being counted "used".
@Suite struct FastScanAgreementTests {
    /// A small deterministic generator (SplitMix64).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    static let pieces = ["a", "code", "display", "é", "日本", "😀", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "\\/", "x y", "", "Patient/1"]

    static func string(_ r: inout Rng) -> String { "\"" + (0..<r.int(4)).map { _ in pieces[r.int(pieces.count)] }.joined() + "\"" }

    static func value(_ r: inout Rng, depth: Int) -> String {
        switch r.int(depth > 3 ? 5 : 7) {
        case 0: return string(&r)
        case 1: return ["0", "-1", "12", "3.25", "-0.5e3", "1E-2", "123456789012345678901", "0.0"][r.int(8)]
        case 2: return ["true", "false", "null"][r.int(3)]
        case 3: return string(&r)
        case 4: return "\(r.int(1000))"
        case 5: return "[" + (0..<r.int(4)).map { _ in value(&r, depth: depth + 1) }.joined(separator: ",") + "]"
        default: return object(&r, depth: depth + 1)
        }
    }

    static func object(_ r: inout Rng, depth: Int) -> String {
        var keys: [String] = []
        for _ in 0..<r.int(5) {
            let k = ["resourceType", "id", "subject", "code", "text", "k\(r.int(50))", "é", "e\\u0301", "\\u0061"][r.int(9)]
            if !keys.contains(k) { keys.append(k) }
        }
        return "{" + keys.map { "\"\($0)\":" + value(&r, depth: depth) }.joined(separator: ",") + "}"
    }

    /// The ways a line breaks (each kind the issue names, and more).
    static func broken(_ line: String, _ r: inout Rng) -> [UInt8] {
        var b = Array(line.utf8)
        switch r.int(14) {
        case 0: return Array("{\"n\":01}".utf8)
        case 1: return Array("{\"a\":1,\"a\":2}".utf8)
        case 2: return Array("{\"a\":1,\"\\u0061\":2}".utf8)
        case 3: return Array("{\"t\":\"\\ud800\"}".utf8)
        case 4: return Array("{\"t\":\"\\udc00x\"}".utf8)
        case 5: return Array("{\"t\":\"".utf8) + [0xC3] + Array("\"}".utf8)
        case 6: return Array("{\"t\":\"".utf8) + [0xC0, 0x80] + Array("\"}".utf8)
        case 7: return Array("{\"t\":\"".utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8)
        case 8: return Array("{\"t\":\"".utf8) + [0xF5, 0x80, 0x80, 0x80] + Array("\"}".utf8)
        case 9: return Array("{\"n\":1e999}".utf8)
        case 10: return Array(String(repeating: "{\"a\":", count: 65).utf8) + Array("1".utf8) + Array(String(repeating: "}", count: 65).utf8)
        case 11: if !b.isEmpty { b.removeLast(1 + r.int(b.count)) }; return b
        case 12: if !b.isEmpty { b[r.int(b.count)] = UInt8(r.int(256)) }; return b
        default: b.insert(UInt8(r.int(256)), at: r.int(b.count + 1)); return b
        }
    }

    static func agree(_ bytes: [UInt8]) -> (fast: Bool, full: Bool) {
        var scan = ScanResult()
        let fast = bytes.withUnsafeBytes { p -> Bool in FastScan.scan(p, into: &scan); return scan.error == nil }
        let full = bytes.withUnsafeBytes { p -> Bool in
            if case .success(let v) = JSONValue.parse(bytes: p), case .object = v { return true }
            return false
        }
        return (fast, full)
    }

    @Test("generated lines, valid and broken in every way, are accepted by the fast pass exactly when the full parser accepts them")
    func agreement() {
        var r = Rng(state: 2026)
        var disagreements: [String] = []
        var accepted = 0, refused = 0
        for n in 0..<20_000 {
            let line = Self.object(&r, depth: 0)
            let bytes = n % 2 == 0 ? Array(line.utf8) : Self.broken(line, &r)
            let (fast, full) = Self.agree(bytes)
            if full { accepted += 1 } else { refused += 1 }
            if fast != full, disagreements.count < 10 {
                disagreements.append("fast \(fast) full \(full): \(String(decoding: bytes, as: UTF8.self)) \(bytes.map { String($0, radix: 16) }.suffix(12))")
            }
        }
        #expect(disagreements.isEmpty, Comment(rawValue: disagreements.joined(separator: "\n")))
        #expect(accepted > 5_000 && refused > 5_000)  // both sides exercised
    }

    @Test("each kind of line the fast pass used to accept is refused", arguments: [
        "{\"n\":01}", "{\"n\":-01.5}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}", "{\"a\":1,\"\\u0061\":2}", "{\"t\":\"\\ud800\"}",
        "{\"t\":\"\\udc00\"}", "{\"t\":\"\\ud800\\u0041\"}", "{\"n\":1e999}", "{\"n\":-1e400}",
    ])
    func formerlyAccepted(_ line: String) {
        let (fast, full) = Self.agree(Array(line.utf8))
        #expect(!full)
        #expect(!fast, "\(line)")
    }

    @Test("bad UTF-8 inside a string is refused by both", arguments: [[0xC3], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80]] as [[UInt8]])
    func badUTF8(_ bytes: [UInt8]) {
        let line = Array("{\"t\":\"abcdefghij".utf8) + bytes + Array("klmnop\"}".utf8)
        let (fast, full) = Self.agree(line)
        #expect(!full && !fast)
    }

    @Test("keys are the same key only byte for byte: é and e + combining accent are two keys for both")
    func keysCompareAsBytes() {
        let (fast, full) = Self.agree(Array("{\"é\":1,\"e\\u0301\":2}".utf8))
        #expect(fast && full)
        // A 150-key object with a duplicate at the end is still found (the large-object path).
        let keys = (0..<150).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(Self.agree(Array("{\(keys),\"k3\":0}".utf8)) == (false, false))
        #expect(Self.agree(Array("{\(keys)}".utf8)) == (true, true))
    }
}
