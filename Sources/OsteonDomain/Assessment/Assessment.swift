/// Everything the care pathway needs for one patient on one date, each item
/// with its reason, citation and the recorded facts behind it, and what data
/// is still needed. Results stay typed; `json` (AssessmentJSON.swift) is the edge.
public struct Assessment: Sendable {
    public enum Severity: String, Sendable, Comparable, CaseIterable {
        case emergency, urgent, soon
        var rank: Int { switch self { case .emergency: 0; case .urgent: 1; case .soon: 2 } }
        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public struct Alert: Sendable {
        public let code: AlertCode
        public let severity: Severity
        public let title: String
        public let action: String
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
        /// The recorded facts that raised it.
        public var facts: [Fact] = []
        /// The record of the action it asks for (the MRI done, the dose given), once there is one.
        public var resolvedBy: Fact? = nil
        public var isOpen: Bool { resolvedBy == nil }
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
        public let code: PlanCode
        public let category: PlanCategory
        public let text: String
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
        public var status: PlanStatus? = nil
        public var due: Day? = nil
        public var details: PlanDetails? = nil
        /// The recorded facts that triggered the item.
        public var facts: [Fact] = []
        /// Case paths of missing facts that would change it.
        public var wouldChangeWith: [String] = []
        /// What the item asks someone to do (checked against what the facts forbid).
        public var actions: Set<ClinicalAction> = []
    }

    public struct CareGap: Sendable {
        public let code: GapCode
        public let reason: String
        public let citations: [Citation]
        public var lesionID: String? = nil
        public var facts: [Fact] = []
    }

    public struct DataNeed: Sendable, Equatable {
        public let field: String
        public var neededFor: [String]
        public let detail: String
    }

    /// One score as computed for this patient: the typed result (or why it
    /// could not be computed) and the uniform report built from it.
    public struct ScoreEntry: Sendable {
        public let id: String
        public let lesionID: String?
        public let result: ScoreResult?
        public let report: ScoreReport?
        public let problem: CannotScore?
        public var valid: Bool { result != nil }
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
    /// The patient died on or before the assessment date: the scores stay as a record, nothing is planned.
    public var diedOn: Day?
    /// What the recorded facts forbid, and why (Safety.swift): the plan, the
    /// board summary and the guide all read this one list.
    public var prohibitions: [Prohibition] = []
    /// Plan items that were proposed but are forbidden by a recorded fact.
    public var withheld: [(item: PlanItem, prohibition: Prohibition)] = []
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

    mutating func gap(_ code: GapCode, _ reason: String, _ citations: [Citation], lesion: String? = nil, facts: [Fact] = []) {
        guard !careGaps.contains(where: { $0.code == code && $0.lesionID == lesion }) else { return }
        careGaps.append(CareGap(code: code, reason: reason, citations: citations, lesionID: lesion, facts: facts))
    }

    mutating func alert(_ alert: Alert) {
        guard !alerts.contains(where: { $0.code == alert.code && $0.lesionID == alert.lesionID }) else { return }
        alerts.append(alert)
    }

    /// The typed result of a valid score, for one lesion or for the patient.
    public func result<R: AssessedRule>(_ rule: R.Type, lesion: String? = nil) -> R.Result? {
        for entry in scores where entry.id == R.id && entry.lesionID == lesion {
            if let r = entry.result.flatMap(R.unwrap) { return r }
        }
        return nil
    }

    public func entry(_ id: String, lesion: String? = nil) -> ScoreEntry? {
        scores.first { $0.id == id && $0.lesionID == lesion }
    }

    /// The score entries by id: one per id; for per-lesion scores, the lesion
    /// with the highest total (others are in `lesion_scores`).
    public var scoresByID: [ScoreEntry] {
        var out: [ScoreEntry] = []
        for entry in scores {
            if let i = out.firstIndex(where: { $0.id == entry.id }) {
                let current = out[i]
                let better = (entry.report?.total ?? -1) > (current.report?.total ?? -1) || (!current.valid && entry.valid)
                if better { out[i] = entry }
            } else {
                out.append(entry)
            }
        }
        return out
    }

    /// Every plan item, in the order the sections are shown.
    public var planItems: [PlanItem] { imagingPlan + treatmentPlan + surveillance + prevention }

    public func has(_ code: PlanCode) -> Bool { planItems.contains { $0.code == code } }
    public func has(_ code: AlertCode) -> Bool { alerts.contains { $0.code == code } }
    public func has(_ code: GapCode) -> Bool { careGaps.contains { $0.code == code } }
}

/// A recorded fact, by its case path and its value in words
/// ("labs.calcium", "14.5 mg/dL on 2026-11-20").
public struct Fact: Sendable, Hashable {
    public let path: String
    public let value: String
    public init(_ path: String, _ value: String) {
        self.path = path
        self.value = value
    }
}

/// Extra structured detail of a plan item, serialised at the edge.
public enum PlanDetails: Sendable {
    case survivalEstimates(SurvivalSummary)
    case prechecks([Precheck])
    case radiotherapy(PalliativeRadiotherapy.Result)
    case surveillanceSchedule(guideline: String, windowStart: Day, nextVisits: [Day])
    case predisposition(gene: String, inheritance: String)
    case checkSinceLastDose(test: String, done: Bool)
}

/// One check before starting or continuing a bone-modifying agent.
public struct Precheck: Sendable {
    public enum Code: String, Sendable {
        case dentalEvaluation = "dental_evaluation"
        case calciumVitaminD = "calcium_vitamin_d"
        case creatinineBeforeEachDose = "creatinine_before_each_dose"
        case calciumBeforeDenosumab = "calcium_before_denosumab"
    }
    public let code: Code
    public let text: String
    public let status: String
}

/// The survival scores in one line each, shown beside every surgical item.
public struct SurvivalSummary: Sendable {
    public var tokuhashi: TokuhashiRevised.Result?
    public var tomita: Tomita.Result?
    public var katagiri: KatagiriNew.Result?
    public var note: String?
    public var isEmpty: Bool { tokuhashi == nil && tomita == nil && katagiri == nil && note == nil }
}
