import Fluent
import Foundation
import OsteonDomain
import OsteonStore
import Vapor

/// The tumour board on the patient's summary card: the question and next
/// meeting, the signed decision or "not yet discussed". Written per request
/// (a draft decision or a moved meeting does not change the patient's
/// revision, so it cannot live in the kept page).
enum BoardGlance {
    static func html(_ req: Request, patientID: UUID, caseID: UUID, today: Day) async throws -> String {
        let items = try await AgendaItemRecord.query(on: req.db).filter(\.$caseRecord.$id == caseID).with(\.$meeting).all()
            .sorted { $0.meeting.scheduledOn < $1.meeting.scheduledOn }
        let ids = items.compactMap(\.id)
        let decisions = ids.isEmpty ? [] : try await DecisionRecord.query(on: req.db).filter(\.$item.$id ~~ ids).all()
        let decided = Dictionary(decisions.map { ($0.$item.id, $0) }, uniquingKeysWith: { a, _ in a })
        let signed = try await req.board.latestSnapshot(patientID: patientID)
        var w = HTMLWriter(capacity: 2048)
        func meeting(_ m: MeetingRecord) {
            w.raw("<a href=\"\(SiteRoute.meeting.link(m.id!))\">"); w.text(m.title); w.raw("</a>, "); w.text(m.scheduledOn)
        }
        // Read as the patient guide reads it: one reading of the signed record.
        if let signed, let decision = BoardService.boardDecision(signed) {
            w.raw("<p class=\"signed\">Signed decision, "); w.text(decision.signedOn.description); w.raw(", by "); w.text(decision.signedBy); w.raw(":</p>\n<blockquote>")
            w.text(decision.consensus); w.raw("</blockquote>\n")
            if let item = items.first(where: { $0.id == signed.itemID }) { w.raw("<p>"); meeting(item.meeting); w.raw("</p>\n") }
        }
        for item in items where item.id != signed?.itemID {
            if let d = decided[item.id!] {
                if d.signedOffAt == nil {
                    w.raw("<p>Discussed at "); meeting(item.meeting); w.raw("; <strong>awaiting the chair's sign-off</strong>. Draft consensus: "); w.text(d.consensus); w.raw("</p>\n")
                } else {
                    w.raw("<p>Earlier signed decision at "); meeting(item.meeting); w.raw(": "); w.text(d.consensus); w.raw("</p>\n")
                }
            } else if let day = Day(item.meeting.scheduledOn), day >= today {
                w.raw("<p>Next meeting: "); meeting(item.meeting); w.raw(".</p>\n<p>Question for the board: "); w.text(item.question); w.raw("</p>\n")
            } else {
                w.raw("<p>On the agenda of "); meeting(item.meeting); w.raw(", not yet discussed. Question: "); w.text(item.question); w.raw("</p>\n")
            }
        }
        if signed == nil && !decisions.contains(where: { $0.signedOffAt != nil }) {
            w.raw("<p><strong>Not yet discussed</strong>: no signed decision.")
            if items.isEmpty { w.raw(" Not on a meeting's agenda: <a href=\"\(SiteRoute.meetings.link())\">add to a meeting</a>.") }
            w.raw("</p>\n")
        }
        return w.finish().filled { _ in "" }
    }
}
