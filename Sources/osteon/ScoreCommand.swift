import ArgumentParser
import Foundation
import OsteonDomain

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Compute one clinical score, staging or dosing rule from a JSON object of inputs.",
        discussion: """
            Reads one JSON object of inputs from standard input (or --input FILE) and prints the
            result: components, total, band, recommendation, rationale and citation.

            With --format json it prints one JSON object. A valid result has "valid": true and
            exits 0. Missing or invalid input prints
              {"valid": false, "error": "cannot score: <field> missing"}
            and exits 2. Unreadable input (bad JSON, missing file) exits 1.

            Use --list for the score ids and --describe to see a score's input keys.
            """
    )

    @Flag(name: .long, help: "List the score ids and titles.")
    var list = false

    @Flag(name: .long, help: "Describe the input keys and allowed values of <id>.")
    var describe = false

    @Argument(help: "The score id (see --list), e.g. mirels, sins, katagiri_new_2014.")
    var id: String?

    @Option(name: .long, help: "Output format: text (for a person) or json (for programs).")
    var format: OutputFormat = .text

    @Option(name: .long, help: "Read the inputs from this JSON file instead of standard input.")
    var input: String?

    func validate() throws {
        if !list && id == nil { throw ValidationError("Give a score id, or --list to see them.") }
        if let id, !list, ScoreCatalog.rule(id: id) == nil {
            throw ValidationError("Unknown score id '\(id)'. Known ids: \(ScoreCatalog.ids.joined(separator: ", ")).")
        }
    }

    func run() throws {
        if list {
            printList()
            return
        }
        let rule = ScoreCatalog.rule(id: id!)!
        if describe {
            printDescription(rule)
            return
        }
        let data: Data
        do {
            data = try readInput()
        } catch {
            fail("cannot read input: \(error.localizedDescription)", code: 1)
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            fail(error.description, code: 1)
        }
        switch rule.run(value) {
        case .success(let report):
            print(format == .json ? report.json.serialized(pretty: true) : report.text, terminator: format == .json ? "\n" : "")
        case .failure(let problem):
            if format == .json {
                print(ScoreReport.invalidJSON(problem).serialized(pretty: true))
            } else {
                FileHandle.standardError.write(Data("\(problem.message)\n  \(problem.description)\n  See: osteon score \(rule.id) --describe\n".utf8))
            }
            throw ExitCode(2)
        }
    }

    private func readInput() throws -> Data {
        if let input {
            return try Data(contentsOf: URL(fileURLWithPath: input))
        }
        return FileHandle.standardInput.readDataToEndOfFile()
    }

    private func fail(_ message: String, code: Int32) -> Never {
        if format == .json {
            print(JSONValue.object([("valid", false), ("error", .string(message))]).serialized(pretty: true))
        } else {
            FileHandle.standardError.write(Data("osteon: \(message)\n".utf8))
        }
        Foundation.exit(code)
    }

    private func printList() {
        if format == .json {
            print(JSONValue.array(ScoreCatalog.rules.map { ["id": .string($0.id), "title": .string($0.title)] }).serialized(pretty: true))
        } else {
            let width = ScoreCatalog.ids.map(\.count).max() ?? 0
            for rule in ScoreCatalog.rules {
                print(rule.id + String(repeating: " ", count: width - rule.id.count) + "  " + rule.title)
            }
        }
    }

    private func printDescription(_ rule: any ClinicalRule.Type) {
        if format == .json {
            let keys: [JSONValue] = rule.inputKeys.map {
                ["name": .string($0.name), "meaning": .string($0.meaning), "allowed": .string($0.allowed), "required": .bool($0.required)]
            }
            print(JSONValue.object([("id", .string(rule.id)), ("title", .string(rule.title)), ("inputs", .array(keys))]).serialized(pretty: true))
            return
        }
        print("\(rule.id): \(rule.title)\nInputs (JSON keys):")
        for key in rule.inputKeys {
            print("  \(key.name)\(key.required ? "" : " (optional)")\n      \(key.meaning)\n      allowed: \(key.allowed)")
        }
    }
}
