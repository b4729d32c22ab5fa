import ArgumentParser
import Foundation
import OsteonDomain
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

    func run() async throws {
        var patients: [(PatientCase, String)] = []
        for path in paths {
            do {
                for p in try CaseInput.load(path) {
                    for w in p.warnings { FileHandle.standardError.write(Data("\(path): \(p.patientCase.patientID): \(w)\n".utf8)) }
                    patients.append((p.patientCase, "Patient \(p.patientCase.patientID)"))
                }
            } catch {
                FileHandle.standardError.write(Data("osteon: \(error.description)\n".utf8))
                throw ExitCode(1)
            }
        }
        for line in try await WebRuntime.importRecords(dataDirectory: dataDir, patients: patients) { print(line) }
    }
}

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Load demo data into the database (example cases, a synthetic cohort, a meeting, a demo user).")
    @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"

    func run() async throws {
        try await WebRuntime.withApp(dataDirectory: dataDir) { app in try await WebRuntime.loadDemo(app, onlyIfEmpty: false) }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Create an account. The password is read from standard input (at least 12 characters)."
        )
        @Option(name: .long) var username: String
        @Option(name: .long, help: "Name shown in the app.") var name: String
        @Option(name: .long, help: "administrator, clinician, nurse_navigator or patient.") var role: String
        @Option(name: .long, help: "For clinicians: radiology, orthopaedic_oncology, radiation_oncology, medical_oncology, pathology, nursing.") var specialty: String?
        @Option(name: .long, help: "For a patient account: the patient's identifier (hospital number or FHIR id) whose guide it may see.")
        var patient: String?
        @Option(name: .customLong("data-dir"), help: "Folder for osteon.sqlite.") var dataDir = "osteon-data"

        func run() async throws {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let password = input.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
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
