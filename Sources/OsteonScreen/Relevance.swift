import OsteonDomain

/// Which lines of a Bulk export screening keeps. A kept line is parsed and
/// mapped in the second pass; everything else is counted as ignored. The test
/// is generous (a false "keep" costs one parse; a false "ignore" would lose a fact).
struct Relevance {
    enum Kind {
        case patient, keep, ignore
        /// A medicine that carries no bone-oncology fact itself: only that a
        /// medication list exists is kept ("no list" and "no relevant medicine" differ, REFERENCE §18.2.3).
        case presence
    }

    /// What pass 1 writes for a `.presence` line instead of the line itself.
    static let medicationListMarker: [UInt8] = [0x01, 0x4D]

    static let conditionCodes: Set<String> = [
        "94222008", "94217008", "94218003", "94219006", "94220000", "94221001", "134421000", "91281000119103", "91271000119101",
        "424887002", "94225005", "94381002", "94391008", "94392001", "254837009", "372137005", "408643008", "353431000119107",
        "399068003", "93974005", "399490008", "126906006", "92691004", "314994000", "363358000", "93880001", "254637007", "254632001",
        "424132000", "363478007", "94098005", "255029007", "255028004", "363518003", "93849006", "702391001", "254915003", "307576001",
        "735680008", "723850009", "687421000119101", "440397000", "307608006", "723853006", "78411000119107", "683981000119101",
        "447792005", "443520009", "735679005", "428281000", "93725000", "448710000",
    ]
    static let observationCodes: Set<String> = [
        "89247-1", "89243-0", "21908-9", "21902-2", "21914-7", "21905-5", "21899-0", "21911-3", "21907-1", "21901-4", "21913-9",
        "399537006", "399588009", "399390009", "399504009", "384625004", "78873005", "399387003", "371497001", "277208005", "29463-7",
        "17861-6", "49765-1", "1751-7", "2160-0", "38483-4", "14682-9", "1988-5", "30522-7", "2532-0", "14804-9", "777-3", "26515-7",
        "1975-2", "14631-6", "718-7", "6768-6", "2857-1",
    ]
    static let medicationCodes: Set<String> = ["77655", "1114085", "1156253", "993449", "993452", "1737449"]
    static let procedureCodes: Set<String> = ["1217123003", "53438000", "445232009", "108290001", "33195004"]

    static let conditionWords = Keywords([
        "neoplasm", "malignant", "cancer", "carcinoma", "sarcoma", "osteosarcoma", "chondrosarcoma", "myeloma", "lymphoma",
        "metastasis", "metastatic", "melanoma", "chordoma", "tumor", "tumour", "compression", "weakness", "paraparesis",
        "paraplegia", "cauda", "ewing",
    ])
    static let medicationWords = Keywords(
        ["zoledronic", "zoledronate", "zometa", "denosumab", "xgeva", "prolia", "pamidronate", "calcium", "vitamin", "cholecalciferol"]
            + Codes_chemo + ["gefitinib", "erlotinib", "osimertinib", "afatinib", "alectinib", "crizotinib", "lorlatinib", "dabrafenib",
                             "trametinib", "cabozantinib", "sunitinib", "pazopanib", "palbociclib", "abemaciclib", "ribociclib", "alpelisib",
                             "trastuzumab", "lapatinib", "anastrozole", "letrozole", "exemestane", "tamoxifen", "fulvestrant",
                             "enzalutamide", "abiraterone", "bicalutamide", "leuprolide", "goserelin", "apalutamide", "darolutamide",
                             "degarelix"])
    static let procedureWords = Keywords([
        "radiation", "radiotherapy", "teletherapy", "brachytherapy", "irradiation", "stereotactic", "biopsy", "fixation",
        "nailing", "vertebroplasty", "kyphoplasty", "decompression", "laminectomy", "amputation", "resection", "excision",
        "dental", "dentist", "periodontal",  // a dental evaluation before a bone-modifying agent (Codes.dentalEvaluationWords)
    ], suffixes: ["ectomy"])
    static let observationWords = Keywords(["receptor"])
    /// A referral to a bone-sarcoma centre (the importer reads no other ServiceRequest).
    static let serviceRequestWords = Keywords(["sarcoma"])

    static func classify(_ line: UnsafeRawBufferPointer, _ scan: ScanResult) -> Kind {
        guard let type = scan.resourceType else { return .ignore }
        let t = string(line, type)
        switch t {
        case "Patient": return .patient
        case "FamilyMemberHistory", "ImagingStudy": return .keep
        case "Condition":
            return hasCode(line, scan, conditionCodes, icd10Cancer: true) || conditionWords.matchAny(line, scan.texts) || hasMCODE(line, scan) ? .keep : .ignore
        case "Observation":
            return hasCode(line, scan, observationCodes, icd10Cancer: false) || hasMCODE(line, scan) || observationWords.matchAny(line, scan.texts) ? .keep : .ignore
        case "MedicationRequest", "MedicationStatement", "MedicationAdministration":
            return hasCode(line, scan, medicationCodes, icd10Cancer: false) || medicationWords.matchAny(line, scan.texts) || hasMCODE(line, scan) ? .keep : .presence
        case "Procedure":
            return hasCode(line, scan, procedureCodes, icd10Cancer: false) || procedureWords.matchAny(line, scan.texts) || hasMCODE(line, scan) ? .keep : .ignore
        case "ServiceRequest":
            return serviceRequestWords.matchAny(line, scan.texts) ? .keep : .ignore
        default:
            return .ignore
        }
    }

    @inline(__always) static func string(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: line[r]), as: UTF8.self)
    }

    static func hasCode(_ line: UnsafeRawBufferPointer, _ scan: ScanResult, _ set: Set<String>, icd10Cancer: Bool) -> Bool {
        for r in scan.codes where r.count <= 20 {
            if icd10Cancer, r.count >= 2, line[r.lowerBound] == 0x43, (0x30...0x39).contains(line[r.lowerBound + 1]) { return true }
            if set.contains(string(line, r)) { return true }
        }
        return false
    }

    static func hasMCODE(_ line: UnsafeRawBufferPointer, _ scan: ScanResult) -> Bool {
        // "…/mcode/StructureDefinition/mcode-…" in meta.profile.
        for r in scan.codes where r.count > 30 {
            var i = r.lowerBound
            while i + 6 <= r.upperBound {
                if line[i] == 0x6D, line[i + 1] == 0x63, line[i + 2] == 0x6F, line[i + 3] == 0x64, line[i + 4] == 0x65, line[i + 5] == 0x2D { return true }
                i += 1
            }
        }
        return false
    }
}

private let Codes_chemo = [
    "paclitaxel", "docetaxel", "cisplatin", "carboplatin", "oxaliplatin", "doxorubicin", "epirubicin", "cyclophosphamide",
    "ifosfamide", "methotrexate", "etoposide", "vincristine", "gemcitabine", "capecitabine", "fluorouracil", "pemetrexed",
    "bortezomib", "lenalidomide", "melphalan", "dactinomycin", "irinotecan",
]

/// Case-insensitive word matching on short texts without building strings:
/// each word of the text is compared by its first five letters, then fully.
struct Keywords {
    let byPrefix: [UInt64: [[UInt8]]]
    let suffixes: [[UInt8]]

    init(_ words: [String], suffixes: [String] = []) {
        var map: [UInt64: [[UInt8]]] = [:]
        for w in words {
            let bytes = Array(w.utf8)
            precondition(bytes.count >= 5, "keywords are matched by their first five letters")
            map[Keywords.key(bytes, 0, 5), default: []].append(bytes)
        }
        byPrefix = map
        self.suffixes = suffixes.map { Array($0.utf8) }
    }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
    @inline(__always) static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    @inline(__always) static func key(_ bytes: [UInt8], _ start: Int, _ count: Int) -> UInt64 {
        var k: UInt64 = UInt64(count)
        for j in 0..<count { k = k << 8 | UInt64(lower(bytes[start + j])) }
        return k
    }

    func matchAny(_ line: UnsafeRawBufferPointer, _ ranges: [Range<Int>]) -> Bool {
        for r in ranges where match(line, r) { return true }
        return false
    }

    func match(_ line: UnsafeRawBufferPointer, _ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        while i < r.upperBound {
            while i < r.upperBound, !Keywords.isLetter(line[i]) { i += 1 }
            let start = i
            while i < r.upperBound, Keywords.isLetter(line[i]) { i += 1 }
            let len = i - start
            guard len >= 5 else { continue }
            var k: UInt64 = 5
            for j in 0..<5 { k = k << 8 | UInt64(Keywords.lower(line[start + j])) }
            if let candidates = byPrefix[k] {
                for word in candidates where word.count <= len {
                    var ok = true
                    for j in 0..<word.count where Keywords.lower(line[start + j]) != word[j] { ok = false; break }
                    if ok { return true }
                }
            }
            for suffix in suffixes where suffix.count <= len {
                var ok = true
                for j in 0..<suffix.count where Keywords.lower(line[i - suffix.count + j]) != suffix[j] { ok = false; break }
                if ok { return true }
            }
        }
        return false
    }
}
