/// Everything the care pathway needs for one patient on one date, each item
/// with its reason and citation, and what data is still needed.
public struct Assessment: Sendable {
    public enum Severity: String, Sendable, Comparable {
        case emergency, urgent, soon
        var rank: Int { switch self { case .emergency: 0; case .urgent: 1; case .soon: 2 } }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public struct Alert: Sendable {
        public let code: String
        public let severity: Severity
        public let title: String
        public let action: String
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
    }

    public struct Candidate: Sendable {
        public let diagnosis: String
        public let points: Int
        public let reasonsFor: [String]
        public let reasonsAgainst: [String]
        public let citations: [Citation]
    }

    public struct Differential: Sendable {
        public let lesionID: String?
        public let confirmed: String?
        public let candidates: [Candidate]
    }

    public struct PlanItem: Sendable {
        public let code: String
        public let category: String
        public let text: String
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
        public var status: String? = nil
        public var due: Day? = nil
        public var details: JSONValue? = nil
    }

    public struct CareGap: Sendable {
        public let code: String
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
    }

    public struct DataNeed: Sendable, Equatable {
        public let field: String
        public var neededFor: [String]
        public let detail: String
    }

    public struct ScoreEntry: Sendable {
        public let id: String
        public let lesionID: String?
        public let json: JSONValue
        public var valid: Bool { json["valid"] == true }
    }

    public let patientID: String
    public let asOf: Day
    public var primarySites: [String] = []
    public var boneMetastasis: Bool?
    public var myelomaBoneDisease = false
    public var lesionClasses: [(lesionID: String, classification: String)] = []
    public var alerts: [Alert] = []
    public var scores: [ScoreEntry] = []
    public var survivalNote: String?
    public var differential: [Differential] = []
    public var imagingPlan: [PlanItem] = []
    public var treatmentPlan: [PlanItem] = []
    public var surveillance: [PlanItem] = []
    public var prevention: [PlanItem] = []
    public var careGaps: [CareGap] = []
    public var dataNeeded: [DataNeed] = []
    public var warnings: [String] = []
    /// Where each fact came from (case path → e.g. "Condition/abc"), for imported records.
    public var sources: [(path: String, source: String)] = []

    public init(patientID: String, asOf: Day) {
        self.patientID = patientID
        self.asOf = asOf
    }

    mutating func need(_ field: String, for id: String, _ detail: String) {
        if let i = dataNeeded.firstIndex(where: { $0.field == field }) {
            if !dataNeeded[i].neededFor.contains(id) { dataNeeded[i].neededFor.append(id) }
        } else {
            dataNeeded.append(DataNeed(field: field, neededFor: [id], detail: detail))
        }
    }

    mutating func gap(_ code: String, _ reason: String, _ citations: [Citation], lesion: String? = nil) {
        guard !careGaps.contains(where: { $0.code == code && $0.lesionID == lesion }) else { return }
        careGaps.append(CareGap(code: code, reason: reason, citations: citations, lesionID: lesion))
    }

    /// A valid score object, for one lesion or for the patient.
    public func score(_ id: String, lesion: String? = nil) -> JSONValue? {
        scores.first { $0.id == id && $0.lesionID == lesion && $0.valid }?.json
    }

    /// The score objects by id: one per id; for per-lesion scores, the lesion
    /// with the highest total (others are in `lesion_scores`).
    public var scoresByID: [(String, JSONValue)] {
        var out: [(String, JSONValue)] = []
        for entry in scores {
            if let i = out.firstIndex(where: { $0.0 == entry.id }) {
                let current = out[i].1
                let better = (entry.json["total"]?.numberValue ?? -1) > (current["total"]?.numberValue ?? -1)
                    || (current["valid"] != true && entry.valid)
                if better { out[i].1 = entry.json }
            } else {
                out.append((entry.id, entry.json))
            }
        }
        return out
    }
}

extension Assessment {
    /// The stable, snake_case JSON of `osteon assess --format json`.
    public var json: JSONValue {
        func cites(_ c: [Citation]) -> JSONValue { .string(c.map(\.text).joined(separator: "; ")) }
        func item(_ p: PlanItem) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("code", .string(p.code)), ("category", .string(p.category)), ("text", .string(p.text)),
                                                ("reason", .string(p.reason)), ("citation", cites(p.citations))]
            if let l = p.lesionID { pairs.append(("lesion_id", .string(l))) }
            if let s = p.status { pairs.append(("status", .string(s))) }
            if let d = p.due { pairs.append(("due", .string(d.description))) }
            if let x = p.details { pairs.append(("details", x)) }
            return .object(pairs)
        }
        return .object([
            ("patient_id", .string(patientID)),
            ("as_of", .string(asOf.description)),
            ("primary_sites", JSONValue(primarySites)),
            ("bone_metastasis", JSONValue(boneMetastasis)),
            ("myeloma_bone_disease", .bool(myelomaBoneDisease)),
            ("lesions", .array(lesionClasses.map { ["lesion_id": .string($0.lesionID), "classification": .string($0.classification)] })),
            ("alerts", .array(alerts.map { a in
                var pairs: [(String, JSONValue)] = [("code", .string(a.code)), ("severity", .string(a.severity.rawValue)),
                                                    ("title", .string(a.title)), ("action", .string(a.action)),
                                                    ("reason", .string(a.reason)), ("citation", cites(a.citations))]
                if let l = a.lesionID { pairs.append(("lesion_id", .string(l))) }
                return .object(pairs)
            })),
            ("scores", .object(scoresByID)),
            ("lesion_scores", .array(scores.filter { $0.lesionID != nil }.map { s in
                ["lesion_id": .string(s.lesionID!), "score": .string(s.id), "result": s.json]
            })),
            ("survival_note", JSONValue(survivalNote)),
            ("differential", .array(differential.map { d in
                .object([
                    ("lesion_id", JSONValue(d.lesionID)),
                    ("confirmed", JSONValue(d.confirmed)),
                    ("candidates", .array(d.candidates.enumerated().map { n, c in
                        ["rank": .int(n + 1), "diagnosis": .string(c.diagnosis), "reasons_for": JSONValue(c.reasonsFor),
                         "reasons_against": JSONValue(c.reasonsAgainst), "citation": cites(c.citations)]
                    })),
                ])
            })),
            ("imaging_plan", .array(imagingPlan.map(item))),
            ("treatment_plan", .array(treatmentPlan.map(item))),
            ("surveillance", .array(surveillance.map(item))),
            ("prevention", .array(prevention.map(item))),
            ("care_gaps", .array(careGaps.map { g in
                var pairs: [(String, JSONValue)] = [("code", .string(g.code)), ("reason", .string(g.reason)), ("citation", cites(g.citations))]
                if let l = g.lesionID { pairs.append(("lesion_id", .string(l))) }
                return .object(pairs)
            })),
            ("data_needed", .array(dataNeeded.map { ["field": .string($0.field), "needed_for": JSONValue($0.neededFor), "detail": .string($0.detail)] })),
            ("warnings", JSONValue(warnings)),
            ("sources", .object(sources.map { ($0.path, .string($0.source)) })),
        ])
    }
}
