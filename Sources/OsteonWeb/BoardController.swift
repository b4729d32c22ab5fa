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
    let text: String
}

struct AgendaVM: Content {
    let id: UUID
    let position: Int
    let patientID: UUID
    let patientName: String
    let externalID: String
    let question: String
    let state: String
    let summary: [String]
    let alerts: [String]
    let opinions: [OpinionVM]
    let missingSpecialties: [String]
    let consensus: String?
    let decisionVersion: Int?
    let recordedBy: String?
    let signedOffBy: String?
    let signedOffAt: String?
    let tasks: [TaskVM]
}

struct MeetingPage: Content {
    let user: UserVM
    let csrf: String
    let id: UUID
    let title: String
    let date: String
    let location: String
    let items: [AgendaVM]
    let patientOptions: [Option]
    let specialtyOptions: [Option]
    let ownerOptions: [Option]
    let printedOn: String
    let members: [String]
    let canAddMembers: Bool
}

struct BoardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let board = routes.grouped("board")
        board.get(use: list)
        board.post(use: create)
        let meeting = board.grouped(":mid")
        meeting.get(use: show)
        meeting.get("summary", use: summary)
        meeting.post("agenda", use: addCase)
        meeting.post("items", ":iid", "opinions", use: addOpinion)
        meeting.post("items", ":iid", "decision", use: decide)
        meeting.post("items", ":iid", "signoff", use: signOff)
        meeting.post("members", use: addMember)
    }

    func mid(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("mid", as: UUID.self) else { throw Abort(.notFound, reason: "no such meeting") }
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
        return req.redirect(to: "/board/\(m.id!)")
    }

    func page(_ req: Request, id: UUID) async throws -> MeetingPage {
        let m = try await req.board.meeting(id)
        var items: [AgendaVM] = []
        let agenda = try await req.board.agenda(meetingID: id)
        req.auditPatients(agenda.map { $0.caseRecord.$patient.id })
        for item in agenda {
            let patient = item.caseRecord.patient
            let (c, read, _) = try await req.cases.patientCase(patientID: patient.id!)
            let a = Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
            let opinions = try await req.board.opinions(itemID: item.id!)
            let decision = try await req.board.decision(itemID: item.id!)
            let tasks = try await req.board.tasks(caseID: item.caseRecord.id!).filter { decision != nil && $0.$decision.id == decision?.id }
            var summary: [String] = []
            summary.append("Primary: \(a.primarySites.isEmpty ? "none recorded" : a.primarySites.joined(separator: ", ")); bone metastasis: \(a.boneMetastasis.map { $0 ? "yes" : "no" } ?? "unknown").")
            for s in a.scores {
                guard let r = s.report else { continue }
                let total = r.total.map { " \($0)" } ?? ""
                summary.append("\(r.title)\(s.lesionID.map { " [\($0)]" } ?? ""):\(total) — \(r.recommendation)")
            }
            if let note = a.survivalNote { summary.append(note) }
            for t in a.treatmentPlan { summary.append("Plan: \(t.text)") }
            // What the recorded facts forbid is part of the summary, so the board sees why an item is absent.
            for p in a.prohibitions { summary.append("Not advised: \(p.what) — \(p.reason)") }
            let given = Set(opinions.map(\.specialty))
            items.append(AgendaVM(
                id: item.id!, position: item.position, patientID: patient.id!, patientName: patient.name, externalID: patient.externalID,
                question: item.question, state: CaseState(rawValue: item.caseRecord.state)?.label ?? item.caseRecord.state, summary: summary,
                alerts: a.alerts.map { "\($0.severity.rawValue): \($0.title)" },
                opinions: opinions.map { OpinionVM(specialty: BoardSpecialty(rawValue: $0.specialty)?.label ?? $0.specialty, author: $0.author, text: $0.text) },
                missingSpecialties: BoardSpecialty.allCases.filter { !given.contains($0.rawValue) }.map(\.label),
                consensus: decision?.consensus, decisionVersion: decision?.version, recordedBy: decision?.recordedBy, signedOffBy: decision?.signedOffBy,
                signedOffAt: decision?.signedOffAt.map { ISO8601DateFormatter().string(from: $0) },
                tasks: tasks.map { TaskVM(id: $0.id!, title: $0.title, owner: $0.owner, due: $0.dueOn, done: $0.status == "done") }))
        }
        let onAgenda = Set(items.map(\.patientID))
        let visible = try await req.visiblePatientIDs()
        let patients = try await req.cases.patients().filter { !onAgenda.contains($0.id!) && visible.contains($0.id!) }
        return MeetingPage(
            user: userVM(req), csrf: CSRF.token(req), id: id, title: m.title, date: m.scheduledOn, location: m.location ?? "", items: items,
            patientOptions: [Option(value: "", label: "Choose a patient", selected: true)] + patients.map { Option(value: $0.id!.uuidString, label: "\($0.name) (\($0.externalID))", selected: false) },
            specialtyOptions: BoardSpecialty.allCases.map { Option(value: $0.rawValue, label: $0.label, selected: false) },
            ownerOptions: BoardSpecialty.allCases.map { Option(value: $0.label, label: $0.label, selected: false) },
            printedOn: req.today.description,
            members: try await req.access.meetingMembers(meetingID: id).map(\.displayName),
            canAddMembers: try await req.access.meetingCreator(meetingID: id) == req.user?.id)
    }

    func show(req: Request) async throws -> View {
        try await req.view.render("meeting", try await page(req, id: try mid(req)))
    }

    func summary(req: Request) async throws -> View {
        try await req.view.render("summary", try await page(req, id: try mid(req)))
    }

    func addCase(req: Request) async throws -> Response {
        let id = try mid(req)
        let f = try req.content.decode([String: String].self)
        guard let patientID = f["patient_id"].flatMap(UUID.init(uuidString:)) else {
            throw ValidationFailure(fields: ["patient_id": "choose a patient"])
        }
        try await req.requireCareTeam(patientID)
        let caseRecord = try await req.cases.caseRecord(patientID: patientID)
        let question = (f["question"] ?? "").trimmingCharacters(in: .whitespaces)
        _ = try await req.board.addToAgenda(meetingID: id, caseID: caseRecord.id!, question: question.isEmpty ? "Management plan" : question)
        return req.redirect(to: "/board/\(id)")
    }

    func item(_ req: Request, meetingID: UUID) async throws -> AgendaItemRecord {
        guard let iid = req.parameters.get("iid", as: UUID.self) else { throw Abort(.notFound, reason: "no such agenda item") }
        let item = try await req.board.item(iid)
        guard item.$meeting.id == meetingID else { throw Abort(.notFound, reason: "no such agenda item") }
        return item
    }

    func addOpinion(req: Request) async throws -> Response {
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = try req.content.decode([String: String].self)
        guard let specialty = f["specialty"].flatMap(BoardSpecialty.init(rawValue:)) else {
            throw ValidationFailure(fields: ["specialty": "choose a specialty"])
        }
        let author = req.auth.get(SessionUser.self)?.displayName ?? "unknown"
        _ = try await req.board.addOpinion(itemID: item.id!, specialty: specialty, author: author, text: f["text"] ?? "")
        return req.redirect(to: "/board/\(id)#item-\(item.id!)")
    }

    func decide(req: Request) async throws -> Response {
        try req.requireClinician()
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        let f = try req.content.decode([String: String].self)
        var tasks: [BoardStore.NewTask] = []
        for n in 1...3 {
            let title = (f["task\(n)_title"] ?? "").trimmingCharacters(in: .whitespaces)
            guard !title.isEmpty else { continue }
            let due = f["task\(n)_due"].flatMap { $0.isEmpty ? nil : $0 }
            if let due, Day(due) == nil { throw ValidationFailure(fields: ["task\(n)_due": "use YYYY-MM-DD"]) }
            tasks.append(.init(title: title, owner: f["task\(n)_owner"].flatMap { $0.isEmpty ? nil : $0 } ?? "Board chair", dueOn: due))
        }
        let chair = req.auth.get(SessionUser.self)?.displayName ?? "unknown"
        _ = try await req.board.recordDecision(itemID: item.id!, consensus: f["consensus"] ?? "", recordedBy: chair, tasks: tasks,
                                               expectedVersion: f["decision_version"].flatMap { Int($0) })
        return req.redirect(to: "/board/\(id)#item-\(item.id!)")
    }

    func signOff(req: Request) async throws -> Response {
        try req.requireClinician()
        let id = try mid(req)
        let item = try await item(req, meetingID: id)
        _ = try await req.board.signOff(itemID: item.id!, by: req.auth.get(SessionUser.self)?.displayName ?? "unknown")
        return req.redirect(to: "/board/\(id)#item-\(item.id!)")
    }

    /// A member adds a colleague to the meeting; members see the patients on its agenda.
    func addMember(req: Request) async throws -> Response {
        let id = try mid(req)
        try await req.requireMeetingCreator(id)
        let user = try await req.colleagueFromForm()
        try await req.access.addMeetingMember(meetingID: id, userID: user.id!)
        return req.redirect(to: "/board/\(id)#members")
    }
}
