import Fluent
import Foundation
import OsteonDomain
import OsteonStore
import Vapor

struct PatientRow: Content {
    let id: UUID
    let externalID: String
    let name: String
    let birthDate: String
    let state: String
    let urgency: String
    let urgencyLabel: String
    let rank: Int
    let alerts: [String]
    let gaps: Int
    let primary: String
}

struct PatientListPage: Content {
    let user: UserVM
    let csrf: String
    let query: String
    let urgentOnly: Bool
    let stateOptions: [Option]
    let rows: [PatientRow]
    /// Keyset pages: the link to the next page, and back to the first.
    let nextPage: String?
    let firstPage: String?
    /// Said while the background pass catches up with a bulk change.
    let updating: String?
}

struct FormPage: Content {
    let user: UserVM
    let csrf: String
    let title: String
    let action: String
    let patientID: UUID?
    let patientName: String?
    let values: [String: String]
    let errors: [String: String]
    let selects: [String: [Option]]
    let version: Int?
    var notice: String? = nil
}

func userVM(_ req: Request) -> UserVM {
    let u = req.auth.get(SessionUser.self)
    return UserVM(displayName: u?.displayName ?? "", role: u?.role ?? "")
}

/// Validates a fragment of the case format by reading it as a case, so the
/// web forms accept exactly what `osteon assess` accepts.
enum CaseValidation {
    static func problems(_ fragment: [(String, JSONValue)], prefix: String) -> [String: String] {
        let json = JSONValue.object([("patient_id", "form")] + fragment)
        guard let out = try? CaseReader.read(json) else { return ["form": "invalid"] }
        var errors: [String: String] = [:]
        for p in out.problems {
            let field = p.field.hasPrefix(prefix) ? String(p.field.dropFirst(prefix.count)) : p.field
            errors[field] = p.detail
        }
        return errors
    }
}

struct PatientController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.patients, use: list)
        routes.on(.newPatient, use: newForm)
        routes.on(.createPatient, use: create)
        routes.on(.patient, use: show)
        routes.on(.editPatient, use: editForm)
        routes.on(.updatePatient, use: update)
        routes.on(.setState, use: setState)
        routes.on(.newLesion, use: newLesion)
        routes.on(.createLesion, use: createLesion)
        routes.on(.editLesion, use: editLesion)
        routes.on(.updateLesion, use: updateLesion)
        routes.on(.confirmDeleteLesion, use: confirmDeleteLesion)
        routes.on(.deleteLesion, use: deleteLesion)
        routes.on(.addLab, use: addLab)
        routes.on(.addMedication, use: addMedication)
        routes.on(.addDose, use: addDose)
        routes.on(.addImaging, use: addImaging)
        routes.on(.addProcedure, use: addProcedure)
        routes.on(.completeTask, use: completeTask)
        routes.on(.handout, use: handout)
        routes.on(.addCareTeamMember, use: addCareTeamMember)
        routes.on(.breakGlass, use: breakGlass)
    }

    func pid(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.patient) else { throw Abort(.notFound, reason: "no such patient") }
        return id
    }

    // MARK: List

    func list(req: Request) async throws -> View {
        let query = (try? req.query.get(String.self, at: "q")) ?? ""
        let state = (try? req.query.get(String.self, at: "state")).flatMap { $0.isEmpty ? nil : $0 }
        let urgentOnly = (try? req.query.get(String.self, at: "urgent")) == "1"
        let after = (try? req.query.get(String.self, at: "after")).flatMap(SummaryStore.Cursor.init(token:))
        let (summaries, next, updating) = try await req.patientSummaries(SummaryStore.Filter(search: query, state: state, urgentOnly: urgentOnly), after: after,
                                                              limit: Self.pageSize)
        let rows = summaries.map { s in
            let urgency = Urgency(rawValue: s.urgency) ?? .none
            return PatientRow(id: s.patientID, externalID: s.externalID, name: s.name, birthDate: s.birthDate ?? "",
                              state: CaseState(rawValue: s.state)?.label ?? s.state,
                              urgency: urgency.rawValue.replacingOccurrences(of: "_", with: "-"), urgencyLabel: urgency.label, rank: urgency.rank,
                              alerts: s.alerts, gaps: s.gapCodes.count, primary: s.primarySites.map(Words.value).joined(separator: ", "))
        }
        var link = URLComponents()
        link.path = SiteRoute.patients.link()
        func pageLink(_ cursor: SummaryStore.Cursor?) -> String {
            var items: [URLQueryItem] = []
            if !query.isEmpty { items.append(URLQueryItem(name: "q", value: query)) }
            if let state { items.append(URLQueryItem(name: "state", value: state)) }
            if urgentOnly { items.append(URLQueryItem(name: "urgent", value: "1")) }
            if let cursor { items.append(URLQueryItem(name: "after", value: cursor.token)) }
            link.queryItems = items.isEmpty ? nil : items
            return link.string ?? SiteRoute.patients.link()
        }
        return try await req.view.render("patients", PatientListPage(
            user: userVM(req), csrf: CSRF.token(req), query: query, urgentOnly: urgentOnly,
            stateOptions: options(CaseState.allCases.map(\.rawValue), selected: state,
                                  labels: Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, $0.label) }), blank: "Any state"),
            rows: rows, nextPage: next.map(pageLink), firstPage: after == nil ? nil : pageLink(nil),
            updating: updating > 0 ? "\(updating) patients' summaries are being brought up to date after a large change; the order of the list may change in the next minutes." : nil))
    }

    static let pageSize = 50

    // MARK: Patient create / edit

    static let sexes = ["female", "male"]

    func patientForm(_ req: Request, title: String, action: String, patientID: UUID?, values: [String: String], errors: [String: String],
                     version: Int?, status: HTTPStatus = .ok, notice: String? = nil) async throws -> Response {
        let selects: [String: [Option]] = [
            "sex": options(Self.sexes, selected: values["sex"], blank: "Not recorded"),
            "primary_site": options(PrimarySite.allCases.map(\.rawValue), selected: values["primary_site"], blank: "Not recorded"),
            "hormone_status": options(HormoneStatus.allCases.map(\.rawValue), selected: values["hormone_status"],
                                      labels: ["hormone_dependent": "hormone-dependent (prostate: castration-sensitive)",
                                               "hormone_independent": "hormone-independent (prostate: castration-resistant)"], blank: "Not recorded"),
            "clinical_status": options(CancerStatus.allCases.map(\.rawValue), selected: values["clinical_status"],
                                       labels: ["active": "active disease", "recurrence": "recurrence", "remission": "in remission", "resolved": "resolved"],
                                       blank: "Not recorded"),
            "weight_kind": options(CockcroftGault.WeightKind.allCases.filter { $0 != .asGiven }.map(\.rawValue), selected: values["weight_kind"],
                                   labels: ["actual": "actual body weight", "ideal": "ideal body weight", "adjusted": "adjusted body weight"],
                                   blank: "Not recorded"),
            "lung_type": options(LungType.allCases.map(\.rawValue), selected: values["lung_type"], blank: "Not applicable / not recorded"),
            "targeted_therapy": options(["true", "false"], selected: values["targeted_therapy"], labels: ["true": "yes", "false": "no"], blank: "Not recorded"),
            "radiosensitivity": options(NOMS.Radiosensitivity.allCases.map(\.rawValue), selected: values["radiosensitivity"], blank: "Let Osteon derive it"),
            "ecog": options(["0", "1", "2", "3", "4"], selected: values["ecog"], blank: "Not recorded"),
            "kps": options(stride(from: 100, through: 10, by: -10).map(String.init), selected: values["kps"], blank: "Not recorded"),
            "other_metastases": options(["none", "nodular", "disseminated"], selected: values["other_metastases"],
                                        labels: ["none": "none", "nodular": "present, nodular", "disseminated": "present, disseminated"], blank: "Not recorded"),
            "metastases_removable": options(["true", "false"], selected: values["metastases_removable"], labels: ["true": "removable", "false": "not removable"], blank: "Not recorded"),
            "metastases_treatable": options(["true", "false"], selected: values["metastases_treatable"], labels: ["true": "treatable", "false": "not treatable"], blank: "Not recorded"),
            "frankel_grade": options(["A", "B", "C", "D", "E"], selected: values["frankel_grade"], blank: "Not recorded"),
            "fit_for_surgery": options(["true", "false"], selected: values["fit_for_surgery"], labels: ["true": "yes", "false": "no"], blank: "Not recorded"),
            "new_weakness": yesNo(values["new_weakness"]),
            "sensory_level": yesNo(values["sensory_level"]),
            "bladder_bowel_dysfunction": yesNo(values["bladder_bowel_dysfunction"]),
            "back_pain": yesNo(values["back_pain"]),
            "no_medicines": options(["none"], selected: values["no_medicines"],
                                    labels: ["none": "complete: no medicines other than those recorded (none if the list is empty)"], blank: "Not recorded"),
            "family_history": options(values["family_history"] == "recorded" ? ["none", "recorded"] : ["none"], selected: values["family_history"],
                                      labels: ["none": "none known", "recorded": "as recorded (kept)"], blank: "Not recorded"),
            "care_setting": options(CareSetting.allCases.map(\.rawValue), selected: values["care_setting"], labels: ["us": "United States", "non_us": "Outside the US"], blank: "Not recorded"),
        ]
        let name = patientID == nil ? nil : values["name"]
        return try await req.view.render("patient-form", FormPage(user: userVM(req), csrf: CSRF.token(req), title: title, action: action,
                                                                  patientID: patientID, patientName: name, values: values, errors: errors,
                                                                  selects: selects, version: version, notice: notice))
            .encodeResponse(status: status, for: req)
    }

    func yesNo(_ selected: String?) -> [Option] {
        options(["true", "false"], selected: selected, labels: ["true": "yes", "false": "no"], blank: "Not recorded")
    }

    func newForm(req: Request) async throws -> Response {
        try await patientForm(req, title: "New patient", action: "/patients", patientID: nil, values: [:], errors: [:], version: nil)
    }

    /// Form fields → (patient fields, case document, errors).
    static func readPatientForm(_ f: [String: String], today: Day) -> (CaseStore.NewPatient, JSONValue, [String: String]) {
        var errors: [String: String] = [:]
        let name = (f["name"] ?? "").trimmingCharacters(in: .whitespaces)
        let external = (f["external_id"] ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty { errors["name"] = "Enter the patient's name." }
        if external.isEmpty { errors["external_id"] = "Enter the hospital number (or other identifier)." }
        let birth = f["birth_date"].flatMap { $0.isEmpty ? nil : $0 }
        if let birth, Day(birth) == nil { errors["birth_date"] = "Use the form YYYY-MM-DD, for example 1961-04-23." }
        // An age when the birth date is not known: kept as an age with the day it was true, never as a made-up birth date.
        let ageText = (f["age_years"] ?? "").trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "years", with: "").replacingOccurrences(of: "y", with: "")
            .trimmingCharacters(in: .whitespaces)
        var age: Int?
        if !ageText.isEmpty {
            if let a = Int(ageText), (0...120).contains(a) { age = a } else { errors["age_years"] = "Enter the age in whole years (0 to 120), for example 64." }
            if birth != nil { errors["age_years"] = "Give the date of birth or the age, not both: the age follows from the date of birth." }
        }
        let ageAsOf = f["age_as_of"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) }
        if let ageAsOf, Day(ageAsOf) == nil { errors["age_as_of"] = "Use the form YYYY-MM-DD, for example 2026-12-01." }
        if ageAsOf != nil && age == nil && errors["age_years"] == nil { errors["age_years"] = "Enter the age that was true on this date." }
        let sex = f["sex"].flatMap { $0.isEmpty ? nil : $0 }
        if let sex, !sexes.contains(sex) { errors["sex"] = "Choose female or male." }

        func value(_ key: String) -> String? { f[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) } }
        func number(_ key: String) -> JSONValue? {
            guard let v = value(key) else { return nil }
            if let d = Double(v) { return .double(d) }
            errors[key] = "Enter a number."
            return nil
        }
        /// "72", "72 kg", "72kg"; pounds converted (1 lb = 0.45359237 kg, the international pound).
        func weight(_ key: String) -> JSONValue? {
            guard let raw = value(key)?.lowercased() else { return nil }
            let units: [(String, Double)] = [("kg", 1), ("kgs", 1), ("lb", 0.45359237), ("lbs", 0.45359237)]
            var text = raw, factor = 1.0
            for (u, f) in units.sorted(by: { $0.0.count > $1.0.count }) where raw.hasSuffix(u) {
                text = String(raw.dropLast(u.count)).trimmingCharacters(in: .whitespaces)
                factor = f
                break
            }
            if let d = Double(text.replacingOccurrences(of: ",", with: ".")), d > 0 { return .double((d * factor * 10).rounded() / 10) }
            errors[key] = "Enter the weight in kilograms, for example 72 or 72 kg (or in pounds, 160 lb)."
            return nil
        }
        func count(_ key: String) -> JSONValue? {
            guard let v = value(key) else { return nil }
            if let n = Int(v), n >= 0 { return .int(n) }
            errors[key] = "Enter a whole number (0 or more)."
            return nil
        }
        func bool(_ key: String) -> JSONValue? { value(key).map { .bool($0 == "true") } }
        func int(_ key: String) -> JSONValue? { value(key).flatMap(Int.init).map { .int($0) } }
        var cancer: [(String, JSONValue)] = []
        for key in ["primary_site", "histology", "hormone_status", "lung_type", "stage", "diagnosis_date", "radiosensitivity", "end_of_treatment_date", "clinical_status"] {
            if let v = value(key) { cancer.append((key, .string(v))) }
        }
        if let t = bool("targeted_therapy") { cancer.append(("targeted_therapy", t)) }
        var document: [(String, JSONValue)] = []
        if !cancer.isEmpty { document.append(("cancers", [.object(cancer)])) }
        var patient: [(String, JSONValue)] = []
        // The weight's kind is recorded only when chosen: the assessment asks for it otherwise.
        if let w = weight("weight_kg") { patient.append(("weight_kg", w)) }
        if let age {
            patient.append(("age_years", .int(age)))
            patient.append(("age_as_of", .string(ageAsOf ?? today.description)))
        }
        if let kind = value("weight_kind") { patient.append(("weight_kind", .string(kind))) }
        if let died = value("deceased_on") { patient.append(("deceased_on", .string(died))) }
        if !patient.isEmpty { document.append(("patient", .object(patient))) }
        var performance: [(String, JSONValue)] = []
        if let e = int("ecog") { performance.append(("ecog", e)) }
        if let k = int("kps") { performance.append(("kps", k)) }
        if !performance.isEmpty { document.append(("performance_status", .object(performance))) }
        if let o = value("other_metastases") {
            if o == "none" { document.append(("other_metastases", [])) } else {
                var m: [(String, JSONValue)] = [("site", .string(value("metastasis_site") ?? "other")), ("pattern", .string(o))]
                if let r = bool("metastases_removable") { m.append(("removable", r)) }
                if let t = bool("metastases_treatable") { m.append(("treatable", t)) }
                document.append(("other_metastases", [.object(m)]))
            }
        }
        var neurology: [(String, JSONValue)] = []
        if let fr = value("frankel_grade") { neurology.append(("frankel_grade", .string(fr))) }
        // Yes / no / not recorded: an unanswered question stays missing, never "no".
        for key in ["new_weakness", "sensory_level", "bladder_bowel_dysfunction", "back_pain"] {
            if let b = bool(key) { neurology.append((key, b)) }
        }
        if let onset = value("symptom_onset") { neurology.append(("symptom_onset", .string(onset))) }
        if !neurology.isEmpty { document.append(("neurology", .object(neurology))) }
        var counts: [(String, JSONValue)] = []
        if let n = count("skeletal_extraspinal") { counts.append(("extraspinal", n)) }
        if let n = count("skeletal_vertebral") { counts.append(("vertebral", n)) }
        if !counts.isEmpty { document.append(("skeletal_metastasis_counts", .object(counts))) }
        // "None recorded": an empty list, which the rules read as "known: none" (unknown stays missing).
        if value("no_medicines") == "none" { document.append(("medications", [])) }
        if value("family_history") == "none" { document.append(("family_history", [])) }
        if let fit = bool("fit_for_surgery") { document.append(("fit_for_surgery", fit)) }
        if let cs = value("care_setting") { document.append(("care_setting", .string(cs))) }
        var dental: [(String, JSONValue)] = []
        if let d = value("dental_last_evaluation") { dental.append(("last_evaluation_date", .string(d))) }
        if f["calcium_vitamin_d"] == "on" { dental.append(("calcium_vitamin_d", true)) }
        if !dental.isEmpty { document.append(("dental", .object(dental))) }
        var referrals: [JSONValue] = []
        for specialty in Specialty.allCases where f["referral_\(specialty.rawValue)"].map({ !$0.isEmpty }) == true {
            referrals.append(["specialty": .string(specialty.rawValue), "date": .string(f["referral_\(specialty.rawValue)"]!)])
        }
        if !referrals.isEmpty { document.append(("referrals", .array(referrals))) }

        for (field, detail) in CaseValidation.problems(document, prefix: "") {
            let key = field.replacingOccurrences(of: "cancers[0].", with: "").replacingOccurrences(of: "performance_status.", with: "")
                .replacingOccurrences(of: "neurology.", with: "").replacingOccurrences(of: "dental.last_evaluation_date", with: "dental_last_evaluation")
                .replacingOccurrences(of: "patient.", with: "")
            errors[key] = detail
        }
        return (CaseStore.NewPatient(externalID: external, name: name, birthDate: birth, sex: sex), .object(document), errors)
    }

    /// The keys the patient form edits, per object; everything else in the
    /// stored case (staging, Gleason, dates, family history, …) is kept.
    static let formKeys: [String: Set<String>] = [
        "cancers[0]": ["primary_site", "histology", "hormone_status", "lung_type", "stage", "diagnosis_date", "radiosensitivity",
                       "end_of_treatment_date", "targeted_therapy", "clinical_status"],
        "patient": ["weight_kg", "weight_kind", "age_years", "age_as_of", "deceased_on"],
        "skeletal_metastasis_counts": ["extraspinal", "vertebral"],
        "performance_status": ["ecog", "kps"],
        "neurology": ["frankel_grade", "new_weakness", "sensory_level", "bladder_bowel_dysfunction", "back_pain", "symptom_onset"],
        "dental": ["last_evaluation_date", "calcium_vitamin_d"],
    ]

    /// The edited form over the stored document, field by field.
    static func merge(form: JSONValue, into stored: JSONValue, keep: Set<String> = []) -> JSONValue {
        guard case .object(var pairs) = stored, case .object(let edited) = form else { return form }
        func set(_ key: String, _ value: JSONValue?) {
            if let i = pairs.firstIndex(where: { $0.0 == key }) {
                if let value { pairs[i].1 = value } else { pairs.remove(at: i) }
            } else if let value {
                pairs.append((key, value))
            }
        }
        func mergeObject(_ old: JSONValue?, _ new: JSONValue?, managed: Set<String>) -> JSONValue? {
            var out: [(String, JSONValue)] = []
            if case .object(let o)? = old { out = o.filter { !managed.contains($0.0) } }
            if case .object(let n)? = new { out += n }
            return out.isEmpty ? nil : .object(out)
        }
        let new = Dictionary(edited, uniquingKeysWith: { a, _ in a })
        for key in ["patient", "performance_status", "neurology", "dental", "skeletal_metastasis_counts"] {
            set(key, mergeObject(stored[key], new[key], managed: formKeys[key]!))
        }
        var cancers = stored["cancers"]?.arrayValue ?? []
        let first = mergeObject(cancers.first, new["cancers"]?.arrayValue?.first, managed: formKeys["cancers[0]"]!)
        if cancers.isEmpty { if let first { cancers = [first] } } else if let first { cancers[0] = first } else { cancers.removeFirst() }
        set("cancers", cancers.isEmpty ? nil : .array(cancers))
        // The form shows the first other metastasis only: replace that one, keep the rest.
        if let others = new["other_metastases"]?.arrayValue {
            var list = stored["other_metastases"]?.arrayValue ?? []
            if others.isEmpty { list = [] } else if list.isEmpty { list = others } else { list[0] = others[0] }
            set("other_metastases", .array(list))
        } else {
            set("other_metastases", nil)
        }
        for key in ["fit_for_surgery", "care_setting", "referrals", "medications"] { set(key, new[key]) }
        // Family history entries come from imports: the form says none, not recorded, or keeps them.
        if !keep.contains("family_history") { set("family_history", new["family_history"]) }
        return .object(pairs)
    }

    /// The case document → form fields, for editing.
    static func formValues(_ p: PatientRecord, _ c: CaseRecord) -> [String: String] {
        var v: [String: String] = ["name": p.name, "external_id": p.externalID, "birth_date": p.birthDate ?? "", "sex": p.sex ?? ""]
        let doc = (try? JSONValue.parse(c.document)) ?? .object([])
        if let cancer = doc["cancers"]?.arrayValue?.first {
            for key in ["primary_site", "histology", "hormone_status", "lung_type", "stage", "diagnosis_date", "radiosensitivity", "end_of_treatment_date", "clinical_status"] {
                v[key] = cancer[key]?.stringValue ?? ""
            }
            if case .bool(let b)? = cancer["targeted_therapy"] { v["targeted_therapy"] = String(b) }
        }
        if let w = doc["patient"]?["weight_kg"]?.numberValue { v["weight_kg"] = format(w) }
        if let a = doc["patient"]?["age_years"]?.numberValue { v["age_years"] = String(Int(a)) }
        v["age_as_of"] = doc["patient"]?["age_as_of"]?.stringValue ?? ""
        v["deceased_on"] = doc["patient"]?["deceased_on"]?.stringValue ?? ""
        if let n = doc["skeletal_metastasis_counts"]?["extraspinal"]?.numberValue { v["skeletal_extraspinal"] = String(Int(n)) }
        if let n = doc["skeletal_metastasis_counts"]?["vertebral"]?.numberValue { v["skeletal_vertebral"] = String(Int(n)) }
        if doc["medications"]?.arrayValue != nil { v["no_medicines"] = "none" }
        if let fh = doc["family_history"]?.arrayValue { v["family_history"] = fh.isEmpty ? "none" : "recorded" }
        v["weight_kind"] = doc["patient"]?["weight_kind"]?.stringValue ?? ""
        if let e = doc["performance_status"]?["ecog"]?.numberValue { v["ecog"] = String(Int(e)) }
        if let k = doc["performance_status"]?["kps"]?.numberValue { v["kps"] = String(Int(k)) }
        if let others = doc["other_metastases"]?.arrayValue {
            if let m = others.first {
                v["other_metastases"] = m["pattern"]?.stringValue ?? "nodular"
                v["metastasis_site"] = m["site"]?.stringValue ?? ""
                if case .bool(let b)? = m["removable"] { v["metastases_removable"] = String(b) }
                if case .bool(let b)? = m["treatable"] { v["metastases_treatable"] = String(b) }
            } else {
                v["other_metastases"] = "none"
            }
        }
        if let n = doc["neurology"] {
            v["frankel_grade"] = n["frankel_grade"]?.stringValue ?? ""
            for key in ["new_weakness", "sensory_level", "bladder_bowel_dysfunction", "back_pain"] {
                if case .bool(let b)? = n[key] { v[key] = String(b) }
            }
            v["symptom_onset"] = n["symptom_onset"]?.stringValue ?? ""
        }
        if case .bool(let b)? = doc["fit_for_surgery"] { v["fit_for_surgery"] = String(b) }
        v["care_setting"] = doc["care_setting"]?.stringValue ?? ""
        v["dental_last_evaluation"] = doc["dental"]?["last_evaluation_date"]?.stringValue ?? ""
        if doc["dental"]?["calcium_vitamin_d"] == true { v["calcium_vitamin_d"] = "on" }
        for r in doc["referrals"]?.arrayValue ?? [] {
            if let s = r["specialty"]?.stringValue { v["referral_\(s)"] = r["date"]?.stringValue ?? "" }
        }
        return v
    }

    func formFields(_ req: Request) throws -> [String: String] {
        try req.content.decode([String: String].self)
    }

    func create(req: Request) async throws -> Response {
        let fields = try formFields(req)
        let (patient, document, errors) = Self.readPatientForm(fields, today: req.today)
        guard errors.isEmpty else {
            return try await patientForm(req, title: "New patient", action: "/patients", patientID: nil, values: fields, errors: errors, version: nil,
                                         status: .unprocessableEntity)
        }
        do {
            try await req.checkHospitalNumberFree(patient.externalID)
            let (p, _) = try await req.cases.createPatient(patient, document: document)
            req.auditPatients([p.id!])
            try await req.access.addToCareTeam(patientID: p.id!, userID: req.user!.id, addedBy: req.user!.username)
            return req.redirect(to: SiteRoute.patient.link(p.id!))
        } catch let e as StoreError {
            return try await patientForm(req, title: "New patient", action: "/patients", patientID: nil, values: fields,
                                         errors: ["external_id": e.description], version: nil, status: .unprocessableEntity)
        } catch let e as DuplicateNumber {
            return try await patientForm(req, title: "New patient", action: "/patients", patientID: nil, values: fields,
                                         errors: ["external_id": e.message], version: nil, status: .conflict)
        }
    }

    /// The patient page. Loading, assessing and writing a record costs far more
    /// than checking its revision, so the written page is kept until the record
    /// (or the day) changes; the viewer's CSRF token and banner are filled in per request.
    func show(req: Request) async throws -> View {
        let id = try pid(req)
        let today = req.today
        let page: PatientPageCache.Entry
        if let revision = req.storage[PatientRevisionKey.self], let cached = req.application.patientPages.entry(id, revision: revision, day: today) {
            page = cached
        } else {
            page = try await Self.renderPage(req, id: id, today: today)
        }
        let csrf = CSRF.token(req)
        let emergency = req.storage[AuditFlagKey.self] == "break_glass"
        let board = try await BoardGlance.html(req, patientID: id, caseID: page.caseID, today: today)
        let body = page.html.filled { slot in
            switch slot {
            case .csrf: csrf
            case .emergencyBanner: emergency ? Self.emergencyBanner : ""
            case .board: board
            }
        }
        return try await req.view.render("patient", PatientView(user: userVM(req), csrf: csrf, name: page.name, body: body))
    }

    struct PatientView: Encodable {
        let user: UserVM
        let csrf: String
        let name: String
        let body: String
    }

    static let emergencyBanner = "<p class=\"alert emergency\" role=\"alert\">You are viewing this record under emergency (\"break the glass\") access. "
        + "Every page you open is recorded and reviewed.</p>\n"

    /// Reads the revision before the records, so a page is never kept under a revision older than its data.
    static func renderPage(_ req: Request, id: UUID, today: Day) async throws -> PatientPageCache.Entry {
        let revision = req.storage[PatientRevisionKey.self]
        let (_, read, records) = try await req.cases.patientCase(patientID: id)
        let tasks = try await req.board.tasks(caseID: records.caseRecord.id!)
        let team = try await req.access.careTeam(patientID: id).map { "\($0.displayName) (\($0.role == Role.navigator ? "nurse navigator" : $0.specialty?.replacingOccurrences(of: "_", with: " ") ?? $0.role))" }
        let page = PatientPage.build(today: today, records: records, read: read, tasks: tasks, careTeam: team)
        let entry = PatientPageCache.Entry(day: today, name: page.name, caseID: records.caseRecord.id!, html: page.html())
        if let revision { req.application.patientPages.store(id, revision: revision, entry) }
        return entry
    }

    func editForm(req: Request) async throws -> Response {
        let id = try pid(req)
        let p = try await req.cases.patient(id)
        let c = try await req.cases.caseRecord(patientID: id)
        var values = Self.formValues(p, c)
        values["patient_version"] = String(p.version)
        values["case_version"] = String(c.version)
        // Typed before the session expired: back in place (with the versions then seen, so a change since is caught).
        let draft = FormDraft.take(req, page: "/patients/\(id)/edit")
        if let draft { values.merge(draft.fields) { $1 } }
        return try await patientForm(req, title: "Edit \(p.name)", action: "/patients/\(id)/edit", patientID: id, values: values, errors: [:], version: c.version,
                                     notice: draft == nil ? nil : FormDraft.notice)
    }

    func update(req: Request) async throws -> Response {
        let id = try pid(req)
        let fields = try formFields(req)
        let (patient, document, errors) = Self.readPatientForm(fields, today: req.today)
        guard errors.isEmpty else {
            return try await patientForm(req, title: "Edit patient", action: "/patients/\(id)/edit", patientID: id, values: fields, errors: errors,
                                         version: nil, status: .unprocessableEntity)
        }
        let caseRecord = try await req.cases.caseRecord(patientID: id)
        do {
            try await req.db.transaction { tx in
                let cases = CaseStore(db: tx)
                _ = try await cases.updatePatient(id, expectedVersion: Int(fields["patient_version"] ?? "") ?? -1, name: patient.name,
                                                  birthDate: patient.birthDate, sex: patient.sex)
                let stored = (try? JSONValue.parse(caseRecord.document)) ?? .object([])
                _ = try await cases.updateDocument(caseID: caseRecord.id!, expectedVersion: Int(fields["case_version"] ?? "") ?? -1,
                                                   Self.merge(form: document, into: stored, keep: fields["family_history"] == "recorded" ? ["family_history"] : []))
            }
        } catch let e as StoreError {
            if case .conflict = e {
                // Keep what was typed, say where the saved record now differs, and offer the new versions so a second save applies it.
                let p = try await req.cases.patient(id)
                let c = try await req.cases.caseRecord(patientID: id)
                let current = Self.formValues(p, c)
                let ignored: Set<String> = ["_csrf", "patient_version", "case_version"]
                let differing = Set(current.keys).union(fields.keys).subtracting(ignored)
                    .filter { (current[$0] ?? "") != (fields[$0] ?? "") }.sorted().map { $0.replacingOccurrences(of: "_", with: " ") }
                var values = fields
                values["patient_version"] = String(p.version)
                values["case_version"] = String(c.version)
                let message = "Someone else saved this patient while you were editing. Your entries are kept below"
                    + (differing.isEmpty ? "." : "; the saved record now differs from them in: \(differing.joined(separator: ", ")).")
                    + " Check those fields, then save again to apply your version."
                return try await patientForm(req, title: "Edit patient", action: "/patients/\(id)/edit", patientID: id, values: values,
                                             errors: ["form": message], version: c.version, status: .conflict)
            }
            throw e
        }
        return req.redirect(to: SiteRoute.patient.link(id))
    }

    func setState(req: Request) async throws -> Response {
        let id = try pid(req)
        let value = try req.content.get(String.self, at: "state")
        guard let state = CaseState(rawValue: value) else { throw Abort(.unprocessableEntity, reason: "unknown case state \(value)") }
        let expected = (try? req.content.get(String.self, at: "case_version")).flatMap { Int($0) }
        try await req.cases.setState(caseID: try await req.cases.caseRecord(patientID: id).id!, state, expectedVersion: expected)
        return req.redirect(to: SiteRoute.patient.link(id))
    }

    // MARK: Lesions

    static let lesionFields = ["id", "bone", "region", "side", "level", "origin", "phenotype", "size", "size_fraction", "mirels_site", "pain", "fracture",
                               "posterolateral_involvement", "vertebral_body_collapse", "alignment", "escc_grade", "detected_date"]

    func lesionForm(_ req: Request, patientID: UUID, name: String, action: String, values: [String: String], errors: [String: String],
                    version: Int?, status: HTTPStatus = .ok) async throws -> Response {
        let selects: [String: [Option]] = [
            "bone": options(Bone.allCases.map(\.rawValue), selected: values["bone"], blank: "Choose the bone"),
            "region": options(BoneRegion.allCases.map(\.rawValue), selected: values["region"], blank: "Not recorded"),
            "side": options(["left", "right", "midline"], selected: values["side"], blank: "Not recorded"),
            "origin": options(LesionOrigin.allCases.map(\.rawValue), selected: values["origin"], blank: "Not recorded"),
            "phenotype": options(Phenotype.allCases.map(\.rawValue), selected: values["phenotype"], blank: "Not recorded"),
            "mirels_site": options(Mirels.Site.allCases.map(\.rawValue), selected: values["mirels_site"],
                                   labels: ["upper_limb": "upper limb", "lower_limb": "lower limb (not the trochanteric region)",
                                            "peritrochanteric": "peritrochanteric (trochanteric region of the femur)"],
                                   blank: "Not recorded: derive from the bone and region"),
            "pain": options(["mild", "moderate", "functional", "mechanical", "occasional_non_mechanical", "pain_free"], selected: values["pain"],
                            labels: ["mild": "mild (limb)", "moderate": "moderate (limb)", "functional": "functional (limb)",
                                     "mechanical": "mechanical (spine)", "occasional_non_mechanical": "occasional, not mechanical (spine)",
                                     "pain_free": "no pain"], blank: "Not recorded"),
            "fracture": options(FractureStatus.allCases.map(\.rawValue), selected: values["fracture"], blank: "Not recorded"),
            "posterolateral_involvement": options(SINS.Posterolateral.allCases.map(\.rawValue), selected: values["posterolateral_involvement"], blank: "Not recorded"),
            "vertebral_body_collapse": options(SINS.Collapse.allCases.map(\.rawValue), selected: values["vertebral_body_collapse"], blank: "Not recorded"),
            "alignment": options(SINS.Alignment.allCases.map(\.rawValue), selected: values["alignment"], blank: "Not recorded"),
            "escc_grade": options(ESCC.Grade.allCases.map(\.rawValue), selected: values["escc_grade"], blank: "Not recorded"),
            "size": options(Mirels.Size.allCases.map(\.rawValue), selected: values["size"],
                            labels: [Mirels.Size.ltOneThird.rawValue: "less than 1/3", Mirels.Size.oneThirdToTwoThirds.rawValue: "1/3 to 2/3",
                                     Mirels.Size.gtTwoThirds.rawValue: "more than 2/3"], blank: "Not recorded"),
        ]
        return try await req.view.render("lesion-form", FormPage(user: userVM(req), csrf: CSRF.token(req), title: "Lesion of \(name)", action: action,
                                                                 patientID: patientID, patientName: name, values: values, errors: errors,
                                                                 selects: selects, version: version))
            .encodeResponse(status: status, for: req)
    }

    static func readLesionForm(_ f: [String: String]) -> (JSONValue, [String: String]) {
        var pairs: [(String, JSONValue)] = []
        var errors: [String: String] = [:]
        for key in lesionFields {
            guard let raw = f[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { continue }
            if key == "size_fraction" {
                guard let v = Self.fraction(raw) else {
                    errors[key] = "Enter the measured width as a fraction of the bone's diameter: 0.5, 50 % or 2/3."
                    continue
                }
                // The band is what the clinician chose; a measurement in another band is a typing slip or a wrong band.
                let measured = Mirels.Size(fractionOfDiameter: v)
                guard f["size"].map({ !$0.isEmpty }) == true else {
                    errors["size"] = "Choose the size: the measured \(raw) is \(Words.value(measured.rawValue)) of the diameter."
                    continue
                }
                if let chosen = f["size"].flatMap(Mirels.Size.init(rawValue:)), chosen != measured {
                    errors[key] = "\(raw) is \(Words.value(measured.rawValue)) of the diameter, but the size chosen is \(Words.value(chosen.rawValue)): correct one of them."
                    continue
                }
                pairs.append((key, .double(v)))
            } else if key == "level" {
                // "Th10", "D10", "t 10" are read as T10 and stored in the one spelling.
                guard let span = SpinalLevel.span(raw), let first = span.first, let last = span.last else { pairs.append((key, .string(raw))); continue }
                pairs.append((key, .string(first == last ? first.description : "\(first)-\(last)")))
            } else {
                pairs.append((key, .string(raw)))
            }
        }
        if f["bone"].map({ $0.isEmpty }) ?? true { errors["bone"] = "Choose the bone." }
        if f["bone"] == "vertebra" && (f["level"] ?? "").isEmpty { errors["level"] = "Give the vertebral level, e.g. T12." }
        let lesion = JSONValue.object(pairs)
        for (field, detail) in CaseValidation.problems([("lesions", [lesion])], prefix: "lesions[0].") { errors[field] = detail }
        return (lesion, errors)
    }

    /// A fraction of the diameter as typed: "0.5", "50 %", "50%", "2/3", "0,5".
    static func fraction(_ raw: String) -> Double? {
        let t = raw.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: ".")
        if t.hasSuffix("%") { return Double(t.dropLast()).flatMap { (0...100).contains($0) ? $0 / 100 : nil } }
        let parts = t.split(separator: "/")
        if parts.count == 2, let n = Double(parts[0]), let d = Double(parts[1]), d > 0, n >= 0, n <= d { return n / d }
        return Double(t).flatMap { (0...1).contains($0) ? $0 : nil }
    }

    func newLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let p = try await req.cases.patient(id)
        return try await lesionForm(req, patientID: id, name: p.name, action: "/patients/\(id)/lesions", values: [:], errors: [:], version: nil)
    }

    func createLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let fields = try formFields(req)
        let (lesion, errors) = Self.readLesionForm(fields)
        guard errors.isEmpty else {
            let p = try await req.cases.patient(id)
            return try await lesionForm(req, patientID: id, name: p.name, action: "/patients/\(id)/lesions", values: fields, errors: errors,
                                        version: nil, status: .unprocessableEntity)
        }
        let caseRecord = try await req.cases.caseRecord(patientID: id)
        _ = try await req.cases.addLesion(caseID: caseRecord.id!, lesion)
        if caseRecord.state == CaseState.referred.rawValue { try await req.cases.setState(caseID: caseRecord.id!, .workUp) }
        return req.redirect(to: SiteRoute.patient.link(id) + "#lesions")
    }

    func lesionRecord(_ req: Request, patientID: UUID) async throws -> LesionRecord {
        guard let lid = req.parameter(.lesion), let record = try await LesionRecord.find(lid, on: req.db),
            record.$caseRecord.id == (try await req.cases.caseRecord(patientID: patientID)).id
        else { throw Abort(.notFound, reason: "no such lesion") }
        return record
    }

    func editLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let record = try await lesionRecord(req, patientID: id)
        let p = try await req.cases.patient(id)
        var values: [String: String] = [:]
        if case .object(let pairs)? = try? JSONValue.parse(record.data) {
            for (k, v) in pairs { values[k] = v.stringValue ?? v.numberValue.map(format) ?? "" }
        }
        values["version"] = String(record.version)
        return try await lesionForm(req, patientID: id, name: p.name, action: "/patients/\(id)/lesions/\(record.id!)/edit", values: values,
                                    errors: [:], version: record.version)
    }

    func updateLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let record = try await lesionRecord(req, patientID: id)
        let fields = try formFields(req)
        let (lesion, errors) = Self.readLesionForm(fields)
        let action = "/patients/\(id)/lesions/\(record.id!)/edit"
        guard errors.isEmpty else {
            let p = try await req.cases.patient(id)
            return try await lesionForm(req, patientID: id, name: p.name, action: action, values: fields, errors: errors, version: record.version,
                                        status: .unprocessableEntity)
        }
        do {
            _ = try await req.cases.updateLesion(record.id!, expectedVersion: Int(fields["version"] ?? "") ?? -1, lesion)
        } catch let e as StoreError {
            let p = try await req.cases.patient(id)
            return try await lesionForm(req, patientID: id, name: p.name, action: action, values: fields, errors: ["form": e.description],
                                        version: record.version, status: .conflict)
        }
        return req.redirect(to: SiteRoute.patient.link(id) + "#lesions")
    }

    /// Removing a lesion asks first, naming it and what depends on it; the removal itself is audited.
    func confirmDeleteLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let record = try await lesionRecord(req, patientID: id)
        let (c, _, _) = try await req.cases.patientCase(patientID: id)
        let label = Lesion.named(c.lesions ?? []).first { $0.id == record.label }?.label ?? "this lesion"
        let patient = try await req.cases.patient(id)
        var w = HTMLWriter(capacity: 4096)
        w.raw("<h1>Remove the lesion of the "); w.text(label); w.raw("?</h1>\n<p>"); w.text(patient.name)
        w.raw(": the lesion and its scores leave the record and the plan. Radiotherapy or surgery recorded against it stays, without the lesion. ")
        w.raw("The removal is recorded in the audit log with your name.</p>\n")
        w.raw("<form method=\"post\" action=\"\(SiteRoute.deleteLesion.link(id, record.id!))\" class=\"inline\">"); w.csrfField()
        w.raw("<input type=\"hidden\" name=\"version\" value=\"\(record.version)\">")
        w.raw("<button type=\"submit\" class=\"danger\">Remove the lesion</button></form> ")
        w.raw("<a class=\"button\" href=\"\(SiteRoute.patient.link(id))#lesions\">Keep it</a>\n")
        let csrf = CSRF.token(req)
        let body = w.finish().filled { $0 == .csrf ? csrf : "" }
        return try await req.view.render("patient", PatientView(user: userVM(req), csrf: csrf, name: "Remove a lesion", body: body)).encodeResponse(for: req)
    }

    func deleteLesion(req: Request) async throws -> Response {
        let id = try pid(req)
        let record = try await lesionRecord(req, patientID: id)
        // Only the lesion the user saw: an edit since then needs a fresh look.
        if let seen = (try? formFields(req))?["version"].flatMap(Int.init), seen != record.version {
            throw Abort(.conflict, reason: "The lesion was changed after you opened the removal page; nothing was removed. Open it again to see the change.")
        }
        try await req.cases.deleteLesion(record.id!)
        return req.redirect(to: SiteRoute.patient.link(id) + "#lesions")
    }

    // MARK: Labs, medicines, imaging, procedures

    func addLab(req: Request) async throws -> Response {
        try await keepTyped(req, .lab) { try await self.saveLab(req) }
    }

    /// A refused record form comes back on a page of its own with what was typed and each message beside its field.
    func keepTyped(_ req: Request, _ form: RecordForm, _ save: () async throws -> Response) async throws -> Response {
        do {
            return try await save()
        } catch let e as ValidationFailure {
            let id = try pid(req)
            let values = (try? req.content.decode([String: String].self)) ?? [:]
            let patient = try await req.cases.patient(id)
            var w = HTMLWriter(capacity: 8192)
            w.raw("<h1>"); w.text("\(form.title) for \(patient.name)"); w.raw("</h1>\n")
            w.raw("<p class=\"error\" role=\"alert\">Please correct the fields marked below; what you typed is kept.</p>\n")
            let shown = Set(form.fields.map(\.name))
            let others = e.fields.filter { !shown.contains($0.key) }.sorted { $0.key < $1.key }
            if !others.isEmpty {
                w.raw("<ul class=\"error\">")
                for (_, message) in others { w.raw("<li>"); w.text(message); w.raw("</li>") }
                w.raw("</ul>\n")
            }
            form.write(&w, base: SiteRoute.patient.link(id), values: values, errors: e.fields)
            w.raw("<p><a href=\"\(SiteRoute.patient.link(id))#records\">Back to the patient page</a> (nothing was saved)</p>\n")
            let csrf = CSRF.token(req)
            let body = w.finish().filled { $0 == .csrf ? csrf : "" }
            return try await req.view.render("patient", PatientView(user: userVM(req), csrf: csrf, name: form.title, body: body))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    func saveLab(_ req: Request) async throws -> Response {
        let id = try pid(req)
        let f = try formFields(req)
        guard let test = f["test"].flatMap(LabTest.parse) else { throw ValidationFailure(fields: ["test": "choose a test: \(LabTest.allowedList)"]) }
        guard let value = f["value"].flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else { throw ValidationFailure(fields: ["value": "enter a number"]) }
        let unit = (f["unit"] ?? "").trimmingCharacters(in: .whitespaces)
        guard test.factor(from: unit) != nil else {
            throw ValidationFailure(fields: ["unit": unit.isEmpty ? "Choose the unit: \(Words.term(test.rawValue)) is recorded in \(test.units.joined(separator: " or "))."
                                                   : "\(unit) is not a unit of \(Words.term(test.rawValue)): choose \(test.units.joined(separator: " or "))."])
        }
        let date = f["date"].flatMap { $0.isEmpty ? nil : $0 }
        if let date, Day(date) == nil { throw ValidationFailure(fields: ["date": "use YYYY-MM-DD"]) }
        func limit(_ key: String) throws -> Double? {
            guard let raw = f[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            guard let v = Double(raw), v >= 0 else { throw ValidationFailure(fields: [key: "enter the laboratory's limit as a number, in the same unit"]) }
            return v
        }
        let low = try limit("reference_low"), high = try limit("reference_high")
        _ = try await req.cases.addLab(caseID: try await req.cases.caseRecord(patientID: id).id!, test: test.rawValue, value: value, unit: unit, date: date,
                                       referenceLow: low, referenceHigh: high)
        return req.redirect(to: SiteRoute.patient.link(id) + "#labs")
    }

    func addMedication(req: Request) async throws -> Response {
        try await keepTyped(req, .medication) { try await self.saveMedication(req) }
    }

    func saveMedication(_ req: Request) async throws -> Response {
        let id = try pid(req)
        let f = try formFields(req)
        var pairs: [(String, JSONValue)] = []
        for key in ["name", "class", "agent", "status", "indication", "start_date", "last_dose_date", "interval"] {
            if let v = f[key], !v.isEmpty { pairs.append((key, .string(v))) }
        }
        if let d = f["dose_mg"], !d.isEmpty {
            guard let mg = Double(d) else { throw ValidationFailure(fields: ["dose_mg": "enter a number"]) }
            pairs.append(("dose_mg", .double(mg)))
        }
        guard pairs.contains(where: { $0.0 == "name" || $0.0 == "agent" }) else { throw ValidationFailure(fields: ["name": "name the medicine"]) }
        let problems = CaseValidation.problems([("medications", [.object(pairs)])], prefix: "medications[0].")
        guard problems.isEmpty else { throw ValidationFailure(fields: problems) }
        _ = try await req.cases.addMedication(caseID: try await req.cases.caseRecord(patientID: id).id!, .object(pairs))
        return req.redirect(to: SiteRoute.patient.link(id) + "#records")
    }

    func addDose(req: Request) async throws -> Response {
        let (_, _, r) = try await req.cases.patientCase(patientID: try pid(req))
        let courses = PatientPage.doseCourses(r)
        return try await keepTyped(req, .dose(courses: courses)) { try await self.saveDose(req, courses: Set(courses.map(\.value))) }
    }

    /// `courses`: the record ids of this patient's bone-modifying agents (a dose of another medicine is not asked for).
    func saveDose(_ req: Request, courses: Set<String>) async throws -> Response {
        let id = try pid(req)
        let f = try formFields(req)
        guard let mid = f["medication_id"].flatMap({ UUID(uuidString: $0) }), courses.contains(mid.uuidString) else {
            throw ValidationFailure(fields: ["medication_id": "Choose one of this patient's bone-modifying agents."])
        }
        guard let raw = f["date"], !raw.isEmpty else { throw ValidationFailure(fields: ["date": "Enter the day the dose was given (YYYY-MM-DD)."]) }
        guard let day = Day(raw) else { throw ValidationFailure(fields: ["date": "use YYYY-MM-DD"]) }
        guard day <= req.today else { throw ValidationFailure(fields: ["date": "A dose given cannot be dated after today (\(req.today))."]) }
        do {
            _ = try await req.cases.addDose(medicationID: mid, day: day.description)
        } catch StoreError.invalid(let why) {
            throw ValidationFailure(fields: ["date": why.prefix(1).uppercased() + why.dropFirst() + "."])
        }
        return req.redirect(to: SiteRoute.patient.link(id) + "#records")
    }

    func addImaging(req: Request) async throws -> Response {
        try await keepTyped(req, .imaging) { try await self.saveImaging(req) }
    }

    func saveImaging(_ req: Request) async throws -> Response {
        let id = try pid(req)
        let f = try formFields(req)
        guard let modality = f["modality"].flatMap(Modality.parse) else { throw ValidationFailure(fields: ["modality": "choose: \(Modality.allowedList)"]) }
        let date = f["date"].flatMap { $0.isEmpty ? nil : $0 }
        if let date, Day(date) == nil { throw ValidationFailure(fields: ["date": "use YYYY-MM-DD"]) }
        _ = try await req.cases.addImaging(caseID: try await req.cases.caseRecord(patientID: id).id!, modality: modality.rawValue,
                                           region: f["region"].flatMap { $0.isEmpty ? nil : $0 }, date: date,
                                           report: f["report"].flatMap { $0.isEmpty ? nil : $0 }, readBy: req.auth.get(SessionUser.self)?.displayName)
        return req.redirect(to: SiteRoute.patient.link(id) + "#records")
    }

    func addProcedure(req: Request) async throws -> Response {
        let (c, _, _) = try await req.cases.patientCase(patientID: try pid(req))
        let lesions = Lesion.named(c.lesions ?? []).map { ($0.id, $0.label) }
        return try await keepTyped(req, .procedure(lesions: lesions)) { try await self.saveProcedure(req) }
    }

    func saveProcedure(_ req: Request) async throws -> Response {
        let id = try pid(req)
        let f = try formFields(req)
        let kind = f["kind"] ?? ""
        var pairs: [(String, JSONValue)] = []
        if let d = f["date"], !d.isEmpty { pairs.append(("date", .string(d))) }
        if let l = f["lesion_id"], !l.isEmpty {
            let known = try await req.cases.lesions(caseID: try await req.cases.caseRecord(patientID: id).id!).map(\.label)
            guard known.contains(l) else { throw ValidationFailure(fields: ["lesion_id": "Choose one of this patient's lesions."]) }
            pairs.append(("lesion_id", .string(l)))
        }
        let list: String
        if kind == "radiotherapy" {
            list = "radiotherapy"
            if let s = f["site"], !s.isEmpty { pairs.append(("site", .string(s))) }
            if let g = f["dose_gy"], !g.isEmpty { guard let v = Double(g) else { throw ValidationFailure(fields: ["dose_gy": "enter a number"]) }; pairs.append(("dose_gy", .double(v))) }
            if let n = f["fractions"], !n.isEmpty { guard let v = Int(n) else { throw ValidationFailure(fields: ["fractions": "enter a whole number"]) }; pairs.append(("fractions", .int(v))) }
        } else if kind == "surgery" {
            list = "surgeries"
            guard let s = f["surgery_kind"], !s.isEmpty else { throw ValidationFailure(fields: ["surgery_kind": "choose the operation"]) }
            pairs.append(("kind", .string(s)))
        } else {
            throw ValidationFailure(fields: ["kind": "radiotherapy or surgery"])
        }
        let problems = CaseValidation.problems([(list, [.object(pairs)])], prefix: "\(list)[0].")
        guard problems.isEmpty else { throw ValidationFailure(fields: problems) }
        _ = try await req.cases.addProcedure(caseID: try await req.cases.caseRecord(patientID: id).id!, kind: kind, .object(pairs))
        return req.redirect(to: SiteRoute.patient.link(id) + "#records")
    }

    func completeTask(req: Request) async throws -> Response {
        let id = try pid(req)
        guard let tid = req.parameter(.task), let task = try await TaskRecord.find(tid, on: req.db),
              task.$caseRecord.id == (try await req.cases.caseRecord(patientID: id)).id
        else { throw Abort(.notFound, reason: "no such task") }
        try await req.board.completeTask(tid)
        let next = (try? req.content.get(String.self, at: "next")).map { SafeRedirect.path($0) }
        return req.redirect(to: next ?? SiteRoute.patient.link(id) + "#tasks")
    }

    /// A care-team member adds a colleague to the patient's care team.
    func addCareTeamMember(req: Request) async throws -> Response {
        let id = try pid(req)
        try await req.requireCareTeam(id)
        let user = try await req.colleagueFromForm()
        try await req.access.addToCareTeam(patientID: id, userID: user.id!, addedBy: req.user!.username)
        return req.redirect(to: SiteRoute.patient.link(id) + "#care-team")
    }

    /// Emergency access ("break the glass"): allowed to any clinician or navigator
    /// with a written reason; time-limited and flagged in the audit log.
    static func breakGlass(_ req: Request, patientID: UUID, reason: String) async throws -> Date {
        guard let user = req.user, user.isStaff else { throw Abort(.forbidden, reason: "this is for the care team") }
        req.storage[AuditPatientKey.self] = patientID
        req.storage[AuditFlagKey.self] = "break_glass"
        guard try await PatientRecord.find(patientID, on: req.db) != nil else { throw Abort(.notFound, reason: "no such patient") }
        return try await req.access.breakGlass(patientID: patientID, userID: user.id, reason: reason, by: user.username, now: req.now)
    }

    func breakGlass(req: Request) async throws -> Response {
        let id = try pid(req)
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        do {
            _ = try await Self.breakGlass(req, patientID: id, reason: reason)
        } catch let e as StoreError {
            return try await BreakGlassPage.render(req, patientID: id, error: e.description, status: .unprocessableEntity)
        }
        return req.redirect(to: SiteRoute.patient.link(id))
    }

    func handout(req: Request) async throws -> Response {
        try await Self.handoutResponse(req, patientID: try pid(req))
    }

    static func handoutResponse(_ req: Request, patientID id: UUID) async throws -> Response {
        let html = try await BoardService.handout(req, patientID: id).0.html
        var headers = HTTPHeaders()
        headers.contentType = .html
        // The guide is one self-contained page (it is also printed from the CLI): its own <style>, no script.
        headers.replaceOrAdd(name: "Content-Security-Policy", value: SecurityHeadersMiddleware.policy(styles: "'unsafe-inline'"))
        return Response(status: .ok, headers: headers, body: .init(string: html))
    }
}
