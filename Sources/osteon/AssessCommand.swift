import ArgumentParser
import Foundation
import OsteonDomain
import OsteonFHIR

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Assess one patient's case: alerts, scores, differential, imaging and treatment plan, care gaps.",
        discussion: """
            Reads a case in Osteon's JSON format (schemas/case.schema.json; examples in examples/cases/),
            or FHIR R4: a Bundle (collection, transaction, searchset), a single resource, or NDJSON
            (mCODE STU1–STU4 or plain US Core/Synthea), and prints the assessment. Text is a report a tumour board can read aloud, urgent items
            first; --format json is stable snake_case with patient_id, primary_sites, bone_metastasis,
            alerts, scores, differential, imaging_plan, treatment_plan, surveillance, care_gaps,
            data_needed and warnings.

            --format fhir prints the assessment as a FHIR R4 Bundle: a RiskAssessment per score,
            a CarePlan with the plan's activities, and a DetectedIssue per alert and care gap.

            A FHIR file with several patients gives one assessment per patient (a JSON array), or
            only the one named by --patient.
            The assessment date is --as-of, else the case's "as_of", else today.
            Exit status: 0 when assessed; 1 when the file cannot be read or is not a case.
            """
    )

    @Argument(help: "The case file (JSON). Use - for standard input.")
    var file: String

    @Option(name: .customLong("as-of"), help: "Assessment date, YYYY-MM-DD (default: the case's as_of, else today).")
    var asOf: String?

    @Option(name: .long, help: "Output format: text, json or fhir.")
    var format: AssessFormat = .text

    @Option(name: .long, help: "With a multi-patient FHIR file: assess only this patient id.")
    var patient: String?

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, not '\(asOf)'.") }
    }

    func run() throws {
        var patients: [CaseInput.Patient]
        do { patients = try CaseInput.load(file) } catch { fail(error.description) }
        if let patient {
            patients = patients.filter { $0.patientCase.patientID == patient }
            if patients.isEmpty { fail("\(file): no patient with id \(patient)") }
        }
        let results = patients.map { p -> Assessment in
            let day = asOf.flatMap(Day.init) ?? p.patientCase.asOf ?? Day.today
            var a = Assessor.assess(p.patientCase, asOf: day, inputProblems: p.problems, unknownKeys: p.unknownKeys)
            a.warnings = p.warnings + a.warnings
            return a
        }
        switch format {
        case .text:
            print(results.map(\.text).joined(separator: "\n" + String(repeating: "-", count: 72) + "\n\n"), terminator: "")
        case .json:
            let json = results.count == 1 ? results[0].json : .array(results.map(\.json))
            print(json.serialized(pretty: true))
        case .fhir:
            let bundles = results.map { FHIRExporter.bundle(for: $0) }
            print((bundles.count == 1 ? bundles[0] : .array(bundles)).serialized(pretty: true))
        }
    }

    private func fail(_ message: String) -> Never {
        if format != .text {
            print(JSONValue.object([("valid", false), ("error", .string(message))]).serialized(pretty: true))
        } else {
            FileHandle.standardError.write(Data("osteon: \(message)\n".utf8))
        }
        Foundation.exit(1)
    }
}

enum AssessFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, fhir
}

extension Day {
    /// Today in UTC: the CLI is the only place that reads the clock.
    static var today: Day {
        Day(utc: Date())
    }
}
