import COsteonSystem
import Foundation
import OsteonDomain
import OsteonFHIR

/// Population screening of a FHIR Bulk Data export (NDJSON).
///
/// Grouping strategy, so memory stays bounded whatever the cohort size:
/// a Bulk export files resources by type, so one patient's resources are spread
/// over every file. Pass 1 streams the files once, in chunks of about 64 MB cut
/// at line ends and shared by the worker threads; it validates each line, keeps
/// only the lines that can carry a bone-oncology fact (Relevance), and appends
/// each kept line to one of B bucket files chosen by a hash of its patient
/// reference (each worker has its own set, so no locks on the hot path). B grows
/// with the input size so that a bucket stays near `bucketBytes`. Pass 2 reads
/// one bucket at a time per worker, groups its lines by patient, assesses each
/// patient and appends worklist rows to one file per urgency class; the
/// classes are concatenated at the end, most urgent first. Peak memory is a
/// few buckets plus one patient per worker, not the cohort.
public struct ScreenOptions: Sendable {
    public var inputs: [String]
    public var outDirectory: String
    public var asOf: Day
    public var bucketBytes: Int64 = 32 << 20
    public var chunkBytes: Int64 = 64 << 20
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var progress: Bool = false
    public var maxReportedErrors = 200

    public init(inputs: [String], outDirectory: String, asOf: Day) {
        self.inputs = inputs
        self.outDirectory = outDirectory
        self.asOf = asOf
    }
}

public struct FileCount: Sendable, Equatable {
    public var file: String
    public var read = 0
    public var used = 0
    public var ignored = 0
    public var rejected = 0
}

public struct ScreenSummary: Sendable {
    public var files: [FileCount] = []
    public var rejectedLines: [String] = []
    public var rejectedNotListed = 0
    public var patientsRead = 0
    public var patientsAssessed = 0
    public var withSkeletalMetastases = 0
    public var onWorklist = 0
    public var gaps: [String: Int] = [:]
    public var alerts: [String: Int] = [:]
    public var bytes: Int64 = 0
    public var buckets = 0
    public var seconds = 0.0
    public var pass1Seconds = 0.0

    public var linesRead: Int { files.reduce(0) { $0 + $1.read } }
    public var linesUsed: Int { files.reduce(0) { $0 + $1.used } }
    public var linesIgnored: Int { files.reduce(0) { $0 + $1.ignored } }
    public var linesRejected: Int { files.reduce(0) { $0 + $1.rejected } }
}

public enum ScreenError: Error, CustomStringConvertible {
    case noInput(String)
    case cannotWrite(String)
    public var description: String {
        switch self {
        case .noInput(let s): "no NDJSON files found in \(s) (expected Type.NNN.ndjson files)"
        case .cannotWrite(let s): "cannot write \(s)"
        }
    }
}

/// A part of one file, starting at a line start and ending after a newline (or at the end).
struct Chunk {
    let fileIndex: Int
    let path: String
    let range: Range<Int64>
}

/// What pass 1 learned from one chunk; line numbers are chunk-relative until merged.
struct ChunkResult {
    var counts = FileCount(file: "")
    var lines = 0
    var errors: [(line: Int, message: String)] = []
    var errorsNotKept = 0
}

/// The chunk queue and the results of pass 1, behind one lock.
final class Pass1Shared: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var results: [ChunkResult]

    init(count: Int) { results = [ChunkResult](repeating: ChunkResult(), count: count) }

    func take() -> Int? {
        lock.withLock {
            guard next < results.count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func store(_ r: ChunkResult, at i: Int) { lock.withLock { results[i] = r } }
}

/// Mutable state owned by one worker thread only.
final class Worker: @unchecked Sendable {
    var buckets: [BufferedWriter] = []
    /// One file per urgency class: "<csv row>\u{1F}<ndjson row>" per line.
    var rows: [BufferedWriter] = []
    var summary = ScreenSummary()
    var failure: Error?
    /// Lines pass 1 kept that the full parser refused in pass 2 (chunk, chunk-relative line, reason).
    var lateRejects: [(chunk: Int, line: Int, message: String)] = []
}

public final class Screener: @unchecked Sendable {
    let options: ScreenOptions
    private let lock = NSLock()
    private var progress: ProgressBar?
    static let classes = Urgency.allCases.filter { $0 != .none }.map(\.rawValue)

    public init(options: ScreenOptions) { self.options = options }

    /// NDJSON files named by the inputs (files, or folders of *.ndjson), in name order.
    static func files(_ inputs: [String]) -> [String] {
        var out: [String] = []
        for input in inputs {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: input, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []).filter { $0.hasSuffix(".ndjson") }.sorted()
                out += names.map { (input as NSString).appendingPathComponent($0) }
            } else {
                out.append(input)
            }
        }
        return out
    }

    static let maxBuckets = 256

    /// Process settings for a long streaming run: a fixed malloc mmap threshold
    /// (glibc's adaptive one lets the heap grow with the number of large
    /// buffers freed, so RSS would follow input size), and enough file descriptors.
    static func prepareProcess(files: Int) {
        _ = osteon_set_mmap_threshold(128 << 10)
        #if canImport(Glibc)
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        if getrlimit(resource, &limit) == 0, limit.rlim_cur < rlim_t(files) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(files))
            _ = setrlimit(resource, &limit)
        }
        #endif
    }

    static func size(_ path: String) -> Int64 { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0 }

    /// Cuts each file into chunks at line ends.
    static func plan(_ files: [String], chunkBytes: Int64) -> [Chunk] {
        var chunks: [Chunk] = []
        for (index, path) in files.enumerated() {
            let size = size(path)
            var start: Int64 = 0
            let fd = open(path, O_RDONLY)
            defer { if fd >= 0 { close(fd) } }
            var probe = [UInt8](repeating: 0, count: 1 << 16)
            while start < size {
                var end = min(size, start + chunkBytes)
                if end < size, fd >= 0 {
                    // Move the cut to just after the next newline.
                    var at = end
                    var found = false
                    while at < size && !found {
                        let n = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
                        if n <= 0 { break }
                        if let nl = probe[0..<n].firstIndex(of: 0x0A) { at += Int64(nl) + 1; found = true } else { at += Int64(n) }
                    }
                    end = found ? at : size
                }
                chunks.append(Chunk(fileIndex: index, path: path, range: start..<end))
                start = end
            }
            if size == 0 { chunks.append(Chunk(fileIndex: index, path: path, range: 0..<0)) }
        }
        return chunks
    }

    public func run() throws -> ScreenSummary {
        let started = Date()
        let files = Screener.files(options.inputs)
        guard !files.isEmpty else { throw ScreenError.noInput(options.inputs.joined(separator: ", ")) }
        let total = files.reduce(Int64(0)) { $0 + Screener.size($1) }
        // Bounded: more buckets for more input, up to a cap that keeps open files reasonable.
        let bucketCount = min(Screener.maxBuckets, max(options.workers, Int((total + options.bucketBytes - 1) / options.bucketBytes)))
        Screener.prepareProcess(files: bucketCount * options.workers + 16)
        let workerCount = options.workers
        try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
        let work = (options.outDirectory as NSString).appendingPathComponent(".osteon-screen-\(getpid())")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        if options.progress { progress = ProgressBar(total: total * 2) }

        let workers = (0..<workerCount).map { _ in Worker() }
        for (w, worker) in workers.enumerated() {
            for b in 0..<bucketCount {
                guard let writer = BufferedWriter(path: "\(work)/bucket-\(b)-\(w)", bufferSize: 32 << 10) else { throw ScreenError.cannotWrite(work) }
                worker.buckets.append(writer)
            }
            for c in Screener.classes {
                guard let rows = BufferedWriter(path: "\(work)/worklist-\(c)-\(w)") else { throw ScreenError.cannotWrite(work) }
                worker.rows.append(rows)
            }
        }

        // Pass 1: chunks handed out to the workers in order.
        let chunks = Screener.plan(files, chunkBytes: options.chunkBytes)
        let shared = Pass1Shared(count: chunks.count)
        DispatchQueue.concurrentPerform(iterations: workerCount) { w in
            var scan = ScanResult()
            while let i = shared.take() {
                let r = self.pass1(chunks[i], index: i, workers[w], bucketCount: bucketCount, scan: &scan)
                shared.store(r, at: i)
            }
        }
        let results = shared.results
        for worker in workers { for b in worker.buckets { b.close() } }

        var summary = ScreenSummary()
        summary.bytes = total
        summary.buckets = bucketCount
        summary.pass1Seconds = Date().timeIntervalSince(started)
        let lineBase = mergePass1(chunks, results, files: files, into: &summary)

        // Pass 2: bucket b goes to worker b % workers.
        DispatchQueue.concurrentPerform(iterations: workerCount) { w in
            for b in stride(from: w, to: bucketCount, by: workerCount) {
                var data = Data()
                for part in 0..<workerCount {
                    let path = "\(work)/bucket-\(b)-\(part)"
                    if let piece = FileManager.default.contents(atPath: path) { data.append(piece) }
                    try? FileManager.default.removeItem(atPath: path)
                }
                self.screenBucket(data, workers[w])
                self.lock.withLock { self.progress?.advance(by: total / Int64(bucketCount)) }
            }
        }
        // A line pass 1 counted as used but pass 2 could not parse is rejected, with its file and line: never dropped.
        for (chunk, line, message) in workers.flatMap(\.lateRejects).sorted(by: { ($0.chunk, $0.line) < ($1.chunk, $1.line) }) {
            let c = chunks[chunk]
            summary.files[c.fileIndex].used -= 1
            summary.files[c.fileIndex].rejected += 1
            if summary.rejectedLines.count < options.maxReportedErrors {
                summary.rejectedLines.append("\(c.path):\(lineBase[chunk] + line): \(message)")
            } else {
                summary.rejectedNotListed += 1
            }
        }
        for worker in workers {
            for writer in worker.rows { writer.close() }
            summary.patientsRead += worker.summary.patientsRead
            summary.patientsAssessed += worker.summary.patientsAssessed
            summary.withSkeletalMetastases += worker.summary.withSkeletalMetastases
            summary.onWorklist += worker.summary.onWorklist
            summary.gaps.merge(worker.summary.gaps, uniquingKeysWith: +)
            summary.alerts.merge(worker.summary.alerts, uniquingKeysWith: +)
        }
        try writeWorklist(work: work, workers: workerCount)
        summary.seconds = Date().timeIntervalSince(started)
        try writeSummary(summary)
        progress?.finish()
        return summary
    }

    private func pass1(_ chunk: Chunk, index chunkIndex: Int, _ worker: Worker, bucketCount: Int, scan: inout ScanResult) -> ChunkResult {
        var result = ChunkResult()
        guard let reader = LineReader(path: chunk.path, range: chunk.range) else {
            result.errors.append((0, "\(chunk.path): cannot be opened"))
            return result
        }
        let maxErrors = options.maxReportedErrors
        var reported: Int64 = 0
        reader.forEachLine { line, number in
            result.lines = number
            result.counts.read += 1
            if line.isEmpty || line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                result.counts.ignored += 1
                return true
            }
            FastScan.scan(line, into: &scan)
            if let error = scan.error {
                result.counts.rejected += 1
                if result.errors.count < maxErrors {
                    result.errors.append((number, "invalid JSON at byte \(error.offset + 1): \(error.reason)"))
                } else {
                    result.errorsNotKept += 1
                }
                return true
            }
            guard scan.resourceType != nil else {
                result.counts.ignored += 1   // e.g. an export log entry, not a resource
                return true
            }
            var key: [UInt8]
            let kind = Relevance.classify(line, scan)
            switch kind {
            case .ignore:
                result.counts.ignored += 1
                return true
            case .patient:
                guard let id = scan.id else {
                    result.counts.rejected += 1
                    if result.errors.count < maxErrors { result.errors.append((number, "Patient without an id")) }
                    return true
                }
                key = Array("Patient/".utf8) + Array(UnsafeRawBufferPointer(rebasing: line[id]))
            case .keep, .presence:
                guard let ref = scan.reference else {
                    result.counts.ignored += 1   // no subject: cannot be attributed to a patient
                    return true
                }
                key = Self.normalise(UnsafeRawBufferPointer(rebasing: line[ref]))
            }
            result.counts.used += 1
            key.withUnsafeBytes { k in
                let writer = worker.buckets[Int(Self.hash(k) % UInt64(bucketCount))]
                writer.write(k)
                writer.write(byte: 0x09)
                // Where the line came from, so pass 2 can name it (file:line) if the full parse refuses it.
                Array("\(chunkIndex):\(number)".utf8).withUnsafeBytes { writer.write($0) }
                writer.write(byte: 0x09)
                if kind == .presence {
                    Relevance.medicationListMarker.withUnsafeBytes { writer.write($0) }
                } else {
                    writer.write(line)
                }
                writer.write(byte: 0x0A)
            }
            if reader.bytesRead - reported > 16 << 20 {
                let delta = reader.bytesRead - reported
                reported = reader.bytesRead
                lock.withLock { progress?.advance(by: delta) }
            }
            return true
        }
        let delta = reader.bytesRead - reported
        lock.withLock { progress?.advance(by: delta) }
        return result
    }

    /// Per-file counts and absolute line numbers from the chunks' own counts;
    /// returns each chunk's first line number less one (to make pass 2's lines absolute).
    @discardableResult
    private func mergePass1(_ chunks: [Chunk], _ results: [ChunkResult], files: [String], into summary: inout ScreenSummary) -> [Int] {
        var bases: [Int] = []
        summary.files = files.map { FileCount(file: $0) }
        var lineOffset = [Int](repeating: 0, count: files.count)
        var notListed = 0
        var errors: [String] = []
        for (chunk, r) in zip(chunks, results) {
            bases.append(lineOffset[chunk.fileIndex])
            var f = summary.files[chunk.fileIndex]
            f.read += r.counts.read
            f.used += r.counts.used
            f.ignored += r.counts.ignored
            f.rejected += r.counts.rejected
            summary.files[chunk.fileIndex] = f
            for e in r.errors {
                if errors.count < options.maxReportedErrors {
                    errors.append(e.line == 0 ? e.message : "\(chunk.path):\(lineOffset[chunk.fileIndex] + e.line): \(e.message)")
                } else {
                    notListed += 1
                }
            }
            notListed += r.errorsNotKept
            lineOffset[chunk.fileIndex] += r.lines
        }
        summary.rejectedLines = errors
        summary.rejectedNotListed = notListed
        return bases
    }

    /// "Patient/x" from "Patient/x", "urn:uuid:x" or "https://host/fhir/Patient/x".
    static func normalise(_ ref: UnsafeRawBufferPointer) -> [UInt8] {
        var last = -1, previous = -1
        for (i, b) in ref.enumerated() where b == 0x2F {
            previous = last
            last = i
        }
        if previous >= 0 { return Array(ref[(previous + 1)...]) }
        return Array(ref)
    }

    @inline(__always) static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    private func screenBucket(_ data: Data, _ worker: Worker) {
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            // Group line ranges by patient key, keeping first-seen order.
            var groups: [[UInt8]: [(line: Range<Int>, origin: Range<Int>)]] = [:]
            var order: [[UInt8]] = []
            var i = 0
            while i < all.count {
                guard let tab = all[i...].firstIndex(of: 0x09), let tab2 = all[(tab + 1)...].firstIndex(of: 0x09) else { break }
                let end = all[tab2...].firstIndex(of: 0x0A) ?? all.count
                let key = Array(all[i..<tab])
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(((tab2 + 1)..<end, (tab + 1)..<tab2))
                i = end + 1
            }
            for key in order {
                var importer = FHIRImporter()
                var hasPatient = false
                var medicationList = false
                for (r, origin) in groups[key]! {
                    let bytes = UnsafeRawBufferPointer(rebasing: all[r])
                    if bytes.elementsEqual(Relevance.medicationListMarker) {
                        medicationList = true
                        continue
                    }
                    let value: JSONValue
                    switch JSONValue.parse(bytes: bytes) {
                    case .success(let v): value = v
                    case .failure(let e):
                        let at = String(decoding: UnsafeRawBufferPointer(rebasing: all[origin]), as: UTF8.self).split(separator: ":").compactMap { Int($0) }
                        worker.lateRejects.append((at.first ?? 0, at.last ?? 0, "\(e.description)"))
                        continue
                    }
                    if value.resourceType == "Patient" { hasPatient = true }
                    importer.add(value)
                }
                if hasPatient { worker.summary.patientsRead += 1 }
                for var imported in importer.importAll() {
                    if medicationList && imported.patientCase.medications == nil { imported.patientCase.medications = [] }
                    assess(imported, worker)
                }
            }
        }
    }

    private func assess(_ p: ImportedPatient, _ worker: Worker) {
        let a = Assessor.assess(p.patientCase, asOf: options.asOf)
        worker.summary.patientsAssessed += 1
        if a.boneMetastasis == true || a.myelomaBoneDisease { worker.summary.withSkeletalMetastases += 1 }
        for g in a.careGaps { worker.summary.gaps[g.code.rawValue, default: 0] += 1 }
        for al in a.alerts { worker.summary.alerts[al.code.rawValue, default: 0] += 1 }
        let urgency = a.urgency
        guard urgency != .none else { return }
        worker.summary.onWorklist += 1
        let cls = urgency.rank
        let alerts = a.alerts.map(\.code.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let gaps = a.careGaps.map(\.code.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let action = a.firstAction
        let row: JSONValue = [
            "patient_id": .string(a.patientID), "urgency": .string(urgency.rawValue), "alerts": JSONValue(alerts), "care_gaps": JSONValue(gaps),
            "primary_sites": JSONValue(a.primarySites), "bone_metastasis": JSONValue(a.boneMetastasis), "first_action": .string(action),
        ]
        let fields = [a.patientID, urgency.rawValue, alerts.joined(separator: ";"), gaps.joined(separator: ";"), a.primarySites.joined(separator: ";"),
                      a.boneMetastasis.map { $0 ? "true" : "false" } ?? "", action]
        worker.rows[cls].write(CSV.line(fields))
        worker.rows[cls].write(byte: 0x1F)
        worker.rows[cls].write(row.serialized())
        worker.rows[cls].write(byte: 0x0A)
    }


    /// Concatenates the class files, most urgent first, numbering the rows.
    /// Streams line by line so the worklist never has to fit in memory.
    private func writeWorklist(work: String, workers: Int) throws {
        let out = options.outDirectory as NSString
        guard let csv = BufferedWriter(path: out.appendingPathComponent("worklist.csv")),
            let nd = BufferedWriter(path: out.appendingPathComponent("worklist.ndjson"))
        else { throw ScreenError.cannotWrite(options.outDirectory) }
        csv.write("rank,patient_id,urgency,alerts,care_gaps,primary_sites,bone_metastasis,first_action\n")
        var rank = 0
        for c in Screener.classes {
            for w in 0..<workers {
                guard let rows = LineReader(path: "\(work)/worklist-\(c)-\(w)") else { continue }
                rows.forEachLine { line, _ in
                    guard let split = line.firstIndex(of: 0x1F) else { return true }
                    rank += 1
                    csv.write("\(rank),")
                    csv.write(UnsafeRawBufferPointer(rebasing: line[..<split]))
                    csv.write(byte: 0x0A)
                    nd.write("{\"rank\":\(rank),")
                    nd.write(UnsafeRawBufferPointer(rebasing: line[(split + 2)...]))
                    nd.write(byte: 0x0A)
                    return true
                }
            }
        }
        csv.close()
        nd.close()
    }

    private func writeSummary(_ summary: ScreenSummary) throws {
        let path = (options.outDirectory as NSString).appendingPathComponent("summary.json")
        guard let w = BufferedWriter(path: path) else { throw ScreenError.cannotWrite(path) }
        w.write(Screener.json(summary, asOf: options.asOf).serialized(pretty: true))
        w.write(byte: 0x0A)
        w.close()
    }

    public static func json(_ s: ScreenSummary, asOf: Day) -> JSONValue {
        .object([
            ("as_of", .string(asOf.description)),
            ("patients_read", .int(s.patientsRead)),
            ("patients_assessed", .int(s.patientsAssessed)),
            ("with_skeletal_metastases", .int(s.withSkeletalMetastases)),
            ("on_worklist", .int(s.onWorklist)),
            ("lines", ["read": .int(s.linesRead), "used": .int(s.linesUsed), "ignored": .int(s.linesIgnored), "rejected": .int(s.linesRejected)]),
            ("files", .array(s.files.map {
                ["file": .string($0.file), "read": .int($0.read), "used": .int($0.used), "ignored": .int($0.ignored), "rejected": .int($0.rejected)]
            })),
            ("care_gaps", .object(s.gaps.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("alerts", .object(s.alerts.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("rejected_lines", JSONValue(s.rejectedLines)),
            ("rejected_not_listed", .int(s.rejectedNotListed)),
            ("bytes", .int(Int(s.bytes))),
            ("seconds", .double(roundHalfUp(s.seconds, places: 3))),
        ])
    }
}

/// A progress bar on standard error (only when it is a terminal).
/// A bar on standard error, redrawn when the percentage changes (`screen` and `import` on a terminal).
public final class ProgressBar {
    let total: Int64
    var done: Int64 = 0
    var lastPercent = -1

    public init(total: Int64) { self.total = max(total, 1) }

    public func advance(by n: Int64) {
        done += n
        let percent = Int(min(100, done * 100 / total))
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent / 4
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: 25 - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(percent)%".utf8))
    }

    public func finish() {
        advance(by: max(0, total - done))
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
