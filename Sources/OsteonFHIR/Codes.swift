import OsteonDomain

/// Code tables from FHIR-NOTES.md (mCODE value sets, ICD-10-CM, LOINC, RxNorm).
/// Where a code is not in those notes, matching falls back on the words of
/// the concept, so an unlisted code is read by its display, never guessed.
enum Codes {
    // MARK: Conditions (FHIR-NOTES §2)

    /// Secondary malignant neoplasm of bone and its children in the mCODE value set.
    static let secondaryBoneSNOMED: Set<String> = [
        "94222008", "94217008", "94218003", "94219006", "94220000", "94221001",
        "134421000", "91281000119103", "91271000119101", "424887002",
    ]
    static let secondaryBoneICD10Prefixes = ["C79.5", "C7B.03"]

    static let secondaryOtherSNOMED: [String: OtherMetastasis.Site] = [
        "94225005": .brain, "94381002": .liver, "94391008": .lung, "94392001": .lymphNode,
    ]
    static let secondaryOtherICD10: [(String, OtherMetastasis.Site)] = [
        ("C77", .lymphNode), ("C78.0", .lung), ("C78.2", .pleura), ("C78.6", .peritoneum), ("C78.7", .liver),
        ("C79.0", .kidney), ("C79.3", .brain), ("C79.7", .adrenal), ("C78", .other), ("C79", .other),
    ]

    static let primarySNOMED: [String: PrimarySite] = [
        // breast
        "254837009": .breast, "372137005": .breast, "408643008": .breast, "353431000119107": .breast,
        // prostate (Synthea codes neoplasm and CIS as its prostate cancer)
        "399068003": .prostate, "93974005": .prostate, "399490008": .prostate, "126906006": .prostate, "92691004": .prostate,
        "314994000": .prostate,
        // lung
        "363358000": .lung, "93880001": .lung, "254637007": .lung, "254632001": .lung, "424132000": .lung,
        // thyroid
        "363478007": .thyroid, "94098005": .thyroid, "255029007": .thyroid, "255028004": .thyroid,
        // kidney
        "363518003": .kidney, "93849006": .kidney, "702391001": .kidney, "254915003": .kidney,
        // primary bone tumours
        "307576001": .osteosarcoma, "735680008": .osteosarcoma, "723850009": .osteosarcoma, "687421000119101": .osteosarcoma,
        "440397000": .osteosarcoma, "307608006": .ewingSarcoma, "723853006": .ewingSarcoma, "78411000119107": .ewingSarcoma,
        "683981000119101": .ewingSarcoma, "447792005": .chondrosarcoma, "443520009": .chondrosarcoma, "735679005": .chondrosarcoma,
        "428281000": .primaryBoneMalignancy, "93725000": .primaryBoneMalignancy, "448710000": .primaryBoneMalignancy,
    ]
    /// SNOMED morphology codes (histology extension).
    static let morphologySNOMED: [String: PrimarySite] = [
        "1163405004": .osteosarcoma, "21708004": .osteosarcoma, "76909002": .ewingSarcoma, "703707001": .ewingSarcoma,
        "1163016002": .chondrosarcoma,
    ]
    static let morphologyICDO3: [String: PrimarySite] = ["9180/3": .osteosarcoma, "9260/3": .ewingSarcoma, "9364/3": .ewingSarcoma, "9220/3": .chondrosarcoma]

    static let primaryICD10Prefixes: [(String, PrimarySite)] = [
        ("C50", .breast), ("C61", .prostate), ("C34", .lung), ("C73", .thyroid), ("C64", .kidney), ("C65", .kidney),
        ("C90.0", .myeloma), ("C40", .primaryBoneMalignancy), ("C41", .primaryBoneMalignancy), ("C18", .colorectal),
        ("C20", .rectum), ("C16", .stomach), ("C25", .pancreas), ("C22", .liver), ("C15", .oesophagus), ("C67", .bladder),
        ("C54", .uterus), ("C56", .ovary), ("C53", .cervix), ("C43", .melanoma), ("C80", .unknownPrimary),
    ]

    /// Words, in order of specificity, for concepts whose codes are not listed.
    static let primaryWords: [(String, PrimarySite)] = [
        ("osteosarcoma", .osteosarcoma), ("ewing", .ewingSarcoma), ("chondrosarcoma", .chondrosarcoma), ("chordoma", .chordoma),
        ("giant cell tumo", .giantCellTumor), ("myeloma", .myeloma), ("lymphoma", .lymphoma), ("breast", .breast),
        ("prostat", .prostate), ("lung", .lung), ("thyroid", .thyroid), ("renal cell", .kidney), ("kidney", .kidney),
        ("colon", .colorectal), ("rectum", .rectum), ("rectal", .rectum), ("melanoma", .melanoma), ("pancrea", .pancreas),
        ("stomach", .stomach), ("gastric", .stomach), ("bladder", .bladder), ("oesophag", .oesophagus), ("esophag", .oesophagus),
    ]

    static func isCancerWord(_ words: String) -> Bool {
        ["malignant", "cancer", "carcinoma", "sarcoma", "myeloma", "lymphoma", "melanoma", "neoplasm", "metasta", "chordoma"].contains(where: { words.has($0) })
    }

    // MARK: Observations (FHIR-NOTES §3–4; lab LOINC codes as Synthea uses them)

    static let ecog = "89247-1"
    static let karnofsky = "89243-0"
    static let ecogAnswers: [String: Int] = ["LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4, "LA9627-6": 5]
    static let stageGroupLOINC: Set<String> = ["21908-9", "21902-2", "21914-7"]
    static let stageGroupSNOMED: Set<String> = ["399537006", "399588009", "399390009"]
    static let tLOINC: Set<String> = ["21905-5", "21899-0", "21911-3"]
    static let tSNOMED: Set<String> = ["399504009", "384625004", "78873005"]
    static let mLOINC: Set<String> = ["21907-1", "21901-4", "21913-9"]
    static let mSNOMED: Set<String> = ["399387003", "371497001", "277208005"]
    static let bodyWeight = "29463-7"

    static let labs: [String: LabTest] = [
        "17861-6": .calcium, "49765-1": .calcium, "1751-7": .albumin, "2160-0": .creatinine, "38483-4": .creatinine,
        "14682-9": .creatinine, "1988-5": .crp, "30522-7": .crp, "2532-0": .ldh, "14804-9": .ldh, "777-3": .platelets,
        "26515-7": .platelets, "1975-2": .bilirubin, "14631-6": .bilirubin, "718-7": .hemoglobin, "6768-6": .alp, "2857-1": .psa,
    ]

    /// Synthea and cancerstaging.org stage values.
    static let stageSNOMED: [String: String] = [
        "258215001": "I", "258219007": "II", "258224005": "III", "261638004": "IIIA", "258228008": "IV",
    ]
    static let mOneSNOMED: Set<String> = ["55440008"]

    // MARK: Medications (FHIR-NOTES §5)

    static let zoledronicRxNorm: Set<String> = ["77655", "1114085", "1156253"]
    static let denosumabRxNorm: Set<String> = ["993449", "993452"]
    static let pamidronateRxNorm: Set<String> = ["1737449"]

    static let chemotherapyWords = [
        "paclitaxel", "docetaxel", "cisplatin", "carboplatin", "oxaliplatin", "doxorubicin", "epirubicin", "cyclophosphamide",
        "ifosfamide", "methotrexate", "etoposide", "vincristine", "gemcitabine", "capecitabine", "fluorouracil", "pemetrexed",
        "bortezomib", "lenalidomide", "melphalan", "dactinomycin", "irinotecan",
    ]
    static let targetedWords = [
        "gefitinib", "erlotinib", "osimertinib", "afatinib", "alectinib", "crizotinib", "lorlatinib", "dabrafenib", "trametinib",
        "cabozantinib", "sunitinib", "pazopanib", "palbociclib", "abemaciclib", "ribociclib", "alpelisib", "trastuzumab", "lapatinib",
    ]
    static let hormonalWords = [
        "anastrozole", "letrozole", "exemestane", "tamoxifen", "fulvestrant", "enzalutamide", "abiraterone", "bicalutamide",
        "leuprolide", "goserelin", "apalutamide", "darolutamide", "degarelix",
    ]
    /// Lung cancer drugs that are "molecularly targeted" in Katagiri's sense (EGFR/ALK/ROS1/BRAF inhibitors).
    static let lungTargetedWords = ["gefitinib", "erlotinib", "osimertinib", "afatinib", "alectinib", "crizotinib", "lorlatinib", "dabrafenib", "trametinib"]

    // MARK: Procedures

    static let radiotherapySNOMED: Set<String> = ["1217123003", "53438000", "445232009", "108290001", "33195004"]
    /// A dental evaluation (REFERENCE §9.5), by its words: FHIR-NOTES names no code for it (◐). Screening keeps the
    /// same words (Relevance.procedureWords), so the filter loses no such line.
    static let dentalEvaluationWords = ["dental", "dentist", "periodontal"]
    static func isDentalEvaluation(_ code: Concept) -> Bool { dentalEvaluationWords.contains { code.words.has($0) } }
    static let radiotherapyWords = ["radiation", "radiotherapy", "teletherapy", "brachytherapy", "irradiation", "sbrt", "stereotactic"]

    // MARK: Body sites of bone lesions (by words; SNOMED displays name the bone)

    static let boneWords: [(String, Bone)] = [
        ("femur", .femur), ("femoral", .femur), ("humer", .humerus), ("tibia", .tibia), ("fibula", .fibula), ("radius", .radius),
        ("ulna", .ulna), ("vertebra", .vertebra), ("spine", .vertebra), ("lumbar", .vertebra), ("thoracic", .vertebra),
        ("cervical", .vertebra), ("sacr", .sacrum), ("acetab", .pelvis), ("pelvi", .pelvis), ("ilium", .pelvis), ("iliac", .pelvis),
        ("pubi", .pelvis), ("ischi", .pelvis), ("rib", .rib), ("skull", .skull), ("cranium", .skull), ("scapula", .scapula),
        ("clavicle", .clavicle), ("sternum", .sternum),
    ]
}
