import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// Pages speak clinicians' words: no raw enum key, case path or list index
/// reaches the text of any page of any demo patient.
@Suite struct PlainWordsTests {
    /// The text a reader sees: tags, and the contents of <style>, removed; entities decoded.
    static func visibleText(_ html: String) -> String {
        var s = html
        while let a = s.range(of: "<style"), let b = s.range(of: "</style>", range: a.upperBound..<s.endIndex) { s.removeSubrange(a.lowerBound..<b.upperBound) }
        var out = ""
        var inTag = false
        for ch in s {
            if ch == "<" { inTag = true; out.append(" ") } else if ch == ">" { inTag = false } else if !inTag { out.append(ch) }
        }
        return out.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }

    /// Raw keys: snake_case words, bracketed indices, dotted case paths.
    static func rawKeys(in text: String) -> [String] {
        let patterns = [#"\b[a-z0-9]+_[a-z0-9_]+\b"#, #"\[[^\]]*\]"#, #"\b[a-z_]+\.[a-z_]+[a-z]\b"#]
        var found: [String] = []
        for p in patterns {
            let re = try! NSRegularExpression(pattern: p)
            for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(m.range, in: text) else { continue }
                let token = String(text[r])
                // File names and web addresses are not keys.
                if token.hasSuffix(".json") || token.hasSuffix(".css") || token.contains("www.") || token.hasPrefix("e.g") || token.hasPrefix("i.e") { continue }
                found.append(token)
            }
        }
        return found
    }

    @Test("no raw key, case path or index on any page of any demo patient")
    func noRawKeys() async throws {
        try await withOsteon { app in
            try await WebRuntime.loadDemo(app, onlyIfEmpty: false, synthetic: 6,
                                          careTeam: ["clin"])
            let b = Browser(app)
            _ = try await b.signIn()
            var pages = ["/patients", "/patients?urgent=1", "/patients/new", "/board", "/tasks"]
            let patients = try await CaseStore(db: app.db).patients(limit: 10_000)
            for p in patients {
                let id = try p.requireID()
                pages += ["/patients/\(id)", "/patients/\(id)/edit", "/patients/\(id)/handout", "/patients/\(id)/lesions/new"]
                for l in try await CaseStore(db: app.db).lesions(caseID: CaseStore(db: app.db).caseRecord(patientID: id).requireID()) {
                    pages += ["/patients/\(id)/lesions/\(try l.requireID())/edit", "/patients/\(id)/lesions/\(try l.requireID())/delete"]
                }
            }
            for m in try await BoardStore(db: app.db).meetings() {
                let id = try m.requireID()
                pages += ["/board/\(id)", "/board/\(id)/summary"]
            }
            var problems: [String: Set<String>] = [:]
            var contexts: [String: String] = [:]
            for path in pages {
                let res = try await b.get(path)
                #expect(res.status == .ok, "\(path)")
                let text = Self.visibleText(res.body.string)
                for token in Self.rawKeys(in: text) {
                    if problems[token] == nil, let r = text.range(of: token) {
                        let lo = text.index(r.lowerBound, offsetBy: -60, limitedBy: text.startIndex) ?? text.startIndex
                        let hi = text.index(r.upperBound, offsetBy: 40, limitedBy: text.endIndex) ?? text.endIndex
                        contexts[token] = text[lo..<hi].replacingOccurrences(of: "\n", with: " ")
                    }
                    problems[token, default: []].insert(path)
                }
            }
            let report = problems.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value.count) pages, e.g. \($0.value.sorted().first!)): …\(contexts[$0.key] ?? "")…" }
            #expect(report.isEmpty, Comment(rawValue: "\(report.count) raw keys:\n" + report.joined(separator: "\n")))
        }
    }
}

@Suite struct DemoExamplesTests {
    @Test("a missing or invalid example folder is an error naming it, not a quieter demo")
    func missingExamplesFail() throws {
        #expect(throws: WebRuntime.DemoError.self) { try WebRuntime.demoExamples("/nonexistent/osteon-examples") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-bad-examples-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("{ not json".utf8).write(to: dir.appendingPathComponent("broken.json"))
        do {
            _ = try WebRuntime.demoExamples(dir.path)
            Issue.record("an invalid example was accepted")
        } catch let e as WebRuntime.DemoError {
            #expect(e.message.contains("broken.json"))
        }
        #expect(try WebRuntime.demoExamples().count >= 20)  // the package's own
    }
}
