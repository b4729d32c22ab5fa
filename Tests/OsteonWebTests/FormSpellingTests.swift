import Foundation
import OsteonDomain
import OsteonStore
@testable import OsteonWeb
import Testing
import Vapor
import VaporTesting

/// The forms accept what clinicians type (issue "what now?"), and each refusal
/// comes back with its message beside the field and the values kept.
@Suite struct FormSpellingTests {
    static func document(_ app: Application, _ id: String) async throws -> JSONValue {
        let c = try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: id)))
        return try JSONValue.parse(c.document)
    }

    static func lesion(_ app: Application, _ id: String) async throws -> (LesionRecord, JSONValue) {
        let caseID = try await CaseStore(db: app.db).caseRecord(patientID: try #require(UUID(uuidString: id))).requireID()
        let l = try #require(try await CaseStore(db: app.db).lesions(caseID: caseID).last)
        return (l, try JSONValue.parse(l.data))
    }

    static let patient: [(String, String)] = [("name", "Ana Test"), ("external_id", "H-200"), ("sex", "female"), ("primary_site", "breast")]

    @Test("weight: 72, 72 kg, 72kg and 160 lb are read (pounds converted); 'heavy' is refused beside the field, the rest kept")
    func weights() async throws {
        let today = try #require(Day("2026-11-26"))
        for (typed, kg) in [("72", 72.0), ("72 kg", 72.0), ("72kg", 72.0), ("72 KG", 72.0), ("160 lb", 72.6), ("72,5", 72.5)] {
            let (_, doc, errors) = PatientController.readPatientForm(Dictionary(uniqueKeysWithValues: Self.patient + [("weight_kg", typed)]), today: today)
            #expect(errors.isEmpty, "\(typed): \(errors)")
            #expect(doc["patient"]?["weight_kg"]?.numberValue == kg, "\(typed)")
        }
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/new")
            let res = try await b.post("/patients", Self.patient + [("weight_kg", "heavy"), ("stage", "IV")])
            #expect(res.status == .unprocessableEntity)
            let html = res.body.string
            #expect(html.contains(#"id="weight_kg" name="weight_kg" value="heavy""#))
            #expect(html.contains(#"<p class="error" id="weight_kg-error">Enter the weight in kilograms"#))
            #expect(html.contains(#"value="IV""#))
        }
    }

    @Test("an age without a birth date is kept as an age with the day it was true, and ages with the calendar; both at once is refused")
    func ageOrBirthDate() async throws {
        let today = try #require(Day("2026-11-26"))
        let (new, doc, errors) = PatientController.readPatientForm(Dictionary(uniqueKeysWithValues: Self.patient + [("age_years", "64")]), today: today)
        #expect(errors.isEmpty)
        #expect(new.birthDate == nil)  // no made-up birth date
        #expect(doc["patient"]?["age_years"] == 64)
        #expect(doc["patient"]?["age_as_of"] == "2026-11-26")
        var p = Patient()
        p.ageYears = 64
        p.ageAsOf = today
        #expect(p.age(on: today) == 64)
        #expect(p.age(on: try #require(Day("2028-11-26"))) == 66)
        #expect(p.age(on: try #require(Day("2027-11-25"))) == 64)
        let (_, _, both) = PatientController.readPatientForm(Dictionary(uniqueKeysWithValues: Self.patient + [("age_years", "64"), ("birth_date", "1961-04-23")]), today: today)
        #expect(both["age_years"]?.contains("not both") == true)
        let (_, _, bad) = PatientController.readPatientForm(Dictionary(uniqueKeysWithValues: Self.patient + [("age_years", "sixty")]), today: today)
        #expect(bad["age_years"]?.contains("whole years") == true)
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/new")
            let res = try await b.post("/patients", Self.patient + [("age_years", "64"), ("age_as_of", "2026-01-15")])
            let id = try #require(patientID(fromLocation: res.location))
            let form = try await b.get("/patients/\(id)/edit").body.string
            #expect(form.contains(#"id="age_years" name="age_years" value="64""#))
            #expect(form.contains(#"value="2026-01-15""#))
        }
    }

    @Test("'none recorded' for medicines, family history and other metastases records an empty list, which the rules read as none")
    func noneRecorded() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            try await b.get("/patients/new")
            let created = try await b.post("/patients", Self.patient)
            let id = try #require(patientID(fromLocation: created.location))
            var page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains("Medicines</a>") || page.contains(">Medicines"))  // asked for while unknown
            let edit = try await b.get("/patients/\(id)/edit").body.string
            let versions = ["patient_version", "case_version"].map { key -> (String, String) in
                let r = edit.range(of: "name=\"\(key)\" value=\"")!
                return (key, String(edit[r.upperBound...].prefix { $0 != "\"" }))
            }
            let res = try await b.post("/patients/\(id)/edit", Self.patient + versions + [("no_medicines", "none"), ("family_history", "none"), ("other_metastases", "none"),
                                                                                       ("skeletal_extraspinal", "0"), ("skeletal_vertebral", "2")])
            #expect(res.status == .seeOther)
            let doc = try await Self.document(app, id)
            #expect(doc["medications"] == .array([]))
            #expect(doc["family_history"] == .array([]))
            #expect(doc["other_metastases"] == .array([]))
            #expect(doc["skeletal_metastasis_counts"]?["vertebral"] == 2)
            let (c, _, _) = try await CaseStore(db: app.db).patientCase(patientID: try #require(UUID(uuidString: id)))
            let a = Assessor.assess(c, asOf: try #require(Day("2026-11-26")))
            #expect(!a.dataNeeded.contains { $0.field == "medications" || $0.field == "family_history" || $0.field == "other_metastases" })
            page = try await b.get("/patients/\(id)/edit").body.string
            #expect(page.contains(#"<option value="none" selected>complete: no medicines"#))
            let refused = try await b.post("/patients/\(id)/edit", Self.patient + versions + [("skeletal_vertebral", "-1")])
            #expect(refused.body.string.contains(#"id="skeletal_vertebral-error">Enter a whole number"#))
        }
    }

    @Test("the lesion form reads Th10, D10 and 't 10' as T10; 2/3 and 50 % as fractions checked against the chosen size")
    func lesionSpellings() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            for typed in ["Th10", "D10", "t 10", "T10"] {
                try await b.get("/patients/\(id)/lesions/new")
                let res = try await b.post("/patients/\(id)/lesions", [("bone", "vertebra"), ("level", typed), ("origin", "metastasis")])
                #expect(res.status == .seeOther, "\(typed)")
                #expect(try await Self.lesion(app, id).1["level"] == "T10", "\(typed)")
            }
            // Procedures name the lesion by site too (the case's ids clash with lumbar levels).
            let page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains(#"<select id="proc-lesion" name="lesion_id"><option value="">not for one lesion</option><option value="L1">T10 vertebra (lesion 1 of 4)</option>"#))
            let unknown = try await b.post("/patients/\(id)/procedures", [("kind", "radiotherapy"), ("lesion_id", "L9"), ("dose_gy", "8")])
            #expect(unknown.body.string.contains(#"id="proc-lesion-error">Choose one of this patient&#39;s lesions."#))
            #expect(try await b.post("/patients/\(id)/procedures", [("kind", "radiotherapy"), ("lesion_id", "L1"), ("dose_gy", "8"), ("fractions", "1")]).status == .seeOther)
            let bad = try await b.post("/patients/\(id)/lesions", [("bone", "vertebra"), ("level", "X10")])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains(#"id="level-error""#))

            let femur: [(String, String)] = [("bone", "femur"), ("region", "diaphysis"), ("side", "left"), ("origin", "metastasis"), ("phenotype", "lytic"), ("pain", "functional")]
            // Mirels: 1/3 ≤ r ≤ 2/3 is the middle band (REFERENCE §1): 2/3 belongs to it, 0.67 does not.
            for typed in ["2/3", "0.5", "50 %", "50%", "1/3"] {
                let res = try await b.post("/patients/\(id)/lesions", femur + [("size", "one_third_to_two_thirds"), ("size_fraction", typed)])
                #expect(res.status == .seeOther, "\(typed)")
            }
            #expect(try await Self.lesion(app, id).1["size"] == "one_third_to_two_thirds")
            let slip = try await b.post("/patients/\(id)/lesions", femur + [("size", "one_third_to_two_thirds"), ("size_fraction", "0.67")])
            #expect(slip.status == .unprocessableEntity)
            #expect(slip.body.string.contains(#"<p class="error" id="size_fraction-error">0.67 is more than 2/3 of the diameter, but the size chosen is 1/3 to 2/3"#))
            #expect(slip.body.string.contains(#"value="0.67""#))
            let noBand = try await b.post("/patients/\(id)/lesions", femur + [("size_fraction", "0.67")])
            #expect(noBand.body.string.contains(#"<p class="error" id="size-error">Choose the size: the measured 0.67 is more than 2/3"#))
            #expect(try await b.post("/patients/\(id)/lesions", femur + [("size", "gt_two_thirds")]).status == .seeOther)
        }
    }

    @Test("removing a lesion asks first, is refused if the lesion changed meanwhile, and is audited")
    func deleteConfirms() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            try await b.get("/patients/\(id)/lesions/new")
            try await b.post("/patients/\(id)/lesions", [("bone", "vertebra"), ("level", "T12"), ("origin", "metastasis")])
            let (lesion, _) = try await Self.lesion(app, id)
            let lid = try lesion.requireID()
            let page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains("href=\"/patients/\(id)/lesions/\(lid)/delete\""))
            #expect(!page.contains("action=\"/patients/\(id)/lesions/\(lid)/delete\""))  // no one-click removal
            let confirm = try await b.get("/patients/\(id)/lesions/\(lid)/delete").body.string
            #expect(confirm.contains("Remove the lesion of the T12 vertebra?"))
            #expect(confirm.contains("Keep it"))
            let stale = try await b.post("/patients/\(id)/lesions/\(lid)/delete", [("version", String(lesion.version - 1))])
            #expect(stale.status == .conflict)
            #expect(try await CaseStore(db: app.db).lesions(caseID: lesion.$caseRecord.id).count == 1)
            #expect(try await b.post("/patients/\(id)/lesions/\(lid)/delete", [("version", String(lesion.version))]).status == .seeOther)
            #expect(try await CaseStore(db: app.db).lesions(caseID: lesion.$caseRecord.id).isEmpty)
            let audit = try await AuditLog(db: app.db).entries(limit: 20)
            #expect(audit.contains { $0.action == "delete" && $0.object.contains(lid.uuidString) })
        }
    }

    @Test("lab units are choices; a missing or foreign unit is refused naming the test's units, the value kept")
    func labUnits() async throws {
        try await withOsteon { app in
            let b = Browser(app)
            _ = try await b.signIn()
            let id = try await PatientPageTests.createPatient(b)
            let page = try await b.get("/patients/\(id)").body.string
            #expect(page.contains(#"<select id="lab-unit" name="unit"><option value="">choose the unit</option><option value="mg/dL">mg/dL</option>"#))
            #expect(page.contains(#"id="lab-date" name="date" type="date""#))
            let missing = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "2.6"), ("unit", "")])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Choose the unit: calcium (mg/dL) is recorded in mg/dL or mmol/L.") || missing.body.string.contains("Choose the unit: calcium is recorded in mg/dL or mmol/L."))
            #expect(missing.body.string.contains(#"value="2.6""#))
            let foreign = try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "2.6"), ("unit", "g/L")])
            #expect(foreign.body.string.contains("g/L is not a unit of"))
            #expect(try await b.post("/patients/\(id)/labs", [("test", "calcium"), ("value", "2.6"), ("unit", "mmol/L"), ("date", "2026-11-25")]).status == .seeOther)
            // Every unit offered is one the domain converts, for some test.
            for unit in LabTest.allUnits { #expect(LabTest.allCases.contains { $0.factor(from: unit) != nil }, "\(unit)") }
            for test in LabTest.allCases { for unit in test.units { #expect(test.factor(from: unit) != nil, "\(test) \(unit)") } }
        }
    }
}
