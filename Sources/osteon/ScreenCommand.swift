import ArgumentParser
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonScreen

struct ScreenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "screen",
        abstract: "Screen a FHIR Bulk Data export for patients whose bone disease needs action.",
        discussion: """
            Reads one or more Bulk Data exports (folders of Type.NNN.ndjson files, or the files
            themselves), assesses every patient and writes to --out:
              worklist.csv, worklist.ndjson   patients with alerts or care gaps, most urgent first
              summary.json                    patients read, with skeletal metastases, per gap and
                                              alert, and lines read = used + ignored + rejected per file
            Malformed lines are reported with file:line and skipped; everything else is processed.
            Memory stays bounded whatever the cohort size (see Screener.swift for the grouping).
            A progress bar is drawn on standard error when it is a terminal.
            """
    )

    @Argument(help: "Bulk export folders or NDJSON files.")
    var paths: [String]

    @Option(name: .long, help: "Folder for the worklist and summary.")
    var out: String = "osteon-screen-out"

    @Option(name: .customLong("as-of"), help: "Assessment date, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar.")
    var noProgress = false

    @Option(name: .long, help: "Worker threads (default: the number of cores).")
    var workers: Int?

    @Option(name: .customLong("bucket-mb"), help: "Target input megabytes per bucket (memory per worker grows with it).")
    var bucketMB: Int?

    func validate() throws {
        if let asOf, Day(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, not '\(asOf)'.") }
    }

    func run() throws {
        var options = ScreenOptions(inputs: paths, outDirectory: out, asOf: asOf.flatMap(Day.init) ?? Day.today)
        options.progress = !noProgress && isatty(STDERR_FILENO) == 1
        if let workers { options.workers = max(1, workers) }
        if let bucketMB { options.bucketBytes = Int64(max(1, bucketMB)) << 20 }
        let summary: ScreenSummary
        do { summary = try Screener(options: options).run() } catch {
            FileHandle.standardError.write(Data("osteon: \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(Self.table(summary))
        for line in summary.rejectedLines { FileHandle.standardError.write(Data("rejected: \(line)\n".utf8)) }
        if summary.rejectedNotListed > 0 {
            FileHandle.standardError.write(Data("rejected: \(summary.rejectedNotListed) more (see summary.json)\n".utf8))
        }
    }

    static func table(_ s: ScreenSummary) -> String {
        var lines: [String] = []
        let mb = Double(s.bytes) / 1_048_576
        lines.append("Osteon screening: \(String(format: "%.1f", mb)) MB in \(s.files.count) files, \(String(format: "%.1f", s.seconds)) s (pass 1 \(String(format: "%.1f", s.pass1Seconds)) s)")
        lines.append("")
        lines.append(pad("file", 44) + pad("read", 10) + pad("used", 10) + pad("ignored", 10) + "rejected")
        for f in s.files {
            lines.append(pad((f.file as NSString).lastPathComponent, 44) + pad("\(f.read)", 10) + pad("\(f.used)", 10) + pad("\(f.ignored)", 10) + "\(f.rejected)")
        }
        lines.append(pad("all", 44) + pad("\(s.linesRead)", 10) + pad("\(s.linesUsed)", 10) + pad("\(s.linesIgnored)", 10) + "\(s.linesRejected)")
        lines.append("")
        lines.append(pad("patients read", 36) + "\(s.patientsRead)")
        lines.append(pad("patients assessed", 36) + "\(s.patientsAssessed)")
        lines.append(pad("with skeletal metastases", 36) + "\(s.withSkeletalMetastases)")
        lines.append(pad("on the worklist", 36) + "\(s.onWorklist)")
        if !s.alerts.isEmpty {
            lines.append("")
            lines.append("alerts")
            for (code, n) in s.alerts.sorted(by: { $0.value > $1.value }) { lines.append("  " + pad(code, 34) + "\(n)") }
        }
        if !s.gaps.isEmpty {
            lines.append("")
            lines.append("care gaps")
            for (code, n) in s.gaps.sorted(by: { $0.value > $1.value }) { lines.append("  " + pad(code, 34) + "\(n)") }
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count) }
}

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a deterministic synthetic Bulk Data export of bone-oncology patients.",
        discussion: """
            The same --patients and --seed always give the same files. The case mix follows the
            clinical reference (bone-metastasis rates and lesion types by primary, primary bone
            tumours by age), with some patients left with care gaps, and unrelated resources as in
            real exports. Use it to test and benchmark `osteon screen` at any size.
            """
    )

    @Option(name: .long, help: "Number of patients.")
    var patients: Int

    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Output folder.")
    var out: String

    func validate() throws {
        if patients < 1 { throw ValidationError("--patients must be at least 1.") }
    }

    func run() throws {
        let result = try SynthWriter.write(SyntheticCohort(patients: patients, seed: seed), to: out)
        let lines = result.files.reduce(0) { $0 + $1.lines }
        print("wrote \(patients) patients, \(lines) resources, \(String(format: "%.1f", Double(result.bytes) / 1_048_576)) MB in \(result.files.count) files to \(out)")
    }
}
