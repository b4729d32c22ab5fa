import Foundation
import OsteonDomain
import Testing

/// Runs the built `osteon` executable as other tools will: stdin in, stdout and exit code out.
struct CLI {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let executable: URL = {
        // The test bundle sits in the build products directory, next to `osteon`.
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("osteon")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/osteon")
    }()

    static func run(_ arguments: [String], stdin: String = "", in directory: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = arguments
        // The database commands use SQLite files in temporary folders here: the
        // PostgreSQL of .ci/run belongs to the store tests running meanwhile.
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = nil
        env["OSTEON_ENV"] = "production"
        process.environment = env
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }
}

@Suite(.serialized) struct CLITests {
    let mirels = #"{"site":"lower_limb","pain":"functional","lesion_type":"lytic","size":"one_third_to_two_thirds"}"#

    @Test func listNamesEveryRequiredScoreId() throws {
        let out = try CLI.run(["score", "--list"])
        #expect(out.status == 0)
        let ids = out.stdout.split(separator: "\n").map { String($0.split(separator: " ").first ?? "") }
        for id in ["mirels", "sins", "tokuhashi_revised_2005", "tomita_2001", "katagiri_new_2014", "zoledronic_acid_renal_dose",
                   "corrected_calcium", "ajcc8_bone_appendicular_trunk_skull", "enneking_msts", "huvos", "noms", "readability"] {
            #expect(ids.contains(id), "\(id) not listed")
        }
    }

    @Test func jsonFromStdinIsValidAndExitsZero() throws {
        let out = try CLI.run(["score", "mirels", "--format", "json"], stdin: mirels)
        #expect(out.status == 0)
        let json = try CLI.json(out.stdout)
        #expect(json["valid"] as? Bool == true)
        #expect(json["total"] as? Int == 10)
        #expect(json["category"] as? String == "high")
        #expect((json["citation"] as? String)?.contains("Mirels") == true)
    }

    @Test func inputFileOption() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-cli-\(UUID().uuidString).json")
        try Data(mirels.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try CLI.run(["score", "mirels", "--input", file.path, "--format", "json"])
        #expect(out.status == 0)
        #expect(try CLI.json(out.stdout)["total"] as? Int == 10)
    }

    @Test func missingInputIsReportedAndExitsNonZero() throws {
        let out = try CLI.run(["score", "mirels", "--format", "json"], stdin: #"{"site":"lower_limb","lesion_type":"lytic","size":"lt_one_third"}"#)
        #expect(out.status != 0)
        let json = try CLI.json(out.stdout)
        #expect(json["valid"] as? Bool == false)
        #expect(json["error"] as? String == "cannot score: pain missing")
    }

    @Test func textReportHasEveryPart() throws {
        let out = try CLI.run(["score", "mirels"], stdin: mirels)
        #expect(out.status == 0)
        for part in ["Components:", "Total: 10", "Band:", "Recommendation:", "Rationale:", "Citation:"] {
            #expect(out.stdout.contains(part), "text report lacks \(part)")
        }
        let bad = try CLI.run(["score", "mirels"], stdin: "{}")
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("cannot score: site missing"))
    }

    @Test func badJSONSaysWhereAndExitsNonZero() throws {
        let out = try CLI.run(["score", "sins", "--format", "json"], stdin: "{\"level\": T12}")
        #expect(out.status != 0)
        #expect((try CLI.json(out.stdout)["error"] as? String)?.contains("line 1") == true)
    }

    @Test func unknownIdAndHelp() throws {
        let unknown = try CLI.run(["score", "nonsense"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("Known ids"))
        let help = try CLI.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("score"))
        let scoreHelp = try CLI.run(["score", "--help"])
        #expect(scoreHelp.stdout.contains("cannot score"))
        let describe = try CLI.run(["score", "katagiri_new_2014", "--describe"])
        #expect(describe.stdout.contains("primary_growth_group"))
    }

    /// Every public vignette through the real executable.
    @Test func vignettesThroughTheExecutable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = root.deletingLastPathComponent().appendingPathComponent("shared/clinical/vignettes.json")
        let url = FileManager.default.fileExists(atPath: shared.path) ? shared : root.appendingPathComponent("Tests/OsteonDomainTests/Fixtures/vignettes.json")
        let file = try JSONValue.parse(Data(contentsOf: url))
        guard case .array(let cases)? = file["cases"] else { Issue.record("no cases"); return }
        for c in cases {
            guard case .string(let id)? = c["id"], case .string(let score)? = c["score"], let inputs = c["inputs"],
                case .object(let expected)? = c["expected"] else { Issue.record("malformed case"); continue }
            let out = try CLI.run(["score", score, "--format", "json"], stdin: inputs.serialized())
            let json = try JSONValue.parse(out.stdout)
            let valid = c["expected"]?["valid"] != false
            #expect((out.status == 0) == valid, "\(id): exit \(out.status)")
            for (key, value) in expected {
                #expect(json[key] == value, "\(id): \(key) expected \(value.serialized()), got \(json[key]?.serialized() ?? "nothing")")
            }
        }
    }
}

@Suite struct ExampleTests {
    /// examples/scores/<score id>--<case>.json must each score validly.
    @Test func everyExampleScores() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("examples/scores")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 12)
        for file in files {
            let id = file.components(separatedBy: "--")[0]
            let out = try CLI.run(["score", id, "--input", dir.appendingPathComponent(file).path])
            #expect(out.status == 0, "\(file) (\(id)): \(out.stderr)")
        }
    }
}

@Suite struct AssessCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let breast = root.appendingPathComponent("examples/cases/breast-femur-spine.json").path

    @Test func jsonHasTheStableContract() throws {
        let out = try CLI.run(["assess", Self.breast, "--format", "json"])
        #expect(out.status == 0)
        let json = try JSONValue.parse(out.stdout)
        for key in ["patient_id", "primary_sites", "bone_metastasis", "alerts", "scores", "differential", "imaging_plan", "treatment_plan",
                    "surveillance", "care_gaps", "data_needed", "warnings"] {
            #expect(json[key] != nil, "missing \(key)")
        }
        #expect(json["primary_sites"] == ["breast"])
        #expect(json["bone_metastasis"] == true)
        // scores[id] is the same object `osteon score` prints for those inputs.
        let mirels = try #require(json["scores"]?["mirels"])
        let direct = try JSONValue.parse(try CLI.run(["score", "mirels", "--format", "json"],
            stdin: #"{"site":"lower_limb","pain":"functional","lesion_type":"lytic","size":"one_third_to_two_thirds"}"#).stdout)
        guard case .object(let pairs) = direct else { Issue.record("not an object"); return }
        for (key, value) in pairs { #expect(mirels[key] == value, "scores.mirels.\(key)") }
        guard case .array(let gaps)? = json["care_gaps"] else { Issue.record("care_gaps is not a list"); return }
        for gap in gaps { #expect(gap["code"] != nil && gap["reason"] != nil && gap["citation"] != nil) }
    }

    @Test func textPutsUrgentItemsFirst() throws {
        let out = try CLI.run(["assess", Self.breast])
        #expect(out.status == 0)
        let alerts = try #require(out.stdout.range(of: "URGENT ALERTS"))
        let plan = try #require(out.stdout.range(of: "TREATMENT PLAN"))
        #expect(alerts.lowerBound < plan.lowerBound)
        #expect(out.stdout.contains("Source:"))
    }

    @Test func asOfOverridesTheCaseDate() throws {
        let out = try CLI.run(["assess", Self.breast, "--as-of", "2027-01-15", "--format", "json"])
        #expect(try JSONValue.parse(out.stdout)["as_of"] == "2027-01-15")
        let bad = try CLI.run(["assess", Self.breast, "--as-of", "15/01/2027"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("YYYY-MM-DD"))
    }

    @Test func unreadableInputSaysWhy() throws {
        let missing = try CLI.run(["assess", "/nonexistent/case.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("cannot read"))
        let noID = try CLI.run(["assess", "-", "--format", "json"], stdin: #"{"lesions": []}"#)
        #expect(noID.status == 1)
        #expect(try JSONValue.parse(noID.stdout)["error"]?.stringValue?.contains("patient_id") == true)
    }
}

@Suite struct ScreenCLITests {
    @Test func synthThenScreen() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let export = dir.appendingPathComponent("export").path, out = dir.appendingPathComponent("out").path
        let synth = try CLI.run(["synth", "--patients", "60", "--seed", "4", "--out", export])
        #expect(synth.status == 0, "\(synth.stderr)")
        #expect(FileManager.default.fileExists(atPath: export + "/Patient.000.ndjson"))
        #expect(FileManager.default.fileExists(atPath: export + "/manifest.json"))
        // A bad line is reported with file:line and the rest is processed.
        let condition = export + "/Condition.000.ndjson"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: condition))
        handle.seekToEndOfFile()
        handle.write(Data("{oops\n".utf8))
        try handle.close()
        let screen = try CLI.run(["screen", export, "--out", out, "--as-of", "2026-06-30"])
        #expect(screen.status == 0, "\(screen.stderr)")
        #expect(screen.stdout.contains("patients read"))
        #expect(screen.stderr.contains("Condition.000.ndjson:"))
        #expect(!screen.stderr.contains("["), "no progress bar when stderr is not a terminal")
        let summary = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: out + "/summary.json")))
        #expect(summary["patients_read"] == 60)
        #expect(summary["lines"]?["rejected"] == 1)
        let csv = try String(contentsOfFile: out + "/worklist.csv", encoding: .utf8)
        #expect(csv.hasPrefix("rank,patient_id,urgency"))
    }

    @Test func screenWithoutInputSaysWhatItExpects() throws {
        let out = try CLI.run(["screen", "/nonexistent-export", "--out", "/tmp/osteon-none"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("Type.NNN.ndjson"))
    }
}

@Suite struct DatabaseCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func tempDir() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("osteon-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    @Test("migrate creates the SQLite file; import stores a case once and a FHIR bundle; revert undoes the migrations")
    func migrateImportRevert() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let migrated = try CLI.run(["migrate", "--data-dir", dir])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.contains("database is up to date"))
        #expect(FileManager.default.fileExists(atPath: dir + "/osteon.sqlite"))

        let example = Self.root.appendingPathComponent("examples/cases/breast-femur-spine.json").path
        let first = try CLI.run(["import", example, "--data-dir", dir])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("imported as"))
        let again = try CLI.run(["import", example, "--data-dir", dir])
        #expect(again.stdout.contains("already present, skipped"))

        let bulk = Self.root.appendingPathComponent("Tests/OsteonFHIRTests/Fixtures/external").path
        let fhir = try CLI.run(["import", bulk, "--data-dir", dir])
        #expect(fhir.status == 0, "\(fhir.stderr)")
        #expect(fhir.stdout.contains("imported as"))

        let missing = try CLI.run(["import", dir + "/nothing.json", "--data-dir", dir])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("nothing.json"))

        let reverted = try CLI.run(["migrate", "--revert", "--data-dir", dir])
        #expect(reverted.status == 0)
        #expect(reverted.stdout.contains("reverted"))
    }

    @Test("user add reads the password from stdin, refuses short ones, unknown roles and duplicates")
    func userAdd() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["user", "add", "--username", "chair", "--name", "Dr Chair", "--data-dir", dir]
        let short = try CLI.run(base + ["--role", "clinician"], stdin: "short\n")
        #expect(short.status != 0)
        #expect(short.stderr.contains("at least 12 characters"))
        let role = try CLI.run(base + ["--role", "wizard"], stdin: "long enough password\n")
        #expect(role.status != 0)
        #expect(role.stderr.contains("clinician"))
        let ok = try CLI.run(base + ["--role", "clinician"], stdin: "long enough password\n")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(!ok.stdout.contains("long enough password") && !ok.stderr.contains("long enough password"))
        let dup = try CLI.run(base + ["--role", "clinician"], stdin: "long enough password\n")
        #expect(dup.status != 0)
        #expect(dup.stderr.contains("already exists"))
    }

    @Test("user list, disable, enable and reset-password; every change is audited and the audit chain verifies")
    func userAdministration() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, role) in [("chair", "clinician"), ("navi", "nurse_navigator")] {
            let r = try CLI.run(["user", "add", "--username", name, "--name", name.capitalized, "--role", role, "--data-dir", dir], stdin: "long enough password\n")
            #expect(r.status == 0, "\(r.stderr)")
        }
        let list = try CLI.run(["user", "list", "--data-dir", dir])
        #expect(list.stdout.split(separator: "\n").map { $0.split(separator: "\t").prefix(3).joined(separator: " ") }
            == ["chair clinician active", "navi nurse_navigator active"])
        #expect(try CLI.run(["user", "disable", "navi", "--data-dir", dir]).status == 0)
        #expect(try CLI.run(["user", "list", "--data-dir", dir]).stdout.contains("navi\tnurse_navigator\tdisabled"))
        #expect(try CLI.run(["user", "enable", "navi", "--data-dir", dir]).status == 0)
        let unknown = try CLI.run(["user", "disable", "nobody", "--data-dir", dir])
        #expect(unknown.status != 0 && unknown.stderr.contains("nobody"))
        let short = try CLI.run(["user", "reset-password", "chair", "--data-dir", dir], stdin: "short\n")
        #expect(short.status != 0 && short.stderr.contains("at least 12"))
        #expect(try CLI.run(["user", "reset-password", "chair", "--data-dir", dir], stdin: "another long password\n").status == 0)
        let verify = try CLI.run(["audit", "verify", "--data-dir", dir])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains("audit log intact: 5 entries"))
        let csv = try CLI.run(["audit", "export", "--data-dir", dir])
        #expect(csv.stdout.contains("users/navi/disable") && csv.stdout.contains("users/chair/password"))
        #expect(!csv.stdout.contains("another long password"))
    }

    @Test("osteon demo loads every worked example from the package's resources, whatever the working directory")
    func demoFromResources() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Run from a folder with no examples/ in it (before the fix they were read relative to it and silently skipped).
        let out = try CLI.run(["demo", "--data-dir", dir], in: dir)
        #expect(out.status == 0, Comment(rawValue: out.stderr))
        let examples = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("examples/cases").path).filter { $0.hasSuffix(".json") }
        let ids = try examples.map { file -> String in
            let data = try Data(contentsOf: Self.root.appendingPathComponent("examples/cases/\(file)"))
            return try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["patient_id"] as? String)
        }
        let count = Process()
        count.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        let pipe = Pipe()
        count.standardOutput = pipe
        count.arguments = ["-c", "import sqlite3,sys; c = sqlite3.connect('\(dir)/osteon.sqlite'); print('\\n'.join(r[0] for r in c.execute('SELECT external_id FROM patients')))"]
        try count.run()
        let stored = Set(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n").map(String.init))
        count.waitUntilExit()
        #expect(ids.count >= 20)
        #expect(Set(ids).subtracting(stored).isEmpty, "examples missing from the demo: \(Set(ids).subtracting(stored).sorted())")
    }

    @Test("audit verify finds an edited entry in the database file and exits 1, saying where")
    func auditVerifyFindsTampering() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a1", "a2", "a3"] {
            _ = try CLI.run(["user", "add", "--username", name, "--name", name, "--role", "clinician", "--data-dir", dir], stdin: "long enough password\n")
        }
        // Someone with the file drops the guard and rewrites entry 2.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        sqlite.arguments = ["-c", """
            import sqlite3; c = sqlite3.connect('\(dir)/osteon.sqlite'); c.execute('DROP TRIGGER audit_log_no_update')
            c.execute("UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 2"); c.commit()
            """]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let verify = try CLI.run(["audit", "verify", "--data-dir", dir])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("AUDIT LOG TAMPERED"))
        #expect(verify.stdout.contains("entry 2: its content does not match its hash (edited)"))
    }

    @Test("backup while in use, restore round trip; a damaged or foreign file is refused")
    func backupRestore() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let example = Self.root.appendingPathComponent("examples/cases/breast-femur-spine.json").path
        #expect(try CLI.run(["import", example, "--data-dir", dir]).status == 0)
        let backup = dir + "/backup.sqlite"
        let made = try CLI.run(["backup", backup, "--data-dir", dir])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("1 patients; integrity check ok"))
        #expect(try CLI.run(["backup", backup, "--data-dir", dir]).stderr.contains("already exists"))
        // Later changes, then restore: the later patient is gone, the earlier one is back.
        let later = Self.root.appendingPathComponent("examples/cases/prostate-cord-compression.json").path
        #expect(try CLI.run(["import", later, "--data-dir", dir]).status == 0)
        let restored = try CLI.run(["restore", backup, "--data-dir", dir])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(restored.stdout.contains("restored 1 patients"))
        #expect(restored.stdout.contains("before-restore"))
        let again = try CLI.run(["import", later, "--data-dir", dir])
        #expect(again.stdout.contains("imported as"))  // it was not there after the restore
        let first = try CLI.run(["import", example, "--data-dir", dir])
        #expect(first.stdout.contains("already present"))
        // Imports, the backup and the restore are in the (restored) audit log, and its chain holds.
        let audit = try CLI.run(["audit", "export", "--data-dir", dir]).stdout
        #expect(audit.contains(",import,patients/") && audit.contains(",export,backup,") && audit.contains("restore from backup"))
        #expect(try CLI.run(["audit", "verify", "--data-dir", dir]).status == 0)
        // Not a database at all.
        let junk = dir + "/junk.sqlite"
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: junk))
        let refused = try CLI.run(["restore", junk, "--data-dir", dir])
        #expect(refused.status != 0)
        #expect(try CLI.run(["import", example, "--data-dir", dir]).stdout.contains("already present"))
    }

    @Test("a patient account must be linked to an existing record")
    func patientAccount() throws {
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let example = Self.root.appendingPathComponent("examples/cases/breast-femur-spine.json").path
        #expect(try CLI.run(["import", example, "--data-dir", dir]).status == 0)
        let base = ["user", "add", "--username", "pat", "--name", "Pat", "--role", "patient", "--data-dir", dir]
        let unlinked = try CLI.run(base, stdin: "long enough password\n")
        #expect(unlinked.status != 0)
        #expect(unlinked.stderr.contains("--patient"))
        let unknown = try CLI.run(base + ["--patient", "NOBODY"], stdin: "long enough password\n")
        #expect(unknown.stderr.contains("no patient with identifier NOBODY"))
        let id = try #require(try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: example)))["patient_id"]?.stringValue)
        let ok = try CLI.run(base + ["--patient", id], stdin: "long enough password\n")
        #expect(ok.status == 0, "\(ok.stderr)")
    }
}
