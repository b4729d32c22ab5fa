import Foundation
import OsteonDomain
import OsteonStore
import Vapor

struct Option: Content {
    let value: String
    let label: String
    let selected: Bool
}

func options(_ values: [String], selected: String?, labels: [String: String] = [:], blank: String? = nil) -> [Option] {
    (blank.map { [Option(value: "", label: $0, selected: selected == nil || selected == "")] } ?? [])
        + values.map { Option(value: $0, label: labels[$0] ?? $0.replacingOccurrences(of: "_", with: " "), selected: $0 == selected) }
}

struct UserVM: Content {
    let displayName: String
    let role: String
    /// Care-team navigation is shown only to staff.
    let isStaff: Bool
    let isAdministrator: Bool

    init(displayName: String, role: String) {
        self.displayName = displayName
        self.role = role
        isStaff = role == Role.clinician || role == Role.navigator
        isAdministrator = role == Role.administrator
    }
}

struct ScoreVM: Content {
    struct Component: Content { let key: String; let finding: String; let points: Int }
    let id: String
    let title: String
    let lesionID: String?
    let valid: Bool
    let total: String?
    let band: String?
    let recommendation: String?
    let rationale: String?
    let citation: String?
    let provenance: String?
    let components: [Component]
    let error: String?
    let missing: [String]

    init(_ entry: Assessment.ScoreEntry) {
        id = entry.id
        lesionID = entry.lesionID
        title = ScoreCatalog.rule(id: entry.id)?.title ?? entry.id
        valid = entry.valid
        let r = entry.report
        total = r?.total.map(String.init)
        band = entry.result?.headline
        recommendation = r?.recommendation
        rationale = r?.rationale.joined(separator: " ")
        citation = r?.citations.map(\.text).joined(separator: "; ")
        provenance = r.map { "\($0.provenance.mark) \($0.provenance.rawValue)" }
        components = (r?.components ?? []).map { Component(key: $0.key, finding: $0.finding, points: $0.points) }
        error = entry.problem?.message
        missing = entry.problem?.problems.map(\.field) ?? []
    }
}

struct AlertVM: Content {
    let code: String
    let severity: String
    let title: String
    let action: String
    let reason: String
    let citation: String
}

struct PlanVM: Content {
    let code: String
    let text: String
    let reason: String
    let citation: String
    let status: String?
    let due: String?
}

struct LesionVM: Content {
    let id: UUID
    let label: String
    let description: String
    let classification: String
    let version: Int
    let risk: String
    let scores: [ScoreVM]
}

struct TimelineVM: Content {
    let date: String
    let text: String
}

struct TaskVM: Content {
    let id: UUID
    let title: String
    let owner: String
    let due: String?
    let done: Bool
}

/// Everything the patient page shows about the patient, built from the records
/// and the assessment; the same for every viewer (the viewer's parts are slots).
struct PatientPage {
    let patientID: UUID
    let externalID: String
    let name: String
    let birthDate: String
    let sex: String
    let state: String
    let stateOptions: [Option]
    let primary: String
    let boneMetastasis: String
    let alerts: [AlertVM]
    /// What the recorded facts forbid, with the items held back.
    let notAdvised: [PlanVM]
    let lesions: [LesionVM]
    let patientScores: [ScoreVM]
    let survivalNote: String?
    let differential: [String]
    let imaging: [PlanVM]
    let treatment: [PlanVM]
    let surveillance: [PlanVM]
    let prevention: [PlanVM]
    let gaps: [PlanVM]
    let dataNeeded: [PlanVM]
    let warnings: [String]
    let timeline: [TimelineVM]
    let skeleton: String
    let labs: [TimelineVM]
    let medications: [TimelineVM]
    let imagingStudies: [TimelineVM]
    let tasks: [TaskVM]
    let asOf: String
    let careTeam: [String]
    let caseVersion: Int

    static func build(today: Day, records r: CaseStore.Records, read: CaseReader.Output, tasks: [TaskRecord], careTeam: [String] = []) -> PatientPage {
        let a = Assessor.assess(read.patientCase, asOf: today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        let classes = Dictionary(a.lesionClasses.map { ($0.lesionID, $0.classification) }, uniquingKeysWith: { x, _ in x })
        let lesions = r.lesions.map { record -> LesionVM in
            let lesion = read.patientCase.lesions?.first { $0.id == record.label }
            let scores = a.scores.filter { $0.lesionID == record.label }.map(ScoreVM.init)
            return LesionVM(id: record.id!, label: record.label, description: lesion.map(describe) ?? record.label,
                            classification: classes[record.label] ?? "", version: record.version, risk: a.risk(lesion: record.label).rawValue,
                            scores: scores)
        }
        func plan(_ items: [Assessment.PlanItem]) -> [PlanVM] {
            items.map { PlanVM(code: $0.code.rawValue, text: $0.text, reason: $0.reason, citation: $0.citations.map(\.text).joined(separator: "; "),
                               status: $0.status?.rawValue.replacingOccurrences(of: "_", with: " "), due: $0.due?.description) }
        }
        return PatientPage(
            patientID: r.patient.id!, externalID: r.patient.externalID, name: r.patient.name,
            birthDate: r.patient.birthDate ?? "not recorded", sex: r.patient.sex ?? "not recorded",
            state: CaseState(rawValue: r.caseRecord.state)?.label ?? r.caseRecord.state,
            stateOptions: options(CaseState.allCases.map(\.rawValue), selected: r.caseRecord.state,
                                  labels: Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, $0.label) })),
            primary: a.primarySites.isEmpty ? "none recorded" : a.primarySites.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", "),
            boneMetastasis: a.boneMetastasis.map { $0 ? "yes" : "no" } ?? "unknown",
            alerts: a.alerts.map { AlertVM(code: $0.code.rawValue, severity: $0.severity.rawValue, title: $0.title, action: $0.action, reason: $0.reason,
                                           citation: $0.citations.map(\.text).joined(separator: "; ")) },
            notAdvised: a.prohibitions.map { p in
                let held = a.withheld.filter { $0.prohibition.action == p.action }.map(\.item.text)
                return PlanVM(code: "", text: p.what.prefix(1).uppercased() + p.what.dropFirst(),
                              reason: p.reason + (held.isEmpty ? "" : " Held back: " + held.joined(separator: " ")) + (p.decidedBy.map { " (\($0) safety decision.)" } ?? ""),
                              citation: p.citations.map(\.text).joined(separator: "; "), status: nil, due: nil)
            },
            lesions: lesions,
            patientScores: a.scores.filter { $0.lesionID == nil }.map(ScoreVM.init),
            survivalNote: a.survivalNote,
            differential: a.differential.flatMap { d in
                d.candidates.prefix(4).enumerated().map { n, c in
                    "\(d.lesionID ?? "lesion") — \(n + 1). \(c.diagnosis.replacingOccurrences(of: "_", with: " "))"
                        + (c.reasonsFor.isEmpty ? "" : ": for \(c.reasonsFor.joined(separator: "; "))")
                        + (c.reasonsAgainst.isEmpty ? "" : "; against \(c.reasonsAgainst.joined(separator: "; "))")
                }
            },
            imaging: plan(a.imagingPlan), treatment: plan(a.treatmentPlan), surveillance: plan(a.surveillance), prevention: plan(a.prevention),
            gaps: a.careGaps.map { PlanVM(code: $0.code.rawValue, text: $0.code.summary, reason: $0.reason,
                                          citation: $0.citations.map(\.text).joined(separator: "; "), status: nil, due: nil) },
            dataNeeded: a.dataNeeded.map { PlanVM(code: $0.field, text: $0.field, reason: $0.detail, citation: "", status: $0.neededFor.joined(separator: ", "), due: nil) },
            warnings: a.warnings,
            timeline: timeline(read.patientCase),
            skeleton: SkeletonMap.svg(lesions: read.patientCase.lesions ?? [], assessment: a),
            labs: r.labs.map { TimelineVM(date: $0.date ?? "", text: "\($0.test) \(format($0.value)) \($0.unit)") },
            medications: r.medications.map { m in TimelineVM(date: (try? JSONValue.parse(m.data))?["start_date"]?.stringValue ?? "", text: "\(m.name)\(m.status.map { " (\($0))" } ?? "")") },
            imagingStudies: r.imaging.map { TimelineVM(date: $0.date ?? "", text: "\($0.modality) \($0.region ?? "")\($0.report.map { ": \($0)" } ?? "")") },
            tasks: tasks.map { TaskVM(id: $0.id!, title: $0.title, owner: $0.owner, due: $0.dueOn, done: $0.status == "done") },
            asOf: a.asOf.description, careTeam: careTeam,
            caseVersion: r.caseRecord.version)
    }

    static func describe(_ l: Lesion) -> String {
        if let level = l.level { return "\(level) (spine)" }
        let bone = [l.side, l.bone?.rawValue].compactMap { $0 }.joined(separator: " ")
        guard let region = l.region?.rawValue.replacingOccurrences(of: "_", with: " ") else { return bone }
        return "\(bone) (\(region))"
    }

    static func timeline(_ c: PatientCase) -> [TimelineVM] {
        var events: [(Day, String)] = []
        for k in c.cancers ?? [] {
            if let d = k.diagnosisDate { events.append((d, "Diagnosis: \(k.primarySite?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "cancer")\(k.stage.map { ", stage \($0)" } ?? "")")) }
            if let d = k.endOfTreatmentDate { events.append((d, "End of treatment")) }
        }
        for l in c.lesions ?? [] { if let d = l.detectedDate { events.append((d, "Lesion \(l.id) found: \(describe(l))")) } }
        for s in c.imaging ?? [] { if let d = s.date { events.append((d, "Imaging: \(s.modality?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "study") \(s.region ?? "")")) } }
        for rt in c.radiotherapy ?? [] { if let d = rt.date { events.append((d, "Radiotherapy\(rt.site.map { " to \($0)" } ?? "")\(rt.doseGy.map { " \(format($0)) Gy" } ?? "")")) } }
        for s in c.surgeries ?? [] { if let d = s.date { events.append((d, "Surgery: \(s.kind?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "operation")")) } }
        for m in c.medications ?? [] { if let d = m.startDate { events.append((d, "Started \(m.name ?? m.agent?.rawValue ?? "medicine")")) } }
        for v in c.followUp?.visits ?? [] { events.append((v, "Follow-up visit")) }
        return events.sorted { $0.0 > $1.0 }.map { TimelineVM(date: $0.0.description, text: $0.1) }
    }
}
