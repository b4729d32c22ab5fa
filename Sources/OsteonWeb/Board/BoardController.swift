import Fluent
import Foundation
import OsteonDomain
import OsteonStore
import Vapor

struct MeetingRow: Content {
    let id: UUID
    let title: String
    let date: String
    let location: String
    let cases: Int
}

struct BoardPage: Content {
    let user: UserVM
    let csrf: String
    let meetings: [MeetingRow]
    let errors: [String: String]
    let values: [String: String]
}

struct OpinionVM: Content {
    let specialty: String
    let author: String
    let recordedBy: String?
    let text: String
}

struct AlertLineVM: Content {
    let severity: String
    let label: String
    let title: String
    let action: String
    let resolvedBy: String?
}

struct TaskRowVM: Content {
    let n: Int
    let title: String
    let due: String
    let owners: [Option]
    let titleError: String?
    let ownerError: String?
    let dueError: String?
}

struct AddendumVM: Content {
    let author: String
    let at: String
    let reason: String
    let text: String
}

/// The record as signed: what every later view shows.
struct SignedVM: Content {
    let snapshotID: UUID
    let signedBy: String
    let signedAt: String
    let sha256: String
    let consensus: String
    let plan: [String]
    let tasks: [String]
    let opinions: [OpinionVM]
    let attendance: [String]
    let missingOpinions: [String]
    let missingReason: String?
    let changes: [String]
    let addenda: [AddendumVM]
    // Joined here: a Leaf loop would leave a trailing separator.
    var attendanceText: String? = nil
    var missingText: String? = nil
}

struct AgendaVM: Content {
    let id: UUID
    let position: Int
    let patientID: UUID
    let patientName: String
    let externalID: String
    let question: String
    let state: String
    let urgency: String
    let urgencyLabel: String
    let emergencyNote: String?
    let summary: [String]
    let alerts: [AlertLineVM]
    let readiness: [String]
    let opinions: [OpinionVM]
    let missingRequired: [String]
    let missingText: String?
    let signed: SignedVM?
    let consensus: String?
    let consensusTyped: String?
    let decisionVersion: Int?
    let recordedBy: String?
    let tasks: [TaskVM]
    let taskRows: [TaskRowVM]
    let onBehalfOptions: [Option]
    let rtOptions: [Option]
    let scanOptions: [Option]
    let surgeryOptions: [Option]
    let medicineOptions: [Option]
    let errors: [String: String]
    let values: [String: String]
}

struct MeetingPage: Content {
    let user: UserVM
    let csrf: String
    let id: UUID
    let title: String
    let date: String
    let location: String?
    let contact: String
    let imagingMaxAgeDays: Int
    let items: [AgendaVM]
    let patientOptions: [Option]
    /// The agenda form's patient search.
    let find: String
    let printedOn: String
    let members: [String]
    let attendanceOptions: [Option]
    let requiredOptions: [Option]
    let canAddMembers: Bool
    let canSign: Bool
    let errors: [String: String]
    let values: [String: String]
    let notice: String?
}

struct BoardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.meetings, use: list)
        routes.on(.createMeeting, use: create)
        routes.on(.meeting, use: show)
        routes.on(.meetingSummary, use: summary)
        routes.on(.addToAgenda, use: addCase)
        routes.on(.addOpinion, use: addOpinion)
        routes.on(.decide, use: decide)
        routes.on(.signOff, use: signOff)
        routes.on(.addAddendum, use: addAddendum)
        routes.on(.printItem, use: printItem)
        routes.on(.recordAttendance, use: recordAttendance)
        routes.on(.meetingSettings, use: updateSettings)
        routes.on(.addMember, use: addMember)
    }

    /// Tasks per decision form.
    static let maxTaskRows = 50

    func mid(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.meeting) else { throw Abort(.notFound, reason: "no such meeting") }
        return id
    }

    func list(req: Request) async throws -> View {
        try await render(req, errors: [:], values: [:])
    }

    func render(_ req: Request, errors: [String: String], values: [String: String]) async throws -> View {
        var rows: [MeetingRow] = []
        let mine = try await req.access.meetingIDs(userID: req.user!.id)
        for m in try await req.board.meetings() where mine.contains(m.id!) {
            rows.append(MeetingRow(id: m.id!, title: m.title, date: m.scheduledOn, location: m.location ?? "",
                                   cases: try await AgendaItemRecord.query(on: req.db).filter(\.$meeting.$id == m.id!).count()))
        }
        return try await req.view.render("board", BoardPage(user: userVM(req), csrf: CSRF.token(req), meetings: rows, errors: errors, values: values))
    }

    func create(req: Request) async throws -> Response {
        let f = try req.content.decode([String: String].self)
        var errors: [String: String] = [:]
        let title = (f["title"] ?? "").trimmingCharacters(in: .whitespaces)
        let date = (f["date"] ?? "").trimmingCharacters(in: .whitespaces)
        if title.isEmpty { errors["title"] = "Give the meeting a title." }
        if Day(date) == nil { errors["date"] = "Use the form YYYY-MM-DD." }
        guard errors.isEmpty else {
            return try await render(req, errors: errors, values: f).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let m = try await req.board.createMeeting(title: title, scheduledOn: date, location: f["location"].flatMap { $0.isEmpty ? nil : $0 },
                                                  createdBy: req.user!.id)
        try await req.access.addMeetingMember(meetingID: m.id!, userID: req.user!.id)
        return req.redirect(to: SiteRoute.meeting.link(m.id!))
    }

    /// The meeting with its agenda, most urgent first. `failed` re-renders one form with
    /// what was typed and the message beside each field.
    func page(_ req: Request, id: UUID, failed: (item: UUID?, errors: [String: String], values: [String: String])? = nil,
              notice: String? = nil) async throws -> MeetingPage {
        let m = try await req.board.meeting(id)
        var items: [(rank: Int, vm: AgendaVM)] = []
        let agenda = try await req.board.agenda(meetingID: id)
        req.auditPatients(agenda.map { $0.caseRecord.$patient.id })
        let members = try await req.access.meetingMembers(meetingID: id)
        let maxAge = m.imagingMaxAgeDays ?? BoardStore.defaultImagingMaxAgeDays
        let meetingDay = Day(m.scheduledOn) ?? req.today
        for item in agenda {
            let patient = item.caseRecord.patient
            let (c, read, records) = try await req.cases.patientCase(patientID: patient.id!)
            let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
            let opinions = try await req.board.opinions(itemID: item.id!)
            let decision = try await req.board.decision(itemID: item.id!)
            let tasks = try await req.board.tasks(caseID: item.caseRecord.id!).filter { decision != nil && $0.$decision.id == decision?.id }
            var summary: [String] = []
            let names = Dictionary(Lesion.named(c.lesions ?? []).map { ($0.id, $0.label) }, uniquingKeysWith: { x, _ in x })
            let name: (String) -> String = { names[$0] ?? "lesion \($0)" }
            func plain(_ text: String) -> String { Words.plain(text, lesion: name) }
            summary.append("Primary: \(a.primarySites.isEmpty ? "none recorded" : a.primarySites.map(Words.value).joined(separator: ", ")); bone metastasis: \(a.boneMetastasis.map { $0 ? "yes" : "no" } ?? "unknown").")
            for s in a.scores {
                guard let r = s.report else { continue }
                let total = r.total.map { " \($0)" } ?? ""
                summary.append("\(r.title)\(s.lesionID.map { ", \(name($0))" } ?? ""):\(total) — \(plain(r.recommendation))")
            }
            if let note = a.survivalNote { summary.append(plain(note)) }
            for t in a.treatmentPlan { summary.append("Plan: \(plain(t.text))") }
            // What the recorded facts forbid is part of the summary, so the board sees why an item is absent.
            for p in a.prohibitions { summary.append("Not advised: \(plain(p.what)) — \(plain(p.reason))") }
            let missing = try await req.board.missingRequired(itemID: item.id!).map(BoardSpecialty.groupLabel)
            // Before the meeting: what is not ready.
            var readiness = a.dataNeeded.prefix(5).map { "Data needed: \(plain($0.detail))" }
            for study in records.imaging {
                if let d = study.date.flatMap(Day.init), meetingDay.ordinal - d.ordinal > maxAge {
                    let label = Modality.parse(study.modality).map(Self.modalityLabel) ?? Words.value(study.modality)
                    readiness.append("Imaging older than \(maxAge) day\(maxAge == 1 ? "" : "s") before the meeting: \(label)\(study.region.map { " \($0)" } ?? "") of \(d)")
                }
            }
            readiness += missing.map { "Opinion still needed: \($0)" }
            var signed: SignedVM?
            if let snap = try await req.board.snapshot(itemID: item.id!) { signed = try await Self.signedVM(req, snap, now: CaseStore.caseJSON(records)) }
            let mine = failed.map { $0.item == item.id } ?? false
            let errors = mine ? failed!.errors : [:], values = mine ? failed!.values : [:]
            let people = try await BoardService.colleagues(req, meetingID: id, patientID: patient.id!)
            func owners(_ selected: String?) -> [Option] {
                [Option(value: "", label: "Choose who owns it", selected: selected == nil)] + people.map { Option(value: $0.username, label: $0.displayName, selected: $0.username == selected) }
            }
            var rows: [TaskRowVM] = tasks.enumerated().map { n, t in
                let k = n + 1
                return TaskRowVM(n: k, title: values["task\(k)_title"] ?? t.title, due: values["task\(k)_due"] ?? t.dueOn ?? "",
                                 owners: owners(values["task\(k)_owner"] ?? people.first { $0.id == t.ownerUserID }?.username),
                                 titleError: errors["task\(k)_title"], ownerError: errors["task\(k)_owner"], dueError: errors["task\(k)_due"])
            }
            // As many rows as were sent (decide reads at most maxTaskRows), and three empty ones to add to.
            let sent = min(Self.maxTaskRows, values.keys.compactMap { key -> Int? in
                guard key.hasPrefix("task"), key.hasSuffix("_title") else { return nil }
                return Int(key.dropFirst(4).dropLast(6))
            }.max() ?? 0)
            let blank = max(3, sent - rows.count)
            for k in (rows.count + 1)...(rows.count + blank) {
                rows.append(TaskRowVM(n: k, title: values["task\(k)_title"] ?? "", due: values["task\(k)_due"] ?? "", owners: owners(values["task\(k)_owner"]),
                                      titleError: errors["task\(k)_title"], ownerError: errors["task\(k)_owner"], dueError: errors["task\(k)_due"]))
            }
            let plan = decision?.plan.flatMap { try? JSONValue.parse($0) }
            let rtChosen = values["plan_radiotherapy"] ?? plan?["radiotherapy"]?.stringValue
            var regimens: [String] = []
            for item in a.treatmentPlan {
                if case .radiotherapy(let r)? = item.details { regimens += r.regimens.map(\.label) }
            }
            regimens = (regimens + PalliativeRadiotherapy.conventional.map(\.label)).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            let scansChosen = Set(plan?["scans"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let urgency = a.urgency
            items.append((urgency.rank, AgendaVM(
                id: item.id!, position: item.position, patientID: patient.id!, patientName: patient.name, externalID: patient.externalID,
                question: item.question, state: CaseState(rawValue: item.caseRecord.state)?.label ?? item.caseRecord.state,
                urgency: urgency.rawValue.replacingOccurrences(of: "_", with: "-"), urgencyLabel: urgency.label, emergencyNote: item.emergencyNote,
                summary: summary,
                alerts: a.alerts.map { AlertLineVM(severity: $0.isOpen ? $0.severity.rawValue : "resolved", label: $0.isOpen ? $0.severity.rawValue.capitalized : "Resolved",
                                                   title: plain($0.title), action: plain($0.action), resolvedBy: $0.resolvedBy.map { plain($0.value) }) },
                readiness: signed == nil ? readiness : [],  // a signed item is past preparing
                opinions: opinions.map { OpinionVM(specialty: BoardSpecialty(rawValue: $0.specialty)?.label ?? $0.specialty, author: $0.author, recordedBy: $0.recordedBy, text: $0.text) },
                missingRequired: missing, missingText: missing.isEmpty ? nil : missing.joined(separator: "; "), signed: signed,
                // The recorded consensus is shown as recorded; what was typed (a refused or restored form) only fills the form,
                // with the version the user had seen, so a change by a colleague meanwhile is caught (409).
                consensus: decision?.consensus, consensusTyped: values["consensus"] ?? decision?.consensus,
                decisionVersion: values["decision_version"].flatMap { Int($0) } ?? decision?.version, recordedBy: decision?.recordedBy,
                tasks: tasks.map { TaskVM(id: $0.id!, title: $0.title, owner: $0.owner, due: $0.dueOn, done: $0.status == "done") },
                taskRows: rows,
                onBehalfOptions: [Option(value: "", label: "myself (\(req.user!.displayName))", selected: true)]
                    + members.filter { $0.id != req.user!.id }.map { Option(value: $0.username, label: "\($0.displayName), absent", selected: values["on_behalf_of"] == $0.username) },
                rtOptions: [Option(value: "", label: "Not decided", selected: rtChosen == nil), Option(value: "none", label: "No radiotherapy", selected: rtChosen == "none")]
                    + regimens.map { Option(value: $0, label: $0, selected: $0 == rtChosen) },
                scanOptions: Modality.allCases.map { Option(value: $0.rawValue, label: Self.modalityLabel($0), selected: scansChosen.contains($0.rawValue) || values["scan_\($0.rawValue)"] == "on") },
                surgeryOptions: [Option(value: "", label: "Not decided", selected: plan?["surgery"] == nil), Option(value: "none", label: "No operation", selected: plan?["surgery"] == "none")]
                    + [SurgeryKind.prophylacticFixation, .fractureFixation, .decompression, .separationSurgery, .stabilization, .cementAugmentation, .resection, .amputation]
                        .map { Option(value: $0.rawValue, label: Words.value($0.rawValue), selected: plan?["surgery"]?.stringValue == $0.rawValue) },
                medicineOptions: [Option(value: "", label: "Not decided", selected: plan?["bone_medicine"] == nil), Option(value: "none", label: "No bone medicine", selected: plan?["bone_medicine"] == "none"),
                                  Option(value: "zoledronic_acid", label: "zoledronic acid", selected: plan?["bone_medicine"] == "zoledronic_acid"),
                                  Option(value: "denosumab", label: "denosumab", selected: plan?["bone_medicine"] == "denosumab")],
                errors: errors, values: values)))
        }
        // Emergencies first, then the order the cases were added.
        let ordered = items.sorted { ($0.rank, $0.vm.position) < ($1.rank, $1.vm.position) }.map(\.vm)
        let onAgenda = Set(ordered.map(\.patientID))
        // A search, not every patient: the choices are the most urgent visible patients, or those matching `find`.
        let find = req.query[String.self, at: "find"]?.trimmingCharacters(in: .whitespaces) ?? ""
        let patients = try await req.patientSummaries(SummaryStore.Filter(search: find), after: nil, limit: 40).0
            .filter { !onAgenda.contains($0.patientID) }.prefix(20)
        let attended = Set(try await req.board.attendance(meetingID: id).map(\.id))
        let required = Set(BoardSpecialty.requiredGroups(m).map(BoardSpecialty.groupLabel))
        let groups: [[BoardSpecialty]] = BoardSpecialty.defaultRequired
            + BoardSpecialty.allCases.filter { s in !BoardSpecialty.defaultRequired.contains { $0.contains(s) } }.map { [$0] }
        let meetingErrors = failed.map { $0.item == nil } == true ? failed!.errors : [:]
        let meetingValues = failed.map { $0.item == nil } == true ? failed!.values : [:]
        return MeetingPage(
            user: userVM(req), csrf: CSRF.token(req), id: id, title: m.title, date: m.scheduledOn, location: m.location.flatMap { $0.isEmpty ? nil : $0 },
            contact: m.contact ?? "", imagingMaxAgeDays: maxAge, items: ordered,
            patientOptions: [Option(value: "", label: "Choose a patient", selected: meetingValues["patient_id"] == nil)]
                + patients.map { Option(value: $0.patientID.uuidString, label: "\($0.name) (\($0.externalID))", selected: meetingValues["patient_id"] == $0.patientID.uuidString) },
            find: find,
            printedOn: req.today.description,
            members: members.map(\.displayName),
            attendanceOptions: members.map { Option(value: $0.username, label: $0.displayName, selected: attended.contains($0.id)) },
            requiredOptions: groups.map { g in
                let label = BoardSpecialty.groupLabel(g)
                return Option(value: g.map(\.rawValue).joined(separator: "|"), label: label, selected: required.contains(label))
            },
            canAddMembers: try await req.access.meetingCreator(meetingID: id) == req.user?.id,
            canSign: req.user?.role == Role.clinician,
            errors: meetingErrors, values: meetingValues, notice: notice)
    }

    static func modalityLabel(_ m: Modality) -> String {
        switch m {
        case .xray: "X-ray"
        case .ct: "CT"
        case .mri: "MRI"
        case .boneScan: "bone scan"
        case .petCT: "PET-CT"
        case .psmaPET: "PSMA PET"
        }
    }

    /// The signed record as it was signed, with what changed since.
    static func signedVM(_ req: Request, _ snap: DecisionSnapshotRecord, now facts: JSONValue) async throws -> SignedVM {
        let doc = (try? JSONValue.parse(snap.document)) ?? .object([])
        let plan = doc["plan"]
        var planLines: [String] = []
        if let rt = plan?["radiotherapy"]?.stringValue { planLines.append("Radiotherapy: \(rt == "none" ? "none" : rt)") }
        let scans = (plan?["scans"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Modality.parse) }.map(modalityLabel)
        if !scans.isEmpty { planLines.append("Scans: \(scans.joined(separator: ", "))") }
        if let s = plan?["surgery"]?.stringValue { planLines.append("Operation: \(Words.value(s))") }
        if let b = plan?["bone_medicine"]?.stringValue { planLines.append("Bone medicine: \(Words.value(b))") }
        var vm = SignedVM(
            snapshotID: try snap.requireID(), signedBy: snap.signedByName, signedAt: BoardService.localTime(snap.signedAt), sha256: snap.sha256,
            consensus: doc["consensus"]?.stringValue ?? "", plan: planLines,
            tasks: (doc["tasks"]?.arrayValue ?? []).map { t in
                "\(t["title"]?.stringValue ?? "") — \(t["owner"]?.stringValue ?? "")\(t["due_on"]?.stringValue.map { ", due \($0)" } ?? "")"
            },
            opinions: (doc["opinions"]?.arrayValue ?? []).map { o in
                OpinionVM(specialty: o["specialty"]?.stringValue.flatMap(BoardSpecialty.init(rawValue:))?.label ?? o["specialty"]?.stringValue ?? "",
                          author: o["author"]?.stringValue ?? "", recordedBy: o["recorded_by"]?.stringValue, text: o["text"]?.stringValue ?? "")
            },
            attendance: (doc["attendance"]?.arrayValue ?? []).compactMap(\.stringValue),
            missingOpinions: (doc["missing_opinions"]?.arrayValue ?? []).compactMap(\.stringValue),
            missingReason: doc["missing_opinions_reason"]?.stringValue,
            changes: BoardService.factChanges(signed: doc["facts"] ?? .object([]), now: facts),
            addenda: try await req.board.addenda(snapshotID: snap.requireID()).map {
                AddendumVM(author: $0.authorName, at: BoardService.localTime($0.createdAt), reason: $0.reason, text: $0.text)
            })
        vm.attendanceText = vm.attendance.isEmpty ? nil : vm.attendance.joined(separator: "; ")
        vm.missingText = vm.missingOpinions.isEmpty ? nil : vm.missingOpinions.joined(separator: "; ")
        return vm
    }

    func show(req: Request) async throws -> View {
        let id = try mid(req)
        if let draft = FormDraft.take(req, page: "/board/\(id)") {
            // The item the form was for: /board/:mid/items/:iid/...
            let parts = draft.action.split(separator: "/")
            let item = parts.count > 3 && parts[2] == "items" ? UUID(uuidString: String(parts[3])) : nil
            return try await req.view.render("meeting", try await page(req, id: id, failed: (item, [:], draft.fields), notice: FormDraft.notice))
        }
        return try await req.view.render("meeting", try await page(req, id: id))
    }

    func summary(req: Request) async throws -> View {
        try await req.view.render("summary", try await page(req, id: try mid(req)))
    }

    /// A refused form comes back as the meeting page with what was typed and why (never a bare error page).
    func refused(_ req: Request, meetingID: UUID, item: UUID?, _ failure: ValidationFailure, values: [String: String]) async throws -> Response {
        try await req.view.render("meeting", try await page(req, id: meetingID, failed: (item, failure.fields, values)))
            .encodeResponse(status: .unprocessableEntity, for: req)
    }

    func addCase(req: Request) async throws -> Response {
        let id = try mid(req)
        let f = try req.content.decode([String: String].self)
        guard let patientID = f["patient_id"].flatMap(UUID.init(uuidString:)) else {
            return try await refused(req, meetingID: id, item: nil, ValidationFailure(fields: ["patient_id": "Choose a patient."]), values: f)
        }
        do {
            _ = try await BoardService.addCase(req, meetingID: id, patientID: patientID, question: (f["question"] ?? "").trimmingCharacters(in: .whitespaces),
                                               emergencyNote: f["emergency_note"])
        } catch let e as ValidationFailure {
            return try await refused(req, meetingID: id, item: nil, e, values: f)
        }
        return req.redirect(to: SiteRoute.meeting.link(id))
    }

    func item(_ req: Request, meetingID: UUID) async throws -> AgendaItemRecord {
        guard let iid = req.parameter(.item) else { throw Abort(.notFound, reason: "no such agenda item") }
        let item = try await req.board.item(iid)
        guard item.$meeting.id == meetingID else { throw Abort(.notFound, reason: "no such agenda item") }
        return item
    }

    func addOpinion(req: Request) async throws -> Response {
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = try req.content.decode([String: String].self)
        do {
            try await BoardService.opinion(req, itemID: item.id!, text: f["text"] ?? "", onBehalfOf: f["on_behalf_of"])
        } catch let e as ValidationFailure {
            return try await refused(req, meetingID: id, item: item.id, e, values: f)
        }
        return req.redirect(to: SiteRoute.meeting.link(id) + "#item-\(item.id!)")
    }

    static func plan(_ f: [String: String]) -> JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let rt = f["plan_radiotherapy"], !rt.isEmpty { pairs.append(("radiotherapy", .string(rt))) }
        let scans = Modality.allCases.filter { f["scan_\($0.rawValue)"] == "on" }.map { JSONValue.string($0.rawValue) }
        if !scans.isEmpty { pairs.append(("scans", .array(scans))) }
        if let s = f["plan_surgery"], !s.isEmpty { pairs.append(("surgery", .string(s))) }
        if let b = f["plan_bone_medicine"], !b.isEmpty { pairs.append(("bone_medicine", .string(b))) }
        return .object(pairs)
    }

    func decide(req: Request) async throws -> Response {
        try req.requireClinician()
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = try req.content.decode([String: String].self)
        let count = (f.keys.compactMap { key -> Int? in
            guard key.hasPrefix("task"), key.hasSuffix("_title") else { return nil }
            return Int(key.dropFirst(4).dropLast(6))
        }.max() ?? 0)
        let rows = (0..<min(count, Self.maxTaskRows)).map { n in
            BoardService.TaskRow(title: f["task\(n + 1)_title"] ?? "", owner: f["task\(n + 1)_owner"] ?? "", due: f["task\(n + 1)_due"] ?? "")
        }
        do {
            try await BoardService.decide(req, meetingID: id, item: item, consensus: f["consensus"] ?? "", rows: rows, plan: Self.plan(f),
                                          expectedVersion: f["decision_version"].flatMap { Int($0) })
        } catch let e as ValidationFailure {
            return try await refused(req, meetingID: id, item: item.id, e, values: f)
        }
        return req.redirect(to: SiteRoute.meeting.link(id) + "#item-\(item.id!)")
    }

    func signOff(req: Request) async throws -> Response {
        try req.requireClinician()
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            _ = try await BoardService.signOff(req, item: item, missingReason: f["missing_opinions_reason"])
        } catch let e as ValidationFailure {
            return try await refused(req, meetingID: id, item: item.id, e, values: f)
        }
        return req.redirect(to: SiteRoute.meeting.link(id) + "#item-\(item.id!)")
    }

    /// A correction to a signed decision: who, why, when; the signed record stays as it was.
    func addAddendum(req: Request) async throws -> Response {
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = try req.content.decode([String: String].self)
        guard let snapshot = try await req.board.snapshot(itemID: item.id!) else {
            return try await refused(req, meetingID: id, item: item.id, ValidationFailure(fields: ["addendum_text": "Addenda are for signed decisions; edit the decision instead."]), values: f)
        }
        do {
            _ = try await req.board.addAddendum(snapshotID: snapshot.requireID(), author: BoardService.user(req), reason: f["addendum_reason"] ?? "",
                                                text: f["addendum_text"] ?? "", at: req.now)
        } catch let e as StoreError {
            let field = e.description.contains("reason") ? "addendum_reason" : "addendum_text"
            return try await refused(req, meetingID: id, item: item.id, ValidationFailure(fields: [field: e.description]), values: f)
        }
        return req.redirect(to: SiteRoute.meeting.link(id) + "#item-\(item.id!)")
    }

    func recordAttendance(req: Request) async throws -> Response {
        let id = try mid(req)
        let f = try req.content.decode([String: String].self)
        let members = try await req.access.meetingMembers(meetingID: id)
        let present = members.filter { f["attended_\($0.username)"] == "on" }.compactMap(\.id)
        try await req.board.recordAttendance(meetingID: id, userIDs: present, by: req.user!.displayName)
        return req.redirect(to: SiteRoute.meeting.link(id) + "#attendance")
    }

    /// Meeting settings (its creator): required opinions, the contact for patient guides, imaging age.
    func updateSettings(req: Request) async throws -> Response {
        let id = try mid(req)
        try await req.requireMeetingCreator(id)
        let f = try req.content.decode([String: String].self)
        let groups: [[BoardSpecialty]] = f.keys.filter { $0.hasPrefix("required_") }.sorted().compactMap { key in
            let g = key.dropFirst("required_".count).split(separator: "|").compactMap { BoardSpecialty(rawValue: String($0)) }
            return g.isEmpty ? nil : g
        }
        let age = f["imaging_max_age_days"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        if let raw = f["imaging_max_age_days"], !raw.trimmingCharacters(in: .whitespaces).isEmpty, age.map({ (1...3650).contains($0) }) != true {
            return try await refused(req, meetingID: id, item: nil, ValidationFailure(fields: ["imaging_max_age_days": "Give a number of days between 1 and 3650."]), values: f)
        }
        try await req.board.updateSettings(meetingID: id, required: groups, contact: f["contact"], imagingMaxAgeDays: age)
        return req.redirect(to: SiteRoute.meeting.link(id) + "#settings")
    }

    /// One patient's signed decision, for the chart: name and number on every page.
    func printItem(req: Request) async throws -> View {
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let page = try await page(req, id: id)
        guard let vm = page.items.first(where: { $0.id == item.id }) else { throw Abort(.notFound, reason: "no such agenda item") }
        return try await req.view.render("item-print", ItemPrintPage(meeting: page, item: vm, printedAt: BoardService.localTime(req.now)))
    }

    /// A member adds a colleague to the meeting; members see the patients on its agenda.
    func addMember(req: Request) async throws -> Response {
        let id = try mid(req)
        try await req.requireMeetingCreator(id)
        let user = try await req.colleagueFromForm()
        // A new member sees every patient on the agenda: each is named in the audit entry.
        req.auditPatients(try await req.board.agenda(meetingID: id).map { $0.caseRecord.$patient.id })
        try await req.access.addMeetingMember(meetingID: id, userID: user.id!)
        return req.redirect(to: SiteRoute.meeting.link(id) + "#members")
    }
}

struct ItemPrintPage: Content {
    let meeting: MeetingPage
    let item: AgendaVM
    let printedAt: String
}
