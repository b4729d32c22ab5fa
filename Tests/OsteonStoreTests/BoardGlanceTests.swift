import FluentKit
import FluentPostgresDriver
import Foundation
@testable import OsteonStore
import Testing

extension StoreTests {
    @Test("the board card's one statement: no agenda, then items by meeting date with their decisions; prepared once per connection on PostgreSQL",
          arguments: Backends.all)
    func boardGlance(backend: StoreConfiguration.Backend) async throws {
        try await withStore(backend) { store in
            let db = store.db
            let (patient, c) = try await CaseStore(db: db).createPatient(.init(externalID: "G1", name: "Glance", birthDate: nil, sex: nil))
            let (other, otherCase) = try await CaseStore(db: db).createPatient(.init(externalID: "G2", name: "Other", birthDate: nil, sex: nil))
            let board = BoardStore(db: db)
            var glance = try await board.glance(patientID: patient.requireID(), caseID: c.requireID())
            #expect(glance.latestSnapshotID == nil && glance.items.isEmpty)

            let later = try await board.createMeeting(title: "Bone board", scheduledOn: "2026-12-10", location: nil)
            let earlier = try await board.createMeeting(title: "Spine board", scheduledOn: "2026-12-03", location: nil)
            let onLater = try await board.addToAgenda(meetingID: later.requireID(), caseID: c.requireID(), question: "Radiotherapy?")
            _ = try await board.addToAgenda(meetingID: earlier.requireID(), caseID: c.requireID(), question: "Stable spine?")
            _ = try await board.addToAgenda(meetingID: earlier.requireID(), caseID: otherCase.requireID(), question: "Not this patient's")
            _ = try await board.recordDecision(itemID: onLater.requireID(), consensus: "8 Gy in 1 fraction", recordedBy: "chair", tasks: [])

            glance = try await board.glance(patientID: patient.requireID(), caseID: c.requireID())
            #expect(glance.items.map(\.question) == ["Stable spine?", "Radiotherapy?"])
            #expect(glance.items.map(\.meetingTitle) == ["Spine board", "Bone board"])
            #expect(glance.items.map(\.scheduledOn) == ["2026-12-03", "2026-12-10"])
            #expect(glance.items[0].decision == nil)
            #expect(glance.items[1].decision?.consensus == "8 Gy in 1 fraction" && glance.items[1].decision?.signedOffAt == nil)
            #expect(try await board.glance(patientID: other.requireID(), caseID: otherCase.requireID()).items.map(\.question) == ["Not this patient's"])

            // The same answers again through a prepared statement, which PostgreSQL now holds on the connection.
            guard let pg = db as? any PostgresDatabase else { return }
            let names = try await pg.withConnection { conn in
                conn.eventLoop.makeFutureWithTask {
                    for _ in 0..<2 {
                        var rows = 0
                        for try await _ in try await conn.execute(Statement<BoardGlanceSQL>(binds: [patient.requireID(), c.requireID()]), logger: conn.logger) { rows += 1 }
                        #expect(rows == 2)
                    }
                    var names: [String] = []
                    for try await (name,) in try await conn.query("SELECT name FROM pg_prepared_statements", logger: conn.logger).decode((String,).self) {
                        names.append(name)
                    }
                    return names
                }
            }.get()
            #expect(names.filter { $0 == BoardGlanceSQL.name }.count == 1)
        }
    }
}
