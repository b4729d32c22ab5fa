import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// Links cannot drift from the route table: every link and form action on the
/// application's pages names a route with a row in `SiteRoute`, for the method
/// it is used with.
@Suite struct LinkTests {
    static func targets(in html: String) -> [(HTTPMethod, String)] {
        var out: [(HTTPMethod, String)] = []
        func paths(after marker: String) -> [String] {
            html.components(separatedBy: marker).dropFirst().compactMap { rest in
                guard let end = rest.firstIndex(of: "\"") else { return nil }
                let raw = String(rest[..<end])
                return raw.hasPrefix("/") ? String(raw.split(separator: "#", omittingEmptySubsequences: false)[0].split(separator: "?", omittingEmptySubsequences: false)[0]) : nil
            }
        }
        out += paths(after: "href=\"").map { (.GET, $0) }
        out += paths(after: "method=\"post\" action=\"").map { (.POST, $0) }
        return out
    }

    @Test("every link and form action on the staff, board and patient pages is a route of the table")
    func linksAreRoutes() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(pid)/lesions/new")
            try await b.post("/patients/\(pid)/lesions", [("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"),
                                                        ("phenotype", "lytic"), ("size", "one_third_to_two_thirds"), ("size_fraction", "0.5"), ("pain", "functional")])
            let patientID = try #require(UUID(uuidString: pid))
            let caseID = try await CaseStore(db: app.db).caseRecord(patientID: patientID).requireID()
            let lid = try #require(try await CaseStore(db: app.db).lesions(caseID: caseID).first?.requireID())
            try await b.get("/board")
            let meeting = try #require(try await b.post("/board", [("title", "Board"), ("date", "2026-12-01"), ("location", "Room 1")]).location)
            try await b.get(meeting)
            try await b.post("\(meeting)/agenda", [("patient_id", pid)])
            let mid = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
            let item = try #require(try await BoardStore(db: app.db).agenda(meetingID: mid).first?.requireID())
            try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Plan"), ("task1_title", "Nail"), ("task1_owner", "clin"), ("task1_due", "tomorrow")])
            let unsigned = try await b.get(meeting).body.string
            try await b.post("\(meeting)/items/\(item)/signoff", [("missing_opinions_reason", "test")])
            var checked = 0
            for path in ["/patients", "/patients?urgent=1", "/patients/new", "/patients/\(pid)", "/patients/\(pid)/edit", "/patients/\(pid)/lesions/new",
                         "/patients/\(pid)/lesions/\(lid)/edit", "/board", meeting, "\(meeting)/summary", "\(meeting)/items/\(item)/print", "/tasks"] {
                let res = try await b.get(path)
                #expect(res.status == .ok, "\(path)")
                for (method, target) in Self.targets(in: res.body.string) {
                    #expect(AuditTrailTests.row(app, method, target) != nil, "\(path) links to \(method) \(target), which is not a route")
                    checked += 1
                }
            }
            for (method, target) in Self.targets(in: unsigned) {
                #expect(AuditTrailTests.row(app, method, target) != nil, "meeting links to \(method) \(target)")
                checked += 1
            }
            #expect(checked > 60)
            // The check itself can fail: a path no route has is not found.
            #expect(AuditTrailTests.row(app, .GET, "/patients/\(pid)/nowhere") == nil)
            #expect(AuditTrailTests.row(app, .POST, "/patients/\(pid)") == nil)
        }
    }
}
