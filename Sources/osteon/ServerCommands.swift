import ArgumentParser
import Foundation
import OsteonDomain
import OsteonScreen
import OsteonStore
import OsteonWeb

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the tumor-board web application.",
        discussion: """
            Migrates the database, then serves the web application and the API.
            Data: an SQLite file osteon.sqlite in --data-dir, or PostgreSQL when DATABASE_URL is set
            (postgres://user:password@host:port/database).
            """
    )

    @Option(name: .long, help: "Address to listen on.") var hostname = "127.0.0.1"
    @Option(name: .long, help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    @Flag(name: .long, help: "Load demo data (example cases, a synthetic cohort, a meeting, a demo user) when the database is empty.") var demo = false

    func run() async throws {
        try await WebRuntime.serve(dataDirectory: dataDir, hostname: hostname, port: port, demo: demo)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Bring the database schema up to date (or revert it).")
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    @Flag(name: .long, help: "Revert every migration (drops all tables).") var revert = false

    func run() async throws {
        print(try await WebRuntime.migrate(dataDirectory: dataDir, revert: revert))
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import case files or FHIR (Bundle, resource, NDJSON, or a folder such as a Bulk export) into the database."
    )
    @Argument(help: "Files or folders.") var paths: [String]
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    @Option(name: .customLong("care-team"), help: "User name of a clinician or nurse navigator to put on the care team of each imported patient.")
    var careTeam: String?
    @Flag(name: .customLong("no-progress"), help: "Never draw the progress bar (drawn on standard error when it is a terminal).")
    var noProgress = false

    func run() async throws {
        // Files are read whole; a folder (a Bulk export) a group of patients at a time.
        var sources: [(path: String, folder: FolderImport?)] = []
        var patients: [(PatientCase, String)] = []
        func take(_ list: [CaseInput.Patient], from path: String) -> [(PatientCase, String)] {
            for p in list { for w in p.warnings { FileHandle.standardError.write(Data("\(path): \(p.patientCase.patientID): \(w)\n".utf8)) } }
            return list.map { ($0.patientCase, "Patient \($0.patientCase.patientID)") }
        }
        for path in paths {
            do {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                    let folder = try FolderImport(path)
                    for line in folder.bad { FileHandle.standardError.write(Data("\(line)\n".utf8)) }
                    sources.append((path, folder))
                } else {
                    patients += take(try CaseInput.load(path), from: path)
                }
            } catch {
                FileHandle.standardError.write(Data("osteon: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
        }
        // Batch 0: the files; then each folder's buckets.
        let plan: [(folder: FolderImport?, bucket: Int, path: String)] = [(nil, 0, "")]
            + sources.flatMap { s in (0..<(s.folder?.buckets ?? 0)).map { (s.folder, $0, s.path) } }
        do {
            let bar: ImportProgress? = !noProgress && isatty(STDERR_FILENO) == 1 ? ImportProgress(total: plan.count * 1000) : nil
            var report: (@Sendable (Int, Int) -> Void)?
            if let bar { report = { done, _ in bar.set(done) } }
            let lines = try await WebRuntime.importRecords(dataDirectory: dataDir, careTeam: careTeam, batches: plan.count, progress: report) { b in
                guard let folder = plan[b].folder else { return patients }
                return take(folder.patients(bucket: plan[b].bucket), from: plan[b].path)
            }
            bar?.finish()
            if lines.isEmpty {
                FileHandle.standardError.write(Data("osteon: no patient found in \(paths.joined(separator: ", "))\n".utf8))
                throw ExitCode(1)
            }
            for line in lines { print(line) }
        } catch let e as ExitCode {
            throw e
        } catch {
            FileHandle.standardError.write(Data("osteon: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

/// The screen's bar, for the groups of an import.
final class ImportProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let bar: ProgressBar
    private var done = 0
    init(total: Int) { bar = ProgressBar(total: Int64(total)) }
    func set(_ n: Int) { lock.withLock { bar.advance(by: Int64(n - done)); done = n } }
    func finish() { lock.withLock { bar.finish() } }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Load demo data into the database (example cases, a synthetic cohort, a meeting, a demo user).")
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    @Option(name: .customLong("care-team"), help: "Also put this existing user on every demo patient's care team and the demo meeting (repeatable).")
    var careTeam: [String] = []

    func run() async throws {
        try await administer {
            try await WebRuntime.withApp(dataDirectory: dataDir) { app in try await WebRuntime.loadDemo(app, onlyIfEmpty: false, careTeam: careTeam) }
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Add.self, List.self, Disable.self, Enable.self, ResetPassword.self, Unlock.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create an account. The password is read from standard input (at least 12 characters)."
        )
        @Option(name: .long) var username: String
        @Option(name: .long, help: "Name shown in the app.") var name: String
        @Option(name: .long, help: "administrator, clinician, nurse_navigator, patient or quality (the quality dashboard's aggregate figures only).") var role: String
        @Option(name: .long, help: "The board specialty the user's opinions carry: \(BoardSpecialty.allCases.map(\.rawValue).joined(separator: ", ")).") var specialty: String?
        @Option(name: .long, help: "For a patient account: the patient's identifier (hospital number or FHIR id) whose guide it may see.")
        var patient: String?
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"

        func run() async throws {
            let password = passwordFromStandardInput()
            do {
                try await WebRuntime.addUser(dataDirectory: dataDir, .init(username: username, displayName: name, role: role, specialty: specialty, password: password,
                                                                         patientExternalID: patient))
                print("created \(role) \(username)")
            } catch {
                FileHandle.standardError.write(Data("osteon: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// Reads a password from the first line of standard input (never from the command line, which other users can see).
func passwordFromStandardInput() -> String {
    let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    return input.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
}

/// Runs an administrative action; a failure prints what to fix and exits 1.
func administer(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch {
        FileHandle.standardError.write(Data("osteon: \(error)\n".utf8))
        throw ExitCode(1)
    }
}

extension UserCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts: user name, role, state, name.")
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws {
            try await administer { for line in try await WebRuntime.listUsers(dataDirectory: dataDir) { print(line) } }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account and end its sessions (records stay attributed to it).")
        @Argument(help: "User name.") var username: String
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws { try await setActive(false, username: username, dataDir: dataDir) }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account again.")
        @Argument(help: "User name.") var username: String
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws { try await setActive(true, username: username, dataDir: dataDir) }
    }

    static func setActive(_ active: Bool, username: String, dataDir: String) async throws {
        try await administer {
            try await WebRuntime.setUserActive(dataDirectory: dataDir, username: username, active: active)
            print("\(active ? "enabled" : "disabled") \(username)")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Lift a sign-in lock-out after failed attempts (the password stays).")
        @Argument(help: "User name.") var username: String
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws {
            try await administer {
                try await WebRuntime.unlockUser(dataDirectory: dataDir, username: username)
                print("unlocked \(username)")
            }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-password",
            abstract: "Set a new password (read from standard input, at least 12 characters); clears a lock-out and ends the user's sessions."
        )
        @Argument(help: "User name.") var username: String
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws {
            let password = passwordFromStandardInput()
            try await administer {
                try await WebRuntime.resetPassword(dataDirectory: dataDir, username: username, password: password)
                print("password reset for \(username)")
            }
        }
    }
}

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Check or export the hash-chained audit log.",
                                                    subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the hash chain; report any edited, deleted or re-ordered entry and where (exit 1 if any)."
        )
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        func run() async throws {
            let v: AuditLog.Verification
            do { v = try await WebRuntime.verifyAudit(dataDirectory: dataDir) } catch {
                FileHandle.standardError.write(Data("osteon: \(error)\n".utf8))
                throw ExitCode(2)
            }
            if v.ok {
                print("audit log intact: \(v.entries) entries; head hash \(v.headHash)")
                print("(keep the head hash somewhere else: it also shows whether entries were cut from the end)")
                return
            }
            print("AUDIT LOG TAMPERED: \(v.problems.count) problem(s) in \(v.entries) entries")
            for p in v.problems { print("  \(p)") }
            throw ExitCode(1)
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the whole audit log as CSV, oldest first.")
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
        @Option(name: .long, help: "Output file (default: standard output).") var out: String?
        func run() async throws {
            try await administer {
                var text = ""
                try await WebRuntime.exportAudit(dataDirectory: dataDir) { line in
                    if out == nil { print(line) } else { text += line + "\n" }
                }
                if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) }
            }
        }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the SQLite database while the server runs.",
        discussion: "For PostgreSQL use pg_dump / pg_restore (docs/OPERATIONS.md)."
    )
    @Argument(help: "The backup file to create (must not exist).") var target: String
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    func run() async throws {
        guard ProcessInfo.processInfo.environment["DATABASE_URL"].map(\.isEmpty) ?? true else {
            FileHandle.standardError.write(Data("osteon: DATABASE_URL is set: back up PostgreSQL with pg_dump (docs/OPERATIONS.md)\n".utf8))
            throw ExitCode(1)
        }
        try await administer {
            try await WebRuntime.auditFileOperation(dataDirectory: dataDir, action: "export", object: "backup")
            let patients = try await SQLiteBackup.backup(database: (dataDir as NSString).appendingPathComponent("osteon.sqlite"), to: target)
            print("backup written to \(target) (\(patients) patients; integrity check ok)")
        }
    }
}

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the SQLite database with a backup. Stop the server first.",
        discussion: "The backup is checked first (integrity, Osteon tables); the current database is kept beside it as osteon.sqlite.before-restore-<time>."
    )
    @Argument(help: "A file written by `osteon backup`.") var backup: String
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"
    func run() async throws {
        try await administer {
            let (patients, kept) = try await SQLiteBackup.restore(from: backup, database: (dataDir as NSString).appendingPathComponent("osteon.sqlite"))
            try await WebRuntime.auditFileOperation(dataDirectory: dataDir, action: "import", object: "restore from backup")
            print("restored \(patients) patients from \(backup)" + (kept.map { "; the previous database is kept as \($0)" } ?? ""))
        }
    }
}
