import Fluent
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonStore
import Vapor

/// JSON REST under /api/v1 for the same operations as the pages
/// (openapi.json describes it; a test keeps the two in step).
struct APIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.openAPI, use: openAPI)
        routes.on(.apiSignIn, use: signIn)
        routes.on(.apiSignOut, use: signOut)
        routes.on(.apiScores, use: scoreList)
        routes.on(.apiScore, use: score)
        routes.on(.apiPatients, use: patients)
        routes.on(.apiCreatePatient, use: createPatient)
        routes.on(.apiPatient, use: patient)
        routes.on(.apiUpdatePatient, use: updatePatient)
        routes.on(.apiUpdateCase, use: updateCase)
        routes.on(.apiCase, use: caseDocument)
        routes.on(.apiAssessment, use: assessment)
        routes.on(.apiAssess, use: assessCase)
        routes.on(.apiAddLesion, use: addLesion)
        routes.on(.apiUpdateLesion, use: updateLesion)
        routes.on(.apiDeleteLesion, use: deleteLesion)
        routes.on(.apiAddLab, use: addLab)
        routes.on(.apiBreakGlass, use: breakGlass)
        routes.on(.apiMeetings, use: meetings)
        routes.on(.apiCreateMeeting, use: createMeeting)
        routes.on(.apiMeeting, use: meeting)
        routes.on(.apiAddToAgenda, use: addToAgenda)
        routes.on(.apiAddOpinion, use: addOpinion)
        routes.on(.apiDecide, use: decide)
        routes.on(.apiSignOff, use: signOff)
    }

    /// openapi.json with the case format (case.schema.json, the file `osteon assess` documents) as its
    /// `Case` schema and a case's lesion as `Lesion`: one definition, referred to wherever a case travels.
    static let openAPIDocument: String = {
        let dir = Bundle.module.bundleURL.appendingPathComponent("Resources")
        guard let api = try? JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("openapi.json"))),
              case .object(var caseSchema) = try? JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("case.schema.json")))
        else { fatalError("the OpenAPI document or the case schema is missing from the bundle") }
        // The patient comes from the URL in the API; `osteon assess` files must name it.
        caseSchema.removeAll { ["$schema", "$id", "required"].contains($0.0) }
        var lesion: JSONValue = .object([])
        if let i = caseSchema.firstIndex(where: { $0.0 == "properties" }), case .object(var props) = caseSchema[i].1,
           let j = props.firstIndex(where: { $0.0 == "lesions" }), case .object(var list) = props[j].1,
           let k = list.firstIndex(where: { $0.0 == "items" }) {
            lesion = list[k].1
            list[k].1 = ["$ref": "#/components/schemas/Lesion"]
            props[j].1 = .object(list)
            caseSchema[i].1 = .object(props)
        }
        return api.setting(["components", "schemas", "Case"], to: .object(caseSchema))
            .setting(["components", "schemas", "Lesion"], to: lesion).serialized()
    }()

    func openAPI(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: Self.openAPIDocument))
    }

    // MARK: Session

    func signIn(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard let username = body["username"]?.stringValue, let password = body["password"]?.stringValue else {
            throw ValidationFailure(fields: ["username": "required", "password": "required"])
        }
        req.storage[AuditActorKey.self] = String(username.prefix(64))
        switch try await SignIn.attempt(username: username, password: password, on: req) {
        case .success(let user):
            try await SignIn.start(user, on: req)
            return JSONValue.object([("username", .string(user.username)), ("display_name", .string(user.displayName)), ("role", .string(user.role)),
                                     ("csrf_token", .string(CSRF.token(req)))]).response()
        case .failure(let message):
            throw Abort(.unauthorized, reason: message)
        }
    }

    /// Emergency access to a patient outside the user's care teams: a written reason, flagged in the audit.
    func breakGlass(req: Request) async throws -> Response {
        guard let id = req.parameter(.patient) else { throw Abort(.notFound, reason: "no such patient") }
        let reason = try req.jsonBody()["reason"]?.stringValue ?? ""
        let until = try await PatientController.breakGlass(req, patientID: id, reason: reason)
        return JSONValue.object([("patient_id", .string(id.uuidString)), ("until", .string(ISO8601DateFormatter().string(from: until)))]).response(.created)
    }

    func signOut(req: Request) async throws -> Response {
        req.session.destroy()
        return Response(status: .noContent)
    }

    // MARK: Scores

    func scoreList(req: Request) async throws -> Response {
        JSONValue.array(ScoreCatalog.rules.map { ["id": .string($0.id), "title": .string($0.title)] }).response()
    }

    func score(req: Request) async throws -> Response {
        guard let id = req.rawParameter(.score), let rule = ScoreCatalog.rule(id: id) else { throw Abort(.notFound, reason: "no such score") }
        switch rule.run(try req.jsonBody()) {
        case .success(let report): return report.json.response()
        case .failure(let problem): return ScoreReport.invalidJSON(problem).response(.unprocessableEntity)
        }
    }

    // MARK: Patients

    func pid(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.patient) else { throw Abort(.notFound, reason: "no such patient") }
        return id
    }

    static func summary(_ p: PatientRecord, _ c: CaseRecord, _ a: Assessment?) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("id", .string(p.id!.uuidString)), ("external_id", .string(p.externalID)), ("name", .string(p.name)),
            ("birth_date", JSONValue(p.birthDate)), ("sex", JSONValue(p.sex)), ("version", .int(p.version)),
            ("case_id", .string(c.id!.uuidString)), ("case_version", .int(c.version)), ("state", .string(c.state)),
        ]
        if let a {
            pairs.append(("urgency", .string(a.urgency.rawValue)))
            pairs.append(("alerts", JSONValue(a.alerts.map(\.code.rawValue))))
            pairs.append(("care_gaps", JSONValue(a.careGaps.map(\.code.rawValue))))
        }
        return .object(pairs)
    }

    /// The visible patients from their stored summaries, most urgent first, a page at a time:
    /// `limit` (1–200, default 50) and `cursor` (from the `Link: <…>; rel="next"` header of the previous page).
    func patients(req: Request) async throws -> Response {
        var errors: [String: String] = [:]
        var limit = 50
        if let raw = req.query[String.self, at: "limit"] {
            if let n = Int(raw), (1...SummaryStore.maxPage).contains(n) { limit = n } else { errors["limit"] = "a whole number from 1 to \(SummaryStore.maxPage)" }
        }
        var after: SummaryStore.Cursor?
        if let raw = req.query[String.self, at: "cursor"] {
            if let c = SummaryStore.Cursor(token: raw) { after = c } else { errors["cursor"] = "not a cursor from this list: use the Link header of the previous page" }
        }
        guard errors.isEmpty else { throw ValidationFailure(fields: errors) }
        let q = req.query[String.self, at: "q"]
        let (rows, next, updating) = try await req.patientSummaries(SummaryStore.Filter(search: q), after: after, limit: limit)
        let response = JSONValue.array(rows.map(Self.summary)).response()
        // After a bulk change the background pass is still catching up: say how many patients wait.
        if updating > 0 { response.headers.replaceOrAdd(name: "X-Summaries-Updating", value: String(updating)) }
        if let next {
            var c = URLComponents()
            c.path = "/api/v1/patients"
            c.queryItems = [URLQueryItem(name: "limit", value: String(limit)), URLQueryItem(name: "cursor", value: next.token)]
                + (q.map { [URLQueryItem(name: "q", value: $0)] } ?? [])
            response.headers.replaceOrAdd(name: "Link", value: "<\(c.string ?? "")>; rel=\"next\"")
            response.headers.replaceOrAdd(name: "X-Next-Cursor", value: next.token)
        }
        return response
    }

    /// A list item from the stored summary: the same keys as before pagination.
    static func summary(_ s: PatientSummary) -> JSONValue {
        [
            "id": .string(s.patientID.uuidString), "external_id": .string(s.externalID), "name": .string(s.name), "birth_date": JSONValue(s.birthDate),
            "sex": JSONValue(s.sex), "version": .int(s.version), "case_id": .string(s.caseID.uuidString), "case_version": .int(s.caseVersion),
            "state": .string(s.state), "urgency": .string(s.urgency), "alerts": JSONValue(s.alertCodes), "care_gaps": JSONValue(s.gapCodes),
        ]
    }

    func createPatient(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        var errors: [String: String] = [:]
        let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        let external = body["external_id"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        if name.isEmpty { errors["name"] = "required" }
        if external.isEmpty { errors["external_id"] = "required" }
        let birth = body["birth_date"]?.stringValue
        if let birth, Day(birth) == nil { errors["birth_date"] = "use YYYY-MM-DD" }
        let sex = body["sex"]?.stringValue
        if let sex, Sex(rawValue: sex) == nil { errors["sex"] = "female or male" }
        let document = body["case"] ?? .object([])
        if case .object(let pairs) = document {
            for (k, v) in CaseValidation.problems(pairs.filter { $0.0 != "patient_id" }, prefix: "") { errors["case.\(k)"] = v }
        } else {
            errors["case"] = "expected an object in the case format"
        }
        if !external.isEmpty, PatientIdentifier.normalise(external) == nil { errors["external_id"] = "no control characters, at most 64 characters" }
        // Lesions, labs, medicines, procedures and imaging are stored as rows with the patient; one the tables cannot hold is refused by name.
        for problem in CaseStore.unstorable(document) {
            let parts = problem.split(separator: ":", maxSplits: 1).map(String.init)
            errors[parts[0]] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : problem
        }
        guard errors.isEmpty else { throw ValidationFailure(fields: errors) }
        try await req.checkHospitalNumberFree(external)
        let (p, c) = try await req.cases.createPatient(.init(externalID: external, name: name, birthDate: birth, sex: sex), document: document)
        req.auditPatients([p.id!])
        try await req.access.addToCareTeam(patientID: p.id!, userID: req.user!.id, addedBy: req.user!.username)
        return Self.summary(p, c, nil).response(.created)
    }

    func patient(req: Request) async throws -> Response {
        let (c, read, r) = try await req.cases.patientCase(patientID: try pid(req))
        guard case .object(var pairs) = Self.summary(r.patient, r.caseRecord, Assessor.assess(c, asOf: req.today)) else { throw Abort(.internalServerError) }
        pairs.append(("case", CaseStore.caseJSON(r)))
        pairs.append(("lesions", .array(r.lesions.map { ["id": .string($0.id!.uuidString), "label": .string($0.label), "version": .int($0.version)] })))
        if !read.problems.isEmpty { pairs.append(("warnings", JSONValue(read.problems.map { "\($0.field): \($0.detail)" }))) }
        return JSONValue.object(pairs).response()
    }

    func updatePatient(req: Request) async throws -> Response {
        let id = try pid(req)
        let body = try req.jsonBody()
        guard let version = body["version"]?.intValue else { throw ValidationFailure(fields: ["version": "send the version you edited"]) }
        guard let name = body["name"]?.stringValue, !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationFailure(fields: ["name": "required"]) }
        if let b = body["birth_date"]?.stringValue, Day(b) == nil { throw ValidationFailure(fields: ["birth_date": "use YYYY-MM-DD"]) }
        let p: PatientRecord
        do {
            p = try await req.cases.updatePatient(id, expectedVersion: version, name: name, birthDate: body["birth_date"]?.stringValue, sex: body["sex"]?.stringValue)
        } catch let e as StoreError where e.isConflict {
            let now = try await req.cases.patient(id)
            let fields = { (n: String, b: String?, s: String?) -> JSONValue in ["name": .string(n), "birth_date": JSONValue(b), "sex": JSONValue(s)] }
            throw StaleEdit(e, current: Self.summary(now, try await req.cases.caseRecord(patientID: id), nil),
                            sent: fields(name, body["birth_date"]?.stringValue, body["sex"]?.stringValue), keys: ["name", "birth_date", "sex"])
        }
        return Self.summary(p, try await req.cases.caseRecord(patientID: id), nil).response()
    }

    func updateCase(req: Request) async throws -> Response {
        let id = try pid(req)
        let body = try req.jsonBody()
        guard let version = body["version"]?.intValue else { throw ValidationFailure(fields: ["version": "send the case version you edited"]) }
        guard let document = body["document"], case .object(let pairs) = document else { throw ValidationFailure(fields: ["document": "an object in the case format"]) }
        let problems = CaseValidation.problems(pairs.filter { !["patient_id", "lesions", "labs"].contains($0.0) }, prefix: "")
        guard problems.isEmpty else { throw ValidationFailure(fields: problems) }
        let record = try await req.cases.caseRecord(patientID: id)
        let c: CaseRecord
        do {
            c = try await req.cases.updateDocument(caseID: record.id!, expectedVersion: version, document)
        } catch let e as StoreError where e.isConflict {
            let now = try await req.cases.caseRecord(patientID: id)
            throw StaleEdit(e, current: (try? JSONValue.parse(now.document)) ?? .object([]), sent: document)
        }
        return JSONValue.object([("case_version", .int(c.version))]).response()
    }

    func caseDocument(req: Request) async throws -> Response {
        let (_, _, r) = try await req.cases.patientCase(patientID: try pid(req))
        return JSONValue.object([("case_version", .int(r.caseRecord.version)), ("document", CaseStore.caseJSON(r))]).response()
    }

    /// Assess a case sent in the case format, without storing anything.
    func assessCase(req: Request) async throws -> Response {
        let read: CaseReader.Output
        do { read = try CaseReader.read(try req.jsonBody()) } catch let failure as CaseReader.Failure {
            throw ValidationFailure(fields: ["case": failure.description])
        }
        return Assessor.assess(read.patientCase, asOf: read.patientCase.asOf ?? req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
            .json.response()
    }

    func assessment(req: Request) async throws -> Response {
        let (c, read, _) = try await req.cases.patientCase(patientID: try pid(req))
        return Assessor.assess(c, asOf: req.today, inputProblems: read.problems, unknownKeys: read.unknownKeys).json.response()
    }

    func addLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let body = try req.jsonBody()
        guard case .object = body, body["bone"] != nil || body["level"] != nil else { throw ValidationFailure(fields: ["bone": "give the bone (or a spinal level)"]) }
        let problems = CaseValidation.problems([("lesions", [body])], prefix: "lesions[0].")
        guard problems.isEmpty else { throw ValidationFailure(fields: problems) }
        let record = try await req.cases.addLesion(caseID: try await req.cases.caseRecord(patientID: id).id!, body)
        return JSONValue.object([("id", .string(record.id!.uuidString)), ("label", .string(record.label)), ("version", .int(record.version))]).response(.created)
    }

    func lesion(_ req: Request, _ patientID: UUID) async throws -> LesionRecord {
        guard let lid = req.parameter(.lesion), let record = try await LesionRecord.find(lid, on: req.db),
            record.$caseRecord.id == (try await req.cases.caseRecord(patientID: patientID)).id
        else { throw Abort(.notFound, reason: "no such lesion") }
        return record
    }

    func updateLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let record = try await lesion(req, id)
        let body = try req.jsonBody()
        guard let version = body["version"]?.intValue, let lesion = body["lesion"] else {
            throw ValidationFailure(fields: ["version": "send the version you edited", "lesion": "the lesion in the case format"])
        }
        let problems = CaseValidation.problems([("lesions", [lesion])], prefix: "lesions[0].")
        guard problems.isEmpty else { throw ValidationFailure(fields: problems) }
        let updated: LesionRecord
        do {
            updated = try await req.cases.updateLesion(record.id!, expectedVersion: version, lesion)
        } catch let e as StoreError where e.isConflict {
            let now = try await req.cases.lesions(caseID: record.$caseRecord.id).first { $0.id == record.id }
            throw StaleEdit(e, current: now.flatMap { try? JSONValue.parse($0.data) } ?? .null, sent: lesion)
        }
        return JSONValue.object([("id", .string(updated.id!.uuidString)), ("label", .string(updated.label)), ("version", .int(updated.version))]).response()
    }

    func deleteLesion(req: Request) async throws -> Response {
        let record = try await lesion(req, try pid(req))
        try await req.cases.deleteLesion(record.id!)
        return Response(status: .noContent)
    }

    func addLab(req: Request) async throws -> Response {
        let id = try pid(req)
        let body = try req.jsonBody()
        guard let test = body["test"]?.stringValue.flatMap(LabTest.parse) else { throw ValidationFailure(fields: ["test": LabTest.allowedList]) }
        guard let value = body["value"]?.numberValue else { throw ValidationFailure(fields: ["value": "a number"]) }
        guard let unit = body["unit"]?.stringValue, test.factor(from: unit) != nil else { throw ValidationFailure(fields: ["unit": "a unit for \(test.rawValue), e.g. \(test.canonicalUnit)"]) }
        let date = body["date"]?.stringValue
        if let date, Day(date) == nil { throw ValidationFailure(fields: ["date": "use YYYY-MM-DD"]) }
        let record = try await req.cases.addLab(caseID: try await req.cases.caseRecord(patientID: id).id!, test: test.rawValue, value: value, unit: unit, date: date)
        return JSONValue.object([("id", .string(record.id!.uuidString))]).response(.created)
    }

    // MARK: Board

    func meetings(req: Request) async throws -> Response {
        let mine = try await req.access.meetingIDs(userID: req.user!.id)
        return JSONValue.array(try await req.board.meetings().filter { mine.contains($0.id!) }.map { m in
            ["id": .string(m.id!.uuidString), "title": .string(m.title), "date": .string(m.scheduledOn), "location": JSONValue(m.location)]
        }).response()
    }

    func createMeeting(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        guard let title = body["title"]?.stringValue, !title.isEmpty else { throw ValidationFailure(fields: ["title": "required"]) }
        guard let date = body["date"]?.stringValue, Day(date) != nil else { throw ValidationFailure(fields: ["date": "use YYYY-MM-DD"]) }
        let m = try await req.board.createMeeting(title: title, scheduledOn: date, location: body["location"]?.stringValue, createdBy: req.user!.id)
        try await req.access.addMeetingMember(meetingID: m.id!, userID: req.user!.id)
        return JSONValue.object([("id", .string(m.id!.uuidString)), ("title", .string(m.title)), ("date", .string(m.scheduledOn))]).response(.created)
    }

    func meeting(req: Request) async throws -> Response {
        guard let id = req.parameter(.meeting) else { throw Abort(.notFound) }
        let m = try await req.board.meeting(id)
        var items: [JSONValue] = []
        let agenda = try await req.board.agenda(meetingID: id)
        req.auditPatients(agenda.map { $0.caseRecord.$patient.id })
        for item in agenda {
            let opinions = try await req.board.opinions(itemID: item.id!)
            let decision = try await req.board.decision(itemID: item.id!)
            let tasks = try await req.board.tasks(caseID: item.caseRecord.id!)
            items.append(.object([
                ("id", .string(item.id!.uuidString)), ("patient_id", .string(item.caseRecord.patient.id!.uuidString)),
                ("question", .string(item.question)), ("state", .string(item.caseRecord.state)),
                ("opinions", .array(opinions.map { ["specialty": .string($0.specialty), "author": .string($0.author), "recorded_by": JSONValue($0.recordedBy), "text": .string($0.text)] })),
                ("decision", decision.map { d in
                    .object([("consensus", .string(d.consensus)), ("recorded_by", .string(d.recordedBy)), ("signed_off_by", JSONValue(d.signedOffBy)),
                             ("signed_off", .bool(d.signedOffAt != nil))])
                } ?? .null),
                ("tasks", .array(tasks.filter { decision != nil && $0.$decision.id == decision?.id }.map { t in
                    ["title": .string(t.title), "owner": .string(t.owner), "due_on": JSONValue(t.dueOn), "status": .string(t.status)]
                })),
            ]))
        }
        return JSONValue.object([("id", .string(m.id!.uuidString)), ("title", .string(m.title)), ("date", .string(m.scheduledOn)),
                                 ("location", JSONValue(m.location)), ("agenda", .array(items))]).response()
    }

    func addToAgenda(req: Request) async throws -> Response {
        guard let id = req.parameter(.meeting) else { throw Abort(.notFound) }
        let body = try req.jsonBody()
        guard let patientID = body["patient_id"]?.stringValue.flatMap(UUID.init(uuidString:)) else { throw ValidationFailure(fields: ["patient_id": "a patient id"]) }
        let item = try await BoardService.addCase(req, meetingID: id, patientID: patientID, question: body["question"]?.stringValue ?? "",
                                                  emergencyNote: body["emergency_note"]?.stringValue)
        return JSONValue.object([("id", .string(item.id!.uuidString)), ("position", .int(item.position))]).response(.created)
    }

    func iid(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.item) else { throw Abort(.notFound, reason: "no such agenda item") }
        return id
    }

    /// An opinion is the author's, with the specialty of the author's account.
    func addOpinion(req: Request) async throws -> Response {
        let body = try req.jsonBody()
        let item = try await req.board.item(try iid(req))
        if let asked = body["specialty"]?.stringValue, let me = try await UserRecord.find(req.user!.id, on: req.db),
           asked != BoardSpecialty(of: me)?.rawValue, body["on_behalf_of"] == nil {
            throw ValidationFailure(fields: ["specialty": "an opinion carries the specialty of its author's account (\(me.specialty ?? "none")); leave it out"])
        }
        try await BoardService.opinion(req, itemID: item.requireID(), text: body["text"]?.stringValue ?? "", onBehalfOf: body["on_behalf_of"]?.stringValue)
        let o = try await req.board.opinions(itemID: item.requireID()).last
        return JSONValue.object([("id", .string(o?.id?.uuidString ?? "")), ("specialty", JSONValue(o?.specialty)), ("author", JSONValue(o?.author))]).response(.created)
    }

    func decide(req: Request) async throws -> Response {
        try req.requireClinician()
        let body = try req.jsonBody()
        let item = try await req.board.item(try iid(req))
        var rows: [BoardService.TaskRow] = []
        for t in body["tasks"]?.arrayValue ?? [] {
            guard let title = t["title"]?.stringValue else { throw ValidationFailure(fields: ["tasks": "each task needs a title"]) }
            rows.append(.init(title: title, owner: t["owner"]?.stringValue ?? "", due: t["due_on"]?.stringValue ?? ""))
        }
        try await BoardService.decide(req, meetingID: item.$meeting.id, item: item, consensus: body["consensus"]?.stringValue ?? "", rows: rows,
                                      plan: body["plan"] ?? .object([]), expectedVersion: body["version"]?.intValue)
        let d = try await req.board.decision(itemID: item.requireID())
        return JSONValue.object([("id", .string(d?.id?.uuidString ?? "")), ("version", .int(d?.version ?? 0))]).response(.created)
    }

    func signOff(req: Request) async throws -> Response {
        try req.requireClinician()
        let body = (try? req.jsonBody()) ?? .object([])
        let item = try await req.board.item(try iid(req))
        let s = try await BoardService.signOff(req, item: item, missingReason: body["missing_opinions_reason"]?.stringValue)
        return JSONValue.object([("signed_off_by", .string(s.signedByName)), ("snapshot_id", .string(try s.requireID().uuidString)),
                                 ("sha256", .string(s.sha256))]).response()
    }
}

extension JSONValue {
    /// A copy with the value at `path` (object keys) replaced or added.
    func setting(_ path: [String], to value: JSONValue) -> JSONValue {
        guard let key = path.first else { return value }
        guard case .object(var pairs) = self else { return self }
        if let i = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[i].1 = pairs[i].1.setting(Array(path.dropFirst()), to: value)
        } else {
            pairs.append((key, JSONValue.object([]).setting(Array(path.dropFirst()), to: value)))
        }
        return .object(pairs)
    }
}
