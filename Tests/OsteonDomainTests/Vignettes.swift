import Foundation
import OsteonDomain
import Testing

/// The worked cases of ../shared/clinical/vignettes.json. The shared file is
/// used when the checkout sits next to it (so new cases are picked up), else
/// the copy in Fixtures/.
enum Vignettes {
    struct Case: Sendable, CustomTestStringConvertible {
        let id: String
        let score: String
        let inputs: JSONValue
        let expected: JSONValue
        var testDescription: String { "\(id) (\(score))" }
    }

    static let url: URL = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/clinical/vignettes.json")
        if let override = ProcessInfo.processInfo.environment["OSTEON_VIGNETTES"] { return URL(fileURLWithPath: override) }
        if FileManager.default.fileExists(atPath: shared.path) { return shared }
        return Bundle.module.url(forResource: "vignettes", withExtension: "json", subdirectory: "Fixtures")!
    }()

    static let all: [Case] = {
        let data = try! Data(contentsOf: url)
        let root = try! JSONValue.parse(data)
        guard case .array(let cases)? = root["cases"] else { fatalError("vignettes.json has no cases array") }
        return cases.map { c in
            guard case .string(let id)? = c["id"], case .string(let score)? = c["score"], let inputs = c["inputs"],
                let expected = c["expected"]
            else { fatalError("malformed vignette \(c)") }
            return Case(id: id, score: score, inputs: inputs, expected: expected)
        }
    }()
}

/// Every key of `expected` must be in `actual` with an equal value; nested
/// objects are compared the same way (numbers compare numerically).
func mismatches(expected: JSONValue, actual: JSONValue, path: String = "") -> [String] {
    guard case .object(let pairs) = expected else {
        return expected == actual ? [] : ["\(path): expected \(expected.serialized()), got \(actual.serialized())"]
    }
    guard case .object = actual else { return ["\(path): expected an object, got \(actual.serialized())"] }
    return pairs.flatMap { key, value -> [String] in
        let here = path.isEmpty ? key : "\(path).\(key)"
        guard let got = actual[key] else { return ["\(here): missing from the output"] }
        return mismatches(expected: value, actual: got, path: here)
    }
}

@Suite struct VignetteTests {
    @Test func theFileHasCasesForEveryScoreTheIssueNames() {
        let scores = Set(Vignettes.all.map(\.score))
        for id in ["mirels", "sins", "tokuhashi_revised_2005", "tomita_2001", "katagiri_new_2014", "zoledronic_acid_renal_dose",
                   "corrected_calcium", "ajcc8_bone_appendicular_trunk_skull", "enneking_msts", "huvos", "noms", "readability"] {
            #expect(scores.contains(id), "no vignette for \(id)")
            #expect(ScoreCatalog.rule(id: id) != nil, "no rule for \(id)")
        }
    }

    @Test(arguments: Vignettes.all)
    func vignette(_ c: Vignettes.Case) throws {
        let outcome = try #require(ScoreCatalog.run(id: c.score, inputs: c.inputs), "unknown score id \(c.score)")
        let actual: JSONValue
        switch outcome {
        case .success(let report): actual = report.json
        case .failure(let problem): actual = ScoreReport.invalidJSON(problem)
        }
        let problems = mismatches(expected: c.expected, actual: actual)
        #expect(problems.isEmpty, "\(c.id): \(problems.joined(separator: "; "))")
        if c.expected["valid"] != false {
            // Every valid result carries its rationale, citation and provenance.
            #expect(actual["valid"] == true)
            #expect(actual["citation"].map { $0 != "" } == true)
            #expect(actual["rationale"].map { $0 != "" } == true)
            #expect(actual["provenance_mark"] != nil)
        }
    }
}
