import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// "An API never drops a key it was sent": POST /api/v1/patients with every
/// key of the case schema, read back through GET.
@Suite struct APIRoundTripTests {
    /// A case with every top-level key of schemas/case.schema.json, taken from the worked examples.
    static func everyKey() throws -> (JSONValue, [String]) {
        let schema = try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("schemas/case.schema.json")))
        guard case .object(let props)? = schema["properties"] else { throw Abort(.internalServerError) }
        let keys = props.map(\.0).filter { $0 != "patient_id" && $0 != "as_of" }
        let dir = repositoryRoot.appendingPathComponent("examples/cases")
        var pairs: [(String, JSONValue)] = [("expected_survival_weeks", 30), ("notes", "Seen with her daughter; prefers morning appointments.")]
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where file.hasSuffix(".json") {
            guard case .object(let example) = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent(file))) else { continue }
            for (k, v) in example where keys.contains(k) && !pairs.contains(where: { $0.0 == k }) { pairs.append((k, v)) }
        }
        return (.object(pairs), keys)
    }

    /// Every key and value of `sent` is in `got` (numbers compared as numbers; lists item by item, in any order).
    static func contains(_ got: JSONValue?, _ sent: JSONValue) -> Bool {
        switch sent {
        case .object(let pairs): return pairs.allSatisfy { k, v in contains(got?[k], v) }
        case .array(let items):
            guard let have = got?.arrayValue, have.count == items.count else { return false }
            return items.allSatisfy { i in have.contains { contains($0, i) } }
        default:
            if let n = sent.numberValue { return got?.numberValue == n }
            return got == sent
        }
    }

    @Test("every key of the case schema posted with a new patient is stored and read back, lesions and labs included")
    func everyKeyIsKept() async throws {
        try await withOsteon { app in
            let b = try await APITests.signedIn(app)
            let (document, keys) = try Self.everyKey()
            let missing = keys.filter { document[$0] == nil }
            #expect(missing.isEmpty, "no example covers \(missing)")
            let created = try await b.json(.POST, "/api/v1/patients", ["name": "Every Key", "external_id": "K-1", "case": document])
            #expect(created.status == .created)
            let id = try #require(created.json?["id"]?.stringValue)
            let read = try await b.json(.GET, "/api/v1/patients/\(id)")
            let stored = try #require(read.json?["case"])
            for key in keys {
                #expect(Self.contains(stored[key], document[key]!), "\(key) was not kept: sent \(document[key]!.serialized().prefix(200)), got \(stored[key]?.serialized().prefix(200) ?? "nothing")")
            }
            // The rows are real rows: the lesions have their own records and the labs reach the assessment.
            #expect(read.json?["lesions"]?.arrayValue?.count == document["lesions"]?.arrayValue?.count)
        }
    }

    @Test("a lab the table cannot hold is refused with 422 naming it, and nothing is stored")
    func unstorableIsRefused() async throws {
        try await withOsteon { app in
            let b = try await APITests.signedIn(app)
            let res = try await b.json(.POST, "/api/v1/patients", ["name": "Half Lab", "external_id": "K-2",
                                                                   "case": ["labs": [["test": "calcium", "value": 10.1]]]])
            #expect(res.status == .unprocessableEntity)
            #expect(res.body.string.contains("case.labs[0].unit"))
            #expect(try await CaseStore(db: app.db).patient(externalID: "K-2") == nil)
        }
    }
}
