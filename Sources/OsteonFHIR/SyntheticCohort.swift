import Foundation
import OsteonDomain

/// A deterministic synthetic Bulk Data export of bone-oncology patients, for
/// testing and benchmarking screening at any size. Same (patients, seed) →
/// same bytes.
///
/// Clinical shape follows REFERENCE.md §11–12: bone-metastasis rates by
/// primary in advanced disease (Coleman 2006: breast and prostate 65–75 %,
/// thyroid 60 %, lung 30–40 %, kidney 20–25 %, melanoma 14–45 %; midpoints used),
/// lesion phenotypes by primary, axial-favoured sites, and the age peaks of the
/// primary bone tumours. The mix of primaries and the share of advanced disease
/// are generator settings, not clinical claims. Every patient also carries
/// unrelated resources (vital signs, other conditions, encounters) as real
/// exports do.
public struct SyntheticCohort {
    public let patients: Int
    public let seed: UInt64
    /// The date the export describes; nothing reads a clock.
    public let asOf: Day

    public init(patients: Int, seed: UInt64, asOf: Day = Day("2026-06-30")!) {
        self.patients = patients
        self.seed = seed
        self.asOf = asOf
    }

    /// SplitMix64: small, fast, and identical on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func chance(_ p: Double) -> Bool { unit() < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        mutating func weighted<T>(_ items: [(T, Double)]) -> T {
            let total = items.reduce(0) { $0 + $1.1 }
            var x = unit() * total
            for (item, w) in items {
                if x < w { return item }
                x -= w
            }
            return items[items.count - 1].0
        }
    }

    struct Primary {
        let site: PrimarySite
        let snomed: String
        let display: String
        let ages: ClosedRange<Int>
        let boneMetRate: Double
        let phenotypes: [String]
        let femaleShare: Double
    }

    /// Generator mix (share of patients) and REFERENCE §11–12 facts per primary.
    static let primaries: [(Primary, Double)] = [
        (Primary(site: .breast, snomed: "254837009", display: "Malignant neoplasm of breast (disorder)", ages: 35...85, boneMetRate: 0.70,
                 phenotypes: ["lytic", "mixed", "lytic"], femaleShare: 0.99), 0.26),
        (Primary(site: .prostate, snomed: "399068003", display: "Malignant tumor of prostate (disorder)", ages: 55...90, boneMetRate: 0.70,
                 phenotypes: ["blastic", "blastic", "mixed"], femaleShare: 0), 0.22),
        (Primary(site: .lung, snomed: "254637007", display: "Non-small cell lung cancer (disorder)", ages: 45...85, boneMetRate: 0.35,
                 phenotypes: ["lytic"], femaleShare: 0.45), 0.18),
        (Primary(site: .kidney, snomed: "702391001", display: "Renal cell carcinoma (disorder)", ages: 45...85, boneMetRate: 0.225,
                 phenotypes: ["lytic"], femaleShare: 0.35), 0.06),
        (Primary(site: .thyroid, snomed: "363478007", display: "Malignant tumor of thyroid gland (disorder)", ages: 30...80, boneMetRate: 0.60,
                 phenotypes: ["lytic"], femaleShare: 0.7), 0.04),
        (Primary(site: .myeloma, snomed: "109989006", display: "Multiple myeloma (disorder)", ages: 50...85, boneMetRate: 0.95,
                 phenotypes: ["lytic"], femaleShare: 0.45), 0.08),
        (Primary(site: .melanoma, snomed: "372244006", display: "Malignant melanoma (disorder)", ages: 35...85, boneMetRate: 0.30,
                 phenotypes: ["lytic"], femaleShare: 0.45), 0.04),
        (Primary(site: .osteosarcoma, snomed: "307576001", display: "Osteosarcoma of bone (disorder)", ages: 10...25, boneMetRate: 0,
                 phenotypes: ["mixed", "blastic"], femaleShare: 0.45), 0.05),
        (Primary(site: .ewingSarcoma, snomed: "307608006", display: "Ewing's sarcoma of bone (disorder)", ages: 10...25, boneMetRate: 0,
                 phenotypes: ["lytic"], femaleShare: 0.45), 0.03),
        (Primary(site: .chondrosarcoma, snomed: "447792005", display: "Chondrosarcoma of bone (disorder)", ages: 40...80, boneMetRate: 0,
                 phenotypes: ["mixed"], femaleShare: 0.5), 0.04),
    ]

    /// Sites of skeletal metastases, axial skeleton favoured (REFERENCE §11).
    static let metastasisSites: [((display: String, level: String?), Double)] = [
        (("Lumbar spine L2", "L2"), 0.14), (("Thoracic spine T8", "T8"), 0.12), (("Thoracic spine T12", "T12"), 0.08),
        (("Cervical spine C5", "C5"), 0.03), (("Pelvis (ilium)", nil), 0.16), (("Left proximal femur", nil), 0.1),
        (("Right femur shaft", nil), 0.06), (("Rib", nil), 0.12), (("Skull", nil), 0.05), (("Right proximal humerus", nil), 0.06),
        (("Sacrum", nil), 0.08),
    ]

    /// Every resource of patient `n`, by resource type, in a fixed order.
    public func resources(of n: Int) -> [(type: String, json: JSONValue)] {
        var r = Random(state: seed &* 0x100_0000_01b3 &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15)
        var out: [(String, JSONValue)] = []
        let pid = "syn-\(seed)-\(n)"
        let subject: JSONValue = ["reference": .string("Patient/\(pid)")]
        let primary = r.weighted(Self.primaries)
        let age = r.int(primary.ages)
        let female = r.chance(primary.femaleShare)
        let birth = asOf.adding(days: -(age * 365 + r.int(0...364)))
        var serial = 0
        func id(_ kind: String) -> String { serial += 1; return "\(pid)-\(kind)\(serial)" }
        func day(_ daysAgo: Int) -> JSONValue { .string(asOf.adding(days: -daysAgo).description) }

        out.append(("Patient", [
            "resourceType": "Patient", "id": .string(pid),
            "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-cancer-patient"]],
            "name": [["family": .string("Synthetic\(n)"), "given": ["Test"]]],
            "gender": .string(female ? "female" : "male"), "birthDate": .string(birth.description),
        ]))

        let diagnosed = r.int(60...1800)
        let advanced = primary.boneMetRate > 0 && r.chance(0.6) && r.chance(primary.boneMetRate)
        out.append(("Condition", [
            "resourceType": "Condition", "id": .string(id("c")),
            "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"]],
            "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
            "verificationStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"]]],
            "code": ["coding": [["system": "http://snomed.info/sct", "code": .string(primary.snomed), "display": .string(primary.display)]]],
            "subject": subject, "onsetDateTime": day(diagnosed),
        ]))

        // Skeletal metastases.
        var lesionSites: [String] = []
        var indexAgo: Int?  // days before asOf of the earliest bone-metastasis record
        if advanced {
            let count = r.weighted([(1, 0.45), (2, 0.3), (3, 0.15), (4, 0.1)])
            for _ in 0..<count {
                let site = r.weighted(Self.metastasisSites)
                lesionSites.append(site.display)
                var condition: [(String, JSONValue)] = [
                    ("resourceType", "Condition"), ("id", .string(id("m"))),
                    ("meta", ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"]]),
                ]
                // A few records lack a clinical status, as real ones do.
                if !r.chance(0.03) {
                    condition.append(("clinicalStatus", ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]]))
                }
                condition += [
                    ("code", ["coding": [["system": "http://snomed.info/sct", "code": "94222008", "display": "Secondary malignant neoplasm of bone (disorder)"]]]),
                    ("bodySite", [["text": .string(site.display)]]),
                    ("subject", subject),
                ]
                let onsetAgo = r.int(10...min(1100, diagnosed))
                indexAgo = max(indexAgo ?? 0, onsetAgo)
                condition.append(("onsetDateTime", day(onsetAgo)))
                out.append(("Condition", .object(condition)))
            }
            if r.chance(0.3) {
                out.append(("Condition", [
                    "resourceType": "Condition", "id": .string(id("v")),
                    "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                    "code": ["coding": [["system": "http://snomed.info/sct", "code": .string(r.pick(["94381002", "94391008", "94225005"])),
                                         "display": "Secondary malignant neoplasm"]]],
                    "subject": subject, "onsetDateTime": day(r.int(10...300)),
                ]))
            }
            // New weakness: suspected cord compression in a few patients with spinal disease.
            if lesionSites.contains(where: { $0.has("spine") }) && r.chance(0.05) {
                out.append(("Condition", [
                    "resourceType": "Condition", "id": .string(id("w")),
                    "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                    "code": ["text": "Weakness of both lower limbs"], "subject": subject, "onsetDateTime": day(r.int(1...3)),
                ]))
            }
        }
        // Unrelated conditions.
        for _ in 0..<r.int(1...3) {
            let other = r.pick([("59621000", "Essential hypertension (disorder)"), ("444814009", "Viral sinusitis (disorder)"),
                                ("15777000", "Prediabetes"), ("40055000", "Chronic sinusitis (disorder)")])
            out.append(("Condition", [
                "resourceType": "Condition", "id": .string(id("o")),
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                "code": ["coding": [["system": "http://snomed.info/sct", "code": .string(other.0), "display": .string(other.1)]]],
                "subject": subject, "onsetDateTime": day(r.int(200...5000)),
            ]))
        }

        // Observations: performance status, labs (some abnormal), weight, and vital signs.
        func quantity(_ loinc: String, _ display: String, _ value: Double, _ unit: String, _ daysAgo: Int) -> JSONValue {
            [
                "resourceType": "Observation", "id": .string(id("o")), "status": "final",
                "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"]]]],
                "code": ["coding": [["system": "http://loinc.org", "code": .string(loinc), "display": .string(display)]]],
                "subject": subject, "effectiveDateTime": day(daysAgo),
                "valueQuantity": ["value": .double((value * 100).rounded() / 100), "unit": .string(unit), "system": "http://unitsofmeasure.org", "code": .string(unit)],
            ]
        }
        let labDay = r.int(3...90)
        let hyper = advanced && r.chance(0.08)
        let calcium = hyper ? 11.5 + r.unit() * 3.5 : 8.8 + r.unit() * 1.5
        out.append(("Observation", quantity("17861-6", "Calcium [Mass/volume] in Serum or Plasma", calcium, "mg/dL", labDay)))
        out.append(("Observation", quantity("1751-7", "Albumin [Mass/volume] in Serum or Plasma", 2.8 + r.unit() * 1.8, "g/dL", labDay)))
        out.append(("Observation", quantity("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", 0.6 + r.unit() * (r.chance(0.1) ? 2.5 : 0.8), "mg/dL", labDay)))
        if r.chance(0.7) {
            out.append(("Observation", quantity("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", r.unit() * 3, "mg/dL", labDay)))
            out.append(("Observation", quantity("2532-0", "Lactate dehydrogenase [Enzymatic activity/volume] in Serum or Plasma", 140 + r.unit() * 300, "U/L", labDay)))
            out.append(("Observation", quantity("777-3", "Platelets [#/volume] in Blood by Automated count", 60 + r.unit() * 340, "10*3/uL", labDay)))
            out.append(("Observation", quantity("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", 0.2 + r.unit() * 1.5, "mg/dL", labDay)))
        }
        out.append(("Observation", quantity("29463-7", "Body weight", 45 + r.unit() * 55, "kg", labDay)))
        out.append(("Observation", [
            "resourceType": "Observation", "id": .string(id("o")), "status": "final",
            "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-ecog-performance-status"]],
            "code": ["coding": [["system": "http://loinc.org", "code": "89247-1", "display": "ECOG Performance Status score"]]],
            "subject": subject, "effectiveDateTime": day(labDay), "valueInteger": .int(r.weighted([(0, 0.25), (1, 0.35), (2, 0.2), (3, 0.15), (4, 0.05)])),
        ]))
        // Years of vital signs, as a primary-care record holds.
        for k in 0..<r.int(30...60) {
            let vital = r.pick([("8867-4", "Heart rate", 60.0, 40.0, "/min"), ("8480-6", "Systolic blood pressure", 105.0, 50.0, "mm[Hg]"),
                                ("8462-4", "Diastolic blood pressure", 60.0, 30.0, "mm[Hg]"), ("39156-5", "Body mass index (BMI) [Ratio]", 19.0, 14.0, "kg/m2"),
                                ("8310-5", "Body temperature", 36.3, 1.2, "Cel"), ("9279-1", "Respiratory rate", 12.0, 8.0, "/min"),
                                ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported", 0.0, 6.0, "{score}")])
            var v = quantity(vital.0, vital.1, vital.2 + r.unit() * vital.3, vital.4, 60 * k + r.int(0...59))
            if case .object(var pairs) = v {
                pairs[3] = ("category", [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs",
                                                      "display": "Vital signs"]]]])
                pairs.append(("encounter", ["reference": .string("Encounter/\(pid)-e\(k)")]))
                pairs.append(("issued", .string("\(asOf.adding(days: -(60 * k)))T10:15:00.000-04:00")))
                v = .object(pairs)
            }
            out.append(("Observation", v))
        }
        for k in 0..<r.int(5...15) {
            let vaccine = r.pick([("140", "Influenza, seasonal, injectable, preservative free"), ("113", "Td (adult) preservative free"),
                                  ("133", "Pneumococcal conjugate PCV 13"), ("208", "SARS-COV-2 (COVID-19) vaccine, mRNA")])
            out.append(("Immunization", [
                "resourceType": "Immunization", "id": .string(id("i")), "status": "completed",
                "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": .string(vaccine.0), "display": .string(vaccine.1)]],
                                "text": .string(vaccine.1)],
                "patient": subject, "encounter": ["reference": .string("Encounter/\(pid)-e\(k)")],
                "occurrenceDateTime": .string("\(asOf.adding(days: -(365 * k + r.int(0...300))))T09:00:00-04:00"), "primarySource": true,
            ]))
        }
        // Medications: bone-modifying agents for most patients with skeletal disease (some gaps), systemic therapy.
        func med(_ rxnorm: String, _ display: String, _ status: String, _ daysAgo: Int) -> JSONValue {
            [
                "resourceType": "MedicationRequest", "id": .string(id("rx")), "status": .string(status), "intent": "order",
                "medicationCodeableConcept": ["coding": [["system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": .string(rxnorm), "display": .string(display)]],
                                              "text": .string(display)],
                "subject": subject, "authoredOn": day(daysAgo),
            ]
        }
        if advanced && r.chance(0.65) {
            out.append(("MedicationRequest", r.chance(0.5)
                ? med("1114085", "100 ML zoledronic acid 0.04 MG/ML Injection", "active", r.int(7...80))
                : med("993449", "denosumab 120 MG Injection (Xgeva)", "active", r.int(7...40))))
        }
        if [PrimarySite.lung, .breast, .osteosarcoma, .ewingSarcoma, .myeloma].contains(primary.site) && r.chance(0.6) {
            let chemo = primary.site == .myeloma ? ("1311582", "bortezomib 3.5 MG Injection") : r.pick([("583214", "PACLitaxel 100 MG Injection"), ("1736854", "Cisplatin 50 MG Injection"),
                                                                                                      ("1790099", "doxorubicin hydrochloride 50 MG Injection")])
            out.append(("MedicationRequest", med(chemo.0, chemo.1, "completed", r.int(100...900))))
        }
        if [PrimarySite.breast, .prostate].contains(primary.site) && r.chance(0.7) {
            let hormonal = primary.site == .breast ? ("310261", "letrozole 2.5 MG Oral Tablet") : ("1999574", "enzalutamide 40 MG Oral Capsule")
            out.append(("MedicationRequest", med(hormonal.0, hormonal.1, "active", r.int(30...700))))
        }
        // Chronic medicines, renewed over the years.
        for _ in 0..<r.int(10...30) {
            let other = r.pick([("314076", "lisinopril 10 MG Oral Tablet"), ("197361", "amlodipine 5 MG Oral Tablet"),
                                ("310965", "ibuprofen 200 MG Oral Tablet"), ("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
                                ("316672", "simvastatin 10 MG Oral Tablet")])
            var request = med(other.0, other.1, r.pick(["active", "stopped", "stopped"]), r.int(30...5000))
            if case .object(var pairs) = request {
                pairs.append(("dosageInstruction", [["sequence": 1, "timing": ["repeat": ["frequency": 1, "period": 1.0, "periodUnit": "d"]],
                                                     "asNeededBoolean": false, "doseAndRate": [["type": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/dose-rate-type", "code": "ordered", "display": "Ordered"]]],
                                                                                                "doseQuantity": ["value": 1.0]]]]]))
                pairs.append(("requester", ["reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974394", "display": "Dr. Synthetic Practitioner"]))
                request = .object(pairs)
            }
            out.append(("MedicationRequest", request))
        }

        // Procedures: radiotherapy to some lesions, biopsies, and unrelated procedures.
        if advanced, let site = lesionSites.first, r.chance(0.4) {
            out.append(("Procedure", [
                "resourceType": "Procedure", "id": .string(id("p")), "status": "completed",
                "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-course-summary"]],
                "code": ["coding": [["system": "http://snomed.info/sct", "code": "1217123003", "display": "Radiotherapy course of treatment (regime/therapy)"]]],
                "subject": subject, "performedPeriod": ["start": day(r.int(20...300))], "bodySite": [["text": .string(site)]],
            ]))
        }
        if r.chance(0.5) {
            out.append(("Procedure", [
                "resourceType": "Procedure", "id": .string(id("p")), "status": "completed",
                "code": ["coding": [["system": "http://snomed.info/sct", "code": "86273004", "display": "Biopsy (procedure)"]]],
                "subject": subject, "performedDateTime": day(diagnosed),
            ]))
        }
        for _ in 0..<r.int(5...15) {
            let routine = r.pick([("430193006", "Medication Reconciliation (procedure)"), ("710824005", "Assessment of health and social care needs (procedure)"),
                                  ("171207006", "Depression screening (procedure)"), ("428211000124100", "Assessment of substance use (procedure)")])
            out.append(("Procedure", [
                "resourceType": "Procedure", "id": .string(id("p")), "status": "completed",
                "code": ["coding": [["system": "http://snomed.info/sct", "code": .string(routine.0), "display": .string(routine.1)]], "text": .string(routine.1)],
                "subject": subject, "performedDateTime": day(r.int(10...2000)),
            ]))
        }
        // Encounters: never relevant, as in real exports.
        for k in 0..<r.int(20...40) {
            let start = asOf.adding(days: -(60 * k + r.int(0...59)))
            out.append(("Encounter", [
                "resourceType": "Encounter", "id": .string("\(pid)-e\(k)"), "status": "finished",
                "class": ["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"],
                "type": [["coding": [["system": "http://snomed.info/sct", "code": "185349003", "display": "Encounter for check up (procedure)"]],
                          "text": "Encounter for check up (procedure)"]],
                "subject": subject,
                "participant": [["type": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "PPRF", "display": "primary performer"]],
                                           "text": "primary performer"]],
                                 "individual": ["reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974394", "display": "Dr. Synthetic Practitioner"]]],
                "period": ["start": .string("\(start)T09:00:00-04:00"), "end": .string("\(start)T09:30:00-04:00")],
                "location": [["location": ["reference": "Location?identifier=https://github.com/synthetichealth/synthea|synthetic-clinic", "display": "SYNTHETIC CLINIC"]]],
                "serviceProvider": ["reference": "Organization?identifier=https://github.com/synthetichealth/synthea|synthetic-org", "display": "SYNTHETIC ORGANIZATION"],
            ]))
        }
        if let indexAgo { addOutcomes(&out, patient: n, primary: primary.site, indexAgo: indexAgo, subject: subject, pid: pid) }
        if primary.site.isPrimaryBoneTumor { addSarcomaReferral(&out, patient: n, diagnosedAgo: diagnosed, subject: subject, pid: pid) }
        return out
    }

    /// A primary bone tumour's referral to a bone-sarcoma centre (the sarcoma measure): 70 % before the diagnosis and
    /// its biopsy, 15 % after, 15 % none recorded — generator settings (no source here gives these rates), from
    /// their own stream so the rest of the record is unchanged.
    func addSarcomaReferral(_ out: inout [(String, JSONValue)], patient n: Int, diagnosedAgo: Int, subject: JSONValue, pid: String) {
        var e = Random(state: (seed ^ 0x5A8C_0AA1) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(n) &* 0x100_0000_01b3)
        guard let offset = e.weighted([(Optional(-e.int(3...30)), 0.7), (e.int(5...40), 0.15), (nil, 0.15)]) else { return }
        let day = asOf.adding(days: -diagnosedAgo + offset)
        guard day <= asOf else { return }
        out.append(("ServiceRequest", [
            "resourceType": "ServiceRequest", "id": .string("\(pid)-sarcoma-referral"), "status": "completed", "intent": "order", "subject": subject,
            "code": ["text": "Referral to bone sarcoma service"], "authoredOn": .string(day.description),
        ]))
    }

    /// Median survival after a bone metastasis by primary, months (REFERENCE §11, Coleman 2006: midpoints of its ranges;
    /// myeloma 6–54 is ✘ there).
    static let medianSurvivalMonths: [PrimarySite: Double] = [
        .breast: 22, .prostate: 32.5, .thyroid: 48, .lung: 6.5, .kidney: 12, .melanoma: 6, .myeloma: 30,
    ]
    /// A first skeletal-related event within 2 years in about 29 % (CALGB 70604, REFERENCE §9.3: 29.5 % and 28.6 %).
    static let sreTwoYearRisk = 0.29

    /// Deaths (exponential survival from the index date with the primary's median) and first skeletal-related events
    /// (a constant hazard giving the 2-year risk), drawn from their own stream so the rest of the record is unchanged;
    /// a patient who died has no record dated after the death.
    func addOutcomes(_ out: inout [(String, JSONValue)], patient n: Int, primary: PrimarySite, indexAgo: Int, subject: JSONValue, pid: String) {
        var e = Random(state: (seed ^ 0x0D1E_5EED) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(n) &* 0x100_0000_01b3)
        let index = asOf.adding(days: -indexAgo)
        var death: Day?
        if let months = Self.medianSurvivalMonths[primary] {
            let days = Int(-log(1 - e.unit()) * months * 30.44 / log(2.0))
            if days <= indexAgo { death = index.adding(days: days) }
        }
        let sreDays = Int(-log(1 - e.unit()) * 730 / -log(1 - Self.sreTwoYearRisk))
        let end = death ?? asOf
        if sreDays >= 1, index.adding(days: sreDays) <= end {
            let kind = e.weighted([("fracture", 0.5), ("cord", 0.1), ("radiotherapy", 0.4)])
            let date = JSONValue.string(index.adding(days: sreDays).description)
            switch kind {
            case "radiotherapy":
                // The schedule (cGy, fractions): ASTRO's four (REFERENCE §10) and a longer course, at generator settings.
                let (cGy, fractions) = e.weighted([((800, 1), 0.25), ((2000, 5), 0.25), ((3000, 10), 0.3), ((2400, 6), 0.05), ((3750, 15), 0.15)])
                out.append(("Procedure", [
                    "resourceType": "Procedure", "id": .string("\(pid)-sre"), "status": "completed",
                    "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-course-summary"]],
                    "code": ["coding": [["system": "http://snomed.info/sct", "code": "1217123003", "display": "Radiotherapy course of treatment (regime/therapy)"]]],
                    "bodySite": [["text": "Thoracic spine T8"]], "subject": subject, "performedDateTime": date,
                    "extension": [["url": "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume",
                                   "extension": [["url": "totalDoseDelivered", "valueQuantity": ["value": .int(cGy), "unit": "cGy", "system": "http://unitsofmeasure.org", "code": "cGy"]],
                                                 ["url": "fractionsDelivered", "valueUnsignedInt": .int(fractions)]]]],
                ]))
            default:
                let (code, display) = kind == "cord" ? ("G95.20", "Unspecified cord compression") : ("M84.58XA", "Pathological fracture in neoplastic disease, other site")
                out.append(("Condition", [
                    "resourceType": "Condition", "id": .string("\(pid)-sre"),
                    "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                    "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": .string(code), "display": .string(display)]]],
                    "subject": subject, "onsetDateTime": date,
                ]))
                // Whole-spine MRI for the compression: the same day, the next, three days later, or none (generator settings).
                if kind == "cord", let after = e.weighted([(Optional(0), 0.6), (1, 0.2), (3, 0.1), (nil, 0.1)]), index.adding(days: sreDays + after) <= end {
                    out.append(("ImagingStudy", [
                        "resourceType": "ImagingStudy", "id": .string("\(pid)-mri"), "status": "available", "subject": subject,
                        "started": .string(index.adding(days: sreDays + after).description),
                        "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"]],
                        "series": [["uid": .string("2.25.\(n)"), "modality": ["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"],
                                    "bodySite": ["display": "Whole spine"]]],
                    ]))
                }
            }
        }
        // Bone-modifying agent doses where one was ordered, from near the index date to the end of follow-up:
        // zoledronic acid every 4 or every 12 weeks (CALGB 70604's arms, REFERENCE §9.3), denosumab every 4 weeks (§9.4).
        // A quarter of courses pause once for 100–240 days, and about 60 % have a dental evaluation before the first
        // dose: generator settings (no source here gives these rates), so the measures have both outcomes.
        let ordered = out.first { $0.0 == "MedicationRequest" && PatientMapper.boneModifyingAgent(Concept($0.1["medicationCodeableConcept"])) != nil }?.1
        if let ordered, let medicine = ordered["medicationCodeableConcept"] {
            let interval = PatientMapper.boneModifyingAgent(Concept(medicine)) == .zoledronicAcid && e.chance(0.5) ? 84 : 28
            let first = index.adding(days: e.int(0...120))
            let pause = e.chance(0.25) ? (afterDose: e.int(1...8), days: e.int(100...240)) : nil
            var day = first, doses = 0
            while day <= end {
                out.append(("MedicationAdministration", [
                    "resourceType": "MedicationAdministration", "id": .string("\(pid)-bma\(doses)"), "status": "completed",
                    "medicationCodeableConcept": medicine, "subject": subject, "effectiveDateTime": .string(day.description),
                ]))
                doses += 1
                day = day.adding(days: interval + (pause?.afterDose == doses ? pause!.days : 0))
            }
            let dental = doses == 0 ? nil : e.chance(0.6) ? first.adding(days: -e.int(1...60)) : e.chance(0.5) ? first.adding(days: e.int(1...200)) : nil
            if let dental, dental <= end {
                out.append(("Procedure", [
                    "resourceType": "Procedure", "id": .string("\(pid)-dental"), "status": "completed",
                    "code": ["text": "Dental examination and oral assessment"], "subject": subject, "performedDateTime": .string(dental.description),
                ]))
            }
        }
        guard let death else { return }
        out.removeAll { $0.0 != "Patient" && (FHIRImporter.recordDay($0.1).map { $0 > death } ?? false) }
        if let i = out.firstIndex(where: { $0.0 == "Patient" }), case .object(var pairs) = out[i].1 {
            pairs.append(("deceasedDateTime", .string(death.description)))
            out[i].1 = .object(pairs)
        }
    }

    public static let resourceTypes = ["Patient", "Condition", "Observation", "MedicationRequest", "MedicationAdministration", "Procedure", "Encounter", "Immunization",
                                       "ImagingStudy", "ServiceRequest"]
}
