import Fluent
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonStore
import Vapor

/// Entry points the CLI uses: run the server, migrate, import, load demo data, manage users.
public enum WebRuntime {
    nonisolated(unsafe) static var loggingReady = false

    /// An application configured for `dataDirectory` (or DATABASE_URL), for commands that do not serve.
    public static func withApp<T>(dataDirectory: String, autoMigrate: Bool = true, arguments: [String] = ["osteon"],
                                  _ body: (Application) async throws -> T) async throws -> T {
        var env = Environment(name: ProcessInfo.processInfo.environment["OSTEON_ENV"] ?? "production", arguments: arguments)
        if !loggingReady {
            try LoggingSystem.bootstrap(from: &env)
            loggingReady = true
        }
        let sync = ProcessInfo.processInfo.environment["OSTEON_SQLITE_SYNC"] ?? "normal"
        guard ["full", "normal"].contains(sync) else { throw ValidationFailure(fields: ["OSTEON_SQLITE_SYNC": "full or normal, not \(sync)"]) }
        let syncEveryCommit = sync == "full"
        let app = try await Application.make(env)
        var config = WebConfig(backend: StoreConfiguration.backend(environment: ProcessInfo.processInfo.environment, dataDirectory: dataDirectory))
        config.autoMigrate = autoMigrate
        if let minutes = ProcessInfo.processInfo.environment["OSTEON_SESSION_MINUTES"].flatMap(Double.init) { config.sessionTimeout = minutes * 60 }
        if ProcessInfo.processInfo.environment["OSTEON_SECURE_COOKIES"] == "1" { config.secureCookies = true }
        if let proxies = ProcessInfo.processInfo.environment["OSTEON_TRUSTED_PROXIES"] {
            config.trustedProxies = Set(proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let today = ProcessInfo.processInfo.environment["OSTEON_TODAY"].flatMap(Day.init) { config.today = today }
        config.sqliteSyncEveryCommit = syncEveryCommit
        do {
            try await configure(app, config)
            let result = try await body(app)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    public static func serve(dataDirectory: String, hostname: String, port: Int, demo: Bool) async throws {
        try await withApp(dataDirectory: dataDirectory, arguments: ["osteon", "serve", "--hostname", hostname, "--port", String(port)]) { app in
            let backend = StoreConfiguration.backend(environment: ProcessInfo.processInfo.environment, dataDirectory: dataDirectory)
            app.logger.notice("Osteon data: \(StoreConfiguration.describe(backend))")
            if demo {
                if try await PatientRecord.query(on: app.db).count() > 0 {
                    print("Data already present: demo data not loaded again. The demo user's password was printed when it was created; "
                        + "to start afresh, stop the server and remove \(dataDirectory).")
                } else {
                    try await loadDemo(app, onlyIfEmpty: true)
                }
            }
            if try await UserRecord.query(on: app.db).filter(\.$role == "administrator").count() == 0 {
                print("""
                    No administrator exists yet. Create the first one with:
                      osteon user add --username admin --name "Your Name" --role administrator --data-dir \(dataDirectory)
                    (the password is read from standard input; there is no default password).
                    """)
            }
            // The summary pass: every patient's summary for the new day (UTC, the assessment's day) at start and after
            // each midnight, so "overdue" in the lists stays true, and any backlog of changed patients too large for a
            // list request to recompute (a bulk import through the API, a first start): checked every few seconds.
            let db = app.db, logger = app.logger
            let dayPass = Task.detached {
                var failures = 0
                while !Task.isCancelled {
                    let today = Day(utc: Date())
                    do {
                        let store = SummaryStore(db: db)
                        let newDay = try await store.needsDayPass(today: today)
                        let waiting = try await store.waiting()
                        if newDay || waiting > 0 {
                            let n = try await store.refresh(today: today, day: newDay)
                            if newDay || n > 50 { logger.notice("patient summaries computed for \(today): \(n) updated") }
                        }
                        failures = 0
                    } catch {
                        // A busy database (a checkpoint, a long write) fails a group: what is done stays done; try again soon.
                        failures += 1
                        // SQLite's own message names the failed constraint or state, never a bound value.
                        let detail = String(reflecting: type(of: error)).contains("SQLite") ? ": \(error)" : ""
                        logger.error("the summary pass was interrupted (\(String(reflecting: type(of: error)))\(detail)); trying again",
                                     metadata: ["attempt": "\(failures)"])
                    }
                    try? await Task.sleep(for: .seconds(failures > 0 ? 2 : 5))
                }
            }
            defer { dayPass.cancel() }
            print("Osteon is serving on http://\(hostname):\(port)/")
            try await app.execute()
        }
    }

    public static func migrate(dataDirectory: String, revert: Bool) async throws -> String {
        try await withApp(dataDirectory: dataDirectory, autoMigrate: false) { app in
            if revert {
                try await app.autoRevert()
                return "reverted every migration"
            }
            try await app.autoMigrate()
            return "database is up to date (\(OsteonMigrations.all.count) migrations)"
        }
    }

    /// Imports case files, FHIR files or folders; returns what happened, per patient.
    public static func importRecords(dataDirectory: String, patients: [(PatientCase, String)], careTeam: String? = nil,
                                     progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> [String] {
        try await importRecords(dataDirectory: dataDirectory, careTeam: careTeam, batches: 1, progress: progress) { _ in patients }
    }

    /// Imports `batches` batches of patients, asking for each in turn (a large export is read a group of
    /// patients at a time). Patients are written a hundred at a time, each hundred with its audit entries in
    /// one transaction (one commit per group, not one per row); `progress` hears (done, total) in thousandths.
    public static func importRecords(dataDirectory: String, careTeam: String? = nil, batches: Int, progress: (@Sendable (Int, Int) -> Void)? = nil,
                                     batch: (Int) throws -> [(PatientCase, String)]) async throws -> [String] {
        try await withApp(dataDirectory: dataDirectory) { app in
            var member: UserRecord?
            if let careTeam {
                member = try await UserStore(db: app.db).find(careTeam)
                guard member?.role == "clinician" || member?.role == "nurse_navigator" else {
                    throw ValidationFailure(fields: ["care-team": "\(careTeam) is not a clinician or nurse navigator"])
                }
            }
            let memberID = member?.id
            var out: [String] = []
            for b in 0..<batches {
                let patients = try batch(b)
                var done = 0
                for start in stride(from: 0, to: patients.count, by: importGroup) {
                    let group = Array(patients[start..<min(start + importGroup, patients.count)])
                    out += try await app.db.transaction { tx in
                        let store = CaseStore(db: tx)
                        var lines: [String] = []
                        var events: [AuditEvent] = []
                        for (c, name) in group {
                            if try await store.patient(externalID: c.patientID) != nil {
                                lines.append("\(c.patientID): already present, skipped")
                                continue
                            }
                            let record = try await store.importCase(c, name: name)
                            let id = try record.requireID()
                            if let memberID { try await AccessStore(db: tx).addToCareTeam(patientID: id, userID: memberID, addedBy: "osteon import") }
                            events.append(cliEvent(patientID: id, action: "import", object: "patients/\(id.uuidString)"))
                            lines.append("\(c.patientID): imported as \(id.uuidString)")
                        }
                        try await AuditLog(db: tx).appendAll(events)
                        return lines
                    }
                    done += group.count
                    progress?(b * 1000 + 1000 * done / max(1, patients.count), batches * 1000)
                }
                progress?((b + 1) * 1000, batches * 1000)
            }
            // The lists' summaries of the imported patients, now rather than on the first list request.
            try await SummaryStore(db: app.db, connections: { app.db }).refresh(today: Day(utc: Date()), workers: SummaryStore.defaultWorkers)
            return out
        }
    }

    /// Patients per import transaction. A failure rolls back its group and stops; a rerun skips the groups already stored.
    static let importGroup = 100

    public struct NewUser: Sendable {
        public var username: String
        public var displayName: String
        public var role: String
        public var specialty: String?
        public var password: String
        /// A patient account's own record (its identifier).
        public var patientExternalID: String?
        public init(username: String, displayName: String, role: String, specialty: String?, password: String, patientExternalID: String? = nil) {
            self.username = username
            self.displayName = displayName
            self.role = role
            self.specialty = specialty
            self.password = password
            self.patientExternalID = patientExternalID
        }
    }

    public static let roles = ["administrator", "clinician", "nurse_navigator", "patient", "quality"]

    public static func addUser(dataDirectory: String, _ user: NewUser) async throws {
        guard roles.contains(user.role) else { throw ValidationFailure(fields: ["role": roles.joined(separator: ", ")]) }
        guard user.password.count >= 12 else { throw ValidationFailure(fields: ["password": "use at least 12 characters"]) }
        try await withApp(dataDirectory: dataDirectory) { app in
            if try await UserRecord.query(on: app.db).filter(\.$username == user.username).first() != nil {
                throw ValidationFailure(fields: ["username": "\(user.username) already exists"])
            }
            var patientID: UUID?
            if user.role == "patient" {
                guard let external = user.patientExternalID else {
                    throw ValidationFailure(fields: ["patient": "a patient account needs --patient with the patient's identifier"])
                }
                guard let record = try await CaseStore(db: app.db).patient(externalID: external) else {
                    throw ValidationFailure(fields: ["patient": "no patient with identifier \(external)"])
                }
                patientID = try record.requireID()
            } else if user.patientExternalID != nil {
                throw ValidationFailure(fields: ["patient": "only patient accounts are linked to a record"])
            }
            if let specialty = user.specialty, BoardSpecialty(account: specialty) == nil {
                throw ValidationFailure(fields: ["specialty": "unknown specialty \(specialty): use one of \(BoardSpecialty.allCases.map(\.rawValue).joined(separator: ", "))"])
            }
            let hash = try await app.password.async.hash(user.password)
            let account = UserRecord(username: user.username, displayName: user.displayName, passwordHash: hash, role: user.role, specialty: user.specialty)
            account.patientID = patientID
            try await account.create(on: app.db)
            try await cliAudit(app, patientID: patientID, action: "create", object: "users/\(user.username)")
        }
    }

    /// A living board for a newcomer: the worked example cases, a synthetic
    /// cohort, a meeting with cases on its agenda, and a demo clinician whose
    /// random password is printed once.
    public static func loadDemo(_ app: Application, onlyIfEmpty: Bool, examples: String? = nil, synthetic: Int = 24,
                                careTeam: [String] = []) async throws {
        let store = CaseStore(db: app.db)
        if onlyIfEmpty, try await PatientRecord.query(on: app.db).count() > 0 { return }
        var names = DemoNames()
        for (_, read) in try demoExamples(examples) where try await store.patient(externalID: read.patientCase.patientID) == nil {
            try await store.importCase(read.patientCase, name: names.next())
        }
        let cohort = SyntheticCohort(patients: synthetic, seed: 2026)
        for n in 0..<cohort.patients {
            var importer = FHIRImporter()
            for (_, json) in cohort.resources(of: n) { importer.add(json) }
            for p in importer.importAll() where try await store.patient(externalID: p.patientCase.patientID) == nil {
                try await store.importCase(p.patientCase, name: names.next())
            }
        }
        let demoUser: UserRecord
        if let existing = try await UserRecord.query(on: app.db).filter(\.$username == "demo").first() {
            demoUser = existing
        } else {
            let password = [UInt8].random(count: 12).base64.replacingOccurrences(of: "/", with: "x").replacingOccurrences(of: "+", with: "y")
            let hash = try await app.password.async.hash(password)
            demoUser = UserRecord(username: "demo", displayName: "Demo Clinician", passwordHash: hash, role: "clinician", specialty: "medical_oncology")
            try await demoUser.create(on: app.db)
            print("Demo data loaded. Sign in as user 'demo' with password: \(password)")
        }
        // Colleagues to record opinions for and own tasks (they sign in only after `osteon user reset-password`).
        var colleagues: [UserRecord] = []
        for (username, name, role, specialty) in [("demo-radiology", "Dr Amara Okafor", "clinician", "radiology"),
                                                  ("demo-orthopaedics", "Dr Lars Berg", "clinician", "orthopaedic_oncology"),
                                                  ("demo-radiotherapy", "Dr Mei Tan", "clinician", "radiation_oncology"),
                                                  ("demo-spine", "Dr Sofia Russo", "clinician", "spine_surgery"),
                                                  ("demo-navigator", "Nurse Jo Evans", "nurse_navigator", "nursing")] {
            if let existing = try await UserRecord.query(on: app.db).filter(\.$username == username).first() { colleagues.append(existing); continue }
            let hash = try await app.password.async.hash([UInt8].random(count: 24).base64)
            let u = UserRecord(username: username, displayName: name, passwordHash: hash, role: role, specialty: specialty)
            try await u.create(on: app.db)
            colleagues.append(u)
        }
        // The demo clinician, the colleagues and any user named with --care-team are on every demo patient's care team.
        let access = AccessStore(db: app.db)
        var team = [demoUser] + colleagues
        for name in careTeam { team.append(try await UserStore(db: app.db).find(name)) }
        for p in try await store.patients(limit: 10_000) {
            for member in team { try await access.addToCareTeam(patientID: p.id!, userID: member.id!, addedBy: "osteon demo") }
        }
        let board = BoardStore(db: app.db)
        // Tomorrow: within a day, so the demo's emergencies may wait for it.
        let meeting = try await board.createMeeting(title: "Bone and sarcoma tumor board", scheduledOn: Day(ordinal: Day(utc: Date()).ordinal + 1).description,
                                                    location: "Room 3, Cancer Centre", createdBy: demoUser.id)
        try await board.updateSettings(meetingID: meeting.requireID(), required: BoardSpecialty.defaultRequired,
                                       contact: "the bone tumour nurse, Jo Evans, on 020 7946 0000 (24 hours)", imagingMaxAgeDays: nil)
        for p in try await store.patients().prefix(3) {
            _ = try await board.addToAgenda(meetingID: meeting.id!, caseID: try await store.caseRecord(patientID: p.id!).id!, question: "Management plan")
        }
        for member in team { try await access.addMeetingMember(meetingID: meeting.id!, userID: member.id!) }
    }

    /// The worked example cases shipped in the package's resources (or `folder`),
    /// read and checked: a missing, unreadable or invalid example is an error
    /// naming the file, never a quieter demo.
    public static func demoExamples(_ folder: String? = nil) throws -> [(file: String, case: CaseReader.Output)] {
        let dir = folder ?? Bundle.module.bundleURL.appendingPathComponent("Resources/Examples").path
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw DemoError(message: "The demo's example cases are missing: cannot read the folder \(dir) (\(error.localizedDescription)). Reinstall or rebuild Osteon.")
        }
        guard !files.isEmpty else { throw DemoError(message: "The demo's example cases are missing: \(dir) has no .json files. Reinstall or rebuild Osteon.") }
        return try files.map { file in
            let path = (dir as NSString).appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: path) else { throw DemoError(message: "\(path): cannot be read.") }
            do {
                return (file, try CaseReader.read(try JSONValue.parse(data)))
            } catch {
                throw DemoError(message: "\(path): not a valid case: \(error)")
            }
        }
    }

    public struct DemoError: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    // MARK: Administration (the `osteon user` and `osteon audit` commands)

    public static func listUsers(dataDirectory: String) async throws -> [String] {
        try await withApp(dataDirectory: dataDirectory) { app in
            try await UserStore(db: app.db).all().map { u in
                let locked = (u.lockedUntil ?? .distantPast) > Date() ? " locked" : ""
                return "\(u.username)\t\(u.role)\(u.specialty.map { "/\($0)" } ?? "")\t\(u.active ? "active" : "disabled")\(locked)\t\(u.displayName)"
            }
        }
    }

    public static func setUserActive(dataDirectory: String, username: String, active: Bool) async throws {
        try await withApp(dataDirectory: dataDirectory) { app in
            try await UserStore(db: app.db).setActive(username, active)
            try await cliAudit(app, action: "update", object: "users/\(username)/\(active ? "enable" : "disable")")
        }
    }

    public static func resetPassword(dataDirectory: String, username: String, password: String) async throws {
        guard password.count >= 12 else { throw ValidationFailure(fields: ["password": "use at least 12 characters"]) }
        try await withApp(dataDirectory: dataDirectory) { app in
            try await UserStore(db: app.db).resetPassword(username, hash: try await app.password.async.hash(password))
            try await cliAudit(app, action: "update", object: "users/\(username)/password")
        }
    }

    /// Lifts a sign-in lock-out without changing the password (audited).
    public static func unlockUser(dataDirectory: String, username: String) async throws {
        try await withApp(dataDirectory: dataDirectory) { app in
            try await UserStore(db: app.db).unlock(username)
            try await cliAudit(app, action: "update", object: "users/\(username)/unlock")
        }
    }

    /// Every stored patient's outcome facts as of `asOf` (`osteon outcomes` on the database), audited as an export.
    public static func outcomeReads(dataDirectory: String, asOf: Day) async throws -> [OutcomeRead] {
        try await withApp(dataDirectory: dataDirectory) { app in
            let store = CaseStore(db: app.db)
            var reads: [OutcomeRead] = []
            for id in try await PatientRecord.query(on: app.db).all(\.$id) {
                let (c, _, _) = try await store.patientCase(patientID: id)
                reads.append(c.outcome(asOf: asOf, patientID: id.uuidString))
            }
            try await cliAudit(app, action: "export", object: "outcomes as of \(asOf)")
            return reads
        }
    }

    public static func verifyAudit(dataDirectory: String) async throws -> AuditLog.Verification {
        try await withApp(dataDirectory: dataDirectory) { app in try await AuditLog(db: app.db).verify() }
    }

    /// Writes the whole audit log as CSV lines through `write`, oldest first.
    public static func exportAudit(dataDirectory: String, _ write: @escaping (String) -> Void) async throws {
        try await withApp(dataDirectory: dataDirectory) { app in
            write(AuditLog.csvHeader)
            try await AuditLog(db: app.db).forEachEntry { write(AuditLog.csvLine($0)) }
            try await cliAudit(app, action: "export", object: "audit_log")
        }
    }

    /// Records a command-line action in the audit log (the CLI has no signed-in user).
    static func cliAudit(_ app: Application, patientID: UUID? = nil, action: String, object: String) async throws {
        try await AuditLog(db: app.db).append(cliEvent(patientID: patientID, action: action, object: object))
    }

    static func cliEvent(patientID: UUID?, action: String, object: String) -> AuditEvent {
        AuditEvent(actor: "osteon-cli", role: "administrator", patientID: patientID, action: action, object: object, requestID: "cli", outcome: "success")
    }

    /// Audits a backup or restore, on the database it concerns.
    public static func auditFileOperation(dataDirectory: String, action: String, object: String) async throws {
        try await withApp(dataDirectory: dataDirectory) { app in try await cliAudit(app, action: action, object: object) }
    }
}

/// Invented names for demo records (never real people).
struct DemoNames {
    var n = 0
    static let first = ["Ada", "Ben", "Carla", "Dev", "Elin", "Femi", "Greta", "Hugo", "Iris", "Jonas", "Kemi", "Luca", "Mira", "Noor", "Otto", "Priya"]
    static let last = ["Lindqvist", "Okafor", "Moreau", "Tanaka", "Fischer", "Haddad", "Novak", "Silva", "Walsh", "Kowalski", "Reyes", "Baker"]
    mutating func next() -> String {
        defer { n += 1 }
        return "\(Self.first[n % Self.first.count]) \(Self.last[(n / Self.first.count + n) % Self.last.count]) (demo)"
    }
}
