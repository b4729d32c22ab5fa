import Foundation
import OsteonDomain

/// The patient page's record forms (labs, medicines, imaging, procedures),
/// defined once: the patient page writes them empty, and a refused one comes
/// back on a page of its own with what was typed and each message beside its field.
struct RecordForm: Sendable {
    enum Kind: Sendable {
        case text(placeholder: String? = nil, inputMode: String? = nil, required: Bool = false)
        /// A date picker where the browser has one; ISO text (YYYY-MM-DD) where it does not.
        case date
        case select([(value: String, label: String)])
        case textarea
    }

    struct Field: Sendable {
        let name: String
        let id: String
        let label: String
        let kind: Kind
    }

    let action: String
    let title: String
    let submit: String
    let fields: [Field]

    func write(_ w: inout HTMLWriter, base: String, values: [String: String] = [:], errors: [String: String] = [:]) {
        w.raw("<form method=\"post\" action=\"\(base)/\(action)\" class=\"compact\">\n")
        w.csrfField()
        w.raw("\n")
        for f in fields {
            let error = errors[f.name]
            w.raw("<div class=\"field\(error == nil ? "" : " has-error")\"><label for=\"\(f.id)\">")
            w.text(f.label)
            w.raw("</label>")
            let invalid = error == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"\(f.id)-error\""
            switch f.kind {
            case .text(let placeholder, let inputMode, let required):
                w.raw("<input id=\"\(f.id)\" name=\"\(f.name)\"")
                if let inputMode { w.raw(" inputmode=\"\(inputMode)\"") }
                if let placeholder { w.raw(" placeholder=\""); w.text(placeholder); w.raw("\"") }
                if let v = values[f.name] { w.raw(" value=\""); w.text(v); w.raw("\"") }
                if required { w.raw(" required") }
                w.raw(invalid + ">")
            case .date:
                w.raw("<input id=\"\(f.id)\" name=\"\(f.name)\" type=\"date\" placeholder=\"YYYY-MM-DD\"")
                if let v = values[f.name] { w.raw(" value=\""); w.text(v); w.raw("\"") }
                w.raw(invalid + ">")
            case .select(let options):
                w.raw("<select id=\"\(f.id)\" name=\"\(f.name)\"\(invalid)>")
                for o in options {
                    w.raw("<option value=\""); w.text(o.value); w.raw("\"")
                    if values[f.name] == o.value { w.raw(" selected") }
                    w.raw(">"); w.text(o.label); w.raw("</option>")
                }
                w.raw("</select>")
            case .textarea:
                w.raw("<textarea id=\"\(f.id)\" name=\"\(f.name)\" rows=\"2\"\(invalid)>")
                w.text(values[f.name] ?? "")
                w.raw("</textarea>")
            }
            if let error { w.raw("<p class=\"error\" id=\"\(f.id)-error\">"); w.text(error); w.raw("</p>") }
            w.raw("</div>\n")
        }
        w.raw("<button type=\"submit\">"); w.text(submit); w.raw("</button>\n</form>\n")
    }

    /// A select's options from the domain's enum, so a form cannot offer what the domain does not accept
    /// (or leave out what it does): every case but those `except` names, in the enum's order.
    static func options<E: InputEnum>(_: E.Type, blank: String? = nil, except: Set<E> = [], labels: [E: String] = [:]) -> [(value: String, label: String)] {
        (blank.map { [("", $0)] } ?? []) + E.allCases.filter { !except.contains($0) }.map { ($0.rawValue, labels[$0] ?? $0.rawValue.replacingOccurrences(of: "_", with: " ")) }
    }

    static let lab = RecordForm(action: "labs", title: "Add a lab", submit: "Add lab", fields: [
        Field(name: "test", id: "lab-test", label: "Test", kind: .select(options(LabTest.self, labels: [.crp: "CRP", .ldh: "LDH", .alp: "ALP", .psa: "PSA"]))),
        Field(name: "value", id: "lab-value", label: "Value", kind: .text(inputMode: "decimal", required: true)),
        Field(name: "unit", id: "lab-unit", label: "Unit", kind: .select([("", "choose the unit")] + LabTest.allUnits.map { ($0, $0) })),
        Field(name: "date", id: "lab-date", label: "Date", kind: .date),
        Field(name: "reference_low", id: "lab-low", label: "Lower limit of normal", kind: .text(inputMode: "decimal")),
        Field(name: "reference_high", id: "lab-high", label: "Upper limit of normal", kind: .text(inputMode: "decimal")),
    ])

    static let medication = RecordForm(action: "medications", title: "Add a medicine", submit: "Add medicine", fields: [
        Field(name: "name", id: "med-name", label: "Medicine", kind: .text(required: true)),
        Field(name: "agent", id: "med-agent", label: "Bone-modifying agent", kind: .select(options(Agent.self, blank: "not a bone-modifying agent", except: [.other]))),
        // A bone-modifying agent is named in the field above.
        Field(name: "class", id: "med-class", label: "Kind", kind: .select(options(MedicationClass.self, blank: "derive", except: [.boneModifyingAgent],
                                                                                   labels: [.calciumVitaminD: "calcium and vitamin D"]))),
        // Entered in error is a correction of a record, not something added.
        Field(name: "status", id: "med-status", label: "Status", kind: .select(options(MedicationStatus.self, blank: "not recorded", except: [.enteredInError, .unknown],
                                                                                     labels: [.active: "given now", .notTaken: "not taken", .intended: "planned"]))),
        Field(name: "indication", id: "med-indication", label: "Given for", kind: .select(options(BMAIndication.self, blank: "not recorded", labels: [
            .hypercalcaemiaOfMalignancy: "hypercalcaemia", .hypercalcaemiaRefractoryToBisphosphonate: "hypercalcaemia not responding to a bisphosphonate",
            .giantCellTumorOfBone: "giant cell tumour of bone",
        ]))),
        Field(name: "start_date", id: "med-start", label: "Start date", kind: .date),
        Field(name: "last_dose_date", id: "med-last", label: "Last dose", kind: .date),
        Field(name: "interval", id: "med-interval", label: "Interval", kind: .select(options(ZoledronicAcidRenalDose.Interval.self, blank: "not recorded",
                                                                                          labels: [.q4w: "every 4 weeks", .q12w: "every 12 weeks"]))),
    ])

    /// One dose given of a course on record (`courses`: the medicine's record id and its name).
    static func dose(courses: [(value: String, label: String)]) -> RecordForm {
        RecordForm(action: "doses", title: "Record a dose given", submit: "Record dose", fields: [
            Field(name: "medication_id", id: "dose-med", label: "Bone-modifying agent", kind: .select(courses)),
            Field(name: "date", id: "dose-date", label: "Given on", kind: .date),
        ])
    }

    static let imaging = RecordForm(action: "imaging", title: "Add an imaging study", submit: "Add study", fields: [
        Field(name: "modality", id: "img-mod", label: "Modality", kind: .select(options(Modality.self, labels: [
            .xray: "X-ray", .ct: "CT", .mri: "MRI", .petCT: "PET-CT", .psmaPET: "PSMA PET",
        ]))),
        Field(name: "region", id: "img-region", label: "Region", kind: .text(placeholder: "whole spine, chest, left femur")),
        Field(name: "date", id: "img-date", label: "Date", kind: .date),
        Field(name: "report", id: "img-report", label: "Read (report)", kind: .textarea),
    ])

    /// The patient's lesions are named by site, as on the page (`lesions`: the case's lesion id and its name).
    static func procedure(lesions: [(value: String, label: String)]) -> RecordForm {
        RecordForm(action: "procedures", title: "Add radiotherapy or surgery", submit: "Add procedure", fields: [
        Field(name: "kind", id: "proc-kind", label: "Kind", kind: .select([("radiotherapy", "radiotherapy"), ("surgery", "surgery")])),
        Field(name: "lesion_id", id: "proc-lesion", label: "Lesion", kind: .select([("", "not for one lesion")] + lesions)),
        Field(name: "date", id: "proc-date", label: "Date", kind: .date),
        Field(name: "site", id: "proc-site", label: "Radiotherapy site", kind: .text()),
        Field(name: "dose_gy", id: "proc-dose", label: "Dose (Gy)", kind: .text(inputMode: "decimal")),
        Field(name: "fractions", id: "proc-fx", label: "Fractions", kind: .text(inputMode: "numeric")),
        Field(name: "surgery_kind", id: "proc-surgery", label: "Operation", kind: .select(options(SurgeryKind.self, blank: "—"))),
    ])
    }
}
