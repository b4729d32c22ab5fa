import Foundation

/// Where on Osteon's forms a case path (as the assessment names a missing
/// fact) is entered, so "data needed" can link to the field itself.
enum FieldLink {
    /// Patient-form fields by case path (the form's ids).
    static let patientForm: [String: String] = [
        "patient.weight_kg": "weight_kg", "patient.deceased_on": "deceased_on", "patient.weight_kind": "weight_kind", "patient.birth_date": "birth_date", "patient.age_years": "age_years",
        "patient.sex": "sex", "performance_status.ecog": "ecog", "performance_status.kps": "kps", "performance_status": "ecog",
        "dental.last_evaluation_date": "dental_last_evaluation", "care_setting": "care_setting", "fit_for_surgery": "fit_for_surgery",
        "other_metastases": "other_metastases", "family_history": "family_history", "medications": "no_medicines",
        "skeletal_metastasis_counts": "skeletal_extraspinal", "skeletal_metastasis_counts.extraspinal": "skeletal_extraspinal",
        "skeletal_metastasis_counts.vertebral": "skeletal_vertebral", "neurology.frankel_grade": "frankel_grade",
    ]
    /// Keys of the first cancer on the patient form.
    static let cancerKeys: Set<String> = ["primary_site", "histology", "hormone_status", "lung_type", "stage", "diagnosis_date", "radiosensitivity",
                                          "end_of_treatment_date", "clinical_status", "targeted_therapy"]
    static let lesionKeys: Set<String> = ["bone", "region", "side", "level", "origin", "phenotype", "size_fraction", "size", "mirels_site", "pain",
                                          "fracture", "posterolateral_involvement", "vertebral_body_collapse", "alignment", "escc_grade", "detected_date"]

    static func href(_ field: String, patientID: UUID, lesions: [String: UUID]) -> String {
        let base = "/patients/\(patientID)"
        if field.hasPrefix("labs") { return base + "#lab-test" }
        if field.hasPrefix("lesions[") {
            guard let close = field.firstIndex(of: "]") else { return base + "#lesions" }
            let label = String(field[field.index(field.startIndex, offsetBy: 8)..<close])
            let key = field[close...].drop(while: { $0 == "]" || $0 == "." }).split(separator: ".").first.map(String.init) ?? ""
            guard let id = lesions[label] else { return base + "#lesions" }
            let anchor = key == "size" ? "size" : (lesionKeys.contains(key) ? key : "bone")
            return "\(base)/lesions/\(id)/edit#\(anchor)"
        }
        if let id = patientForm[field] { return "\(base)/edit#\(id)" }
        if field.hasPrefix("cancers["), let key = field.split(separator: ".").last.map(String.init), cancerKeys.contains(key) {
            return "\(base)/edit#\(key)"
        }
        if let top = field.split(separator: ".").first.map(String.init), let id = patientForm[top] { return "\(base)/edit#\(id)" }
        return "\(base)/edit"
    }
}
