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
        let (snapshotID, items) = try await req.board.glance(patientID: patientID, caseID: caseID)
        var signed: SignedDecisionCache.Signed?
        if let snapshotID { signed = try await req.application.signedDecisions.decision(snapshotID, board: req.board) }
        var w = HTMLWriter(capacity: 2048)
        func meeting(_ item: BoardStore.GlanceItem) {
            w.raw("<a href=\"\(SiteRoute.meeting.link(item.meetingID))\">"); w.text(item.meetingTitle); w.raw("</a>, "); w.text(item.scheduledOn)
        }
        // Read as the patient guide reads it: one reading of the signed record.
        if let signed, let decision = signed.decision {
            w.raw("<p class=\"signed\">Signed decision, "); w.text(decision.signedOn.description); w.raw(", by "); w.text(decision.signedBy); w.raw(":</p>\n<blockquote>")
            w.text(decision.consensus); w.raw("</blockquote>\n")
            if let item = items.first(where: { $0.itemID == signed.itemID }) { w.raw("<p>"); meeting(item); w.raw("</p>\n") }
        }
        for item in items where item.itemID != signed?.itemID {
            if let d = item.decision {
                if d.signedOffAt == nil {
                    w.raw("<p>Discussed at "); meeting(item); w.raw("; <strong>awaiting the chair's sign-off</strong>. Draft consensus: "); w.text(d.consensus); w.raw("</p>\n")
                } else {
                    w.raw("<p>Earlier signed decision at "); meeting(item); w.raw(": "); w.text(d.consensus); w.raw("</p>\n")
                }
            } else if let day = Day(item.scheduledOn), day >= today {
                w.raw("<p>Next meeting: "); meeting(item); w.raw(".</p>\n<p>Question for the board: "); w.text(item.question); w.raw("</p>\n")
            } else {
                w.raw("<p>On the agenda of "); meeting(item); w.raw(", not yet discussed. Question: "); w.text(item.question); w.raw("</p>\n")
            }
        }
        if signed == nil && !items.contains(where: { $0.decision?.signedOffAt != nil }) {
            w.raw("<p><strong>Not yet discussed</strong>: no signed decision.")
            if items.isEmpty { w.raw(" Not on a meeting's agenda: <a href=\"\(SiteRoute.meetings.link())\">add to a meeting</a>.") }
            w.raw("</p>\n")
        }
        return w.finish().filled { _ in "" }
    }
}

/// Signed decisions as the board card reads them, by snapshot id: a snapshot never changes after sign-off
/// (database triggers), so its document is read and parsed once per process, not on every view of the page.
final class SignedDecisionCache: @unchecked Sendable {
    struct Signed: Sendable {
        let itemID: UUID
        let decision: BoardDecision?
    }

    private let lock = NSLock()
    private var entries: [UUID: Signed] = [:]
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func decision(_ snapshotID: UUID, board: BoardStore) async throws -> Signed? {
        if let kept = lock.withLock({ entries[snapshotID] }) { return kept }
        guard let record = try await board.snapshot(id: snapshotID) else { return nil }
        let signed = Signed(itemID: record.itemID, decision: BoardService.boardDecision(record))
        lock.withLock {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[snapshotID] = signed
        }
        return signed
    }
}

struct SignedDecisionCacheKey: StorageKey { typealias Value = SignedDecisionCache }

extension Application {
    var signedDecisions: SignedDecisionCache { storage[SignedDecisionCacheKey.self]! }
}
