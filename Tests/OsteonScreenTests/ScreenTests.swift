import Foundation
import OsteonDomain
import OsteonFHIR
@testable import OsteonScreen
import Testing

func temporaryDirectory(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct FastScanTests {
    func scan(_ text: String) -> ScanResult {
        var r = ScanResult()
        var t = text
        t.withUTF8 { FastScan.scan(UnsafeRawBufferPointer($0), into: &r) }
        return r
    }

    func field(_ text: String, _ range: Range<Int>?) -> String? {
        range.map { String(decoding: Array(text.utf8)[$0], as: UTF8.self) }
    }

    @Test func extractsTheFieldsScreeningNeeds() {
        let line = #"{"resourceType":"Observation","id":"o1","code":{"coding":[{"system":"http://loinc.org","code":"17861-6","display":"Calcium"}]},"subject":{"reference":"Patient/p1","display":"x"},"meta":{"profile":["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-x"]},"valueQuantity":{"value":10.1,"unit":"mg/dL"},"note":[{"text":"a \"quoted\" note"}],"flag":true,"n":null,"e":-1.5e3}"#
        let r = scan(line)
        #expect(r.error == nil)
        #expect(field(line, r.resourceType) == "Observation")
        #expect(field(line, r.id) == "o1")
        #expect(field(line, r.reference) == "Patient/p1")
        #expect(r.codes.map { field(line, $0)! }.contains("17861-6"))
        #expect(r.codes.map { field(line, $0)! }.contains { $0.hasSuffix("mcode-x") })
        #expect(r.texts.map { field(line, $0)! }.contains("Calcium"))
    }

    @Test func validityAgreesWithTheFullParser() {
        let good = [#"{}"#, #"{"a":[]}"#, #"{"a":[1,2,{"b":"c"}],"d":{"e":null}}"#, #"  {"a":"\u00e9\n"}  "#, #"{"a":0.5,"b":-0,"c":1E+2}"#]
        let bad = [#"{"#, #"{"a":}"#, #"{"a":1,}"#, #"{"a" 1}"#, #"[1,2]"#, #"{"a":tru}"#, #"{"a":"x}"#, #"{"a":1}}"#, #"{"a":"\q"}"#,
                   #"{"a":[1 2]}"#, #"{"a":01.}"#, #"{"a":"\u12"}"#, #"{"a":1}x"#, #""#, #"{"a":[}"#]
        for text in good {
            #expect(scan(text).error == nil, "rejected valid \(text)")
            #expect((try? JSONValue.parse(text)) != nil)
        }
        for text in bad {
            #expect(scan(text).error != nil, "accepted invalid \(text)")
        }
    }

    /// Every line of a synthetic export scans clean, and a line cut anywhere is rejected.
    @Test func syntheticLinesAndTheirTruncations() {
        let cohort = SyntheticCohort(patients: 20, seed: 3)
        var checked = 0
        for n in 0..<cohort.patients {
            for (_, json) in cohort.resources(of: n) {
                let line = json.serialized()
                let r = scan(line)
                #expect(r.error == nil)
                #expect(field(line, r.resourceType) == json["resourceType"]?.stringValue)
                let cut = String(line.prefix(line.count / 2 + n % 7))
                #expect(scan(cut).error != nil, "accepted a truncated line")
                checked += 1
            }
        }
        #expect(checked > 1000)
    }
}

@Suite struct SyntheticCohortTests {
    @Test func sameSeedSameBytesOtherSeedOtherBytes() {
        let a = SyntheticCohort(patients: 5, seed: 42), b = SyntheticCohort(patients: 5, seed: 42), c = SyntheticCohort(patients: 5, seed: 43)
        let x = (0..<5).flatMap { a.resources(of: $0).map { $0.json.serialized() } }
        #expect(x == (0..<5).flatMap { b.resources(of: $0).map { $0.json.serialized() } })
        #expect(x != (0..<5).flatMap { c.resources(of: $0).map { $0.json.serialized() } })
    }

    @Test func theCaseMixIsClinicallyShaped() {
        let cohort = SyntheticCohort(patients: 400, seed: 9)
        var sites: [PrimarySite: Int] = [:]
        var boneMets = 0, sarcomaAges: [Int] = []
        for n in 0..<cohort.patients {
            var importer = FHIRImporter()
            for (_, json) in cohort.resources(of: n) { importer.add(json) }
            let c = importer.importAll()[0].patientCase
            guard let site = c.cancers?.first?.primarySite else { continue }
            sites[site, default: 0] += 1
            if c.lesions?.isEmpty == false { boneMets += 1 }
            if site == .osteosarcoma || site == .ewingSarcoma { sarcomaAges.append(c.patient.age(on: cohort.asOf)!) }
        }
        for site in [PrimarySite.breast, .prostate, .lung, .kidney, .thyroid, .osteosarcoma, .ewingSarcoma, .chondrosarcoma, .myeloma] {
            #expect((sites[site] ?? 0) > 0, "no \(site)")
        }
        #expect(boneMets > 40 && boneMets < 300)
        #expect(sarcomaAges.allSatisfy { (10...26).contains($0) }, "osteosarcoma and Ewing in the 10–25 peak")
    }
}

@Suite struct ScreenerTests {
    /// Writes a cohort, then breaks some lines the way real files break.
    func export(patients: Int, seed: UInt64) throws -> String {
        let dir = temporaryDirectory("export")
        _ = try SynthWriter.write(SyntheticCohort(patients: patients, seed: seed), to: dir, linesPerFile: 3000)
        let condition = (dir as NSString).appendingPathComponent("Condition.000.ndjson")
        var text = try String(contentsOfFile: condition, encoding: .utf8)
        text += "{\"resourceType\":\"Condition\",\"id\":\"broken\"\n"      // truncated
        text += "\n"                                                      // blank
        text += "not json at all\n"
        try text.write(toFile: condition, atomically: true, encoding: .utf8)
        return dir
    }

    func screen(_ dir: String, chunk: Int64 = 64 << 20, workers: Int = 2) throws -> (ScreenSummary, String) {
        let out = temporaryDirectory("out")
        var options = ScreenOptions(inputs: [dir], outDirectory: out, asOf: Day("2026-06-30")!)
        options.chunkBytes = chunk
        options.workers = workers
        options.bucketBytes = 256 << 10
        return (try Screener(options: options).run(), out)
    }

    @Test func everyLineIsAccountedForAndBadLinesAreNamed() throws {
        let dir = try export(patients: 150, seed: 5)
        let (s, out) = try screen(dir)
        for f in s.files {
            let lines = try String(contentsOfFile: f.file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count - 1
            #expect(f.read == lines, "\(f.file)")
            #expect(f.read == f.used + f.ignored + f.rejected)
        }
        #expect(s.linesRejected == 2)
        let condition = try #require(s.files.first { $0.file.hasSuffix("Condition.000.ndjson") })
        #expect(s.rejectedLines.contains { $0.hasSuffix(":\(condition.read - 2): invalid JSON at byte 42: unexpected end of line (unclosed object or array)") })
        #expect(s.rejectedLines.contains { $0.contains("Condition.000.ndjson:\(condition.read):") })
        #expect(s.patientsRead == 150)
        let summary = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: (out as NSString).appendingPathComponent("summary.json"))))
        #expect(summary["lines"]?["read"] == .int(s.linesRead))
    }

    /// Issue "Scale": a line the fast pass once kept (a duplicate key, "01", a lone surrogate, bad UTF-8)
    /// was dropped in pass 2 after being counted used. Each is now rejected and named by file:line.
    @Test func noLineDisappears() throws {
        let dir = temporaryDirectory("lost")
        let path = (dir as NSString).appendingPathComponent("All.000.ndjson")
        let lines = [
            #"{"resourceType":"Patient","id":"p1","birthDate":"1950-01-01","gender":"female"}"#,
            #"{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"94222008"}]},"onsetDateTime":"2026-01-01"}"#,
            #"{"resourceType":"Condition","id":"c2","id":"c3","subject":{"reference":"Patient/p1"},"code":{"coding":[{"code":"94222008"}]}}"#,
            #"{"resourceType":"Observation","id":"o1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"code":"17861-6"}]},"valueQuantity":{"value":010}}"#,
            #"{"resourceType":"Condition","id":"c4","subject":{"reference":"Patient/p1"},"code":{"text":"bone \ud800"}}"#,
        ]
        var bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        // Bad UTF-8 in a code's text.
        bytes += Array(#"{"resourceType":"Condition","id":"c5","subject":{"reference":"Patient/p1"},"code":{"text":"bone "#.utf8) + [0xC3, 0x28] + Array("\"}}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let (s, _) = try screen(dir)
        let f = try #require(s.files.first)
        #expect(f.read == 6)
        #expect(f.read == f.used + f.ignored + f.rejected)
        #expect(f.rejected == 4)
        for line in 3...6 { #expect(s.rejectedLines.contains { $0.contains("All.000.ndjson:\(line):") }, "line \(line) not named: \(s.rejectedLines)") }
    }

    /// Pen test row 10: an identifier like "=2+5" reached the worklist CSV as a live formula.
    @Test func worklistCSVDefusesFormulas() throws {
        let dir = temporaryDirectory("formula")
        let patient = #"{"resourceType":"Patient","id":"=2+5","birthDate":"1950-01-01","gender":"female"}"#
        let bone = #"{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/=2+5"},"clinicalStatus":{"coding":[{"code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"94222008","display":"Secondary malignant neoplasm of bone"}]},"onsetDateTime":"2026-01-01"}"#
        try (patient + "\n").write(toFile: (dir as NSString).appendingPathComponent("Patient.000.ndjson"), atomically: true, encoding: .utf8)
        try (bone + "\n").write(toFile: (dir as NSString).appendingPathComponent("Condition.000.ndjson"), atomically: true, encoding: .utf8)
        let (_, out) = try screen(dir)
        let csv = try String(contentsOfFile: (out as NSString).appendingPathComponent("worklist.csv"), encoding: .utf8)
        let row = try #require(csv.split(separator: "\n").dropFirst().first, "the patient is on the worklist")
        #expect(row.contains(",'=2+5,"), "\(row)")
        #expect(!row.contains(",=2+5,"))
    }

    /// Screening keeps only some lines; its worklist must equal assessing every
    /// patient from every line, so the filter loses no fact.
    @Test func theFilterLosesNothing() throws {
        let cohort = SyntheticCohort(patients: 120, seed: 11)
        let dir = temporaryDirectory("export")
        _ = try SynthWriter.write(cohort, to: dir)
        let (_, out) = try screen(dir)
        var expected: [String: (alerts: [String], gaps: [String])] = [:]
        for n in 0..<cohort.patients {
            var importer = FHIRImporter()
            for (_, json) in cohort.resources(of: n) { importer.add(json) }
            let a = Assessor.assess(importer.importAll()[0].patientCase, asOf: Day("2026-06-30")!)
            if !a.alerts.isEmpty || !a.careGaps.isEmpty {
                expected[a.patientID] = (a.alerts.map(\.code.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } },
                                         a.careGaps.map(\.code.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
            }
        }
        var got: [String: (alerts: [String], gaps: [String])] = [:]
        var urgencies: [String] = []
        for line in try String(contentsOfFile: (out as NSString).appendingPathComponent("worklist.ndjson"), encoding: .utf8).split(separator: "\n") {
            let row = try JSONValue.parse(String(line))
            got[row["patient_id"]!.stringValue!] = (row["alerts"]!.arrayValue!.compactMap(\.stringValue), row["care_gaps"]!.arrayValue!.compactMap(\.stringValue))
            urgencies.append(row["urgency"]!.stringValue!)
        }
        #expect(Set(got.keys) == Set(expected.keys))
        for (id, e) in expected { #expect(got[id]?.alerts == e.alerts && got[id]?.gaps == e.gaps, "\(id)") }
        let order = ["emergency", "urgent", "soon", "care_gap"]
        #expect(urgencies.map { order.firstIndex(of: $0)! } == urgencies.map { order.firstIndex(of: $0)! }.sorted(), "most urgent first")
        let csv = try String(contentsOfFile: (out as NSString).appendingPathComponent("worklist.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == got.count + 1)
        #expect(csv.first == "rank,patient_id,urgency,alerts,care_gaps,primary_sites,bone_metastasis,first_action")
    }

    @Test func smallChunksAndOneWorkerGiveTheSameResult() throws {
        let dir = try export(patients: 80, seed: 8)
        let (a, outA) = try screen(dir)
        let (b, outB) = try screen(dir, chunk: 16 << 10, workers: 1)
        #expect(a.files == b.files)
        #expect(a.rejectedLines == b.rejectedLines, "line numbers survive chunking")
        #expect(a.gaps == b.gaps && a.alerts == b.alerts && a.onWorklist == b.onWorklist)
        let rowsA = try String(contentsOfFile: (outA as NSString).appendingPathComponent("worklist.ndjson"), encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0))["patient_id"]! }
        let rowsB = try String(contentsOfFile: (outB as NSString).appendingPathComponent("worklist.ndjson"), encoding: .utf8).split(separator: "\n").map { try JSONValue.parse(String($0))["patient_id"]! }
        #expect(Set(rowsA.compactMap(\.stringValue)) == Set(rowsB.compactMap(\.stringValue)))
    }

    @Test func theRealBulkSample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/external-fhir/bulk-ndjson-10-patients").path
        let dir = FileManager.default.fileExists(atPath: shared) ? shared : root.appendingPathComponent("Tests/OsteonFHIRTests/Fixtures/external/bulk").path
        let (s, _) = try screen(dir)
        #expect(s.linesRejected == 0)
        #expect(s.linesRead == s.linesUsed + s.linesIgnored)
        let patients = try String(contentsOfFile: (dir as NSString).appendingPathComponent("Patient.000.ndjson"), encoding: .utf8).split(separator: "\n").count
        #expect(s.patientsRead == patients)
        #expect(s.files.first { $0.file.hasSuffix("log.ndjson") }?.ignored == 4 || !FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("log.ndjson")))
    }
}
