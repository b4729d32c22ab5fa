import Foundation
import OsteonDomain
import OsteonStore
import Vapor

/// Written patient pages, each valid for one revision of the patient's record
/// (kept by the database, so every writer invalidates it) and one day (the
/// assessment depends on the date). Bounded: the oldest entries go first.
final class PatientPageCache: @unchecked Sendable {
    struct Entry: Sendable {
        let day: Day
        let name: String
        let caseID: UUID
        let html: HTMLTemplate
    }

    private let lock = NSLock()
    private var entries: [UUID: (PatientRevision, Entry)] = [:]
    private var order: [UUID] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func entry(_ id: UUID, revision: PatientRevision, day: Day) -> Entry? {
        lock.withLock {
            guard let (stored, entry) = entries[id], stored == revision, entry.day == day else { return nil }
            return entry
        }
    }

    func store(_ id: UUID, revision: PatientRevision, _ entry: Entry) {
        lock.withLock {
            if entries.updateValue((revision, entry), forKey: id) == nil { order.append(id) }
            while entries.count > capacity, !order.isEmpty { entries[order.removeFirst()] = nil }
        }
    }

    var count: Int { lock.withLock { entries.count } }
}

struct PatientPageCacheKey: StorageKey { typealias Value = PatientPageCache }

extension Application {
    var patientPages: PatientPageCache { storage[PatientPageCacheKey.self]! }
}
