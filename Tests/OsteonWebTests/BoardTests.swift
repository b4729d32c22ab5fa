import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

@Suite struct BoardPageTests {
    @Test("a meeting: agenda, every specialty's opinion, consensus with tasks, sign-off, printable summary")
    func fullMeeting() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)

            try await b.get("/board")
            let bad = try await b.post("/board", [("title", ""), ("date", "next week")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Give the meeting a title."))
            #expect(bad.body.string.contains("Use the form YYYY-MM-DD."))
            let created = try await b.post("/board", [("title", "Sarcoma board"), ("date", "2026-12-02"), ("location", "Room 3")])
            #expect(created.status == .seeOther)
            let meeting = try #require(created.location)
            #expect(meeting.hasPrefix("/board/"))

            var page = try await b.get(meeting).body.string
            #expect(page.contains("Ana Test (H-100)"))  // offered for the agenda
            try await b.post("\(meeting)/agenda", [("patient_id", pid), ("question", "Fixation before radiotherapy?")])
            let caseRecord = try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: pid)))
            #expect(caseRecord.state == "ready_for_board")
            let meetingID = try #require(UUID(uuidString: String(meeting.dropFirst("/board/".count))))
            let item = try #require(try await BoardStore(db: app.db).agenda(meetingID: meetingID).first?.requireID())

            // One colleague per specialty; the test clinician is medical oncology.
            var colleague: [BoardSpecialty: String] = [.medicalOncology: "clin"]
            for specialty in BoardSpecialty.allCases where specialty != .medicalOncology {
                let name = "u-\(specialty.rawValue)"
                try await addColleague(app, name, specialty: specialty)
                colleague[specialty] = name
                #expect(try await b.post("\(meeting)/members", [("username", name)]).status == .seeOther)
            }
            for specialty in BoardSpecialty.allCases {
                let behalf = colleague[specialty] == "clin" ? "" : colleague[specialty]!
                let res = try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", behalf), ("text", "\(specialty.label) view")])
                #expect(res.status == .seeOther, "\(specialty)")
            }
            let empty = try await b.post("\(meeting)/items/\(item)/opinions", [("on_behalf_of", ""), ("text", "  ")])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("the opinion is empty"))
            #expect(empty.body.string.contains("<nav"))  // the whole page, not a bare error
            let early = try await b.post("\(meeting)/items/\(item)/signoff", [])
            #expect(early.status == .unprocessableEntity)

            try await b.post("\(meeting)/items/\(item)/decision", [
                ("consensus", "Prophylactic nail, then 8 Gy single fraction"),
                ("task1_title", "Intramedullary nail"), ("task1_owner", colleague[.orthopaedicOncology]!), ("task1_due", "2026-12-09"),
                ("task2_title", "8 Gy / 1 fraction after surgery"), ("task2_owner", colleague[.radiationOncology]!), ("task2_due", "2026-12-23"),
            ])
            page = try await b.get(meeting).body.string
            for specialty in BoardSpecialty.allCases { #expect(page.contains("\(specialty.label) view")) }
            #expect(page.contains("Prophylactic nail, then 8 Gy single fraction"))
            #expect(page.contains("Intramedullary nail"))
            #expect(page.contains("on their behalf"))

            #expect(try await b.post("\(meeting)/items/\(item)/signoff", []).status == .seeOther)
            let summary = try await b.get("\(meeting)/summary")
            #expect(summary.status == .ok)
            let text = summary.body.string
            #expect(text.contains("Sarcoma board"))
            #expect(text.contains("Prophylactic nail, then 8 Gy single fraction"))
            #expect(text.contains("8 Gy / 1 fraction after surgery"))
            #expect(text.contains("Signed off by Dr Test"))
            #expect(try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: pid))).state == "follow_up")

            let changed = try await b.post("\(meeting)/items/\(item)/decision", [("consensus", "Something else")])
            #expect(changed.status == .unprocessableEntity)
            #expect(changed.body.string.contains("cannot be changed"))

            // The tasks appear on the patient page, and can be ticked off there.
            let patientPage = try await b.get("/patients/\(pid)").body.string
            #expect(patientPage.contains("Intramedullary nail"))
            let task = try #require(try await BoardStore(db: app.db).tasks(caseID: caseRecord.requireID()).first?.requireID())
            #expect(try await b.post("/patients/\(pid)/tasks/\(task)/done", []).status == .seeOther)
            #expect(try await BoardStore(db: app.db).tasks(caseID: caseRecord.requireID()).first?.status == "done")
        }
    }

    @Test("an agenda item of another meeting is not found through this one")
    func itemBelongsToMeeting() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let pid = try await PatientPageTests.createPatient(b)
            let board = BoardStore(db: app.db)
            let one = try await board.createMeeting(title: "One", scheduledOn: "2026-12-01", location: nil)
            let two = try await board.createMeeting(title: "Two", scheduledOn: "2026-12-08", location: nil)
            let caseID = try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: pid))).requireID()
            let item = try await board.addToAgenda(meetingID: one.requireID(), caseID: caseID, question: "Plan")
            let clin = try await UserStore(db: app.db).find("clin").requireID()
            for m in [one, two] { try await AccessStore(db: app.db).addMeetingMember(meetingID: m.requireID(), userID: clin) }
            try await b.get("/board")
            let res = try await b.post("/board/\(try two.requireID())/items/\(try item.requireID())/opinions", [("text", "x")])
            #expect(res.status == .notFound)
        }
    }
}
