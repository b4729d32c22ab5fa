import Foundation
import OsteonDomain
import OsteonFHIR
import Testing

/// The real FHIR files of ../shared/external-fhir (or the copies in Fixtures/
/// when the checkout stands alone), read as they are.
enum External {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/external")
    static let shared: URL? = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/external-fhir")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
    static var root: URL { shared ?? fixtures }

    /// A named file: from the shared folder when present, else its fixture copy.
    static func file(_ shared: String, fixture: String) -> URL {
        if let root = External.shared { return root.appendingPathComponent(shared) }
        return fixtures.appendingPathComponent(fixture)
    }

    static func allFiles() -> [URL] {
        let e = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        return (e?.allObjects as? [URL] ?? []).filter { ["json", "ndjson"].contains($0.pathExtension) }.sorted { $0.path < $1.path }
    }

    static func resources(in url: URL) throws -> [JSONValue] {
        let data = try Data(contentsOf: url)
        if url.pathExtension == "ndjson" {
            return try data.split(separator: UInt8(ascii: "\n")).map { try JSONValue.parse(Data($0)) }
        }
        return [try JSONValue.parse(data)]
    }

    static func importFile(_ url: URL) throws -> [ImportedPatient] {
        var importer = FHIRImporter()
        for value in try resources(in: url) { FHIRInput.add(value, to: &importer) }
        return importer.importAll()
    }

    static func importFolder(_ url: URL) throws -> [ImportedPatient] {
        var importer = FHIRImporter()
        for file in try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil) where ["json", "ndjson"].contains(file.pathExtension) {
            for value in try resources(in: file) { FHIRInput.add(value, to: &importer) }
        }
        return importer.importAll()
    }

    /// Every resource of a file, flattening Bundles.
    static func flatten(_ value: JSONValue) -> [JSONValue] {
        guard value["resourceType"] == "Bundle" else { return [value] }
        return (value["entry"].map { entries -> [JSONValue] in
            guard case .array(let items) = entries else { return [] }
            return items.compactMap { $0["resource"] }.flatMap(flatten)
        }) ?? []
    }
}

func codes(_ concept: JSONValue?) -> [String] {
    guard case .array(let codings)? = concept?["coding"] else { return [] }
    return codings.compactMap { $0["code"]?.stringValue }
}

@Suite struct ExternalImportTests {
    @Test func everyExternalFileImportsWithoutACrash() throws {
        let files = External.allFiles()
        #expect(files.count >= 30, "expected the external FHIR files, found \(files.count)")
        for file in files {
            let imported = try External.importFile(file)
            let resources = try External.resources(in: file).flatMap(External.flatten)
            // One imported patient per Patient resource; others hang off subjects.
            let patientResources = Set(resources.filter { $0["resourceType"] == "Patient" }.compactMap { $0["id"]?.stringValue })
            for id in patientResources {
                #expect(imported.contains { $0.patientCase.patientID == id }, "\(file.lastPathComponent): patient \(id) not imported")
            }
        }
    }

    /// Cross-check with the files themselves: each secondary-bone Condition
    /// (SNOMED 94222008) becomes a lesion; each ECOG Observation's value is read.
    @Test func boneMetastasesAndECOGMatchTheFiles() throws {
        for file in External.allFiles() where file.pathExtension == "json" {
            let resources = try External.resources(in: file).flatMap(External.flatten)
            let imported = try External.importFile(file)
            let boneConditions = resources.filter { $0["resourceType"] == "Condition" && codes($0["code"]).contains("94222008") }
            for condition in boneConditions {
                let id = condition["id"]!.stringValue!
                #expect(imported.contains { $0.patientCase.lesions?.contains { $0.id == id } == true }, "\(file.lastPathComponent): \(id) not a lesion")
            }
            for obs in resources where obs["resourceType"] == "Observation" && codes(obs["code"]).contains("89247-1") {
                guard let value = obs["valueInteger"]?.numberValue, resources.filter({ codes($0["code"]).contains("89247-1") }).count == 1 else { continue }
                #expect(imported.contains { $0.patientCase.performance?.ecog == Int(value) }, "\(file.lastPathComponent): ECOG \(value)")
            }
        }
    }

    @Test func trialMatchingPatient02() throws {
        let url = External.file("mcode-trial-matching/TrialMatching_Patient02.json", fixture: "TrialMatching_Patient02.json")
        let p = try #require(try External.importFile(url).first)
        let c = p.patientCase
        #expect(c.patientID == "mCODETrialMatchingPatientExample02")
        #expect(c.patient.sex == .female)
        #expect(c.patient.birthDate == Day("1973-01-01"))
        #expect(c.cancers?.map(\.primarySite) == [.breast])
        #expect(c.cancers?.first?.stage == "IV")
        #expect(c.lesions?.map(\.id) == ["mCODETrialMatchingSecondaryCancerConditionPatientExample02"])
        #expect(c.lesions?.first?.origin == .metastasis)
        #expect(c.performance?.ecog == 1)
        let za = try #require(c.medications?.first { $0.agent == .zoledronicAcid })
        #expect(za.isActive == false, "the zoledronic acid statement is completed")
        #expect(c.medications?.contains { $0.medicationClass == .chemotherapy } == true, "capecitabine, gemcitabine")
        #expect(c.radiotherapy?.count == 4)
        #expect(c.radiotherapy?.contains { $0.site?.contains("acetabulum") == true } == true)
        #expect(c.radiotherapy?.contains { $0.site?.contains("lumbar") == true } == true)
        #expect(p.warnings.contains { $0.contains("without a clinical status") })
        #expect(c.sources["lesions[mCODETrialMatchingSecondaryCancerConditionPatientExample02]"] == "Condition/mCODETrialMatchingSecondaryCancerConditionPatientExample02")
        let a = Assessor.assess(c, asOf: Day("2026-11-26")!)
        #expect(a.boneMetastasis == true)
        // Zoledronic acid recorded as completed (2019): a stopped course, not "never prescribed" (REFERENCE §18.2.3).
        #expect(a.careGaps.contains { $0.code == .bmaInterrupted })
        #expect(!a.careGaps.contains { $0.code == .bmaNotPrescribed })
    }

    @Test func trialMatchingPatient01HasBoneAndOtherMetastases() throws {
        let url = External.file("mcode-trial-matching/TrialMatching_Patient01.json", fixture: "TrialMatching_Patient01.json")
        let c = try #require(try External.importFile(url).first).patientCase
        #expect(c.cancers?.first?.primarySite == .breast)
        #expect(c.lesions?.count == 1)
        #expect(c.otherMetastases?.count == 2)
    }

    @Test func jennyMConflictingStagesAreWarned() throws {
        let url = External.file("mcode-ig-package-preSTU3-2022-12-16/example/Bundle-mcode-patient-bundle-jenny-m.json",
                                fixture: "Bundle-mcode-patient-bundle-jenny-m.json")
        let p = try #require(try External.importFile(url).first)
        #expect(p.patientCase.cancers?.first?.primarySite == .breast)
        #expect(p.warnings.contains { $0.contains("Conflicting stages") && $0.contains("IIIC") && $0.contains("IIB") })
        #expect(p.patientCase.performance?.ecog != nil)
        #expect(p.patientCase.lesions == nil, "Jenny M has no bone metastasis recorded")
    }

    @Test func stu1ExamplesAsOneRecord() throws {
        let p = try External.importFolder(External.file("mcode-ig-stu1-2020", fixture: "mcode-ig-stu1-2020"))
        let one = try #require(p.first { $0.patientCase.patientID == "mCODEPatientExample01" })
        #expect(one.patientCase.cancers?.first?.primarySite == .lung)
        #expect(one.patientCase.cancers?.first?.stage == "IIIC", "cancerstaging.org code 3C")
        #expect(one.patientCase.otherMetastases?.first?.site == .brain, "SNOMED 94225005")
        #expect(one.patientCase.performance?.ecog == 0)
        #expect(one.patientCase.performance?.kps != nil)
    }

    @Test func syntheaProstateIsReadAndTheUnsitedMetastasisIsWarned() throws {
        let shared = "synthea-bundles/Hoyt490_Cole117_ed89a35d-a3e5-4de4-a8cd-018c4e2f4edb.json"
        let p = try #require(try External.importFile(External.file(shared, fixture: "Hoyt490_Cole117_ed89a35d-a3e5-4de4-a8cd-018c4e2f4edb.json")).first)
        #expect(p.patientCase.cancers?.map(\.primarySite) == [.prostate], "neoplasm, CIS and metastasis codes are one prostate cancer")
        #expect(p.warnings.contains { $0.contains("314994000") || $0.contains("without the site") })
        #expect(p.patientCase.labs?.contains { $0.test == .creatinine } == true)
        #expect(p.patientCase.patient.weightKg != nil)
        #expect(p.patientCase.lesions == nil)
    }

    @Test func bulkExportPatientsAndTheirCancers() throws {
        let dir = External.shared?.appendingPathComponent("bulk-ndjson-10-patients") ?? External.fixtures.appendingPathComponent("bulk")
        let patients = try External.importFolder(dir)
        let patientLines = try String(contentsOf: dir.appendingPathComponent("Patient.000.ndjson"), encoding: .utf8).split(separator: "\n").count
        #expect(patients.count == patientLines)
        // Read the Condition file directly: which patients have breast (254837009) or NSCLC (254637007)?
        var expected: [String: Set<PrimarySite>] = [:]
        for line in try String(contentsOf: dir.appendingPathComponent("Condition.000.ndjson"), encoding: .utf8).split(separator: "\n") {
            let r = try JSONValue.parse(String(line))
            let patient = String(r["subject"]!["reference"]!.stringValue!.split(separator: "/").last!)
            if codes(r["code"]).contains("254837009") { expected[patient, default: []].insert(.breast) }
            if codes(r["code"]).contains("254637007") { expected[patient, default: []].insert(.lung) }
        }
        #expect(!expected.isEmpty)
        for (patient, sites) in expected {
            let got = Set(patients.first { $0.patientCase.patientID == patient }?.patientCase.cancers?.compactMap(\.primarySite) ?? [])
            #expect(sites.isSubset(of: got), "\(patient): expected \(sites), got \(got)")
        }
    }
}

@Suite struct ImportRuleTests {
    func importOne(_ resources: [JSONValue]) -> ImportedPatient {
        var importer = FHIRImporter()
        for r in resources { importer.add(r) }
        return importer.importAll()[0]
    }

    let patient: JSONValue = ["resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1950-01-01"]

    @Test func icd10AndSynthea() {
        let p = importOne([
            patient,
            ["resourceType": "Condition", "id": "c1", "subject": ["reference": "Patient/p1"],
             "clinicalStatus": ["coding": [["code": "active"]]],
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C61"]]]],
            ["resourceType": "Condition", "id": "c2", "subject": ["reference": "Patient/p1"],
             "clinicalStatus": ["coding": [["code": "active"]]],
             "code": ["coding": [["system": "urn:oid:2.16.840.1.113883.6.90", "code": "C79.51"]]],
             "bodySite": [["text": "Left femur"]]],
        ])
        #expect(p.patientCase.cancers?.first?.primarySite == .prostate)
        #expect(p.patientCase.lesions?.first?.bone == .femur)
        #expect(p.patientCase.lesions?.first?.side == "left")
    }

    @Test func primaryBoneTumourByICDO3Morphology() {
        let p = importOne([
            patient,
            ["resourceType": "Condition", "id": "c1", "subject": ["reference": "Patient/p1"],
             "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-primary-cancer-condition"]],
             "extension": [["url": "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-histology-morphology-behavior",
                            "valueCodeableConcept": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/icd-o-3", "code": "9180/3"]]]]],
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C40.22"]]]],
        ])
        #expect(p.patientCase.cancers?.first?.primarySite == .osteosarcoma)
    }

    @Test func mOneOnlyIsWarned() {
        let p = importOne([
            patient,
            ["resourceType": "Observation", "id": "m", "subject": ["reference": "Patient/p1"], "status": "final",
             "code": ["coding": [["system": "http://loinc.org", "code": "21907-1"]]],
             "valueCodeableConcept": ["coding": [["system": "http://snomed.info/sct", "code": "55440008", "display": "M1 category"]]]],
        ])
        #expect(p.warnings.contains { $0.contains("only from an M1 category") })
    }

    @Test func labsKeepTheirUnitsAndUnconvertibleOnesAreFlaggedByTheAssessment() {
        let p = importOne([
            patient,
            ["resourceType": "Observation", "id": "ca", "subject": ["reference": "Patient/p1"], "status": "final",
             "code": ["coding": [["system": "http://loinc.org", "code": "17861-6"]]], "effectiveDateTime": "2026-11-01",
             "valueQuantity": ["value": 2.9, "code": "mmol/L"]],
            ["resourceType": "Observation", "id": "alb", "subject": ["reference": "Patient/p1"], "status": "final",
             "code": ["coding": [["system": "http://loinc.org", "code": "1751-7"]]], "effectiveDateTime": "2026-11-01",
             "valueQuantity": ["value": 30, "code": "g/L"]],
            ["resourceType": "Observation", "id": "cr", "subject": ["reference": "Patient/p1"], "status": "final",
             "code": ["coding": [["system": "http://loinc.org", "code": "2160-0"]]], "effectiveDateTime": "2026-11-01",
             "valueQuantity": ["value": 1.0, "code": "mg/mmol"]],
        ])
        let a = Assessor.assess(p.patientCase, asOf: Day("2026-11-26")!)
        // 2.9 mmol/L = 11.62 mg/dL; + 0.8 × (4.0 − 3.0) = 12.42 → moderate.
        #expect(a.alerts.contains { $0.code.rawValue == "hypercalcaemia_moderate" })
        #expect(a.warnings.contains { $0.contains("mg/mmol") && $0.contains("cannot be converted") })
        #expect(p.patientCase.sources["labs[0].calcium"] == "Observation/ca")
    }

    @Test func transactionBundleWithUrnReferences() {
        var importer = FHIRImporter()
        FHIRInput.add([
            "resourceType": "Bundle", "type": "transaction",
            "entry": [
                ["fullUrl": "urn:uuid:c-1", "resource": ["resourceType": "Condition", "id": "c-1", "subject": ["reference": "urn:uuid:p-1"],
                                                          "code": ["coding": [["system": "http://snomed.info/sct", "code": "94222008"]]]]],
                ["fullUrl": "urn:uuid:p-1", "resource": ["resourceType": "Patient", "id": "p-1", "gender": "female"]],
            ],
        ], to: &importer)
        let all = importer.importAll()
        #expect(all.count == 1)
        #expect(all.first?.patientCase.patientID == "p-1")
        #expect(all.first?.patientCase.lesions?.count == 1)
    }
}

@Suite struct ExportTests {
    @Test func bundleHasARiskAssessmentPerScoreAndAnIssuePerAlertAndGap() throws {
        let url = External.file("mcode-trial-matching/TrialMatching_Patient02.json", fixture: "TrialMatching_Patient02.json")
        let p = try #require(try External.importFile(url).first)
        let a = Assessor.assess(p.patientCase, asOf: Day("2026-11-26")!)
        let bundle = FHIRExporter.bundle(for: a)
        #expect(bundle["resourceType"] == "Bundle")
        #expect(bundle["type"] == "collection")
        let resources = External.flatten(bundle)
        #expect(resources.filter { $0["resourceType"] == "RiskAssessment" }.count == a.scores.filter(\.valid).count)
        #expect(resources.filter { $0["resourceType"] == "DetectedIssue" }.count == a.alerts.count + a.careGaps.count)
        #expect(resources.filter { $0["resourceType"] == "CarePlan" }.count == 1)
        let ids = resources.compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == ids.count, "ids are unique")
        #expect(ids.allSatisfy { $0.range(of: "^[A-Za-z0-9\\-.]{1,64}$", options: .regularExpression) != nil })
    }
}

@Suite struct DeathImportTests {
    func imported(_ patient: JSONValue) -> (PatientCase, [String]) {
        var importer = FHIRImporter()
        importer.add(patient)
        let p = importer.importAll()[0]
        return (p.patientCase, p.warnings)
    }

    @Test("Patient.deceasedDateTime becomes the case's date of death; a death without a usable date is asked for, never guessed")
    func deceased() {
        let (died, _) = imported(["resourceType": "Patient", "id": "d1", "deceasedDateTime": "2026-03-04T10:00:00Z"])
        #expect(died.patient.deceasedOn == Day("2026-03-04"))
        #expect(CaseWriter.json(died)["patient"]?["deceased_on"] == "2026-03-04")
        for undated: JSONValue in [["resourceType": "Patient", "id": "d2", "deceasedBoolean": true],
                                   ["resourceType": "Patient", "id": "d3", "deceasedDateTime": "sometime"]] {
            let (c, warnings) = imported(undated)
            #expect(c.patient.deceasedOn == nil)
            #expect(warnings.contains { $0.contains("without a usable date of death") })
        }
        let (alive, warnings) = imported(["resourceType": "Patient", "id": "a1", "deceasedBoolean": false])
        #expect(alive.patient.deceasedOn == nil && !warnings.contains { $0.contains("death") })
    }
}

/// The facts of `dental_check_before_bma` and `bma_persistence_12_months` as FHIR holds them: every dose given
/// (MedicationAdministration) and every dental evaluation (Procedure), where the case keeps the first and latest.
@Suite struct DentalAndDoseImportTests {
    func resources() -> [JSONValue] {
        let subject: JSONValue = ["reference": "Patient/p1"]
        func dose(_ id: String, _ day: String, _ status: String) -> JSONValue {
            ["resourceType": "MedicationAdministration", "id": .string(id), "status": .string(status), "subject": subject,
             "medicationCodeableConcept": ["coding": [["system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1114085", "display": "zoledronic acid 4 MG Injection"]]],
             "effectiveDateTime": .string(day)]
        }
        func dental(_ id: String, _ day: String?) -> JSONValue {
            var r: [(String, JSONValue)] = [("resourceType", "Procedure"), ("id", .string(id)), ("status", "completed"), ("subject", subject),
                                            ("code", ["text": "Dental examination"])]
            if let day { r.append(("performedDateTime", .string(day))) }
            return .object(r)
        }
        return [
            ["resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1960-01-01"],
            ["resourceType": "Condition", "id": "m1", "subject": subject, "onsetDateTime": "2025-01-05",
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C79.51"]]]],
            dose("z1", "2025-02-01", "completed"), dose("z2", "2025-04-26", "completed"), dose("z3", "2025-06-01", "not-done"),
            dose("z4", "2025-07-19T10:00:00Z", "completed"),
            dental("d1", "2025-01-20"), dental("d2", "2025-09-02"), dental("d3", nil),
            ["resourceType": "Observation", "id": "o1", "status": "final", "subject": subject, "effectiveDateTime": "2026-03-01",
             "code": ["text": "weight"], "valueQuantity": ["value": 60, "unit": "kg"]],
        ]
    }

    @Test("doses given and dated dental evaluations reach the outcome facts; the case keeps the latest evaluation")
    func dosesAndDentalEvaluations() throws {
        var importer = FHIRImporter()
        for r in resources() { importer.add(r) }
        let c = importer.importAll()[0].patientCase
        #expect(c.dental?.lastEvaluationDate == Day("2025-09-02"))
        #expect(c.surgeries?.isEmpty ?? true)  // a dental procedure is not surgery to bone
        guard case .included(let r) = importer.outcomes(asOf: Day("2026-06-01")!).first else { Issue.record("not included"); return }
        #expect(r.bma.doseDays == ["2025-02-01", "2025-04-26", "2025-07-19"].map { Day($0)! })  // the one not given is left out
        #expect(r.bma.dentalEvaluations == [Day("2025-01-20")!, Day("2025-09-02")!] && !r.bma.dentalLatestOnly)
        #expect(r.firstSRE == nil)
        #expect(Measures.dentalCheckBeforeBMADefinition.classify(r) == .met)
        // 2025-07-19 to the year's end (2026-02-01) is 197 days: the course was not continued.
        #expect(Measures.bmaPersistenceDefinition.classify(r) == .notMet)
    }

    /// FHIR R4 MedicationAdministration.status: `not-done` says the dose was not given. It set the course's last dose
    /// (and a dose-interval check would have counted it given).
    @Test("the case keeps each dose given and each dental evaluation one by one; an administration not done is no dose, not even the latest")
    func caseKeepsDoses() throws {
        var all = resources()
        let late: JSONValue = ["resourceType": "MedicationAdministration", "id": "z5", "status": "not-done", "subject": ["reference": "Patient/p1"],
                               "medicationCodeableConcept": ["text": "zoledronic acid 4 mg"], "effectiveDateTime": "2025-10-11"]
        all.append(late)
        var importer = FHIRImporter()
        for r in all { importer.add(r) }
        let m = try #require(importer.importAll()[0].patientCase.medications?.first { $0.agent == .zoledronicAcid })
        #expect(m.doseDates == ["2025-02-01", "2025-04-26", "2025-07-19"].map { Day($0)! })
        #expect(m.lastDoseDate == Day("2025-07-19"))
        // The case written and read again (as the server stores it) gives the measure the same doses.
        let c = try CaseReader.read(CaseWriter.json(importer.importAll()[0].patientCase)).patientCase
        #expect(BMAFacts(c).doseDays == m.doseDates)
        // And every dated dental evaluation (the undated one says nothing), so the dental check reads the first.
        #expect(c.dental?.evaluationDates == [Day("2025-01-20")!, Day("2025-09-02")!] && c.dental?.lastEvaluationDate == Day("2025-09-02"))
        #expect(BMAFacts(c).dentalEvaluations == [Day("2025-01-20")!, Day("2025-09-02")!] && !BMAFacts(c).dentalLatestOnly)
    }

    /// A Bulk export is read file by file (every MedicationAdministration before every MedicationRequest): the course
    /// must not depend on that order. It did: an order read after the doses set the last dose to the order's date.
    @Test("one course from orders and doses, whatever order they are read in")
    func courseIndependentOfOrder() {
        var all = resources()
        all.append(["resourceType": "MedicationRequest", "id": "rx1", "status": "active", "intent": "order", "subject": ["reference": "Patient/p1"],
                    "medicationCodeableConcept": ["text": "zoledronic acid 4 mg"], "authoredOn": "2025-08-30"])
        all.append(["resourceType": "MedicationRequest", "id": "rx2", "status": "stopped", "intent": "order", "subject": ["reference": "Patient/p1"],
                    "medicationCodeableConcept": ["text": "zoledronic acid 4 mg"], "authoredOn": "2025-01-25"])
        func course(_ rs: [JSONValue]) -> Medication? {
            var importer = FHIRImporter()
            for r in rs { importer.add(r) }
            return importer.importAll()[0].patientCase.medications?.first { $0.agent == .zoledronicAcid }
        }
        for order in [all, Array(all.reversed()), all.filter { $0["resourceType"] != "MedicationRequest" } + all.filter { $0["resourceType"] == "MedicationRequest" }] {
            let m = course(order)
            #expect(m?.startDate == Day("2025-01-25"))     // the earliest order
            #expect(m?.lastDoseDate == Day("2025-07-19"))  // the latest dose given, not the later order
            #expect(m?.status == .active)                  // the latest order's status
        }
        // Orders only: the latest order after the first stands for the last dose, as before.
        let orders = all.filter { $0["resourceType"] != "MedicationAdministration" }
        #expect(course(orders)?.lastDoseDate == Day("2025-08-30") && course(orders.reversed())?.lastDoseDate == Day("2025-08-30"))
    }
}

/// The radiotherapy and cord-compression measures read from FHIR: an mCODE RadiotherapyCourseSummary with its
/// dose-delivered extension (FHIR-NOTES), a coded spinal cord compression, an MR ImagingStudy of the whole spine.
@Suite struct TreatmentMeasureImportTests {
    func resources(mriStarted: String) -> [JSONValue] {
        let subject: JSONValue = ["reference": "Patient/p1"]
        func course(_ id: String, _ day: String, cGy: Int, fractions: Int, site: String) -> JSONValue {
            ["resourceType": "Procedure", "id": .string(id), "status": "completed", "subject": subject,
             "meta": ["profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-course-summary"]],
             "code": ["coding": [["system": "http://snomed.info/sct", "code": "1217123003", "display": "Radiotherapy course of treatment (regime/therapy)"]]],
             "bodySite": [["text": .string(site)]],
             "performedPeriod": ["start": .string(day)],
             "extension": [["url": "http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-radiotherapy-dose-delivered-to-volume",
                            "extension": [["url": "totalDoseDelivered", "valueQuantity": ["value": .int(cGy), "unit": "cGy", "system": "http://unitsofmeasure.org", "code": "cGy"]],
                                          ["url": "fractionsDelivered", "valueUnsignedInt": .int(fractions)]]]]]
        }
        return [
            ["resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "1950-01-01"],
            ["resourceType": "Condition", "id": "m1", "subject": subject, "onsetDateTime": "2025-01-05",
             "clinicalStatus": ["coding": [["code": "active"]]], "bodySite": [["text": "Right humerus"]],
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C79.51"]]]],
            course("rt1", "2025-01-20", cGy: 800, fractions: 1, site: "Right humerus"),
            course("rt2", "2025-03-01", cGy: 3500, fractions: 14, site: "Brain"),
            ["resourceType": "Condition", "id": "scc", "subject": subject, "onsetDateTime": "2025-06-10T08:00:00Z",
             "clinicalStatus": ["coding": [["code": "active"]]],
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "G95.20", "display": "Unspecified cord compression"]]]],
            ["resourceType": "ImagingStudy", "id": "mri", "status": "available", "subject": subject, "started": .string(mriStarted),
             "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": "MR"]],
             "series": [["uid": "1.2.3", "modality": ["code": "MR"], "bodySite": ["display": "Whole spine"]]]],
            ["resourceType": "Observation", "id": "o1", "status": "final", "subject": subject, "effectiveDateTime": "2025-09-01",
             "code": ["text": "weight"], "valueQuantity": ["value": 70, "unit": "kg"]],
        ]
    }

    func record(mriStarted: String) throws -> OutcomeRecord {
        var importer = FHIRImporter()
        for r in resources(mriStarted: mriStarted) { importer.add(r) }
        guard case .included(let r) = importer.outcomes(asOf: Day("2026-01-01")!).first else { Issue.record("not included"); throw CancellationError() }
        return r
    }

    @Test("8 Gy in 1 fraction to the humerus metastasis is met; a brain course is not a bone course; MRI the same day is met")
    func measures() throws {
        let r = try record(mriStarted: "2025-06-10T14:30:00Z")
        #expect(Measures.shortCourseRadiotherapyDefinition.statuses(r) == [.met, .excluded("course not linked to a bone metastasis")])
        #expect(r.cordCompression.suspected && r.cordCompression.since == Day("2025-06-10"))
        #expect(Measures.cordCompressionMRIDefinition.classify(r) == .met)
        #expect(Measures.cordCompressionMRIDefinition.classify(try record(mriStarted: "2025-06-13")) == .notMet)
    }
}

/// A referral to a bone-sarcoma centre read from a ServiceRequest, and the sarcoma measure of a patient outside
/// the skeletal-metastasis cohort (osteosarcoma, ICD-10-CM C40.2x, with a biopsy).
@Suite struct SarcomaReferralImportTests {
    func record(referredOn day: String?) -> OutcomeRead? {
        let subject: JSONValue = ["reference": "Patient/s1"]
        var resources: [JSONValue] = [
            ["resourceType": "Patient", "id": "s1", "gender": "female", "birthDate": "2009-02-01"],
            ["resourceType": "Condition", "id": "os", "subject": subject, "onsetDateTime": "2026-02-20",
             "clinicalStatus": ["coding": [["code": "active"]]],
             "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C40.22", "display": "Malignant neoplasm of long bones of left lower limb"]],
                      "text": "Osteosarcoma of left femur"]],
            ["resourceType": "Procedure", "id": "bx", "status": "completed", "subject": subject, "performedDateTime": "2026-03-10",
             "code": ["coding": [["system": "http://snomed.info/sct", "code": "86273004", "display": "Biopsy (procedure)"]]]],
        ]
        if let day {
            resources.append(["resourceType": "ServiceRequest", "id": "ref", "status": "completed", "intent": "order", "subject": subject,
                              "code": ["text": "Referral to bone sarcoma service"], "authoredOn": .string(day)])
        }
        // A ServiceRequest that is not a sarcoma referral is not read as one.
        resources.append(["resourceType": "ServiceRequest", "id": "ref2", "status": "active", "intent": "order", "subject": subject,
                          "code": ["text": "Referral to physiotherapy"], "authoredOn": "2026-03-01"])
        var importer = FHIRImporter()
        for r in resources { importer.add(r) }
        return importer.outcomes(asOf: Day("2026-12-01")!).first
    }

    @Test("referred before the biopsy: met; after it or not at all: not met")
    func measure() throws {
        func status(_ day: String?) -> MeasureStatus? {
            guard case .primaryBoneTumour(let p)? = record(referredOn: day) else { Issue.record("not in the sarcoma population"); return nil }
            return Measures.sarcomaReferralDefinition.classify(p)
        }
        #expect(status("2026-03-02") == .met)
        #expect(status("2026-03-12") == .notMet)
        #expect(status(nil) == .notMet)
    }
}
