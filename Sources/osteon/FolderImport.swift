import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonScreen

/// A FHIR folder (a Bulk Data export) read a group of patients at a time, so `osteon import` of a
/// whole centre's export holds one group in memory rather than every resource (100,000 patients
/// ran out of 24 GiB). Pass 1 writes each NDJSON line to the bucket file of its patient (by the
/// Patient's id or the line's subject/patient reference); lines that name no patient (Medication,
/// Practitioner…) and JSON files are kept and read with every group.
final class FolderImport {
    let buckets: Int
    private(set) var bad: [String] = []
    private let work: String
    private var shared: [JSONValue] = []
    /// About 32 MB of lines per group (OSTEON_IMPORT_BUCKET_BYTES overrides it: the tests force many groups).
    static let bytesPerBucket = ProcessInfo.processInfo.environment["OSTEON_IMPORT_BUCKET_BYTES"].flatMap { Int($0) }.map { max(1, $0) } ?? 32 << 20

    init(_ path: String) throws(CaseInput.Failure) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let files = names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".ndjson") }.map { (path as NSString).appendingPathComponent($0) }
        let total = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
        buckets = min(256, max(1, total / Self.bytesPerBucket + 1))
        work = NSTemporaryDirectory() + "osteon-import-\(getpid())-\(UUID().uuidString.prefix(8))"
        do { try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true) } catch {
            throw .unreadable("cannot create a working folder in \(NSTemporaryDirectory()): \(error.localizedDescription)")
        }
        var pending = [Data](repeating: Data(), count: buckets)
        var writeFailure: String?
        func flush(_ b: Int) {
            guard !pending[b].isEmpty, writeFailure == nil else { return }
            let file = bucketPath(b)
            if !FileManager.default.fileExists(atPath: file) { _ = FileManager.default.createFile(atPath: file, contents: nil) }
            do {
                guard let h = FileHandle(forWritingAtPath: file) else { throw CocoaError(.fileWriteUnknown) }
                defer { try? h.close() }
                try h.seekToEnd()
                try h.write(contentsOf: pending[b])
            } catch {
                writeFailure = "cannot write the working file \(file) (is the disk full?): \(error.localizedDescription)"
            }
            pending[b].removeAll(keepingCapacity: true)
        }
        var scan = ScanResult()
        for file in files {
            if file.hasSuffix(".json") {
                guard let data = FileManager.default.contents(atPath: file) else { bad.append("\(file): unreadable"); continue }
                do {
                    let value = try JSONValue.parse(data)
                    if FHIRInput.isFHIR(value) { shared.append(value) }
                } catch { bad.append("\(file): \(error.description)") }
                continue
            }
            guard let reader = LineReader(path: file, range: nil) else { bad.append("\(file): unreadable"); continue }
            reader.forEachLine { line, number in
                guard !line.isEmpty else { return true }
                FastScan.scan(line, into: &scan)
                if scan.error != nil {
                    // The full parser's words for what is wrong.
                    if case .failure(let e) = JSONValue.parse(bytes: line) { bad.append("\(file):\(number): \(e.description)") }
                    return true
                }
                guard let b = Self.bucket(line, scan, of: buckets) else {
                    if case .success(let v) = JSONValue.parse(bytes: line) { shared.append(v) }
                    return true
                }
                pending[b].append(contentsOf: UnsafeRawBufferPointer(line))
                pending[b].append(0x0A)
                if pending[b].count > 1 << 20 { flush(b) }
                return true
            }
        }
        for b in 0..<buckets { flush(b) }
        // Nothing is imported from a folder whose lines could not all be set aside.
        if let writeFailure { throw .unreadable(writeFailure) }
    }

    deinit { try? FileManager.default.removeItem(atPath: work) }

    private func bucketPath(_ b: Int) -> String { (work as NSString).appendingPathComponent("\(b).ndjson") }

    /// The bucket of the patient a line belongs to (the id after the reference's last "/" or ":"), or nil when it names none.
    static func bucket(_ line: UnsafeRawBufferPointer, _ scan: ScanResult, of count: Int) -> Int? {
        let isPatient = scan.resourceType.map { line[$0].elementsEqual("Patient".utf8) } ?? false
        guard let range = isPatient ? scan.id : scan.reference else { return nil }
        var start = range.lowerBound
        for k in range where line[k] == 0x2F || line[k] == 0x3A { start = k + 1 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for k in start..<range.upperBound { h = (h ^ UInt64(line[k])) &* 0x100_0000_01b3 }
        return Int(h % UInt64(count))
    }

    /// The resources of bucket `b` with those every group shares, read by the FHIR importer (the bucket file is then removed).
    func importer(bucket b: Int) -> FHIRImporter {
        var importer = FHIRImporter()
        for value in shared { FHIRInput.add(value, to: &importer) }
        if let data = FileManager.default.contents(atPath: bucketPath(b)) {
            data.withUnsafeBytes { all in
                var start = 0
                while start < all.count {
                    let end = all[start...].firstIndex(of: 0x0A) ?? all.count
                    if case .success(let v) = JSONValue.parse(bytes: UnsafeRawBufferPointer(rebasing: all[start..<end])) { importer.add(v) }
                    start = end + 1
                }
            }
        }
        try? FileManager.default.removeItem(atPath: bucketPath(b))
        return importer
    }

    /// The patients of bucket `b`.
    func patients(bucket b: Int) -> [CaseInput.Patient] {
        importer(bucket: b).importAll().map { CaseInput.Patient(patientCase: $0.patientCase, problems: [], unknownKeys: [], warnings: $0.warnings) }
    }
}
