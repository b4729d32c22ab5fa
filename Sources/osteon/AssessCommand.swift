import ArgumentParser
import Foundation
import OsteonDomain

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess one patient's case: alerts, scores, differential, imaging and treatment plan, care gaps.",
        discussion: """
            Reads a case in Osteon's JSON format (schemas/case.schema.json; examples in examples/cases/)
            and prints the assessment. Text is a report a tumour board can read aloud, urgent items
            first; --format json is stable snake_case with patient_id, primary_sites, bone_metastasis,
            alerts, scores, differential, imaging_plan, treatment_plan, surveillance, care_gaps,
            data_needed and warnings.

            The assessment date is --as-of, else the case's "as_of", else today.
            Exit status: 0 when assessed; 1 when the file cannot be read or is not a case.
            """
    )

    @Argument(help: "The case file (JSON). Use - for standard input.")
    var file: String

    @Option(name: .customLong("as-of"), help: "Assessment date, YYYY-MM-DD (default: the case's as_of, else today).")
    var asOf: String?

    @Option(name: .long, help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, not '\(asOf)'.") }
    }

    func run() throws {
        let data: Data
        do {
            data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            fail("cannot read \(file): \(error.localizedDescription)")
        }
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch { fail("\(file): \(error.description)") }
        let read: CaseReader.Output
        do { read = try CaseReader.read(value) } catch { fail("\(file): \(error.description)") }
        let day = asOf.flatMap(Day.init) ?? read.patientCase.asOf ?? Day.today
        let assessment = Assessor.assess(read.patientCase, asOf: day, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        print(format == .json ? assessment.json.serialized(pretty: true) : assessment.text, terminator: format == .json ? "\n" : "")
    }

    private func fail(_ message: String) -> Never {
        if format == .json {
            print(JSONValue.object([("valid", false), ("error", .string(message))]).serialized(pretty: true))
        } else {
            FileHandle.standardError.write(Data("osteon: \(message)\n".utf8))
        }
        Foundation.exit(1)
    }
}

extension Day {
    /// Today in UTC: the CLI is the only place that reads the clock.
    static var today: Day {
        Day(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
