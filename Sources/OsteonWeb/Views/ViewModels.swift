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
    let isQuality: Bool

    init(displayName: String, role: String) {
        self.displayName = displayName
        self.role = Self.roleNames[role] ?? role
        isStaff = role == Role.clinician || role == Role.navigator
        isAdministrator = role == Role.administrator
        isQuality = role == Role.quality
    }

    /// The role in words, as the page shows it.
    static let roleNames = [Role.administrator: "administrator", Role.clinician: "clinician", Role.navigator: "nurse navigator",
                            Role.patient: "patient", Role.quality: "quality and outcomes"]
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

    /// In clinicians' words: lesions by site (`lesion` names them), keys and values spelled out.
    init(_ entry: Assessment.ScoreEntry, lesion: (String) -> String = { $0 }) {
        id = entry.id
        lesionID = entry.lesionID.map(lesion)
        title = ScoreCatalog.rule(id: entry.id)?.title ?? Words.rule(entry.id)
        valid = entry.valid
        let r = entry.report
        total = r?.total.map(String.init)
        let headline: String? = entry.result?.headline
        band = headline.map { Words.plain($0, lesion: lesion) }
        let recommendationText: String? = r?.recommendation
        recommendation = recommendationText.map { Words.plain($0, lesion: lesion) }
        let rationaleText: String? = r?.rationale.joined(separator: " ")
        rationale = rationaleText.map { Words.plain($0, lesion: lesion) }
        citation = r?.citations.map(\.text).joined(separator: "; ")
        provenance = r.map { "\($0.provenance.mark) \($0.provenance.rawValue)" }
        components = (r?.components ?? []).map { Component(key: Words.term($0.key), finding: Words.plain($0.finding, lesion: lesion), points: $0.points) }
        error = entry.problem.map { p in
            let fields = p.problems.map { Words.term($0.field) }
            return fields.isEmpty ? Words.plain(p.message, lesion: lesion) : "Cannot be scored yet: \(fields.joined(separator: ", ")) not recorded"
        }
        missing = entry.problem?.problems.map { Words.term($0.field) } ?? []
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
    /// Where a missing fact is entered.
    var href: String? = nil
}

struct LesionVM: Content {
    let id: UUID
    /// The lesion's id in the case (what procedures refer to); never shown.
    let caseLabel: String
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

/// A missing fact on the summary card: what, how much it unblocks, and where it is entered.
struct BlockingVM: Content {
    let text: String
    let neededFor: [String]
    let href: String
}

/// Everything the patient page shows about the patient, built from the records
/// and the assessment; the same for every viewer (the viewer's parts are slots).
struct PatientPage {
    let patientID: UUID
    let externalID: String
    let name: String
    let birthDate: String
    /// The recorded date of death (shown beside the birth date; it ends follow-up in the outcomes).
    let died: String?
    let sex: String
    let state: String
    let stateOptions: [Option]
    let primary: String
    let boneMetastasis: String
    let alerts: [AlertVM]
    /// Emergencies and urgent alerts, for the summary card.
    let pressing: [AlertVM]
    /// The missing facts that block the most, ranked (Assessment.blockingFacts).
    let blocking: [BlockingVM]
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
    /// The bone-modifying agents a dose can be recorded for (record id, name).
    let doseCourses: [(value: String, label: String)]
    let imagingStudies: [TimelineVM]
    let tasks: [TaskVM]
    let asOf: String
    let careTeam: [String]
    let caseVersion: Int

    /// The medicines of the record that are bone-modifying agents, read as the rules read them.
    static func doseCourses(_ r: CaseStore.Records) -> [(value: String, label: String)] {
        r.medications.compactMap { m in
            guard let id = m.id, let data = try? JSONValue.parse(m.data),
                  let read = try? CaseReader.read(.object([("patient_id", "dose"), ("medications", [data])])).patientCase.medications?.first,
                  read.medicationClass == .boneModifyingAgent, !read.notGiven else { return nil }
            return (id.uuidString, Words.value(read.agent?.rawValue ?? m.name) + (read.startDate.map { ", started \($0)" } ?? ""))
        }
    }

    static func build(today: Day, records r: CaseStore.Records, read: CaseReader.Output, tasks: [TaskRecord], careTeam: [String] = []) -> PatientPage {
        let a = Assessor.assess(read.patientCase, asOf: today, inputProblems: read.problems, unknownKeys: read.unknownKeys)
        let classes = Dictionary(a.lesionClasses.map { ($0.lesionID, $0.classification) }, uniquingKeysWith: { x, _ in x })
        let named = Lesion.named(read.patientCase.lesions ?? [])
        let names = Dictionary(named.map { ($0.id, $0.label) }, uniquingKeysWith: { x, _ in x })
        let name: (String) -> String = { names[$0] ?? "lesion \($0)" }
        func plain(_ text: String) -> String { Words.plain(text, lesion: name) }
        let lesions = r.lesions.map { record -> LesionVM in
            let scores = a.scores.filter { $0.lesionID == record.label }.map { ScoreVM($0, lesion: name) }
            return LesionVM(id: record.id!, caseLabel: record.label, label: name(record.label), description: name(record.label),
                            classification: plain(classes[record.label] ?? ""), version: record.version, risk: a.risk(lesion: record.label).rawValue,
                            scores: scores)
        }
        let lesionIDs = Dictionary(r.lesions.compactMap { l in l.id.map { (l.label, $0) } }, uniquingKeysWith: { x, _ in x })
        func alert(_ x: Assessment.Alert) -> AlertVM {
            AlertVM(code: x.code.rawValue, severity: x.severity.rawValue, title: plain(x.title), action: plain(x.action), reason: plain(x.reason),
                    citation: x.citations.map(\.text).joined(separator: "; "))
        }
        func plan(_ items: [Assessment.PlanItem]) -> [PlanVM] {
            items.map { PlanVM(code: $0.code.rawValue, text: plain($0.text), reason: plain($0.reason), citation: $0.citations.map(\.text).joined(separator: "; "),
                               status: $0.status.map { Words.value($0.rawValue) }, due: $0.due?.description) }
        }
        return PatientPage(
            patientID: r.patient.id!, externalID: r.patient.externalID, name: r.patient.name,
            birthDate: r.patient.birthDate ?? "not recorded",
            died: (try? JSONValue.parse(r.caseRecord.document))?["patient"]?["deceased_on"]?.stringValue, sex: r.patient.sex ?? "not recorded",
            state: CaseState(rawValue: r.caseRecord.state)?.label ?? r.caseRecord.state,
            stateOptions: options(CaseState.allCases.map(\.rawValue), selected: r.caseRecord.state,
                                  labels: Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, $0.label) })),
            primary: a.primarySites.isEmpty ? "none recorded" : a.primarySites.map(Words.value).joined(separator: ", "),
            boneMetastasis: a.boneMetastasis.map { $0 ? "yes" : "no" } ?? "unknown",
            alerts: a.alerts.map(alert), pressing: a.pressingAlerts.map(alert),
            blocking: a.blockingFacts(limit: 5).map { d in
                let what = Words.path(d.field, lesion: name)
                return BlockingVM(text: what.prefix(1).uppercased() + what.dropFirst(), neededFor: d.neededFor.map(Words.rule),
                                  href: FieldLink.href(d.field, patientID: r.patient.id!, lesions: lesionIDs))
            },
            notAdvised: a.prohibitions.map { p in
                let held = a.withheld.filter { $0.prohibition.action == p.action }.map(\.item.text)
                return PlanVM(code: "", text: plain(p.what.prefix(1).uppercased() + p.what.dropFirst()),
                              reason: plain(p.reason + (held.isEmpty ? "" : " Held back: " + held.joined(separator: " ")) + (p.decidedBy.map { " (\($0) safety decision.)" } ?? "")),
                              citation: p.citations.map(\.text).joined(separator: "; "), status: nil, due: nil)
            },
            lesions: lesions,
            patientScores: a.scores.filter { $0.lesionID == nil }.map { ScoreVM($0, lesion: name) },
            survivalNote: a.survivalNote.map(plain),
            differential: a.differential.flatMap { d in
                d.candidates.prefix(4).enumerated().map { n, c in
                    "\(d.lesionID.map(name) ?? "lesion") — \(n + 1). \(Words.value(c.diagnosis))"
                        + (c.reasonsFor.isEmpty ? "" : ": for \(plain(c.reasonsFor.joined(separator: "; ")))")
                        + (c.reasonsAgainst.isEmpty ? "" : "; against \(plain(c.reasonsAgainst.joined(separator: "; ")))")
                }
            },
            imaging: plan(a.imagingPlan), treatment: plan(a.treatmentPlan), surveillance: plan(a.surveillance), prevention: plan(a.prevention),
            gaps: a.careGaps.map { PlanVM(code: $0.code.rawValue, text: $0.code.summary.prefix(1).uppercased() + $0.code.summary.dropFirst(), reason: plain($0.reason),
                                          citation: $0.citations.map(\.text).joined(separator: "; "), status: nil, due: nil) },
            dataNeeded: a.dataNeeded.map { d in
                let what = Words.path(d.field, lesion: name)
                return PlanVM(code: d.field, text: what.prefix(1).uppercased() + what.dropFirst(), reason: plain(d.detail), citation: "",
                              status: d.neededFor.map(Words.rule).joined(separator: ", "), due: nil,
                              href: FieldLink.href(d.field, patientID: r.patient.id!, lesions: lesionIDs))
            },
            warnings: a.warnings.map(plain),
            timeline: timeline(read.patientCase, name: name),
            skeleton: SkeletonMap.svg(lesions: named, assessment: a),
            labs: r.labs.map { TimelineVM(date: $0.date ?? "", text: "\(Words.term($0.test)) \(format($0.value)) \($0.unit)") },
            medications: r.medications.map { m in
                let doses = r.doses.filter { $0.$medication.id == m.id }.map(\.givenOn)
                let given = doses.last.map { "; \(doses.count) \(doses.count == 1 ? "dose" : "doses") recorded, the latest on \($0)" } ?? ""
                return TimelineVM(date: (try? JSONValue.parse(m.data))?["start_date"]?.stringValue ?? "", text: "\(plain(m.name))\(m.status.map { " (\(Words.value($0)))" } ?? "")\(given)")
            },
            doseCourses: doseCourses(r),
            imagingStudies: r.imaging.map { TimelineVM(date: $0.date ?? "", text: "\(Words.value($0.modality)) \(plain($0.region ?? ""))\($0.report.map { ": \($0)" } ?? "")") },
            tasks: tasks.map { TaskVM(id: $0.id!, title: $0.title, owner: $0.owner, due: $0.dueOn, done: $0.status == "done") },
            asOf: a.asOf.description, careTeam: careTeam,
            caseVersion: r.caseRecord.version)
    }

    static func timeline(_ c: PatientCase, name: (String) -> String) -> [TimelineVM] {
        var events: [(Day, String)] = []
        for k in c.cancers ?? [] {
            if let d = k.diagnosisDate { events.append((d, "Diagnosis: \(k.primarySite.map { Words.value($0.rawValue) } ?? "cancer")\(k.stage.map { ", stage \($0)" } ?? "")")) }
            if let d = k.endOfTreatmentDate { events.append((d, "End of treatment")) }
        }
        for l in c.lesions ?? [] { if let d = l.detectedDate { events.append((d, "Lesion found: \(name(l.id))")) } }
        for s in c.imaging ?? [] { if let d = s.date { events.append((d, "Imaging: \(s.modality.map { Words.value($0.rawValue) } ?? "study") \(Words.plain(s.region ?? ""))")) } }
        for rt in c.radiotherapy ?? [] { if let d = rt.date { events.append((d, "Radiotherapy\(rt.site.map { " to \($0)" } ?? "")\(rt.doseGy.map { " \(format($0)) Gy" } ?? "")")) } }
        for s in c.surgeries ?? [] { if let d = s.date { events.append((d, "Surgery: \(s.kind.map { Words.value($0.rawValue) } ?? "operation")")) } }
        for m in c.medications ?? [] { if let d = m.startDate { events.append((d, "Started \(m.name ?? m.agent.map { Words.value($0.rawValue) } ?? "medicine")")) } }
        for v in c.followUp?.visits ?? [] { events.append((v, "Follow-up visit")) }
        return events.sorted { $0.0 > $1.0 }.map { TimelineVM(date: $0.0.description, text: $0.1) }
    }
}
