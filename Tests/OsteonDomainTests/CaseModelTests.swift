import Foundation
import OsteonDomain
import Testing

@Suite struct DayTests {
    @Test func parsesFormatsAndCounts() throws {
        let d = try #require(Day("2024-02-29"))
        #expect(d.description == "2024-02-29")
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2026-11-26T10:00:00Z")?.description == "2026-11-26")
        #expect(Day("1970-01-01")?.ordinal == 0)
        #expect(d.adding(days: 1).description == "2024-03-01")
        #expect(Day("2026-01-31")!.adding(months: 1).description == "2026-02-28")
        #expect(Day("2025-06-01")!.adding(months: 3).description == "2025-09-01")
        #expect(Day("2011-05-20")!.wholeYears(until: Day("2026-05-19")!) == 14)
        #expect(Day("2011-05-20")!.wholeYears(until: Day("2026-05-20")!) == 15)
    }

    @Test func roundTripsEveryDayOverFourCenturies() {
        for ordinal in stride(from: -200_000, through: 200_000, by: 97) {
            let d = Day(ordinal: ordinal)
            #expect(Day(d.description) == d)
        }
    }
}

@Suite struct PerformanceTests {
    func status(ecog: Int? = nil, kps: Int? = nil) -> PerformanceStatus {
        var p = PerformanceStatus()
        p.ecog = ecog
        p.kps = kps
        return p
    }

    @Test func ecogConvertsToTheRangeBothTablesAllow() {
        #expect(status(ecog: 0).kpsRange?.range == 90...100)
        #expect(status(ecog: 1).kpsRange?.range == 70...90)
        #expect(status(ecog: 3).kpsRange?.range == 30...60)
        #expect(status(kps: 60).ecogRange?.range == 2...3)
        #expect(status(kps: 80).ecogRange?.range == 1...1)
        #expect(status(ecog: 0, kps: 40).isInconsistent)
    }

    @Test func tokuhashiUsesAnEcogConversionOnlyWhenItIsUnambiguous() {
        func points(_ ecog: Int) -> Int? {
            var input = TokuhashiRevised.Input(kps: nil, extraspinalBoneMetastases: 0, vertebralBodyMetastases: 1, organMetastases: TokuhashiRevised.OrganMetastases.none,
                                               primarySite: .breast, frankel: .E)
            input.kpsRange = status(ecog: ecog).kpsRange?.range
            return TokuhashiRevised.evaluate(input).value?.points.first?.points
        }
        #expect(points(0) == 2)
        #expect(points(1) == nil)
        #expect(points(2) == 1)
        #expect(points(3) == nil)
        #expect(points(4) == 0)
    }
}

@Suite struct LabUnitTests {
    func canonical(_ test: LabTest, _ value: Double, _ unit: String) -> Double? {
        var lab = LabResult()
        lab.test = test
        lab.value = value
        lab.unit = unit
        if case .success(let c) = lab.canonical { return roundHalfUp(c.value, places: 3) }
        return nil
    }

    @Test func conversions() {
        #expect(canonical(.albumin, 38, "g/L") == 3.8)
        #expect(canonical(.crp, 12, "mg/L") == 1.2)
        #expect(canonical(.platelets, 90, "10*9/L") == 90_000)
        #expect(canonical(.creatinine, 88.4, "µmol/L") == 1.0)
        #expect(canonical(.calcium, 2.5, "mmol/L") == 10.02)
        #expect(canonical(.ldh, 250, "IU/L") == 250)
        #expect(canonical(.calcium, 10, "furlongs") == nil)
    }
}

@Suite struct CaseReaderTests {
    @Test func aWrongValueIsReportedWithItsPathAndTheRestIsKept() throws {
        let json: JSONValue = [
            "patient_id": "T1",
            "lesions": [["id": "L1", "bone": "femur", "phenotype": "lytc", "pain": "functional"]],
            "cancers": [["primary_site": "breast", "stagee": "IV"]],
        ]
        let out = try CaseReader.read(json)
        #expect(out.problems.map(\.field) == ["lesions[0].phenotype"])
        #expect(out.problems[0].detail.contains("lytic"))
        #expect(out.patientCase.lesions?[0].bone == .femur)
        #expect(out.patientCase.lesions?[0].phenotype == nil)
        #expect(out.unknownKeys == ["cancers[0].stagee"])
        let a = Assessor.assess(out.patientCase, asOf: Day("2026-11-26")!, inputProblems: out.problems, unknownKeys: out.unknownKeys)
        #expect(a.warnings.contains { $0.contains("lesions[0].phenotype") })
        #expect(a.warnings.contains { $0.contains("cancers[0].stagee") })
        #expect(a.dataNeeded.contains { $0.field == "lesions[L1].phenotype" })
    }

    @Test func aCaseNeedsAnIdentifier() {
        #expect(throws: CaseReader.Failure.self) { try CaseReader.read(["lesions": []]) }
        #expect(throws: CaseReader.Failure.self) { try CaseReader.read([1, 2]) }
    }

    @Test func theSchemaListsExactlyTheKeysTheReaderKnows() throws {
        let root = Cases.dir.deletingLastPathComponent().deletingLastPathComponent()
        let schema = try JSONValue.parse(Data(contentsOf: root.appendingPathComponent("schemas/case.schema.json")))
        func properties(_ node: JSONValue?) -> Set<String> {
            guard case .object(let pairs)? = node?["properties"] else { return [] }
            return Set(pairs.map(\.0))
        }
        func resolve(_ path: String) -> JSONValue? {
            var node: JSONValue? = schema
            for part in path.split(separator: ".") where !part.isEmpty {
                let isList = part.hasSuffix("[]")
                node = node?["properties"]?[String(isList ? part.dropLast(2) : part)]
                if isList { node = node?["items"] }
            }
            return node
        }
        for (path, keys) in CaseReader.keys {
            #expect(properties(resolve(path)) == keys, "schema and reader disagree at '\(path)'")
        }
    }
}

@Suite struct AssessmentRuleTests {
    func assess(_ json: JSONValue, on day: String = "2026-11-26") throws -> Assessment {
        let out = try CaseReader.read(json)
        return Assessor.assess(out.patientCase, asOf: Day(day)!)
    }

    static let mscc: JSONValue = [
        "patient_id": "M", "patient": ["age_years": 70, "sex": "male"], "cancers": [["primary_site": "prostate"]],
        "neurology": ["new_weakness": true, "symptom_onset": "2026-11-26"],
    ]

    @Test func msccImagingIsDueWithin24HoursAndOverdueAfter() throws {
        let today = try assess(Self.mscc)
        #expect(today.alerts.first?.code.rawValue == "suspected_mscc")
        #expect(today.alerts.first?.severity == .emergency)
        #expect(today.imagingPlan.first { $0.code.rawValue == "mri_whole_spine_24h" }?.due == Day("2026-11-27"))
        #expect(!today.careGaps.contains { $0.code.rawValue == "mscc_imaging_overdue" })
        let later = try assess(Self.mscc, on: "2026-11-28")
        #expect(later.careGaps.contains { $0.code.rawValue == "mscc_imaging_overdue" })
        let imaged = try assess(with(Self.mscc, [("imaging", [["modality": "mri", "region": "whole_spine", "date": "2026-11-26"]])]), on: "2026-11-28")
        #expect(!imaged.careGaps.contains { $0.code.rawValue == "mscc_imaging_overdue" })
        #expect(imaged.imagingPlan.first { $0.code.rawValue == "mri_whole_spine_24h" }?.status?.rawValue == "done")
    }

    @Test func noNeurologicalDeficitNoMSCCAlert() throws {
        let a = try assess(with(Self.mscc, [("neurology", ["new_weakness": false, "back_pain": true])]))
        #expect(!a.alerts.contains { $0.code.rawValue == "suspected_mscc" })
        #expect(a.imagingPlan.contains { $0.code.rawValue == "mri_spine_1_week" })
    }

    @Test func esmoSurveillanceWindow() throws {
        // Ewing, end of treatment 2026-01-10, last visit 2026-09-01 (year 1): every 2–3 months → 2026-11-01 to 2026-12-01.
        let json: JSONValue = [
            "patient_id": "E", "patient": ["age_years": 14, "sex": "female"],
            "cancers": [["primary_site": "ewing_sarcoma", "end_of_treatment_date": "2026-01-10",
                         "staging": ["distant_metastases": "none"]]],
            "follow_up_visits": ["2026-04-01", "2026-09-01"], "referrals": [["specialty": "sarcoma_centre", "date": "2025-06-01"]],
        ]
        let due = try assess(json).surveillance.first
        #expect(due?.status?.rawValue == "due")
        #expect(due?.due == Day("2026-12-01"))
        let overdue = try assess(json, on: "2026-12-02")
        #expect(overdue.careGaps.contains { $0.code.rawValue == "surveillance_overdue" })
        let early = try assess(json, on: "2026-10-15")
        #expect(early.surveillance.first?.status?.rawValue == "upcoming")
    }

    @Test func absentListsAreAskedForEmptyListsMeanNone() throws {
        let base: JSONValue = [
            "patient_id": "K", "patient": ["age_years": 60, "sex": "female", "weight_kg": 70],
            "cancers": [["primary_site": "thyroid"]],
            "lesions": [["id": "L1", "bone": "rib", "origin": "metastasis", "phenotype": "lytic"]],
            "labs": [["test": "crp", "value": 0.1, "unit": "mg/dL"], ["test": "ldh", "value": 150, "unit": "U/L"],
                     ["test": "albumin", "value": 4.2, "unit": "g/dL"], ["test": "platelets", "value": 200000, "unit": "/uL"],
                     ["test": "calcium", "value": 9.2, "unit": "mg/dL"], ["test": "bilirubin", "value": 0.4, "unit": "mg/dL"]],
            "performance_status": ["ecog": 0],
        ]
        let unknown = try assess(base)
        #expect(unknown.dataNeeded.contains { $0.field == "other_metastases" })
        #expect(unknown.dataNeeded.contains { $0.field == "medications" })
        // One lesion entered, no survey: solitary is not a count (REFERENCE §18.5).
        #expect(unknown.dataNeeded.contains { $0.field == "skeletal_metastasis_counts" })
        let recorded = try assess(with(base, [("other_metastases", []), ("medications", []),
                                              ("skeletal_metastasis_counts", ["extraspinal": 1, "vertebral": 0])]))
        #expect(recorded.result(KatagiriNew.self)?.total == 0)
    }

    @Test func futureLabsAreNotUsed() throws {
        let json: JSONValue = [
            "patient_id": "F", "patient": ["age_years": 60, "sex": "female"],
            "labs": [["test": "calcium", "value": 14.0, "unit": "mg/dL", "date": "2026-12-01"], ["test": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-12-01"]],
        ]
        let a = try assess(json)
        #expect(!a.alerts.contains { $0.code.family == "hypercalcaemia" })
        #expect(a.warnings.contains { $0.contains("after the assessment date") })
    }
}

@Suite struct SpinalSpellingTests {
    @Test("Th10, D10 and 'T 10' are the tenth thoracic vertebra; nonsense stays refused")
    func thoracicSpellings() {
        for s in ["Th10", "TH10", "th10", "D10", "T 10", "T10"] { #expect(SpinalLevel(s)?.description == "T10", "\(s)") }
        #expect(SpinalLevel.span("Th11-L1")?.count == 3)
        for s in ["X10", "D", "Th", "T13", "D13"] { #expect(SpinalLevel(s) == nil, "\(s)") }
    }
}

@Suite struct DayFromInstantTests {
    @Test("an instant's UTC day: the last second of a day is still that day, before 1970 rounds down")
    func utcDay() {
        #expect(Day(utc: Date(timeIntervalSince1970: 20_000 * 86_400 + 86_399)).ordinal == 20_000)
        #expect(Day(utc: Date(timeIntervalSince1970: 20_000 * 86_400)).ordinal == 20_000)
        #expect(Day(utc: Date(timeIntervalSince1970: -1)).ordinal == -1)
        #expect(Day(utc: Date(timeIntervalSince1970: 0)).description == "1970-01-01")
    }
}
