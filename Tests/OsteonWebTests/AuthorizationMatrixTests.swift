import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// Every route × every role × own/other patient, against a policy written
/// here independently of the code. A new route without a row fails the test.
@Suite struct AuthorizationMatrixTests {
    enum Who: String, CaseIterable { case anonymous, administrator, clinician, navigator, patient, quality }
    enum Target: String, CaseIterable { case own, other }

    /// The policy, by kind of route.
    enum Kind {
        case open             // anyone (sign-in page, health, stylesheet, API description)
        case signedIn         // any signed-in account
        case staff            // clinicians and nurse navigators, no particular patient
        case patientScoped    // staff, and only for patients in their care teams or boards
        case breakGlass       // staff, for any patient (with a reason)
        case meetingScoped    // staff who are members of the meeting
        case meetingCreator   // the member who created the meeting (adds members)
        case clinicianOnly    // a clinician member of the meeting (decision, sign-off)
        case patientPortal    // the patient's own account
        case administrator    // the administrator
        case aggregate        // quality staff, clinicians and nurse navigators: figures over the whole site, no patient
    }

    static let policy: [String: Kind] = [
        "GET /": .open, "GET /health": .open, "GET /osteon.css": .open, "GET /login": .open, "POST /login": .open, "POST /logout": .open,
        "GET /api/v1/openapi.json": .open, "POST /api/v1/session": .open,
        "GET /me": .patientPortal, "GET /me/print": .patientPortal,
        "GET /admin/audit": .administrator, "GET /admin/audit.csv": .administrator,
        "DELETE /api/v1/session": .staff,
        "GET /quality": .aggregate, "GET /quality/measures.csv": .aggregate, "GET /quality/measure-report.json": .aggregate,
        "GET /quality/measures/:measure": .staff,
        "GET /patients": .staff, "GET /patients/new": .staff, "POST /patients": .staff, "GET /board": .staff, "POST /board": .staff, "GET /tasks": .staff,
        "GET /api/v1/scores": .staff, "POST /api/v1/scores/:score": .staff, "GET /api/v1/patients": .staff, "POST /api/v1/patients": .staff,
        "POST /api/v1/assessments": .staff, "GET /api/v1/meetings": .staff, "POST /api/v1/meetings": .staff, "POST /fhir": .staff,
        "GET /patients/:pid": .patientScoped, "GET /patients/:pid/edit": .patientScoped, "POST /patients/:pid/edit": .patientScoped,
        "POST /patients/:pid/state": .patientScoped, "GET /patients/:pid/lesions/new": .patientScoped, "POST /patients/:pid/lesions": .patientScoped,
        "GET /patients/:pid/lesions/:lid/edit": .patientScoped, "POST /patients/:pid/lesions/:lid/edit": .patientScoped,
        "GET /patients/:pid/lesions/:lid/delete": .patientScoped, "POST /patients/:pid/lesions/:lid/delete": .patientScoped, "POST /patients/:pid/labs": .patientScoped,
        "POST /patients/:pid/medications": .patientScoped, "POST /patients/:pid/doses": .patientScoped, "POST /patients/:pid/imaging": .patientScoped,
        "POST /patients/:pid/procedures": .patientScoped, "POST /patients/:pid/tasks/:tid/done": .patientScoped,
        "GET /patients/:pid/handout": .patientScoped, "POST /patients/:pid/care-team": .patientScoped,
        "GET /api/v1/patients/:pid": .patientScoped, "PUT /api/v1/patients/:pid": .patientScoped, "PUT /api/v1/patients/:pid/case": .patientScoped,
        "GET /api/v1/patients/:pid/case": .patientScoped, "GET /api/v1/patients/:pid/assessment": .patientScoped,
        "POST /api/v1/patients/:pid/lesions": .patientScoped, "PUT /api/v1/patients/:pid/lesions/:lid": .patientScoped,
        "DELETE /api/v1/patients/:pid/lesions/:lid": .patientScoped, "POST /api/v1/patients/:pid/labs": .patientScoped,
        "GET /fhir/Patient/:pid/$assess": .patientScoped,
        "POST /patients/:pid/break-glass": .breakGlass, "POST /api/v1/patients/:pid/break-glass": .breakGlass,
        "GET /board/:mid": .meetingScoped, "GET /board/:mid/summary": .meetingScoped, "POST /board/:mid/agenda": .meetingScoped,
        "POST /board/:mid/items/:iid/opinions": .meetingScoped, "POST /board/:mid/members": .meetingCreator,
        "POST /board/:mid/items/:iid/addenda": .meetingScoped, "GET /board/:mid/items/:iid/print": .meetingScoped,
        "POST /board/:mid/attendance": .meetingScoped, "POST /board/:mid/settings": .meetingCreator,
        "GET /api/v1/meetings/:mid": .meetingScoped, "POST /api/v1/meetings/:mid/agenda": .meetingScoped,
        "POST /api/v1/agenda/:iid/opinions": .meetingScoped,
        "POST /board/:mid/items/:iid/decision": .clinicianOnly, "POST /board/:mid/items/:iid/signoff": .clinicianOnly,
        "POST /api/v1/agenda/:iid/decision": .clinicianOnly, "POST /api/v1/agenda/:iid/signoff": .clinicianOnly,
    ]

    static func expectAllowed(_ kind: Kind, _ who: Who, _ target: Target) -> Bool {
        let staff = who == .clinician || who == .navigator
        switch kind {
        case .open: return true
        case .signedIn: return who != .anonymous
        case .staff, .breakGlass: return staff
        case .patientScoped, .meetingScoped: return staff && target == .own
        case .clinicianOnly: return who == .clinician && target == .own
        case .meetingCreator: return who == .clinician && target == .own
        case .patientPortal: return who == .patient
        case .administrator: return who == .administrator
        case .aggregate: return staff || who == .quality
        }
    }

    struct Fixture {
        var ids: [Target: [String: String]] = [:]
    }

    /// Two patients, each with a lesion, a meeting with the patient on its agenda, a decision and a task.
    /// The clinician and navigator are on the own patient's care team and meeting; "otherdoc" has the other.
    static func setUp(_ app: Application) async throws -> Fixture {
        let db = app.db
        let hash = try Bcrypt.hash(testPassword, cost: 4)
        try await UserRecord(username: "nav", displayName: "Nurse N", passwordHash: hash, role: "nurse_navigator").create(on: db)
        try await UserRecord(username: "admin", displayName: "Admin A", passwordHash: hash, role: "administrator").create(on: db)
        try await UserRecord(username: "qa", displayName: "Quinn Q", passwordHash: hash, role: "quality").create(on: db)
        try await UserRecord(username: "otherdoc", displayName: "Dr Other", passwordHash: hash, role: "clinician", specialty: "radiology").create(on: db)
        let store = CaseStore(db: db), board = BoardStore(db: db), access = AccessStore(db: db), users = UserStore(db: db)
        var fixture = Fixture()
        for (target, file, members) in [(Target.own, "breast-femur-spine", ["clin", "nav"]), (.other, "prostate-cord-compression", ["otherdoc"])] {
            let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/\(file).json"))))
            var c = read.patientCase
            c.patientID = "MATRIX-\(target.rawValue)"
            let p = try await store.importCase(c, name: "Matrix \(target.rawValue)")
            let pid = try p.requireID()
            let caseID = try await store.caseRecord(patientID: pid).requireID()
            let lesion = try #require(try await store.lesions(caseID: caseID).first)
            let meeting = try await board.createMeeting(title: "Board \(target.rawValue)", scheduledOn: "2026-12-01", location: nil,
                                                        createdBy: try await users.find(members[0]).requireID())
            let item = try await board.addToAgenda(meetingID: meeting.requireID(), caseID: caseID, question: "Plan")
            _ = try await board.recordDecision(itemID: item.requireID(), consensus: "Plan agreed", recordedBy: "Chair",
                                               tasks: [.init(title: "Task", owner: "Nursing", dueOn: "2026-12-10")])
            let task = try #require(try await board.tasks(caseID: caseID).first)
            for name in members {
                let uid = try await users.find(name).requireID()
                try await access.addToCareTeam(patientID: pid, userID: uid, addedBy: "test")
                try await access.addMeetingMember(meetingID: meeting.requireID(), userID: uid)
            }
            fixture.ids[target] = [":pid": pid.uuidString, ":lid": try lesion.requireID().uuidString, ":mid": try meeting.requireID().uuidString,
                                   ":iid": try item.requireID().uuidString, ":tid": try task.requireID().uuidString, ":score": "mirels",
                                   ":measure": "bma_within_90_days"]
        }
        let patient = UserRecord(username: "pat", displayName: "Pat", passwordHash: hash, role: "patient")
        patient.patientID = UUID(uuidString: fixture.ids[.own]![":pid"]!)
        try await patient.create(on: db)
        return fixture
    }

    static let usernames: [Who: String] = [.administrator: "admin", .clinician: "clin", .navigator: "nav", .patient: "pat", .quality: "qa"]

    /// A fresh session for each request (a request may end its session), with its CSRF token.
    static func session(_ app: Application, _ who: Who) async throws -> Browser {
        let b = Browser(app)
        try await b.get("/login")
        if let name = usernames[who] {
            let res = try await b.json(.POST, "/api/v1/session", ["username": .string(name), "password": .string(testPassword)])
            #expect(res.status == .ok, "sign-in of \(name)")
            b.csrf = res.json?["csrf_token"]?.stringValue ?? ""
        }
        return b
    }

    /// Denied: 401/403, a redirect to sign in, or a GET page that sends the person somewhere else (sign-in, their own home).
    static func denied(_ res: TestingHTTPResponse, method: HTTPMethod, path: String) -> Bool {
        if res.status == .unauthorized || res.status == .forbidden { return true }
        if (300..<400).contains(res.status.code), let to = res.location {
            if to.hasPrefix("/login") { return true }
            return method == .GET && ["/me", "/patients", "/admin/audit", "/quality"].contains(to) && to != path
        }
        return false
    }

    @Test("authorization matrix: every route, every role, own and other patient")
    func matrix() async throws {
        try await withOsteon { app in
            let fixture = try await Self.setUp(app)
            var seen = Set<String>()
            var checked = 0
            for route in app.routes.all {
                let pattern = "/" + route.path.map(\.description).joined(separator: "/")
                let key = "\(route.method.rawValue) \(pattern)"
                seen.insert(key)
                guard let kind = Self.policy[key] else {
                    Issue.record("route \(key) has no row in the authorization policy: add one")
                    continue
                }
                for who in Who.allCases {
                    for target in Target.allCases {
                        var path = pattern
                        for (param, value) in fixture.ids[target]! { path = path.replacingOccurrences(of: param, with: value) }
                        let b = try await Self.session(app, who)
                        let res: TestingHTTPResponse
                        if path.hasPrefix("/api/") || path.hasPrefix("/fhir") {
                            res = route.method == .GET || route.method == .DELETE
                                ? try await b.send(route.method, path, headers: ["Accept": "application/json", "X-CSRF-Token": b.csrf])
                                : try await b.json(route.method, path, .object([]))
                        } else if route.method == .GET {
                            res = try await b.get(path)
                        } else {
                            res = try await b.post(path, [])
                        }
                        #expect(res.status.code < 500, "\(key) as \(who) (\(target)): \(res.status)")
                        let allowedNow = !Self.denied(res, method: route.method, path: path)
                        let expected = Self.expectAllowed(kind, who, target)
                        if kind != .open {
                            #expect(allowedNow == expected,
                                    "\(key) as \(who) on the \(target) patient: expected \(expected ? "allow" : "deny"), got \(res.status) \(res.location ?? "")")
                        }
                        checked += 1
                    }
                }
            }
            for key in Set(Self.policy.keys).subtracting(seen) { Issue.record("policy row \(key) matches no route: remove it") }
            #expect(checked == Self.policy.count * Who.allCases.count * Target.allCases.count)
        }
    }
}

@Suite struct RouteTableTests {
    @Test("every registered route has its row in the route table (who, scope, audit), and no two routes share a row")
    func everyRouteHasARow() async throws {
        try await withOsteon { app in
            var seen = Set<String>()
            for route in app.routes.all {
                let pattern = route.method.rawValue + " /" + route.path.map(\.description).joined(separator: "/")
                let row = try #require(route.userInfo[SiteRoute.userInfoKey] as? SiteRoute, "\(pattern) has no row")
                #expect(row.key == pattern, "\(pattern) registered with the row of \(row.key)")
                #expect(seen.insert(row.key).inserted, "\(row.key) registered twice")
            }
        }
    }

    @Test("links are built from the table's paths")
    func links() {
        let id = UUID()
        #expect(SiteRoute.meeting.link(id) == "/board/\(id)")
        #expect(SiteRoute.printItem.link(id, "x") == "/board/\(id)/items/x/print")
        #expect(SiteRoute.patients.link() == "/patients")
        #expect(SiteRoute.home.link() == "/")
    }
}
