import Foundation

/// Clinicians' words for the keys, enum values, case paths and rule ids that
/// the domain and its JSON speak. The JSON keeps the keys (they are the
/// contract); every page shows these words instead (tested: no snake_case key,
/// case path or index reaches a page).
public enum Words {
    /// Input keys, score components and case fields.
    static let terms: [String: String] = [
        // Scores' components and inputs
        "general_condition_kps": "general condition (KPS)", "extraspinal_bone_metastases": "extraspinal bone metastases",
        "vertebral_body_metastases": "vertebral body metastases", "major_internal_organ_metastases": "metastases to major internal organs",
        "primary_site": "primary site", "palsy_frankel": "palsy (Frankel grade)", "primary_lesion": "primary tumour",
        "visceral_or_cerebral_metastases": "visceral or brain metastases", "laboratory_data": "laboratory results",
        "ecog_ps_3_or_4": "ECOG performance status 3 or 4", "ecog_ps": "ECOG performance status", "previous_chemotherapy": "previous chemotherapy",
        "multiple_skeletal_metastases": "multiple skeletal metastases", "primary_tumor_growth": "growth of the primary tumour",
        "visceral_metastases": "visceral metastases", "bone_metastases": "bone metastases", "bone_lesion": "bone lesion",
        "vertebral_body_collapse": "vertebral body collapse", "posterolateral_involvement": "posterolateral involvement",
        "lesion_type": "lesion type", "escc_grade": "ESCC grade", "medically_fit_for_surgery": "medically fit for surgery", "fit_for_surgery": "fit for surgery",
        "sins_total": "SINS total", "primary_growth_group": "growth group of the primary tumour (Katagiri)",
        "extraspinal_bone_metastases_count": "number of extraspinal bone metastases", "vertebral_body_metastases_count": "number of vertebral bodies involved",
        "frankel_grade": "Frankel grade", "total_calcium_mg_dl": "total calcium (mg/dL)", "albumin_g_dl": "albumin (g/dL)", "weight_kg": "weight (kg)",
        "serum_creatinine_mg_dl": "serum creatinine (mg/dL)", "crp_mg_dl": "CRP (mg/dL)", "ldh_iu_l": "LDH (IU/L)", "platelets_per_ul": "platelets (per µL)",
        "calcium_mg_dl": "calcium (mg/dL)", "total_bilirubin_mg_dl": "total bilirubin (mg/dL)", "age_years": "age (years)", "sex": "sex",
        "corrected_calcium_mg_dl": "corrected calcium (mg/dL)", "crcl_ml_min": "creatinine clearance (mL/min)",
        // Case fields
        "mirels_site": "Mirels site", "size_fraction": "lesion width (fraction of the bone's diameter)", "hormone_status": "hormone status",
        "end_of_treatment_date": "end of treatment", "last_evaluation_date": "last dental check", "weight_kind": "which weight (actual, ideal or adjusted)",
        "care_setting": "care setting (US or elsewhere)", "family_history": "family history of cancer", "targeted_therapy": "targeted therapy",
        "other_metastases": "other (non-bone) metastases", "skeletal_metastasis_counts": "number of skeletal metastases", "birth_date": "date of birth",
        "detected_date": "date found", "diagnosis_date": "date of diagnosis", "symptom_onset": "when the symptoms began", "last_dose_date": "last dose",
        "start_date": "start date", "castration_status": "castration status", "clinical_status": "cancer status", "lung_type": "lung cancer type",
        "new_weakness": "new weakness", "sensory_level": "sensory level", "bladder_bowel_dysfunction": "bladder or bowel dysfunction",
        "back_pain": "back pain", "primary_site_unknown": "primary site unknown", "dose_mg": "dose (mg)", "dose_gy": "dose (Gy)",
        "lesion_id": "lesion", "surgery_kind": "operation", "reference_low": "lower limit of normal", "reference_high": "upper limit of normal",
        "ajcc_site_group": "AJCC site group", "enneking_grade": "grade (Enneking)", "skip_metastases": "skip metastases",
        "extraspinal": "extraspinal bone metastases", "vertebral": "vertebral bodies involved", "ecog": "ECOG performance status", "kps": "KPS",
        "phenotype": "lesion type (lytic, blastic or mixed)", "interval": "dosing interval", "status": "status", "indication": "indication",
        "level": "spinal level", "region": "region", "side": "side", "bone": "bone", "pain": "pain", "alignment": "alignment", "origin": "origin",
        "radiosensitivity": "radiosensitivity", "location": "location", "site": "site", "size": "size", "medications": "medicines",
        "stage": "stage", "grade": "grade", "weight": "weight",
    ]

    /// Enum values as clinicians say them.
    static let values: [String: String] = [
        "upper_limb": "upper limb", "lower_limb": "lower limb", "gt_two_thirds": "more than 2/3", "one_third_to_two_thirds": "1/3 to 2/3",
        "lt_one_third": "less than 1/3", "gt_50_percent": "more than 50 %", "lt_50_percent": "less than 50 %", "none_of_the_above": "none of these",
        "pain_free": "pain-free", "occasional_non_mechanical": "occasional, not mechanical", "de_novo_deformity": "new deformity (kyphosis or scoliosis)",
        "subluxation_translation": "subluxation or translation", "solitary_or_isolated": "solitary or isolated", "non_us": "outside the US", "us": "in the US",
        "bone_scan": "bone scan", "pet_ct": "PET-CT", "psma_pet": "PSMA PET", "xray": "X-ray", "ct": "CT", "mri": "MRI", "whole_spine": "whole spine",
        "zoledronic_acid": "zoledronic acid", "q4w": "every 4 weeks", "q12w": "every 12 weeks", "hormone_dependent": "hormone-dependent",
        "hormone_independent": "hormone-independent", "non_small_cell": "non-small-cell", "small_cell": "small-cell",
        "bone_metastases_or_myeloma": "bone metastases or myeloma", "hypercalcaemia_of_malignancy": "hypercalcaemia of malignancy",
        "hypercalcaemia_refractory_to_bisphosphonate": "hypercalcaemia not responding to a bisphosphonate", "giant_cell_tumor_of_bone": "giant cell tumour of bone",
        "on_hold": "on hold", "not_taken": "not taken", "entered_in_error": "entered in error", "prophylactic_fixation": "prophylactic fixation",
        "fracture_fixation": "fracture fixation", "separation_surgery": "separation surgery", "cement_augmentation": "cement augmentation",
        "lymph_node": "lymph node", "ewing_sarcoma": "Ewing sarcoma", "giant_cell_tumor": "giant cell tumour", "unknown_primary": "unknown primary",
        "renal_cell": "kidney", "head_neck": "head and neck", "soft_tissue_sarcoma": "soft-tissue sarcoma", "junctional": "junctional",
        "ready_for_board": "ready for board", "work_up": "work-up", "follow_up": "follow-up", "nurse_navigator": "nurse navigator",
        "medical_oncology": "medical oncology", "radiation_oncology": "radiation oncology", "orthopaedic_oncology": "orthopaedic oncology",
        "spine_surgery": "spine surgery", "palliative_care": "palliative care", "nuclear_medicine": "nuclear medicine",
        "multiple_myeloma": "multiple myeloma", "targeted_therapy": "targeted therapy", "calcium_vitamin_d": "calcium and vitamin D",
        "bone_modifying_agent": "bone-modifying agent",
    ]

    /// Rules by their short clinical names.
    static let rules: [String: String] = [
        "mirels": "Mirels", "sins": "SINS", "katagiri_new_2014": "Katagiri (2014)", "tokuhashi_revised_2005": "Tokuhashi (2005)",
        "tomita_2001": "Tomita", "escc": "ESCC grade", "noms": "NOMS", "corrected_calcium": "corrected calcium",
        "zoledronic_acid_renal_dose": "zoledronic-acid dose", "zoledronic_acid_pre_dose_check": "pre-dose creatinine check",
        "cockcroft_gault": "creatinine clearance", "denosumab_checks": "denosumab checks", "mronj": "jaw osteonecrosis risk",
        "palliative_radiotherapy": "radiotherapy plan", "enneking_msts": "Enneking stage", "huvos": "Huvos grade",
        "ajcc8_bone_appendicular_trunk_skull": "AJCC stage", "ajcc8_bone_spine": "AJCC stage", "ajcc8_bone_pelvis": "AJCC stage",
        "bone_modifying_agent": "bone-modifying agent", "surveillance": "surveillance", "assessment": "the assessment", "readability": "readability",
        "radiotherapy": "radiotherapy", "spine": "spine", "staging": "staging", "differential": "differential diagnosis",
    ]

    static let abbreviations: [String: String] = [
        "ecog": "ECOG", "kps": "KPS", "ps": "PS", "crp": "CRP", "ldh": "LDH", "alp": "ALP", "psa": "PSA", "sins": "SINS", "escc": "ESCC",
        "mri": "MRI", "ct": "CT", "pet": "PET", "psma": "PSMA", "bma": "bone-modifying agent", "mronj": "MRONJ", "gt": "more than", "lt": "less than",
        "rt": "RT", "sbrt": "SBRT", "mscc": "cord compression", "ajcc": "AJCC", "icd": "ICD", "us": "US", "ml": "mL", "min": "min",
    ]

    /// Any key in words: the known term, else its parts with units and abbreviations spelled.
    public static func term(_ key: String) -> String {
        if let t = terms[key] ?? values[key] ?? rules[key] { return t }
        if key.contains(".") || key.contains("[") { return path(key) }
        var k = key
        var unit = ""
        for (suffix, u) in [("_mg_dl", "mg/dL"), ("_g_dl", "g/dL"), ("_iu_l", "IU/L"), ("_per_ul", "per µL"), ("_ml_min", "mL/min"), ("_kg", "kg"), ("_gy", "Gy")]
        where k.hasSuffix(suffix) {
            k = String(k.dropLast(suffix.count))
            unit = " (\(u))"
            break
        }
        let words = k.split(separator: "_").map { abbreviations[String($0)] ?? String($0) }
        return words.joined(separator: " ") + unit
    }

    /// An enum value in words.
    public static func value(_ raw: String) -> String { values[raw] ?? term(raw) }

    /// A rule by its short clinical name.
    public static func rule(_ id: String) -> String { rules[id] ?? term(id) }

    /// A case path ("lesions[L1].mirels_site", "labs.crp", "patient.weight_kind") in words;
    /// `lesion` names a lesion by its id (the page knows the site labels).
    public static func path(_ path: String, lesion: (String) -> String = { $0 }) -> String {
        var prefix = ""
        var rest = Substring(path)
        if let open = rest.firstIndex(of: "["), let close = rest.firstIndex(of: "]"), open < close {
            let section = rest[..<open]
            let index = String(rest[rest.index(after: open)..<close])
            rest = rest[rest.index(after: close)...].drop { $0 == "." }
            switch section {
            case "lesions": prefix = lesion(index) + ": "
            case "medications": prefix = (index.isEmpty || Int(index) != nil ? "medicine" : value(index)) + ": "
            case "cancers": prefix = "cancer: "
            default: prefix = term(String(section)) + ": "
            }
        }
        let parts = rest.split(separator: ".").map(String.init)
        guard let last = parts.last else { return String(prefix.dropLast(2)) }
        let section = parts.count > 1 ? parts[0] : ""
        var words = term(last)
        if section == "labs" { words += " (lab)" }
        if section == "skeletal_metastasis_counts" { words = "number of " + words.replacingOccurrences(of: "number of ", with: "") }
        return prefix + words
    }

    static let pathPattern = try! NSRegularExpression(pattern: #"\b[a-z_]+(\[[^\]\s]*\])?(\.[a-z_]+)+\b|\b[a-z_]+\[[^\]\s]*\](\.[a-z_]+)*"#)
    static let keyPattern = try! NSRegularExpression(pattern: #"\b[a-z0-9]+(_[a-z0-9]+)+\b"#)

    /// Free text from the rules with any case path or key left in it put into words (the page's last step).
    public static func plain(_ text: String, lesion: (String) -> String = { $0 }) -> String {
        guard text.contains("_") || text.contains("[") || text.contains(".") else { return text }
        var out = replace(pathPattern, in: text) { path($0, lesion: lesion) }
        out = replace(keyPattern, in: out) { value($0) }
        return out
    }

    static func replace(_ re: NSRegularExpression, in text: String, _ f: (String) -> String) -> String {
        let ns = text as NSString
        var out = ""
        var last = 0
        for m in re.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let token = ns.substring(with: m.range)
            // File names, web addresses and decimals are not paths.
            if token.hasSuffix(".json") || token.hasPrefix("www.") || token.hasPrefix("e.g") || token.hasPrefix("i.e") { continue }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += f(token)
            last = m.range.location + m.range.length
        }
        return out + ns.substring(from: last)
    }
}
