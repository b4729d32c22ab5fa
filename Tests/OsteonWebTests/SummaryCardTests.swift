import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// The summary card at the top of the patient page (issue "what now?"), one
/// test per state: nothing urgent, an emergency, blocked by missing data, a signed decision.
@Suite struct SummaryCardTests {
    static func card(_ page: String) throws -> String {
        let start = try #require(page.range(of: "id=\"summary\""))
        let end = try #require(page.range(of: "</section>", range: start.upperBound..<page.endIndex))
        // Links are part of the sentence they sit in: no space for their tags.
        let html = String(page[start.upperBound..<end.lowerBound]).replacingOccurrences(of: #"<a [^>]*>|</a>"#, with: "", options: .regularExpression)
        return PlainWordsTests.visibleText(html)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("nothing urgent: says so, 'not yet discussed', no tasks; the card comes before the detail")
    func nothingUrgent() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            let page = try await b.get("/patients/\(id)").body.string
            let card = try Self.card(page)
            #expect(card.contains("Nothing urgent."))
            #expect(card.contains("Not yet discussed"))
            #expect(card.contains("Not on a meeting's agenda"))
            #expect(card.contains("No open tasks."))
            let summary = try #require(page.range(of: "id=\"summary\"")), alerts = try #require(page.range(of: "id=\"alerts\""))
            #expect(summary.lowerBound < alerts.lowerBound)
        }
    }

    @Test("an emergency leads the card with its action")
    func emergency() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await BoardRecordTests.importExample(app, "prostate-cord-compression", external: "H-CORD", name: "Carl Cord")
            let card = try Self.card(try await b.get("/patients/\(id)").body.string)
            #expect(!card.contains("Nothing urgent"))
            // The action the example's alert carries (REFERENCE §18: MRI of the whole spine within 24 hours, dexamethasone).
            #expect(card.contains("Emergency: Suspected metastatic spinal cord compression."))
            #expect(card.contains("MRI of the whole spine"))
        }
    }

    @Test("blocked by missing data: the facts needed by the most rules first, each linked to its field")
    func blockedByMissingData() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(id)/lesions/new")
            // No pain recorded: Mirels cannot be scored.
            try await b.post("/patients/\(id)/lesions", [("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"),
                                                          ("phenotype", "lytic"), ("size", "one_third_to_two_thirds")])
            let page = try await b.get("/patients/\(id)").body.string
            let start = try #require(page.range(of: "Missing facts that block the most"))
            let html = String(page[start.upperBound...].prefix(4000))
            // Calcium is needed by corrected calcium and Katagiri (two rules), CRP by Katagiri only: calcium ranks first.
            let calcium = try #require(html.range(of: ">Calcium")), items = html.components(separatedBy: "<li>").dropFirst()
            #expect(items.count >= 3 && items.count <= 5)
            if let crp = html.range(of: ">CRP") { #expect(calcium.lowerBound < crp.lowerBound) }
            #expect(html.contains("href=\"/patients/\(id)#lab-test\""))
            let pid = try #require(UUID(uuidString: id))
            let caseID = try await CaseStore(db: app.db).caseRecord(patientID: pid).requireID()
            let lesion = try #require(try await CaseStore(db: app.db).lesions(caseID: caseID).first)
            // Every link goes to a field that exists on its form.
            let links = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }.filter { $0.hasPrefix("/") && $0.contains("#") }
            for link in links {
                let parts = link.components(separatedBy: "#")
                try #require(parts.count == 2 && !parts[1].isEmpty, "\(link)")
                let form = try await b.get(parts[0]).body.string
                #expect(form.contains("id=\"\(parts[1])\""), "no field \(parts[1]) on \(parts[0])")
            }
            #expect(page.contains("/patients/\(id)/lesions/\(try lesion.requireID())/edit#pain"))
        }
    }

    @Test("a signed decision: the consensus, who signed, and the open tasks with owners and due dates")
    func signedDecision() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            let meeting = try await BoardRecordTests.meeting(b, date: "2026-11-27")
            try await b.post("\(meeting)/agenda", [("patient_id", id), ("question", "Fixation or radiotherapy first?")])
            var card = try Self.card(try await b.get("/patients/\(id)").body.string)
            #expect(card.contains("Question for the board: Fixation or radiotherapy first?"))
            #expect(card.contains("Next meeting: Bone board, 2026-11-27"))
            let item = try await BoardRecordTests.itemID(app, meeting)
            try await b.post("\(meeting)/items/\(item)/decision", [
                ("consensus", "Prophylactic nail, then 8 Gy in 1 fraction"), ("task1_title", "Book the nail"), ("task1_owner", "clin"), ("task1_due", "2026-12-03"),
            ])
            card = try Self.card(try await b.get("/patients/\(id)").body.string)
            #expect(card.contains("awaiting the chair's sign-off"))
            #expect(try await b.post("\(meeting)/items/\(item)/signoff", [("missing_opinions_reason", "Surgeon reviewed by phone")]).status == .seeOther)
            card = try Self.card(try await b.get("/patients/\(id)").body.string)
            #expect(card.contains("Signed decision"))
            #expect(card.contains("Prophylactic nail, then 8 Gy in 1 fraction"))
            #expect(!card.contains("Not yet discussed"))
            #expect(card.contains("Book the nail"))
            #expect(card.contains("due 2026-12-03"))
            #expect(card.contains("Bone board, 2026-11-27"), "the meeting of the signed decision")
            // Another meeting's item beside the signed one, each told apart; read twice (the signed record is kept after the first read).
            let earlier = try await BoardRecordTests.meeting(b, date: "2026-11-20", title: "Spine board")
            try await b.post("\(earlier)/agenda", [("patient_id", id), ("question", "Is the spine stable?")])
            for _ in 0..<2 {
                card = try Self.card(try await b.get("/patients/\(id)").body.string)
                #expect(card.contains("Prophylactic nail, then 8 Gy in 1 fraction"))
                #expect(card.contains("On the agenda of Spine board, 2026-11-20, not yet discussed. Question: Is the spine stable?"))
            }
        }
    }
}
