import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

@Suite struct PortalTests {
    /// Two stored patients and a patient account linked to the first.
    static func setUp(_ app: Application, linked: Bool = true) async throws -> (own: PatientRecord, other: PatientRecord) {
        let store = CaseStore(db: app.db)
        func load(_ name: String, _ person: String) async throws -> PatientRecord {
            let read = try CaseReader.read(try JSONValue.parse(Data(contentsOf: repositoryRoot.appendingPathComponent("examples/cases/\(name).json"))))
            return try await store.importCase(read.patientCase, name: person)
        }
        let own = try await load("breast-femur-spine", "Paula Own")
        let other = try await load("prostate-cord-compression", "Oscar Other")
        let account = UserRecord(username: "paula", displayName: "Paula", passwordHash: try Bcrypt.hash(testPassword, cost: 4), role: "patient")
        if linked { account.patientID = try own.requireID() }
        try await account.create(on: app.db)
        let board = BoardStore(db: app.db)
        let meeting = try await board.createMeeting(title: "Board", scheduledOn: "2026-12-02", location: nil)
        let item = try await board.addToAgenda(meetingID: meeting.requireID(), caseID: try await store.caseRecord(patientID: own.requireID()).requireID(), question: "Plan")
        _ = try await board.recordDecision(itemID: item.requireID(), consensus: "Nail then radiotherapy", recordedBy: "Chair",
                                           tasks: [.init(title: "Surgery to strengthen the thigh bone", owner: "Orthopaedic oncology", dueOn: "2026-12-09")])
        return (own, other)
    }

    static func signInAsPatient(_ app: Application) async throws -> Browser {
        let b = Browser(app)
        try await b.get("/login")
        let res = try await b.post("/login", [("username", "paula"), ("password", testPassword), ("next", "/patients")])
        #expect(res.location == "/me")
        return b
    }

    @Test("a patient account sees its own guide and plan, and nothing of anyone else")
    func ownGuideOnly() async throws {
        try await withOsteon { app in
            let (own, other) = try await Self.setUp(app)
            let b = try await Self.signInAsPatient(app)
            let me = try await b.get("/me")
            #expect(me.status == .ok)
            let html = me.body.string
            #expect(html.contains("Get help now if you notice these signs"))
            #expect(html.contains("Surgery to strengthen the thigh bone"))
            #expect(!html.contains("Oscar Other") && !html.contains(#"href="/patients""#))
            let printable = try await b.get("/me/print")
            #expect(printable.status == .ok)
            #expect(printable.body.string.contains("Your bone health guide"))

            // Care-team pages send the patient home; the API and FHIR refuse.
            #expect(try await b.get("/patients").location == "/me")
            #expect(try await b.get("/patients/\(try other.requireID())").location == "/me")
            #expect(try await b.get("/patients/\(try own.requireID())/handout").location == "/me")
            #expect(try await b.get("/board").location == "/me")
            #expect(try await b.post("/patients", [("name", "X"), ("external_id", "X")]).status == .forbidden)
            #expect(try await b.json(.GET, "/api/v1/patients").status == .forbidden)
            #expect(try await b.json(.GET, "/api/v1/patients/\(try own.requireID())/assessment").status == .forbidden)
            let fhir = try await b.json(.GET, "/fhir/Patient/\(try own.requireID())/$assess")
            #expect(fhir.status == .forbidden)
            #expect(fhir.json?["resourceType"] == "OperationOutcome")
        }
    }

    @Test("an account not yet linked to a record is told so, and sees no one")
    func unlinked() async throws {
        try await withOsteon { app in
            _ = try await Self.setUp(app, linked: false)
            let b = try await Self.signInAsPatient(app)
            let me = try await b.get("/me")
            #expect(me.body.string.contains("not linked to your health record yet"))
            #expect(!me.body.string.contains("Paula Own"))
            #expect(try await b.get("/me/print").status == .notFound)
        }
    }

    @Test("care-team members going to /me land on the patient list")
    func staffGoToList() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            #expect(try await b.get("/me").location == "/patients")
        }
    }
}
