import Foundation
import OsteonDomain
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// Checks a JSON value against a schema of the served OpenAPI document (the JSON Schema keywords
/// the document uses). A keyword it does not know is itself a problem, so nothing passes unchecked.
struct SchemaCheck {
    let document: JSONValue

    static let served: SchemaCheck = {
        guard let doc = try? JSONValue.parse(Data(APIController.openAPIDocument.utf8)) else { fatalError("the served OpenAPI document is not JSON") }
        return SchemaCheck(document: doc)
    }()

    static let annotations: Set<String> = ["description", "title", "format", "example", "examples", "default", "deprecated", "readOnly",
                                           "writeOnly", "$comment"]
    static let keywords: Set<String> = ["$ref", "type", "enum", "const", "properties", "required", "additionalProperties", "items", "oneOf",
                                        "anyOf", "allOf", "minimum", "maximum", "minItems", "maxItems", "minLength", "maxLength",
                                        "minProperties", "maxProperties", "pattern"]

    func resolve(_ ref: String) -> JSONValue? {
        guard ref.hasPrefix("#/") else { return nil }
        var node: JSONValue? = document
        for raw in ref.dropFirst(2).split(separator: "/") {
            let key = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            node = node?[key]
        }
        return node
    }

    /// The schema of one operation's response, or nil when the document lists no such response.
    func responseSchema(method: String, path: String, status: Int, contentType: String) -> JSONValue?? {
        guard case .object(let paths)? = document["paths"] else { return nil }
        let segments = path.split(separator: "?")[0].split(separator: "/", omittingEmptySubsequences: false)
        for (template, item) in paths {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            let fits = zip(parts, segments).allSatisfy { t, s in
                if t.hasPrefix("{") { return !s.isEmpty }
                if let open = t.firstIndex(of: "{") { return s.hasPrefix(t[..<open]) }  // e.g. "$assess" is literal
                return t == s
            }
            guard fits, let op = item[method.lowercased()], let responses = op["responses"] else { continue }
            guard let response = responses[String(status)] ?? responses["default"] else { return .some(nil) }
            let type = contentType.split(separator: ";")[0].trimmingCharacters(in: .whitespaces)
            return .some(response["content"]?[type]?["schema"])
        }
        return nil
    }

    func problems(_ value: JSONValue, _ schema: JSONValue, at path: String = "$") -> [String] {
        guard case .object(let pairs) = schema else {
            if case .bool(let ok) = schema { return ok ? [] : ["\(path): no value allowed here"] }
            return ["\(path): schema is not an object"]
        }
        var out: [String] = []
        for (k, _) in pairs where !Self.keywords.contains(k) && !Self.annotations.contains(k) { out.append("\(path): schema keyword \(k) is not checked") }
        if let ref = schema["$ref"]?.stringValue {
            guard let target = resolve(ref) else { return out + ["\(path): unresolved \(ref)"] }
            out += problems(value, target, at: path)
        }
        if let t = schema["type"] {
            let types = t.arrayValue?.compactMap(\.stringValue) ?? [t.stringValue ?? ""]
            if !types.contains(where: { Self.has(value, type: $0) }) { return out + ["\(path): expected \(types.joined(separator: " or ")), got \(Self.kind(value))"] }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) { out.append("\(path): \(value.serialized()) is not one of \(schema["enum"]!.serialized())") }
        if let c = schema["const"], c != value { out.append("\(path): expected \(c.serialized())") }
        if case .object(let members) = value {
            let props: [(String, JSONValue)] = { if case .object(let p)? = schema["properties"] { return p } else { return [] } }()
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where value[name] == nil { out.append("\(path): missing \(name)") }
            for (k, v) in members {
                if let sub = props.first(where: { $0.0 == k })?.1 {
                    out += problems(v, sub, at: "\(path).\(k)")
                } else if let extra = schema["additionalProperties"] {
                    out += problems(v, extra, at: "\(path).\(k)")
                }
            }
            if let n = schema["minProperties"]?.intValue, members.count < n { out.append("\(path): fewer than \(n) keys") }
            if let n = schema["maxProperties"]?.intValue, members.count > n { out.append("\(path): more than \(n) keys") }
        }
        if case .array(let items) = value {
            if let sub = schema["items"] { for (i, v) in items.enumerated() { out += problems(v, sub, at: "\(path)[\(i)]") } }
            if let n = schema["minItems"]?.intValue, items.count < n { out.append("\(path): fewer than \(n) items") }
            if let n = schema["maxItems"]?.intValue, items.count > n { out.append("\(path): more than \(n) items") }
        }
        if case .string(let s) = value {
            if let n = schema["minLength"]?.intValue, s.count < n { out.append("\(path): shorter than \(n)") }
            if let n = schema["maxLength"]?.intValue, s.count > n { out.append("\(path): longer than \(n)") }
            if let p = schema["pattern"]?.stringValue, s.range(of: p, options: .regularExpression) == nil { out.append("\(path): \(s) does not match \(p)") }
        }
        if let x = value.numberValue {
            if let m = schema["minimum"]?.numberValue, x < m { out.append("\(path): below \(m)") }
            if let m = schema["maximum"]?.numberValue, x > m { out.append("\(path): above \(m)") }
        }
        if let all = schema["allOf"]?.arrayValue { for s in all { out += problems(value, s, at: path) } }
        if let any = schema["anyOf"]?.arrayValue, !any.contains(where: { problems(value, $0, at: path).isEmpty }) {
            out.append("\(path): matches none of anyOf (\(any.map { problems(value, $0, at: path).first ?? "" }.joined(separator: " | ")))")
        }
        if let one = schema["oneOf"]?.arrayValue {
            let fits = one.filter { problems(value, $0, at: path).isEmpty }.count
            if fits != 1 { out.append("\(path): matches \(fits) of oneOf, not exactly one (\(one.map { problems(value, $0, at: path).first ?? "fits" }.joined(separator: " | ")))") }
        }
        return out
    }

    static func has(_ v: JSONValue, type: String) -> Bool {
        switch (type, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("integer", .int), ("number", .int),
             ("number", .double): true
        case ("integer", .double(let d)): d.rounded() == d
        default: false
        }
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool: "boolean"
        case .int: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Every JSON answer of the API and the FHIR endpoints must be one the document describes.
    static func check(method: HTTPMethod, path: String, response res: TestingHTTPResponse) {
        guard path.hasPrefix("/api/") || path.hasPrefix("/fhir") else { return }
        let contentType = res.headers.first(name: .contentType) ?? ""
        guard contentType.contains("json") else {
            if res.status != .noContent, res.body.readableBytes > 0 {
                Issue.record("\(method) \(path) → \(res.status.code): \(contentType) is not JSON")
            }
            return
        }
        let schema: JSONValue
        switch served.responseSchema(method: method.rawValue, path: path, status: Int(res.status.code), contentType: contentType) {
        case .some(.some(let s)): schema = s
        case .some(.none): Issue.record("\(method) \(path) → \(res.status.code) \(contentType): not in openapi.json"); return
        case .none:
            // A path the API does not have answers with the error format.
            guard res.status.code >= 400 else { Issue.record("\(method) \(path) → \(res.status.code): no such operation in openapi.json"); return }
            schema = ["$ref": "#/components/schemas/Error"]
        }
        guard let body = try? JSONValue.parse(Data(res.body.string.utf8)) else { Issue.record("\(method) \(path): the body is not JSON"); return }
        let problems = served.problems(body, schema)
        if !problems.isEmpty { Issue.record("\(method) \(path) → \(res.status.code) differs from openapi.json:\n" + problems.prefix(8).joined(separator: "\n")) }
    }
}

@Suite struct OpenAPIConformanceTests {
    /// The validator is itself tested, so a pass means something.
    @Test func theCheckRefusesWhatTheSchemaForbids() throws {
        let check = SchemaCheck(document: try JSONValue.parse(Data("""
            {"components": {"schemas": {"P": {"type": "object", "required": ["id"], "additionalProperties": false,
              "properties": {"id": {"type": "string"}, "n": {"type": ["integer", "null"], "minimum": 0},
                             "kind": {"enum": ["a", "b"]}, "list": {"type": "array", "items": {"$ref": "#/components/schemas/Q"}}}},
              "Q": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}}}
            """.utf8)))
        let p = try JSONValue.parse(Data(##"{"$ref": "#/components/schemas/P"}"##.utf8))
        func issues(_ json: String) throws -> [String] { check.problems(try JSONValue.parse(Data(json.utf8)), p) }
        #expect(try issues(#"{"id": "x", "n": null, "kind": "a", "list": ["s", 3]}"#).isEmpty)
        #expect(try issues(#"{"n": 1}"#) == ["$: missing id"])
        #expect(try issues(#"{"id": "x", "extra": 1}"#) == ["$.extra: no value allowed here"])
        #expect(try issues(#"{"id": 3}"#) == ["$.id: expected string, got integer"])
        #expect(try issues(#"{"id": "x", "n": -1}"#) == ["$.n: below 0.0"])
        #expect(try issues(#"{"id": "x", "kind": "c"}"#).count == 1)
        #expect(try issues(#"{"id": "x", "list": [true]}"#).count == 1)
        let unknown = try JSONValue.parse(Data(#"{"type": "string", "patternProperties": {}}"#.utf8))
        #expect(check.problems(.string("x"), unknown) == ["$: schema keyword patternProperties is not checked"])
    }

    /// No schema of a JSON answer is a bare object: each names its keys (or is a map with typed values).
    @Test func everyResponseSchemaIsComplete() throws {
        let doc = SchemaCheck.served.document
        var bare: [String] = []
        func walk(_ v: JSONValue, _ path: String) {
            switch v {
            case .object(let pairs):
                if v["type"]?.stringValue == "object", ["properties", "additionalProperties", "$ref", "oneOf", "anyOf", "allOf"].allSatisfy({ v[$0] == nil }) {
                    bare.append(path)
                }
                for (k, x) in pairs { walk(x, path + "/" + k) }
            case .array(let items): for (i, x) in items.enumerated() { walk(x, "\(path)[\(i)]") }
            default: break
            }
        }
        walk(doc, "")
        #expect(bare == [], "bare object schemas: \(bare)")
        // The case format is one schema, referred to wherever a case travels.
        #expect(doc["components"]?["schemas"]?["Case"]?["properties"]?["lesions"] != nil)
        let text = APIController.openAPIDocument
        #expect(text.components(separatedBy: "#/components/schemas/Case\"").count - 1 >= 4)
        // Every operation's responses name a schema for each JSON answer.
        guard case .object(let paths)? = doc["paths"] else { Issue.record("no paths"); return }
        for (p, item) in paths {
            guard case .object(let ops) = item else { continue }
            for (m, op) in ops {
                guard case .object(let responses)? = op["responses"] else { Issue.record("\(m) \(p): no responses"); continue }
                for (status, r) in responses where status != "204" {
                    guard case .object(let content)? = r["content"] else { Issue.record("\(m) \(p) \(status): no content"); continue }
                    for (type, c) in content { #expect(c["schema"] != nil, "\(m) \(p) \(status) \(type): no schema") }
                }
            }
        }
    }

    /// Every worked example's assessment (every kind of plan detail, alert and score among them) and every
    /// example score answer is one the document describes, beyond the cases the web tests happen to send.
    @Test func everyExampleAssessmentAndScoreFitsTheDocument() throws {
        let check = SchemaCheck.served
        let examples = repositoryRoot.appendingPathComponent("examples/cases")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 20)
        for name in files {
            let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: examples.appendingPathComponent(name))))
            let a = Assessor.assess(read.patientCase, asOf: read.patientCase.asOf ?? Day("2026-11-26")!, inputProblems: read.problems, unknownKeys: read.unknownKeys)
            let problems = check.problems(a.json, ["$ref": "#/components/schemas/Assessment"])
            #expect(problems.isEmpty, "\(name): \(problems.prefix(5))")
        }
        let scores = repositoryRoot.appendingPathComponent("examples/scores")
        for name in try FileManager.default.contentsOfDirectory(atPath: scores.path) where name.hasSuffix(".json") {
            let id = String(name.prefix { $0 != "-" })
            guard let rule = ScoreCatalog.rule(id: id) else { Issue.record("\(name): no score \(id)"); continue }
            let answer: JSONValue = switch rule.run(try JSONValue.parse(Data(contentsOf: scores.appendingPathComponent(name)))) {
            case .success(let report): report.json
            case .failure(let problem): ScoreReport.invalidJSON(problem)
            }
            let problems = check.problems(answer, ["$ref": "#/components/schemas/ScoreResult"])
            #expect(problems.isEmpty, "\(name): \(problems.prefix(5))")
        }
    }
}
