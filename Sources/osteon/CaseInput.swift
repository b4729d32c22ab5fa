import Foundation
import OsteonDomain
import OsteonFHIR

/// A case file as given on the command line: native case JSON, a FHIR Bundle
/// or resource, or FHIR NDJSON. Yields one or more patients to assess.
struct CaseInput {
    struct Patient {
        let patientCase: PatientCase
        let problems: [CannotScore.Problem]
        let unknownKeys: [String]
        let warnings: [String]
    }

    enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case invalid(String)
        var description: String {
            switch self {
            case .unreadable(let s), .invalid(let s): s
            }
        }
    }

    static func load(_ path: String) throws(Failure) -> [Patient] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return try directory(path)
        }
        let data: Data
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable("cannot read \(path): \(error.localizedDescription)")
        }
        if path.hasSuffix(".ndjson") { return try ndjson(data, path: path) }
        let value: JSONValue
        do { value = try JSONValue.parse(data) } catch { throw .invalid("\(path): \(error.description)") }
        if FHIRInput.isFHIR(value) {
            var importer = FHIRImporter()
            FHIRInput.add(value, to: &importer)
            let patients = importer.importAll()
            if patients.isEmpty { throw .invalid("\(path): no patient found in this FHIR \(value.resourceType ?? "resource") (resources need a subject)") }
            return patients.map { Patient(patientCase: $0.patientCase, problems: [], unknownKeys: [], warnings: $0.warnings) }
        }
        do {
            let read = try CaseReader.read(value)
            return [Patient(patientCase: read.patientCase, problems: read.problems, unknownKeys: read.unknownKeys, warnings: [])]
        } catch {
            throw .invalid("\(path): \(error.description)")
        }
    }

    /// Every FHIR file of a folder (JSON resources and Bundles, NDJSON) as one record set.
    static func directory(_ path: String) throws(Failure) -> [Patient] {
        var importer = FHIRImporter()
        var bad: [String] = []
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        for name in files where name.hasSuffix(".json") || name.hasSuffix(".ndjson") {
            let file = (path as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file) else { bad.append("\(file): unreadable"); continue }
            if name.hasSuffix(".ndjson") {
                addLines(data, path: file, to: &importer, bad: &bad)
            } else {
                do { FHIRInput.add(try JSONValue.parse(data), to: &importer) } catch { bad.append("\(file): \(error.description)") }
            }
        }
        let patients = importer.importAll()
        if patients.isEmpty { throw .invalid("\(path): no FHIR patient found in this folder") }
        return patients.map { Patient(patientCase: $0.patientCase, problems: [], unknownKeys: [], warnings: bad + $0.warnings) }
    }

    static func addLines(_ data: Data, path: String, to importer: inout FHIRImporter, bad: inout [String]) {
        for (n, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            do { importer.add(try JSONValue.parse(Data(line))) } catch { bad.append("\(path):\(n + 1): \(error.description)") }
        }
    }

    static func ndjson(_ data: Data, path: String) throws(Failure) -> [Patient] {
        var importer = FHIRImporter()
        var bad: [String] = []
        addLines(data, path: path, to: &importer, bad: &bad)
        let patients = importer.importAll()
        if patients.isEmpty { throw .invalid("\(path): no patient found" + (bad.isEmpty ? "" : "; " + bad.joined(separator: "; "))) }
        return patients.map { Patient(patientCase: $0.patientCase, problems: [], unknownKeys: [], warnings: bad + $0.warnings) }
    }
}
