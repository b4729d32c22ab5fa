import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The patient page is kept in memory per revision of the record; these tests
/// change the record every way a writer can and check that no stale page is served.
@Suite struct PageCacheTests {
    static func csrfValues(_ html: String) -> Set<String> {
        var found = Set<String>()
        var rest = html[...]
        while let r = rest.range(of: #"name="_csrf" value=""#) {
            let tail = rest[r.upperBound...]
            guard let end = tail.firstIndex(of: "\"") else { break }
            found.insert(String(tail[..<end]))
            rest = tail[end...]
        }
        return found
    }

    @Test("a kept patient page is rebuilt when the record changes, also when the change bypasses the server")
    func changesBehindTheServersBack() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(id)/lesions/new")
            try await b.post("/patients/\(id)/lesions", [
                ("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"), ("phenotype", "lytic"),
                ("size", "one_third_to_two_thirds"), ("size_fraction", "50%"), ("pain", "functional"),
            ])
            let first = try await b.get("/patients/\(id)").body.string
            #expect(first.contains("Total 10"))
            #expect(try await b.get("/patients/\(id)").body.string == first)
            #expect(app.patientPages.count == 1)

            // As the CLI or a second server would: straight into the database.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE lesions SET data = REPLACE(data, 'functional', 'mild')").run()
            let afterLesion = try await b.get("/patients/\(id)").body.string
            #expect(afterLesion.contains("Total 8") && !afterLesion.contains("Total 10"))

            try await sql.raw("UPDATE users SET display_name = 'Dr Renamed' WHERE username = 'clin'").run()
            #expect(try await b.get("/patients/\(id)").body.string.contains("Dr Renamed (medical oncology)"))

            try await sql.raw("INSERT INTO labs (id, case_id, test, value, unit, date, created_at) SELECT \(bind: UUID()), id, 'calcium', 13.9, 'mg/dL', '2026-11-25', NULL FROM cases").run()
            let afterLab = try await b.get("/patients/\(id)").body.string
            #expect(afterLab.contains("calcium 13.9 mg/dL"))

            try await sql.raw("DELETE FROM lesions").run()
            #expect(try await b.get("/patients/\(id)").body.string.contains("No lesions recorded."))
        }
    }

    @Test("one kept page serves every viewer with their own CSRF token, and the break-the-glass banner only to its user")
    func viewersGetTheirOwnParts() async throws {
        try await withOsteon { app in
            let outside = try await ScopeTests.othersPatient(app)
            let owner = Browser(app)
            try await owner.get("/login")
            try await owner.post("/login", [("username", "otherdoc"), ("password", testPassword), ("next", "/patients")])
            let ownerPage = try await owner.get("/patients/\(outside)").body.string
            #expect(!ownerPage.contains("break the glass\") access"))

            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/\(outside)")
            try await b.post("/patients/\(outside)/break-glass", [("reason", "On call: patient in ED with new leg weakness")])
            let glassPage = try await b.get("/patients/\(outside)").body.string
            #expect(app.patientPages.count == 1)
            #expect(glassPage.contains("emergency (\"break the glass\") access"))
            let ownerTokens = Self.csrfValues(ownerPage), glassTokens = Self.csrfValues(glassPage)
            #expect(ownerTokens.count == 1 && glassTokens.count == 1 && ownerTokens != glassTokens)

            // Each viewer's forms work with the token their page carries.
            let lab = try await b.post("/patients/\(outside)/labs", [("test", "calcium"), ("value", "2.4"), ("unit", "mmol/L"), ("date", "2026-11-20")])
            #expect(lab.status == .seeOther)
            let ownerAgain = try await owner.get("/patients/\(outside)").body.string
            #expect(ownerAgain.contains("calcium 2.4 mmol/L") && !ownerAgain.contains("break the glass\") access"))
            #expect(Self.csrfValues(ownerAgain) == ownerTokens)
        }
    }

    @Test("a kept page is rebuilt on a new day (the assessment depends on the date)")
    func followsTheDay() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            #expect(try await b.get("/patients/\(id)").body.string.contains("assessed on 2026-11-26"))
            app.storage[WebConfigKey.self]?.today = Day("2026-11-27")
            #expect(try await b.get("/patients/\(id)").body.string.contains("assessed on 2026-11-27"))
        }
    }

    @Test("the cache is bounded: the oldest page goes first")
    func bounded() throws {
        let cache = PatientPageCache(capacity: 2)
        let day = try #require(Day("2026-11-26"))
        let ids = [UUID(), UUID(), UUID()]
        let revision = PatientRevision(version: 1, revision: 0)
        for id in ids {
            cache.store(id, revision: revision, .init(day: day, name: "x", caseID: UUID(), html: HTMLWriter().finish()))
        }
        #expect(cache.count == 2)
        #expect(cache.entry(ids[0], revision: revision, day: day) == nil)
        #expect(cache.entry(ids[2], revision: revision, day: day) != nil)
        #expect(cache.entry(ids[2], revision: PatientRevision(version: 1, revision: 1), day: day) == nil)
    }
}

@Suite struct SessionUserTests {
    @Test("the account kept in the session reads back exactly, whatever its name holds")
    func sessionUserRoundTrip() throws {
        let record = UserRecord(username: "o'neil", displayName: "Dr \"Ann\" O'Neil — Ortopedía \\ 🦴", passwordHash: "x", role: "clinician",
                                specialty: "orthopaedic_oncology")
        record.id = UUID()
        record.patientID = UUID()
        let user = try SessionUser(record)
        let back = try #require(SessionUser.decoded(user.encoded))
        #expect(back.id == user.id && back.username == user.username && back.displayName == user.displayName)
        #expect(back.role == user.role && back.specialty == user.specialty && back.patientID == user.patientID)
        #expect(SessionUser.decoded("{\"id\":\"not-a-uuid\"}") == nil)
    }
}
