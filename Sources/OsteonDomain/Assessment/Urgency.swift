/// How urgent a patient is, and how at risk each lesion is: computed once here
/// and used by the pages, the API, the patient list and the screener.
public enum Urgency: String, Sendable, CaseIterable, Comparable {
    case emergency, urgent, soon
    case careGap = "care_gap"
    case none

    public var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Urgency, b: Urgency) -> Bool { a.rank < b.rank }

    public var label: String {
        switch self {
        case .emergency: "emergency"
        case .urgent: "urgent"
        case .soon: "soon"
        case .careGap: "care gap"
        case .none: "nothing urgent"
        }
    }
    /// Shown by the "urgent only" filter.
    public var isUrgent: Bool { self == .emergency || self == .urgent }
}

/// The colour of a lesion on the skeleton map.
public enum LesionRisk: String, Sendable, CaseIterable {
    case high, borderline, low, unscored

    public var label: String { self == .unscored ? "not scored" : "\(rawValue) risk" }
}

extension Assessment {
    /// The most severe alert, else a care gap, else none.
    public var urgency: Urgency {
        if let first = alerts.filter(\.isOpen).map(\.severity).min() {
            switch first {
            case .emergency: return .emergency
            case .urgent: return .urgent
            case .soon: return .soon
            }
        }
        return careGaps.isEmpty ? .none : .careGap
    }

    /// High when an urgent or emergency alert names the lesion; borderline for
    /// a "soon" alert; low when its fracture or stability score was computed.
    public func risk(lesion id: String) -> LesionRisk {
        if alerts.contains(where: { $0.lesionID == id && $0.severity != .soon }) { return .high }
        if alerts.contains(where: { $0.lesionID == id }) { return .borderline }
        if scores.contains(where: { $0.lesionID == id && $0.valid && ($0.id == Mirels.id || $0.id == SINS.id) }) { return .low }
        return .unscored
    }

    /// The first thing to do: the most urgent alert's action, else the first gap.
    public var firstAction: String { alerts.first?.action ?? careGaps.first?.reason ?? "" }
}
