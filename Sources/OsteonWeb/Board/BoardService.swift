import Fluent
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonStore
import Vapor

/// The tumour board's rules, shared by the pages and the API: emergencies
/// first, opinions by named people with their own specialty, tasks owned by
/// named people with due dates, sign-off that freezes the record.
enum BoardService {
    /// An emergency case on a meeting more than a day away needs a note of how it is handled meanwhile.
    static let emergencyHorizonDays = 1

    static func addCase(_ req: Request, meetingID: UUID, patientID: UUID, question: String, emergencyNote: String?) async throws -> AgendaItemRecord {
        try await req.requireCareTeam(patientID)
        let meeting = try await req.board.meeting(meetingID)
        let (c, read, _) = try await req.cases.patientCase(patientID: patientID)
        let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        let emergencies = a.alerts.filter { $0.isOpen && $0.severity == .emergency }
        let note = emergencyNote?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !emergencies.isEmpty, let day = Day(meeting.scheduledOn), day.ordinal - req.today.ordinal > emergencyHorizonDays, note?.isEmpty ?? true {
            throw ValidationFailure(fields: ["emergency_note": "\(emergencies.map(\.title).joined(separator: "; ")): this cannot wait for a meeting on \(meeting.scheduledOn). \(emergencies[0].action) Put the case on a meeting within a day, or write how it is being handled outside the board."])
        }
        let caseRecord = try await req.cases.caseRecord(patientID: patientID)
        let item = try await req.board.addToAgenda(meetingID: meetingID, caseID: caseRecord.requireID(), question: question.isEmpty ? "Management plan" : question)
        if !emergencies.isEmpty, let note, !note.isEmpty { try await req.board.setEmergencyNote(itemID: item.requireID(), note: note) }
        return item
    }

    static func user(_ req: Request) async throws -> UserRecord {
        guard let id = req.user?.id, let u = try await UserRecord.find(id, on: req.db) else { throw Abort(.unauthorized) }
        return u
    }

    /// The signed-in member's opinion, or one for a named absent colleague (shown as such).
    static func opinion(_ req: Request, itemID: UUID, text: String, onBehalfOf: String?) async throws {
        let me = try await user(req)
        var author = me
        if let name = onBehalfOf?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name != me.username {
            // Only for a colleague of this meeting: an active clinician or nurse navigator who is a member.
            let item = try await req.board.item(itemID)
            let members = try await req.access.meetingMembers(meetingID: item.$meeting.id)
            guard let colleague = members.first(where: { $0.username == name }), colleague.active,
                  colleague.role == Role.clinician || colleague.role == Role.navigator
            else {
                throw ValidationFailure(fields: ["on_behalf_of": "\(name) is not an active clinician or nurse navigator on this meeting: add them as a member first"])
            }
            author = colleague
        }
        do {
            _ = try await req.board.addOpinion(itemID: itemID, author: author, recordedBy: me, text: text)
        } catch let e as StoreError {
            throw ValidationFailure(fields: [e.description.contains("empty") ? "text" : "on_behalf_of": e.description])
        }
    }

    /// The people who may own a task: the meeting's members and the patient's care team.
    static func colleagues(_ req: Request, meetingID: UUID, patientID: UUID) async throws -> [UserRecord] {
        var byID: [UUID: UserRecord] = [:]
        for u in try await req.access.meetingMembers(meetingID: meetingID) + req.access.careTeam(patientID: patientID) { byID[u.id!] = u }
        return byID.values.sorted { $0.displayName < $1.displayName }
    }

    struct TaskRow { var title: String; var owner: String; var due: String }

    /// The consensus, the structured plan and any number of tasks, each with a named owner and a due date.
    static func decide(_ req: Request, meetingID: UUID, item: AgendaItemRecord, consensus: String, rows: [TaskRow], plan: JSONValue,
                       expectedVersion: Int?) async throws {
        try req.requireClinician()
        var errors: [String: String] = [:]
        if consensus.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { errors["consensus"] = "Write the board's consensus recommendation." }
        let people = try await colleagues(req, meetingID: meetingID, patientID: item.caseRecord.$patient.id)
        var tasks: [BoardStore.NewTask] = []
        for (n, row) in rows.enumerated() {
            let title = row.title.trimmingCharacters(in: .whitespaces)
            guard !title.isEmpty else { continue }
            guard let owner = people.first(where: { $0.username == row.owner }) else {
                errors["task\(n + 1)_owner"] = "Choose who owns this task."
                continue
            }
            guard let due = TypedDate.parse(row.due, today: req.today) else {
                errors["task\(n + 1)_due"] = row.due.trimmingCharacters(in: .whitespaces).isEmpty
                    ? "Give a due date, e.g. \(TypedDate.example)." : "'\(row.due)' is not a date: use e.g. \(TypedDate.example)."
                continue
            }
            tasks.append(.init(title: title, owner: owner.displayName, ownerUserID: owner.id, dueOn: due.description))
        }
        if let rt = plan["radiotherapy"]?.stringValue, rt != "none", BoardDecision.Radiotherapy(label: rt) == nil {
            errors["plan_radiotherapy"] = "Give the course as total dose and fractions, e.g. 20 Gy in 5 fractions."
        }
        if let surgery = plan["surgery"], surgery != "none", surgery.stringValue.flatMap(SurgeryKind.parse) == nil {
            errors["plan_surgery"] = "Choose the operation from the list, or none."
        }
        if let medicine = plan["bone_medicine"], medicine != "none", ![Agent.zoledronicAcid, .denosumab].contains(where: { $0.rawValue == medicine.stringValue }) {
            errors["plan_bone_medicine"] = "Choose zoledronic acid, denosumab or none."
        }
        if let scans = plan["scans"], scans.arrayValue?.allSatisfy({ $0.stringValue.flatMap(Modality.parse) != nil }) != true {
            errors["plan_scans"] = "Scans are a list of: \(Modality.allCases.map(\.rawValue).joined(separator: ", "))."
        }
        guard errors.isEmpty else { throw ValidationFailure(fields: errors) }
        do {
            _ = try await req.board.recordDecision(itemID: item.requireID(), consensus: consensus, recordedBy: req.user!.displayName, tasks: tasks,
                                                   expectedVersion: expectedVersion, plan: plan)
        } catch let e as StoreError where !e.isConflict {
            throw ValidationFailure(fields: ["consensus": e.description])
        }
    }

    /// Signs off and freezes the record; the SHA-256 of the snapshot goes into the audit log.
    static func signOff(_ req: Request, item: AgendaItemRecord, missingReason: String?) async throws -> DecisionSnapshotRecord {
        try req.requireClinician()
        let itemID = try item.requireID()
        // Everything below is read at this version; any change since refuses the sign-off (BoardStore.signOff).
        guard let version = try await req.board.decision(itemID: itemID)?.version else {
            throw ValidationFailure(fields: ["signoff": "record the consensus first"])
        }
        let missing = try await req.board.missingRequired(itemID: itemID)
        let reason = missingReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !missing.isEmpty && (reason?.isEmpty ?? true) {
            throw ValidationFailure(fields: ["missing_opinions_reason": "Still missing: \(missing.map(BoardSpecialty.groupLabel).joined(separator: "; ")). Give the reason to sign off without them."])
        }
        let me = try await user(req)
        let now = req.now
        let document = try await snapshotDocument(req, item: item, signer: me, at: now, missing: missing, missingReason: reason)
        let snapshot: DecisionSnapshotRecord
        do {
            snapshot = try await req.board.signOff(itemID: itemID, by: me, at: now, snapshot: document, decisionVersion: version,
                                                   missingOpinionsReason: missing.isEmpty ? nil : reason)
        } catch let e as StoreError {
            throw ValidationFailure(fields: ["signoff": e.description])
        }
        try await AuditLog(db: req.db, committer: req.application.auditCommitter).append(AuditEvent(
            actor: me.username, role: me.role, patientID: snapshot.patientID, action: "sign_off",
            object: BoardStore.auditObject(snapshotID: try snapshot.requireID().uuidString, sha256: snapshot.sha256),
            requestID: req.requestID, outcome: "success"))
        return snapshot
    }

    /// Everything the board signed, as it is at this moment.
    static func snapshotDocument(_ req: Request, item: AgendaItemRecord, signer: UserRecord, at date: Date, missing: [[BoardSpecialty]],
                                 missingReason: String?) async throws -> JSONValue {
        let patientID = item.caseRecord.$patient.id
        let (c, read, records) = try await req.cases.patientCase(patientID: patientID)
        let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        let itemID = try item.requireID()
        guard let decision = try await req.board.decision(itemID: itemID) else { throw ValidationFailure(fields: ["signoff": "record the consensus first"]) }
        let opinions = try await req.board.opinions(itemID: itemID)
        let tasks = try await req.board.tasks(caseID: item.$caseRecord.id).filter { $0.$decision.id == decision.id }
        let attendance = try await req.board.attendance(meetingID: item.$meeting.id)
        let team = try await req.access.careTeam(patientID: patientID)
        let meeting = try await req.board.meeting(item.$meeting.id)
        return .object([
            ("snapshot_version", 1),
            ("meeting", ["id": .string(meeting.id!.uuidString), "title": .string(meeting.title), "date": .string(meeting.scheduledOn),
                         "contact": JSONValue(meeting.contact)]),
            ("item", ["id": .string(itemID.uuidString), "question": .string(item.question), "emergency_note": JSONValue(item.emergencyNote)]),
            ("patient", ["id": .string(patientID.uuidString), "external_id": .string(records.patient.externalID), "name": .string(records.patient.name),
                         "birth_date": JSONValue(records.patient.birthDate), "sex": JSONValue(records.patient.sex)]),
            ("as_of", .string(req.today.description)),
            ("facts", CaseStore.caseJSON(records)),
            ("assessment", a.json),
            ("opinions", .array(opinions.map { o in
                ["specialty": .string(o.specialty), "author": .string(o.author), "recorded_by": JSONValue(o.recordedBy), "text": .string(o.text)]
            })),
            ("consensus", .string(decision.consensus)),
            ("decision_version", .int(decision.version)),
            ("recorded_by", .string(decision.recordedBy)),
            ("plan", decision.plan.flatMap { try? JSONValue.parse($0) } ?? .null),
            ("tasks", .array(tasks.map { ["title": .string($0.title), "owner": .string($0.owner), "due_on": JSONValue($0.dueOn)] })),
            ("attendance", JSONValue(attendance.map(\.displayName))),
            ("care_team", JSONValue(team.map(\.displayName))),
            ("missing_opinions", JSONValue(missing.map(BoardSpecialty.groupLabel))),
            ("missing_opinions_reason", JSONValue(missingReason)),
            ("signed_by", .string(signer.username)),
            ("signed_by_name", .string(signer.displayName)),
            ("signed_at", .string(ISO8601DateFormatter.withMilliseconds.string(from: date))),
        ])
    }

    /// The signed decision in the guide's terms.
    /// The patient guide: from the latest signed decision when there is one, with
    /// today's facts deciding what is not advised (a fact recorded after sign-off still forbids).
    static func handout(_ req: Request, patientID: UUID) async throws -> (Handout, Assessment) {
        let (c, read, _) = try await req.cases.patientCase(patientID: patientID)
        let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        let decision = try await req.board.latestSnapshot(patientID: patientID).flatMap(boardDecision)
        return (HandoutWriter.write(a, for: c, decision: decision), a)
    }

    static func boardDecision(_ s: DecisionSnapshotRecord) -> BoardDecision? {
        guard let doc = try? JSONValue.parse(s.document) else { return nil }
        let signedOn = Day(utc: s.signedAt)
        var d = BoardDecision(signedOn: signedOn, signedBy: s.signedByName, consensus: doc["consensus"]?.stringValue ?? "")
        let plan = doc["plan"]
        if let rt = plan?["radiotherapy"]?.stringValue {
            d.radiotherapyDecided = true
            d.radiotherapy = rt == "none" ? nil : BoardDecision.Radiotherapy(label: rt)
        }
        d.scans = (plan?["scans"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Modality.parse) }
        if let surgery = plan?["surgery"]?.stringValue {
            d.surgeryDecided = true
            d.surgery = surgery == "none" ? nil : SurgeryKind.parse(surgery)
        }
        if let medicine = plan?["bone_medicine"]?.stringValue {
            d.boneMedicineDecided = true
            d.boneMedicine = medicine == "none" ? nil : Agent.parse(medicine)
        }
        d.team = (doc["care_team"]?.arrayValue ?? []).compactMap(\.stringValue)
        d.contact = doc["meeting"]?["contact"]?.stringValue
        d.dates = (doc["tasks"]?.arrayValue ?? []).compactMap { t in
            guard let day = t["due_on"]?.stringValue.flatMap(Day.init), let title = t["title"]?.stringValue else { return nil }
            return (day, title)
        }.sorted { $0.0 < $1.0 }
        return d
    }

    /// What changed in the record since sign-off, in a line each ("labs: creatinine 1.6 mg/dL on 2026-11-30 added").
    static func factChanges(signed: JSONValue, now: JSONValue) -> [String] {
        var out: [String] = []
        func summary(_ list: String, _ v: JSONValue) -> String {
            switch list {
            case "labs":
                return [v["test"]?.stringValue, v["value"].map { format($0.numberValue ?? 0) }, v["unit"]?.stringValue, v["date"]?.stringValue.map { "on \($0)" }]
                    .compactMap { $0 }.joined(separator: " ")
            case "medications":
                return [v["name"]?.stringValue ?? v["agent"]?.stringValue, v["status"]?.stringValue.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            case "imaging":
                return [v["modality"]?.stringValue, v["region"]?.stringValue, v["date"]?.stringValue.map { "on \($0)" }].compactMap { $0 }.joined(separator: " ")
            case "lesions":
                return [v["id"]?.stringValue, v["bone"]?.stringValue, v["level"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            default:
                return [v["kind"]?.stringValue, v["site"]?.stringValue, v["date"]?.stringValue.map { "on \($0)" }].compactMap { $0 }.joined(separator: " ")
            }
        }
        for list in CaseStore.rowLists {
            let before = (signed[list]?.arrayValue ?? []).map { $0.serialized() }, after = (now[list]?.arrayValue ?? []).map { $0.serialized() }
            for v in now[list]?.arrayValue ?? [] where !before.contains(v.serialized()) {
                out.append("\(list.replacingOccurrences(of: "_", with: " ")): \(summary(list, v)) added or changed")
            }
            for v in signed[list]?.arrayValue ?? [] where !after.contains(v.serialized()) {
                out.append("\(list.replacingOccurrences(of: "_", with: " ")): \(summary(list, v)) removed or changed")
            }
        }
        if case .object(let pairs) = now {
            for (key, value) in pairs where !CaseStore.rowLists.contains(key) && signed[key] != value {
                out.append("\(key.replacingOccurrences(of: "_", with: " ")) changed")
            }
        }
        if case .object(let pairs) = signed {
            for (key, _) in pairs where !CaseStore.rowLists.contains(key) && now[key] == nil { out.append("\(key.replacingOccurrences(of: "_", with: " ")) removed") }
        }
        return out
    }

    /// The server's local time with its zone named, for printed records.
    static func localTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_GB")
        f.timeZone = TimeZone.current
        f.dateFormat = "d MMMM yyyy, HH:mm"
        return "\(f.string(from: date)) \(TimeZone.current.abbreviation(for: date) ?? TimeZone.current.identifier) (\(TimeZone.current.identifier))"
    }
}
