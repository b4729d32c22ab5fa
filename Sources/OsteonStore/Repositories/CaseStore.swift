import FluentKit
import Foundation
import OsteonDomain
import SQLKit

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    /// A stale edit: the record has moved on to `current`.
    case conflict(entity: String, expected: Int, current: Int)
    case invalid(String)

    public var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let entity, let expected, let current):
            "\(entity) was changed by someone else (you edited version \(expected), it is now version \(current)); reload and apply your change again"
        case .invalid(let why): why
        }
    }

    public var isConflict: Bool {
        if case .conflict = self { return true }
        return false
    }
}

/// The board's states of a case, in order.
public enum CaseState: String, CaseIterable, Sendable {
    case referred
    case workUp = "work_up"
    case readyForBoard = "ready_for_board"
    case discussed
    case followUp = "follow_up"

    public var label: String {
        switch self {
        case .referred: "Referred"
        case .workUp: "Work-up"
        case .readyForBoard: "Ready for board"
        case .discussed: "Discussed"
        case .followUp: "Follow-up"
        }
    }
}

/// One state of everything known about a patient: `version` moves with each
/// edit of the patient row, `revision` (kept by the database, M0009) with any
/// change to their case, records, tasks or care team.
public struct PatientRevision: Sendable, Hashable {
    public let version: Int
    public let revision: Int64
    public init(version: Int, revision: Int64) {
        self.version = version
        self.revision = revision
    }
}

/// Patients, their case and its clinical records. Every write checks the
/// version the caller saw (optimistic concurrency).
public struct CaseStore: Sendable {
    public let db: any Database

    public init(db: any Database) { self.db = db }

    // MARK: Patients

    public struct NewPatient: Sendable {
        public var externalID: String
        public var name: String
        public var birthDate: String?
        public var sex: String?
        public init(externalID: String, name: String, birthDate: String?, sex: String?) {
            self.externalID = externalID
            self.name = name
            self.birthDate = birthDate
            self.sex = sex
        }
    }

    /// A patient and their (empty) case, in one transaction.
    public func createPatient(_ p: NewPatient, document: JSONValue = .object([])) async throws -> (PatientRecord, CaseRecord) {
        guard let external = PatientIdentifier.normalise(p.externalID) else {
            throw StoreError.invalid("the hospital number is empty, too long or holds control characters")
        }
        if try await patient(externalID: external) != nil {
            throw StoreError.invalid("a patient with identifier \(external) already exists")
        }
        // Lists kept in their own tables go there (never silently dropped); the document keeps `key: []`.
        var kept: [(String, JSONValue)] = []
        var rows: [(String, [JSONValue])] = []
        if case .object(let pairs) = document {
            for (key, value) in pairs {
                if Self.rowLists.contains(key), let items = value.arrayValue {
                    rows.append((key, items))
                    kept.append((key, .array([])))
                } else {
                    kept.append((key, value))
                }
            }
        }
        let problems = Self.unstorable(rows)
        let (kept0, rows0) = (kept, rows)
        guard problems.isEmpty else { throw StoreError.invalid(problems.joined(separator: "; ")) }
        return try await db.transaction { tx in
            let patient = PatientRecord(externalID: external, name: p.name, birthDate: p.birthDate, sex: p.sex)
            try await patient.create(on: tx)
            let stored: JSONValue
            if case .object = document { stored = .object(kept0) } else { stored = document }
            let record = CaseRecord(patientID: try patient.requireID(), document: stored.serialized())
            try await record.create(on: tx)
            try await CaseStore(db: tx).addRows(caseID: try record.requireID(), rows0)
            return (patient, record)
        }
    }

    /// Row items whose table cannot hold them as sent (a lab without its test, value or unit;
    /// imaging without a modality), named by path.
    public static func unstorable(_ document: JSONValue) -> [String] {
        guard case .object(let pairs) = document else { return [] }
        return unstorable(pairs.filter { rowLists.contains($0.0) }.compactMap { k, v in v.arrayValue.map { (k, $0) } })
    }

    static func unstorable(_ rows: [(String, [JSONValue])]) -> [String] {
        var out: [String] = []
        for (key, items) in rows {
            for (n, item) in items.enumerated() {
                guard case .object = item else { out.append("case.\(key)[\(n)]: expected an object"); continue }
                switch key {
                case "labs":
                    if item["test"]?.stringValue == nil { out.append("case.labs[\(n)].test: required to store a lab") }
                    if item["value"]?.numberValue == nil { out.append("case.labs[\(n)].value: required to store a lab") }
                    if item["unit"]?.stringValue == nil { out.append("case.labs[\(n)].unit: required to store a lab") }
                case "imaging":
                    if item["modality"]?.stringValue == nil { out.append("case.imaging[\(n)].modality: required to store a study") }
                default: break
                }
            }
        }
        return out
    }

    public func patients(search: String? = nil, limit: Int = 500) async throws -> [PatientRecord] {
        var query = PatientRecord.query(on: db).sort(\.$name)
        if let search, !search.trimmingCharacters(in: .whitespaces).isEmpty {
            let term = search.trimmingCharacters(in: .whitespaces)
            // Case-insensitive on both backends (PostgreSQL's LIKE is not).
            let like = (db as? any SQLDatabase)?.dialect.name == "postgresql" ? "ILIKE" : "LIKE"
            query = query.group(.or) { $0.filter(\.$name, .custom(like), "%\(term)%").filter(\.$externalID, .custom(like), "%\(term)%") }
            // LIKE treats % and _ in the term as wildcards: keep only literal matches.
            return try await query.limit(limit).all().filter {
                $0.name.range(of: term, options: .caseInsensitive) != nil || $0.externalID.range(of: term, options: .caseInsensitive) != nil
            }
        }
        return try await query.limit(limit).all()
    }

    public func patient(_ id: UUID) async throws -> PatientRecord {
        guard let p = try await PatientRecord.find(id, on: db) else { throw StoreError.notFound("patient \(id)") }
        return p
    }

    /// The patient with this hospital number, ignoring case and surrounding spaces.
    public func patient(externalID: String) async throws -> PatientRecord? {
        guard let id = PatientIdentifier.normalise(externalID) else { return nil }
        if let exact = try await PatientRecord.query(on: db).filter(\.$externalID == id).first() { return exact }
        guard let sql = db as? any SQLDatabase else { return nil }
        let rows = try await sql.raw("SELECT id FROM patients WHERE lower(external_id) = \(bind: PatientIdentifier.key(id))").all()
        guard let first = rows.first else { return nil }
        return try await PatientRecord.find(try first.decode(column: "id", as: UUID.self), on: db)
    }

    public func caseRecord(patientID: UUID) async throws -> CaseRecord {
        guard let c = try await CaseRecord.query(on: db).filter(\.$patient.$id == patientID).first() else {
            throw StoreError.notFound("case of patient \(patientID)")
        }
        return c
    }

    public func updatePatient(_ id: UUID, expectedVersion: Int, name: String, birthDate: String?, sex: String?) async throws -> PatientRecord {
        _ = try await patient(id)
        try await versionedUpdate(PatientRecord.schema, id: id, expected: expectedVersion, entity: "patient",
                                  [("name", name), ("birth_date", birthDate), ("sex", sex)])
        return try await patient(id)
    }

    /// `UPDATE … SET … WHERE id = ? AND version = ? RETURNING version`: atomic on
    /// SQLite and PostgreSQL, so of two concurrent edits of one version only one wins.
    func versionedUpdate(_ table: String, id: UUID, expected: Int, entity: String, _ values: [(String, any Encodable & Sendable)]) async throws {
        guard let sql = db as? any SQLDatabase else { throw StoreError.invalid("the database does not speak SQL") }
        var update = sql.update(table)
        for (column, value) in values { update = update.set(SQLIdentifier(column), to: value) }
        let rows = try await update
            .set(SQLIdentifier("version"), to: expected + 1)
            .set(SQLIdentifier("updated_at"), to: Date())
            .where(SQLIdentifier("id"), .equal, id)
            .where(SQLIdentifier("version"), .equal, expected)
            .returning(SQLIdentifier("version"))
            .all()
        guard rows.count == 1 else {
            let current = try await sql.select().column("version").from(table).where(SQLIdentifier("id"), .equal, id).first()
            let version = (try? current?.decode(column: "version", as: Int.self)) ?? expected
            throw StoreError.conflict(entity: entity, expected: expected, current: version)
        }
    }

    // MARK: The case

    /// Case facts kept in the case document, replaced with a version check.
    public func updateDocument(caseID: UUID, expectedVersion: Int, _ document: JSONValue) async throws -> CaseRecord {
        guard try await CaseRecord.find(caseID, on: db) != nil else { throw StoreError.notFound("case \(caseID)") }
        try await versionedUpdate(CaseRecord.schema, id: caseID, expected: expectedVersion, entity: "case", [("document", document.serialized())])
        return try await CaseRecord.find(caseID, on: db)!
    }

    /// Moves the case on the board. A person's move names the version they saw
    /// (a stale one is refused); Osteon's own moves (agenda, decision) use the current one.
    public func setState(caseID: UUID, _ state: CaseState, expectedVersion: Int? = nil) async throws {
        for attempt in 0..<3 {
            guard let record = try await CaseRecord.find(caseID, on: db) else { throw StoreError.notFound("case \(caseID)") }
            do {
                try await versionedUpdate(CaseRecord.schema, id: caseID, expected: expectedVersion ?? record.version, entity: "case", [("state", state.rawValue)])
                return
            } catch let e as StoreError where e.isConflict && expectedVersion == nil && attempt < 2 {
                continue  // someone else saved in between: apply ours on top
            }
        }
    }

    // MARK: Lesions and records

    public func lesions(caseID: UUID) async throws -> [LesionRecord] {
        try await LesionRecord.query(on: db).filter(\.$caseRecord.$id == caseID).sort(\.$createdAt).sort(\.$label).all()
    }

    /// Adds a lesion given in the case format; its label becomes the lesion id.
    public func addLesion(caseID: UUID, _ lesion: JSONValue) async throws -> LesionRecord {
        let record = Self.lesionRecord(caseID: caseID, lesion, taken: try await lesions(caseID: caseID).map(\.label))
        try await record.create(on: db)
        return record
    }

    /// A lesion row; a missing or taken label becomes the next free `L<n>`.
    static func lesionRecord(caseID: UUID, _ lesion: JSONValue, taken: [String]) -> LesionRecord {
        var object = lesion
        var label = lesion["id"]?.stringValue ?? ""
        if label.isEmpty || taken.contains(label) {
            var n = taken.count + 1
            while taken.contains("L\(n)") { n += 1 }
            label = "L\(n)"
        }
        if case .object(var pairs) = object {
            pairs.removeAll { $0.0 == "id" }
            pairs.insert(("id", .string(label)), at: 0)
            object = .object(pairs)
        }
        return LesionRecord(caseID: caseID, label: label, bone: lesion["bone"]?.stringValue, level: lesion["level"]?.stringValue,
                            data: object.serialized())
    }

    /// Stores a new case's row lists (already checked by `unstorable`), one INSERT per table rather
    /// than one per row: an import writes tens of rows per patient.
    func addRows(caseID: UUID, _ rows: [(String, [JSONValue])]) async throws {
        var lesions: [LesionRecord] = [], labs: [LabRecord] = [], medications: [MedicationRecord] = []
        var doses: [MedicationDoseRecord] = [], procedures: [ProcedureRecord] = [], imaging: [ImagingRecord] = []
        for (key, items) in rows {
            for item in items {
                switch key {
                case "lesions": lesions.append(Self.lesionRecord(caseID: caseID, item, taken: lesions.map(\.label)))
                case "labs":
                    labs.append(LabRecord(caseID: caseID, test: item["test"]!.stringValue!, value: item["value"]!.numberValue!, unit: item["unit"]!.stringValue!,
                                          date: item["date"]?.stringValue, referenceLow: item["reference_low"]?.numberValue,
                                          referenceHigh: item["reference_high"]?.numberValue, interpretation: item["interpretation"]?.stringValue))
                case "medications":
                    let (record, days) = Self.medicationRecord(caseID: caseID, item)
                    let id = UUID()
                    record.id = id
                    medications.append(record)
                    doses += days.map { MedicationDoseRecord(medicationID: id, caseID: caseID, givenOn: $0) }
                case "radiotherapy", "surgeries":
                    procedures.append(ProcedureRecord(caseID: caseID, kind: key == "radiotherapy" ? "radiotherapy" : "surgery", date: item["date"]?.stringValue,
                                                      data: item.serialized()))
                default:
                    imaging.append(ImagingRecord(caseID: caseID, modality: item["modality"]!.stringValue!, region: item["region"]?.stringValue,
                                                 date: item["date"]?.stringValue, report: nil, readBy: nil))
                }
            }
        }
        // Lesions and medicines are read back in creation order: one statement would give them one
        // timestamp each in no set order. Lesions are few; medicines get increasing timestamps here.
        for lesion in lesions { try await lesion.create(on: db) }
        try await Self.insert(labs, on: db)
        let now = Date(), sql = db as! any SQLDatabase
        for start in stride(from: 0, to: medications.count, by: 200) {
            var q: SQLQueryString = "INSERT INTO \(ident: MedicationRecord.schema) (id, case_id, name, status, data, created_at) VALUES "
            for (i, m) in medications[start..<min(start + 200, medications.count)].enumerated() {
                if i > 0 { q += ", " }
                q += "(\(bind: m.id!), \(bind: caseID), \(bind: m.name), \(bind: m.status), \(bind: m.data), \(bind: now.addingTimeInterval(Double(start + i) / 1000)))"
            }
            try await sql.raw(q).run()
        }
        try await Self.insert(doses, on: db)
        try await Self.insert(procedures, on: db)
        try await Self.insert(imaging, on: db)
    }

    /// Bounded statements: SQLite and PostgreSQL limit the bound values of one statement.
    static func insert<M: Model>(_ records: [M], on db: any Database) async throws {
        for start in stride(from: 0, to: records.count, by: 200) {
            try await Array(records[start..<min(start + 200, records.count)]).create(on: db)
        }
    }

    public func updateLesion(_ id: UUID, expectedVersion: Int, _ lesion: JSONValue) async throws -> LesionRecord {
        guard let record = try await LesionRecord.find(id, on: db) else { throw StoreError.notFound("lesion \(id)") }
        var object = lesion
        if case .object(var pairs) = object {
            pairs.removeAll { $0.0 == "id" }
            pairs.insert(("id", .string(record.label)), at: 0)
            object = .object(pairs)
        }
        try await versionedUpdate(LesionRecord.schema, id: id, expected: expectedVersion, entity: "lesion",
                                  [("data", object.serialized()), ("bone", lesion["bone"]?.stringValue), ("level", lesion["level"]?.stringValue)])
        return try await LesionRecord.find(id, on: db)!
    }

    public func deleteLesion(_ id: UUID) async throws {
        guard let record = try await LesionRecord.find(id, on: db) else { throw StoreError.notFound("lesion \(id)") }
        try await record.delete(on: db)
    }

    public func addLab(caseID: UUID, test: String, value: Double, unit: String, date: String?,
                       referenceLow: Double? = nil, referenceHigh: Double? = nil, interpretation: String? = nil) async throws -> LabRecord {
        let record = LabRecord(caseID: caseID, test: test, value: value, unit: unit, date: date,
                               referenceLow: referenceLow, referenceHigh: referenceHigh, interpretation: interpretation)
        try await record.create(on: db)
        return record
    }

    /// Adds a medicine given in the case format; its `dose_dates` become dose rows (the rows, not the document, keep them).
    public func addMedication(caseID: UUID, _ medication: JSONValue) async throws -> MedicationRecord {
        let (record, days) = Self.medicationRecord(caseID: caseID, medication)
        try await db.transaction { tx in
            try await record.create(on: tx)
            for day in days { try await MedicationDoseRecord(medicationID: try record.requireID(), caseID: caseID, givenOn: day).create(on: tx) }
        }
        return record
    }

    /// A medicine row and its dose days (each day once, oldest first).
    static func medicationRecord(caseID: UUID, _ medication: JSONValue) -> (MedicationRecord, [String]) {
        var data = medication
        let doses = medication["dose_dates"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if case .object(let pairs) = medication { data = .object(pairs.filter { $0.0 != "dose_dates" }) }
        let record = MedicationRecord(caseID: caseID, name: medication["name"]?.stringValue ?? medication["agent"]?.stringValue ?? "medication",
                                      status: medication["status"]?.stringValue, data: data.serialized())
        return (record, Set(doses).sorted())
    }

    /// Records one dose of a course given on `day` (YYYY-MM-DD). A dose already recorded for that day is refused.
    public func addDose(medicationID: UUID, day: String) async throws -> MedicationDoseRecord {
        guard let medication = try await MedicationRecord.find(medicationID, on: db) else { throw StoreError.notFound("medication \(medicationID)") }
        let caseID = medication.$caseRecord.id
        if try await MedicationDoseRecord.query(on: db).filter(\.$medication.$id == medicationID).filter(\.$givenOn == day).first() != nil {
            throw StoreError.invalid("a dose on \(day) is already recorded for this medicine")
        }
        let record = MedicationDoseRecord(medicationID: medicationID, caseID: caseID, givenOn: day)
        do { try await record.create(on: db) } catch let e as any DatabaseError where e.isConstraintFailure {
            throw StoreError.invalid("a dose on \(day) is already recorded for this medicine")
        }
        return record
    }

    public func addProcedure(caseID: UUID, kind: String, _ data: JSONValue) async throws -> ProcedureRecord {
        let record = ProcedureRecord(caseID: caseID, kind: kind, date: data["date"]?.stringValue, data: data.serialized())
        try await record.create(on: db)
        return record
    }

    public func addImaging(caseID: UUID, modality: String, region: String?, date: String?, report: String?, readBy: String?) async throws -> ImagingRecord {
        let record = ImagingRecord(caseID: caseID, modality: modality, region: region, date: date, report: report, readBy: readBy)
        try await record.create(on: db)
        return record
    }

    public struct Records: Sendable {
        public let patient: PatientRecord
        public let caseRecord: CaseRecord
        public let lesions: [LesionRecord]
        public let labs: [LabRecord]
        public let medications: [MedicationRecord]
        /// Every dose of those medicines recorded one by one.
        public let doses: [MedicationDoseRecord]
        public let procedures: [ProcedureRecord]
        public let imaging: [ImagingRecord]
    }

    public func records(patientID: UUID) async throws -> Records {
        let p = try await patient(patientID)
        let c = try await caseRecord(patientID: patientID)
        let id = try c.requireID()
        return Records(
            patient: p, caseRecord: c, lesions: try await lesions(caseID: id),
            labs: try await LabRecord.query(on: db).filter(\.$caseRecord.$id == id).sort(\.$date).all(),
            medications: try await MedicationRecord.query(on: db).filter(\.$caseRecord.$id == id).sort(\.$createdAt).all(),
            doses: try await MedicationDoseRecord.query(on: db).filter(\.$caseID == id).sort(\.$givenOn).all(),
            procedures: try await ProcedureRecord.query(on: db).filter(\.$caseRecord.$id == id).sort(\.$date).all(),
            imaging: try await ImagingRecord.query(on: db).filter(\.$caseRecord.$id == id).sort(\.$date).all())
    }

    /// List keys whose items live in their own tables. The case document keeps
    /// `key: []` to say "known, none beyond the rows"; without it, and without
    /// rows, the list is unknown and the rules report it missing.
    public static let rowLists = ["lesions", "labs", "medications", "radiotherapy", "surgeries", "imaging"]

    /// The case in the native format, assembled from its rows.
    public static func caseJSON(_ r: Records) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("patient_id", .string(r.patient.externalID))]
        let document = (try? JSONValue.parse(r.caseRecord.document)) ?? .object([])
        var patient: [(String, JSONValue)] = []
        if let b = r.patient.birthDate { patient.append(("birth_date", .string(b))) }
        if let s = r.patient.sex { patient.append(("sex", .string(s))) }
        if case .object(let docPairs) = document {
            for (key, value) in docPairs {
                if key == "patient", case .object(let extra) = value {
                    patient += extra.filter { k, _ in !patient.contains { $0.0 == k } }
                } else if key != "patient_id" && !rowLists.contains(key) {
                    pairs.append((key, value))
                }
            }
        }
        pairs.insert(("patient", .object(patient)), at: 1)
        let rows: [String: [JSONValue]] = [
            "lesions": r.lesions.compactMap { try? JSONValue.parse($0.data) },
            "labs": r.labs.map { l in
                var pairs: [(String, JSONValue)] = [("test", .string(l.test)), ("value", .double(l.value)), ("unit", .string(l.unit))]
                if let d = l.date { pairs.append(("date", .string(d))) }
                if let low = l.referenceLow { pairs.append(("reference_low", .double(low))) }
                if let high = l.referenceHigh { pairs.append(("reference_high", .double(high))) }
                if let flag = l.interpretation { pairs.append(("interpretation", .string(flag))) }
                return .object(pairs)
            },
            "medications": r.medications.compactMap { m in
                guard let data = try? JSONValue.parse(m.data) else { return nil }
                let doses = r.doses.filter { $0.$medication.id == m.id }.map { JSONValue.string($0.givenOn) }
                guard !doses.isEmpty, case .object(var pairs) = data else { return data }
                pairs.removeAll { $0.0 == "dose_dates" }
                let at = (pairs.firstIndex { $0.0 == "last_dose_date" }).map { $0 + 1 } ?? pairs.count
                pairs.insert(("dose_dates", .array(doses)), at: at)
                return .object(pairs)
            },
            "radiotherapy": r.procedures.filter { $0.kind == "radiotherapy" }.compactMap { try? JSONValue.parse($0.data) },
            "surgeries": r.procedures.filter { $0.kind == "surgery" }.compactMap { try? JSONValue.parse($0.data) },
            "imaging": r.imaging.map { s in
                .object([("modality", .string(s.modality))] + (s.region.map { [("region", .string($0))] } ?? []) + (s.date.map { [("date", .string($0))] } ?? []))
            },
        ]
        for key in rowLists {
            let items = rows[key] ?? []
            if !items.isEmpty || document[key] != nil { pairs.append((key, .array(items))) }
        }
        return .object(pairs)
    }

    /// The PatientCase the rules read, with where each fact is kept.
    public func patientCase(patientID: UUID) async throws -> (PatientCase, CaseReader.Output, Records) {
        let r = try await records(patientID: patientID)
        let out = try CaseReader.read(CaseStore.caseJSON(r))
        return (out.patientCase, out, r)
    }

    // MARK: Import

    /// Stores a case read from a file or FHIR: patient, document and rows.
    @discardableResult
    public func importCase(_ c: PatientCase, name: String) async throws -> PatientRecord {
        var document: [(String, JSONValue)] = []
        if case .object(let pairs) = CaseWriter.json(c) {
            for (key, value) in pairs where key != "patient_id" && key != "as_of" {
                if key == "labs" || key == "imaging" {
                    // A lab without its test, value or unit, or a study without its modality, has no row to go to.
                    let required = key == "labs" ? ["test", "value", "unit"] : ["modality"]
                    document.append((key, .array((value.arrayValue ?? []).filter { item in required.allSatisfy { item[$0] != nil } })))
                } else if key == "patient", case .object(let p) = value {
                    document.append(("patient", .object(p.filter { ["weight_kg", "weight_kind", "age_years", "age_as_of", "deceased_on"].contains($0.0) })))
                } else {
                    document.append((key, value))
                }
            }
        }
        let (patient, record) = try await createPatient(
            NewPatient(externalID: c.patientID, name: name, birthDate: c.patient.birthDate?.description, sex: c.patient.sex?.rawValue),
            document: .object(document))
        let caseID = try record.requireID()
        if !(c.lesions ?? []).isEmpty { try await setState(caseID: caseID, .workUp) }
        return patient
    }
}
