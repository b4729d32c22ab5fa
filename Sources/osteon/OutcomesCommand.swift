import ArgumentParser
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonWeb

struct OutcomesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcomes",
        abstract: "Survival and skeletal-related events of the patients with bone metastases in a FHIR export.",
        discussion: """
            SOURCE is a Bulk Data export folder (NDJSON, read a group of patients at a time) or a FHIR
            Bundle or NDJSON file; without SOURCE, the server's database (--data-dir, or DATABASE_URL). The cohort is every patient with a bone metastasis; the index date is
            its earliest record; follow-up ends at death on or before --as-of, else at the latest dated
            record up to it (README "Outcomes" has the definitions). JSON is snake_case and stable.
            """
    )

    @Argument(help: "A Bulk export folder, or a FHIR Bundle or NDJSON file (leave out to read the server's database).") var source: String?
    @Option(name: .customLong("data-dir"), help: "The server's folder for osteon.sqlite, read when no SOURCE is given (DATABASE_URL: PostgreSQL).")
    var dataDir: String?
    @Option(name: .customLong("as-of"), help: "The day follow-up is counted to (YYYY-MM-DD).") var asOf: String
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, html, csv
        case measureReport = "measure-report"
        var fileExtension: String { switch self { case .text: "txt"; case .measureReport: "measure-report.json"; default: rawValue } }
    }
    @Option(name: .long, help: "text, json, html (one page with the curves as SVG), csv (the measures) or measure-report (FHIR R4 MeasureReports in a Bundle).")
    var format: Format = .text
    @Option(name: .customLong("out"), help: "Write outcomes.txt, .json or .html into this folder instead of standard output.") var out: String?
    @Option(name: .customLong("suppress-below"), help: "Write every count from 1 to N-1 as suppressed, and every estimate on fewer than N patients as null (CMS uses 11).")
    var suppressBelow: Int?

    func run() async throws {
        guard let day = Day(asOf) else { throw ValidationError("--as-of: use YYYY-MM-DD") }
        if let s = suppressBelow, s < 2 { throw ValidationError("--suppress-below: a whole number of 2 or more") }
        let reads: [OutcomeRead]
        if let source {
            if dataDir != nil { throw ValidationError("give SOURCE or --data-dir, not both") }
            reads = try read(source, asOf: day)
        } else if dataDir != nil || ProcessInfo.processInfo.environment["DATABASE_URL"] != nil {
            reads = try await WebRuntime.outcomeReads(dataDirectory: dataDir ?? "osteon-data", asOf: day)
        } else {
            throw ValidationError("give a FHIR export (a folder or a file), or --data-dir (or DATABASE_URL) for the server's database")
        }
        try write(OutcomeReport(asOf: day, reads: reads))
    }

    func read(_ source: String, asOf day: Day) throws -> [OutcomeRead] {
        var reads: [OutcomeRead] = []
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { throw ValidationError("\(source): no such file or folder") }
        do {
            if isDirectory.boolValue {
                let folder = try FolderImport(source)
                for line in folder.bad { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
                for b in 0..<folder.buckets { reads += folder.importer(bucket: b).outcomes(asOf: day) }
            } else {
                var importer = FHIRImporter()
                var bad: [String] = []
                guard let data = FileManager.default.contents(atPath: source) else { throw CaseInput.Failure.unreadable("cannot read \(source)") }
                if source.hasSuffix(".ndjson") {
                    CaseInput.addLines(data, path: source, to: &importer, bad: &bad)
                } else {
                    do { FHIRInput.add(try JSONValue.parse(data), to: &importer) } catch { throw CaseInput.Failure.invalid("\(source): \(error.description)") }
                }
                for line in bad { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
                reads = importer.outcomes(asOf: day)
            }
        } catch let failure as CaseInput.Failure {
            FileHandle.standardError.write(Data("osteon: \(failure.description)\n".utf8))
            throw ExitCode(1)
        }
        return reads
    }

    func write(_ report: OutcomeReport) throws {
        let text = switch format {
        case .json: report.json(suppressBelow: suppressBelow).serialized(pretty: true) + "\n"
        case .html: report.html(suppressBelow: suppressBelow)
        case .text: report.text(suppressBelow: suppressBelow)
        case .csv: report.measuresCSV(suppressBelow: suppressBelow)
        case .measureReport: MeasureReports.bundle(report, suppressBelow: suppressBelow).serialized(pretty: true) + "\n"
        }
        if let out {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let file = (out as NSString).appendingPathComponent("outcomes." + format.fileExtension)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            print("wrote \(file)")
        } else {
            print(text, terminator: "")
        }
    }
}
