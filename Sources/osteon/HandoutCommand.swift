import ArgumentParser
import Foundation
import OsteonDomain

struct HandoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handout",
        abstract: "Write the patient and family guide for one case, in plain words.",
        discussion: """
            Builds the guide from the same assessment `osteon assess` prints: warning signs first,
            what this is, the tests and treatments planned, check-up dates, family and genes,
            questions to ask, a glossary, and where the advice comes from. Every section is
            measured (Flesch–Kincaid grade ≤ 8, reading ease ≥ 60).
            Input: a case file, a FHIR Bundle or resource, NDJSON, or a folder (as for assess).
            """
    )

    @Argument(help: "The case or FHIR file.")
    var file: String

    @Option(name: .customLong("as-of"), help: "Date of the guide, YYYY-MM-DD (default: the case's as_of, else today).")
    var asOf: String?

    @Option(name: .long, help: "Output format: text, html or json.")
    var format: HandoutFormat = .text

    @Option(name: .long, help: "Who to call, e.g. \"the oncology nurse line, 555-0100\".")
    var contact: String?

    @Option(name: .long, help: "With a multi-patient FHIR file: the patient id.")
    var patient: String?

    @Flag(name: .long, help: "With a multi-patient FHIR file: one guide per patient (json: an array).")
    var all = false

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, not '\(asOf)'.") }
    }

    func run() throws {
        var patients: [CaseInput.Patient]
        do { patients = try CaseInput.load(file) } catch {
            FileHandle.standardError.write(Data("osteon: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if let patient { patients = patients.filter { $0.patientCase.patientID == patient } }
        guard patients.count == 1 || (all && !patients.isEmpty) else {
            FileHandle.standardError.write(Data("osteon: \(file) holds \(patients.count) patients; name one with --patient, or use --all\n".utf8))
            throw ExitCode(1)
        }
        let handouts = patients.map { p -> Handout in
            let day = asOf.flatMap(Day.init) ?? p.patientCase.asOf ?? Day.today
            let a = Assessor.assess(p.patientCase, asOf: day, inputProblems: p.problems, unknownKeys: p.unknownKeys)
            return HandoutWriter.write(a, for: p.patientCase, contact: contact)
        }
        switch format {
        case .text: print(handouts.map(\.text).joined(separator: "\n\u{0C}\n"), terminator: "")
        case .html: print(handouts.map(\.html).joined(separator: "\n"), terminator: "")
        case .json: print((all ? .array(handouts.map(\.json)) : handouts[0].json).serialized(pretty: true))
        }
    }
}

enum HandoutFormat: String, ExpressibleByArgument, CaseIterable {
    case text, html, json
}
