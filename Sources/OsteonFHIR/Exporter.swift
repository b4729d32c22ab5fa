import OsteonDomain

/// The assessment as FHIR R4: a collection Bundle holding a RiskAssessment per
/// score (with basis references to the resources the facts came from), one
/// CarePlan with the plan's activities, and a DetectedIssue per alert and care gap.
public enum FHIRExporter {
    public static let codeSystemBase = "https://osteon.example/fhir/CodeSystem"

    /// FHIR ids: [A-Za-z0-9-.]{1,64}.
    static func fhirID(_ parts: String...) -> String {
        let raw = parts.joined(separator: "-")
        let cleaned = String(raw.map { $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "." ? $0 : "-" })
        return String(cleaned.prefix(64))
    }

    public static func bundle(for a: Assessment) -> JSONValue {
        let patientRef: JSONValue = ["reference": .string("Patient/\(fhirID(a.patientID))")]
        let date = JSONValue.string(a.asOf.description)
        var entries: [JSONValue] = []
        func entry(_ resource: JSONValue) { entries.append(["resource": resource]) }

        // RiskAssessment per valid score.
        for (n, score) in a.scores.enumerated() {
            guard let result = score.result, let report = score.report else { continue }
            var prediction: [(String, JSONValue)] = [("outcome", ["text": .string(result.headline)])]
            if let total = report.total { prediction.append(("qualitativeRisk", ["text": .string("total \(total)")])) }
            prediction.append(("rationale", .string(report.rationale.joined(separator: " "))))
            let basis = a.sources.filter { src in
                guard let lesion = score.lesionID else { return true }
                return src.path.contains(lesion) || !src.path.hasPrefix("lesions")
            }.map(\.source).reduce(into: [String]()) { if !$0.contains($1) && $1.has("/") { $0.append($1) } }
            var resource: [(String, JSONValue)] = [
                ("resourceType", "RiskAssessment"),
                ("id", .string(fhirID("osteon", a.patientID, score.id, score.lesionID ?? "patient", String(n)))),
                ("status", "final"),
                ("method", ["coding": [["system": .string("\(codeSystemBase)/score"), "code": .string(score.id),
                                        "display": .string(report.title)]]]),
                ("subject", patientRef),
                ("occurrenceDateTime", date),
            ]
            if !basis.isEmpty { resource.append(("basis", .array(basis.map { ["reference": .string($0)] }))) }
            resource.append(("prediction", [.object(prediction)]))
            var notes: [JSONValue] = [["text": .string("Citation: \(report.citations.map(\.text).joined(separator: "; "))")]]
            if let lesion = score.lesionID { notes.append(["text": .string("Lesion \(lesion)")]) }
            resource.append(("note", .array(notes)))
            entry(.object(resource))
        }

        // One CarePlan with every plan item as an activity.
        let items = a.imagingPlan + a.treatmentPlan + a.surveillance + a.prevention
        if !items.isEmpty {
            let activities: [JSONValue] = items.map { item in
                var detail: [(String, JSONValue)] = [
                    ("code", ["coding": [["system": .string("\(codeSystemBase)/plan-item"), "code": .string(item.code.rawValue)]], "text": .string(item.text)]),
                    ("reasonCode", [["text": .string(item.reason)]]),
                    ("status", .string(activityStatus(item.status))),
                    ("description", .string("\(item.text) Source: \(item.citations.map(\.text).joined(separator: "; "))")),
                ]
                if let due = item.due { detail.append(("scheduledPeriod", ["end": .string(due.description)])) }
                return ["detail": .object(detail)]
            }
            entry(.object([
                ("resourceType", "CarePlan"),
                ("id", .string(fhirID("osteon", a.patientID, "careplan"))),
                ("status", "active"),
                ("intent", "plan"),
                ("title", "Osteon bone-oncology care plan"),
                ("subject", patientRef),
                ("created", date),
                ("activity", .array(activities)),
            ]))
        }

        // DetectedIssue per alert and care gap.
        for (n, alert) in a.alerts.enumerated() {
            entry(.object([
                ("resourceType", "DetectedIssue"),
                ("id", .string(fhirID("osteon", a.patientID, "alert", String(n)))),
                ("status", "final"),
                ("code", ["coding": [["system": .string("\(codeSystemBase)/alert"), "code": .string(alert.code.rawValue)]], "text": .string(alert.title)]),
                ("severity", .string(alert.severity == .soon ? "moderate" : "high")),
                ("patient", patientRef),
                ("identifiedDateTime", date),
                ("detail", .string("\(alert.reason) Source: \(alert.citations.map(\.text).joined(separator: "; "))")),
                ("mitigation", [["action": ["text": .string(alert.action)]]]),
            ]))
        }
        for (n, gap) in a.careGaps.enumerated() {
            entry(.object([
                ("resourceType", "DetectedIssue"),
                ("id", .string(fhirID("osteon", a.patientID, "gap", String(n)))),
                ("status", "final"),
                ("code", ["coding": [["system": .string("\(codeSystemBase)/care-gap"), "code": .string(gap.code.rawValue)]], "text": .string(gap.reason)]),
                ("severity", "moderate"),
                ("patient", patientRef),
                ("identifiedDateTime", date),
                ("detail", .string("\(gap.reason) Source: \(gap.citations.map(\.text).joined(separator: "; "))")),
            ]))
        }
        return .object([
            ("resourceType", "Bundle"),
            ("id", .string(fhirID("osteon", a.patientID, "assessment"))),
            ("type", "collection"),
            ("timestamp", .string("\(a.asOf.description)T00:00:00Z")),
            ("entry", .array(entries)),
        ])
    }

    static func activityStatus(_ status: PlanStatus?) -> String {
        switch status {
        case .done?: "completed"
        case .active?, .referred?: "in-progress"
        case .due?, .dueNow?, .overdue?, .upcoming?: "scheduled"
        case .withheld?: "on-hold"
        default: "not-started"
        }
    }
}
