import Foundation
import OsteonDomain
import OsteonFHIR

/// Writes a SyntheticCohort as a Bulk Data export folder: Type.NNN.ndjson
/// files (a new file every `linesPerFile` lines, as Bulk servers split them)
/// and a manifest in the Bulk Data shape.
public enum SynthWriter {
    public struct Result: Sendable {
        public var files: [(name: String, lines: Int)] = []
        public var bytes: Int64 = 0
    }

    public static func write(_ cohort: SyntheticCohort, to directory: String, linesPerFile: Int = 250_000) throws -> Result {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var writers: [String: (writer: BufferedWriter, index: Int, lines: Int)] = [:]
        var result = Result()
        func open(_ type: String, _ index: Int) throws -> BufferedWriter {
            let name = String(format: "%@.%03d.ndjson", type, index)
            guard let w = BufferedWriter(path: (directory as NSString).appendingPathComponent(name), bufferSize: 1 << 20) else {
                throw ScreenError.cannotWrite(directory)
            }
            return w
        }
        func finish(_ type: String) {
            guard let entry = writers[type] else { return }
            entry.writer.close()
            result.files.append((String(format: "%@.%03d.ndjson", type, entry.index), entry.lines))
        }
        for n in 0..<cohort.patients {
            for (type, json) in cohort.resources(of: n) {
                if writers[type] == nil { writers[type] = (try open(type, 0), 0, 0) }
                if writers[type]!.lines == linesPerFile {
                    finish(type)
                    let next = writers[type]!.index + 1
                    writers[type] = (try open(type, next), next, 0)
                }
                let line = json.serialized()
                writers[type]!.writer.write(line)
                writers[type]!.writer.write(byte: 0x0A)
                writers[type]!.lines += 1
                result.bytes += Int64(line.utf8.count + 1)
            }
        }
        for type in writers.keys.sorted() { finish(type) }
        result.files.sort { $0.name < $1.name }
        let manifest: JSONValue = [
            "transactionTime": .string("\(cohort.asOf)T00:00:00Z"),
            "request": .string("osteon synth --patients \(cohort.patients) --seed \(cohort.seed)"),
            "requiresAccessToken": false,
            "output": .array(result.files.map { file in
                ["type": .string(String(file.name.split(separator: ".")[0])), "url": .string(file.name), "count": .int(file.lines)]
            }),
            "error": [],
        ]
        try Data((manifest.serialized(pretty: true) + "\n").utf8).write(to: URL(fileURLWithPath: (directory as NSString).appendingPathComponent("manifest.json")))
        return result
    }
}
