import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import SQLKit
import Testing
import Vapor
import VaporTesting

/// The lists read stored per-patient summaries, a page at a time (issue
/// "Scale"): every visible patient exactly once across the pages, in urgency
/// then name order; a change shows at once, also one made straight in the
/// database; `limit` and `cursor` on the API.
@Suite struct SummaryListTests {
    /// `n` patients on the test clinician's care team, every third with an urgent femoral lesion.
    static func cohort(_ app: Application, _ n: Int) async throws -> [UUID] {
        let store = CaseStore(db: app.db)
        var ids: [UUID] = []
        for k in 0..<n {
            var pairs: [(String, JSONValue)] = [("patient_id", .string("S-\(1000 + k)")),
                                                ("cancers", [["primary_site": "breast", "hormone_status": "hormone_dependent"]])]
            if k % 3 == 0 {
                pairs.append(("lesions", [["id": "L1", "bone": "femur", "region": "diaphysis", "side": "left", "origin": "metastasis",
                                           "phenotype": "lytic", "size": "one_third_to_two_thirds", "pain": "functional"]]))
            }
            let c = try CaseReader.read(.object(pairs)).patientCase
            let p = try await store.importCase(c, name: String(format: "Patient %03d", (k * 37) % n))
            try await joinCareTeam(app, patientID: p.requireID())
            ids.append(try p.requireID())
        }
        return ids
    }

    static func rows(_ html: String) -> [String] {
        html.components(separatedBy: "<td data-label=\"Hospital no.\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test("the HTML list: pages of 50, each patient once, urgent first then by name; Next page follows the filter")
    func htmlPages() async throws {
        try await withOsteon { app in
            _ = try await Self.cohort(app, 120)
            let b = Browser(app)
            _ = try await b.signIn()
            var page = try await b.get("/patients").body.string
            var seen: [String] = []
            var pages = 0
            while true {
                pages += 1
                let rows = Self.rows(page)
                #expect(rows.count <= 50)
                seen += rows
                guard let m = page.range(of: #"href="([^"]*)" rel="next""#, options: .regularExpression) else { break }
                let href = String(page[m].dropFirst(6).prefix { $0 != "\"" }).replacingOccurrences(of: "&amp;", with: "&")
                page = try await b.get(href).body.string
                #expect(page.contains("First page"))
            }
            #expect(pages == 3)
            #expect(seen.count == 120 && Set(seen).count == 120)
            // The 40 urgent patients (Mirels 10) come first.
            let urgent = Set((0..<120).filter { $0 % 3 == 0 }.map { "S-\(1000 + $0)" })
            #expect(Set(seen.prefix(40)) == urgent)
            // The urgent filter and search read the same summaries.
            #expect(Self.rows(try await b.get("/patients?urgent=1").body.string).count == 40)
            #expect(Self.rows(try await b.get("/patients?q=S-1003").body.string) == ["S-1003"])
            #expect(Self.rows(try await b.get("/patients?q=patient%20007").body.string).count == 1)
        }
    }

    @Test("search finds the start of any word of the name or hospital number, from an index; a renamed patient is found by the new name")
    func searchByWordStarts() async throws {
        try await withOsteon { app in
            let store = CaseStore(db: app.db)
            var ids: [String: UUID] = [:]
            for (number, name) in [("MRN-0042", "Anna Smith-Jones"), ("MRN-0043", "Smita Rao"), ("X7", "Jonas Lindqvist")] {
                let p = try await store.importCase(try CaseReader.read(["patient_id": .string(number)]).patientCase, name: name)
                try await joinCareTeam(app, patientID: p.requireID())
                ids[number] = try p.requireID()
            }
            let b = Browser(app)
            _ = try await b.signIn()
            func found(_ q: String) async throws -> Set<String> {
                let path = "/patients?q=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? q)
                return Set(Self.rows(try await b.get(path).body.string))
            }
            #expect(try await found("smi") == ["MRN-0042", "MRN-0043"])     // surname and first name starts
            #expect(try await found("JONES") == ["MRN-0042"])                // a word after a hyphen, any case
            #expect(try await found("anna sm") == ["MRN-0042"])              // every word must start a term
            #expect(try await found("mrn-004") == ["MRN-0042", "MRN-0043"])  // the start of a hospital number
            #expect(try await found("0043") == ["MRN-0043"])
            #expect(try await found("mith").isEmpty)                         // not the middle of a word
            #expect(try await found("jonas x") == ["X7"])                   // name and number words together
            #expect(try await found("jonas q").isEmpty)
            // Renamed: found by the new name at once, no longer by the old one.
            let p = try await store.patient(ids["X7"]!)
            _ = try await store.updatePatient(ids["X7"]!, expectedVersion: p.version, name: "Jonas Okafor", birthDate: nil, sex: nil)
            #expect(try await found("okaf") == ["X7"])
            #expect(try await found("lindq").isEmpty)
        }
    }

    @Test("a change shows in the list at once, through the server or straight in the database; another team's patient never shows")
    func freshness() async throws {
        try await withOsteon { app in
            let ids = try await Self.cohort(app, 4)
            let b = Browser(app)
            _ = try await b.signIn()
            var html = try await b.get("/patients?urgent=1").body.string
            #expect(Self.rows(html).sorted() == ["S-1000", "S-1003"])
            // Through the server: a lesion with Mirels 10 for S-1001.
            try await b.get("/patients/\(ids[1])/lesions/new")
            try await b.post("/patients/\(ids[1])/lesions", [("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"),
                                                              ("phenotype", "lytic"), ("size", "one_third_to_two_thirds"), ("pain", "functional")])
            html = try await b.get("/patients?urgent=1").body.string
            #expect(Self.rows(html).sorted() == ["S-1000", "S-1001", "S-1003"])
            // As the CLI or a second server would: straight into the database.
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("UPDATE lesions SET data = REPLACE(data, 'functional', 'mild')").run()
            html = try await b.get("/patients?urgent=1").body.string
            #expect(Self.rows(html).isEmpty)
            // A patient of another team.
            _ = try await CaseStore(db: app.db).importCase(try CaseReader.read(["patient_id": "OTHER-1"]).patientCase, name: "Someone Else")
            #expect(!(try await b.get("/patients").body.string).contains("OTHER-1"))
            #expect(!(try await b.json(.GET, "/api/v1/patients").body.string).contains("OTHER-1"))
        }
    }

    @Test("the API: limit 1–200 (default 50), an opaque cursor in the Link header, every patient once; a bad limit or cursor is 422")
    func apiPages() async throws {
        try await withOsteon { app in
            _ = try await Self.cohort(app, 75)
            let b = try await APITests.signedIn(app)
            let first = try await b.json(.GET, "/api/v1/patients")
            #expect(first.json?.arrayValue?.count == 50)
            var seen: [String] = []
            var path: String? = "/api/v1/patients?limit=20"
            var pages = 0
            while let p = path {
                let res = try await b.json(.GET, p)
                #expect(res.status == .ok)
                let items = try #require(res.json?.arrayValue)
                #expect(items.count <= 20)
                seen += items.compactMap { $0["external_id"]?.stringValue }
                #expect(items.allSatisfy { $0["urgency"] != nil && $0["case_id"] != nil && $0["version"] != nil })
                pages += 1
                path = res.headers.first(name: "Link").flatMap { link in
                    link.range(of: "<").flatMap { a in link.range(of: ">").map { String(link[a.upperBound..<$0.lowerBound]) } }
                }
            }
            #expect(pages == 4 && seen.count == 75 && Set(seen).count == 75)
            for bad in ["limit=0", "limit=201", "limit=ten", "cursor=nonsense"] {
                let res = try await b.json(.GET, "/api/v1/patients?\(bad)")
                #expect(res.status == .unprocessableEntity, "\(bad)")
            }
        }
    }

    @Test("a new day: the daily pass recomputes every summary for it, and /health says which day the summaries are for")
    func newDay() async throws {
        try await withOsteon { app in
            _ = try await Self.cohort(app, 3)
            let store = SummaryStore(db: app.db)
            let d1 = try #require(Day("2026-11-26")), d2 = try #require(Day("2026-11-27"))
            #expect(try await Browser(app).get("/health").body.string.hasSuffix("no patients yet; 3 waiting"))
            #expect(try await store.refresh(today: d1) == 3)
            #expect(try await store.refresh(today: d1) == 0)  // nothing changed: nothing recomputed
            #expect(try await store.needsDayPass(today: d2))
            #expect(try await store.refresh(today: d2, day: true) == 3)
            #expect(!(try await store.needsDayPass(today: d2)))
            #expect(try await Browser(app).get("/health").body.string.hasSuffix("computed for: 2026-11-27"))
        }
    }

    @Test("the agenda form searches patients instead of listing every one")
    func agendaSearch() async throws {
        try await withOsteon { app in
            _ = try await Self.cohort(app, 30)
            let b = Browser(app)
            _ = try await b.signIn()
            let meeting = try await BoardRecordTests.meeting(b, date: "2026-11-27")
            let page = try await b.get(meeting).body.string
            let options = page.components(separatedBy: "<select id=\"patient_id\"")[1].components(separatedBy: "</select>")[0]
            #expect(options.components(separatedBy: "<option").count - 2 == 20)  // the 20 most urgent, not all 30
            let found = try await b.get(meeting + "?find=S-1029").body.string
            let narrowed = found.components(separatedBy: "<select id=\"patient_id\"")[1].components(separatedBy: "</select>")[0]
            #expect(narrowed.contains("S-1029") && narrowed.components(separatedBy: "<option").count - 2 == 1)
        }
    }
}

@Suite struct SummaryPlanTests {
    @Test("both query plans (from the visible set; walking the list's index) give the same pages, with every filter")
    func plansAgree() async throws {
        try await withOsteon { app in
            let ids = try await SummaryListTests.cohort(app, 90)
            // Someone else's patients, and one opened by emergency access.
            for k in 0..<15 { _ = try await CaseStore(db: app.db).importCase(try CaseReader.read(["patient_id": .string("X-\(k)")]).patientCase, name: "Other \(k)") }
            let store = SummaryStore(db: app.db)
            try await store.refresh(today: try #require(Day("2026-11-26")))
            let user = try await UserStore(db: app.db).find("clin").requireID()
            let other = try #require(try await CaseStore(db: app.db).patient(externalID: "X-3")?.requireID())
            for filter in [SummaryStore.Filter(), .init(urgentOnly: true), .init(search: "patient 0"), .init(state: "referred"), .init(search: "x-3")] {
                func all(few: Int) async throws -> [UUID] {
                    var out: [UUID] = [], after: SummaryStore.Cursor?
                    repeat {
                        let page = try await store.page(userID: user, alsoVisible: [other], filter: filter, after: after, limit: 7, few: few)
                        out += page.rows.map(\.patientID)
                        after = page.next
                    } while after != nil
                    return out
                }
                let fromSet = try await all(few: 2_000), walking = try await all(few: 0)
                #expect(fromSet == walking, "\(filter)")
                #expect(Set(fromSet).isSubset(of: Set(ids + [other])))
            }
            #expect(try await store.page(userID: user, alsoVisible: [other], filter: .init(search: "x-3"), after: nil, limit: 5, few: 0).rows.map(\.patientID) == [other])
        }
    }
}

@Suite struct SummaryCatchUpTests {
    @Test("after a bulk change the list does not recompute everyone inside the request: it says it is catching up, and is whole afterwards")
    func bulkChange() async throws {
        try await withOsteon { app in
            _ = try await SummaryListTests.cohort(app, 230)
            let b = Browser(app)
            _ = try await b.signIn()
            let during = try await b.get("/patients").body.string
            #expect(during.contains("230 patients&#39; summaries are being brought up to date"))
            #expect(try await SummaryStore(db: app.db).waiting() == 230)  // the request left them to the pass
            try await SummaryStore(db: app.db).refresh(today: try #require(Day("2026-11-26")))
            let after = try await b.get("/patients").body.string
            #expect(!after.contains("being brought up to date"))
            #expect(SummaryListTests.rows(after).count == 50)
        }
    }
}
