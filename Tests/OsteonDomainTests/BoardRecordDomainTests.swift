import Foundation
import OsteonDomain
import Testing

/// The domain side of "The tumour board's record": dates as the forms accept
/// them, alerts resolved by the action they ask for, and a guide that follows
/// the signed decision (REFERENCE §18.6).
@Suite struct BoardRecordDomainTests {
    static let today = Day("2026-11-26")!

    static func example(_ name: String) throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/cases/\(name).json")
        return try JSONValue.parse(Data(contentsOf: url))
    }

    static func assessment(_ json: JSONValue) throws -> (Assessment, PatientCase) {
        let read = try CaseReader.read(json)
        return (Assessor.assess(read.patientCase, asOf: today, inputProblems: read.problems, unknownKeys: read.unknownKeys), read.patientCase)
    }

    static func appending(_ key: String, _ value: JSONValue, to json: JSONValue) -> JSONValue {
        with(json, [(key, .array((json[key]?.arrayValue ?? []) + [value]))])
    }

    @Test("typed dates: ISO, day and month name either way round, today/tomorrow/in N days, weeks or months")
    func typedDates() {
        let cases: [(String, String)] = [
            ("2026-12-03", "2026-12-03"), ("3 Dec 2026", "2026-12-03"), ("3rd December 2026", "2026-12-03"), ("December 3, 2026", "2026-12-03"),
            ("Sept 30 2027", "2027-09-30"), ("today", "2026-11-26"), ("Tomorrow", "2026-11-27"), ("in 2 weeks", "2026-12-10"),
            ("in 10 days", "2026-12-06"), ("in 1 month", "2026-12-26"), ("  2026-12-03 ", "2026-12-03"),
        ]
        for (typed, expected) in cases {
            #expect(TypedDate.parse(typed, today: Self.today)?.description == expected, "\(typed)")
        }
    }

    @Test("typed dates that could be misread or are not dates are refused, not guessed")
    func typedDatesRefused() {
        // 03/12/2026 is 3 December in the UK and March 12 in the US.
        for typed in ["03/12/2026", "12/03/2026", "31 Feb 2026", "next blursday", "", "in two weeks", "2026-13-01", "3 Dec"] {
            #expect(TypedDate.parse(typed, today: Self.today) == nil, "\(typed)")
        }
    }

    @Test("suspected cord compression is resolved by a whole-spine MRI after the symptoms began, not by an older one")
    func msccResolvedByMRI() throws {
        let base = try Self.example("prostate-cord-compression")
        let (open, _) = try Self.assessment(base)
        let mscc = try #require(open.alerts.first { $0.code == .suspectedMSCC })
        #expect(mscc.isOpen)
        #expect(open.urgency == .emergency)

        let old = Self.appending("imaging", ["modality": "mri", "region": "whole spine", "date": "2026-10-01"], to: base)
        #expect(try Self.assessment(old).0.alerts.first { $0.code == .suspectedMSCC }?.isOpen == true)

        let done = Self.appending("imaging", ["modality": "mri", "region": "whole spine", "date": "2026-11-25"], to: base)
        let (after, _) = try Self.assessment(done)
        let resolved = try #require(after.alerts.first { $0.code == .suspectedMSCC })
        #expect(!resolved.isOpen)
        #expect(resolved.resolvedBy?.value.contains("2026-11-25") == true)
        #expect(after.urgency != .emergency)
        // Resolved alerts stay, after the open ones, and the JSON says what resolved them.
        #expect(after.alerts.drop { $0.isOpen }.allSatisfy { !$0.isOpen })
        let json = after.json["alerts"]?.arrayValue?.first { $0["code"] == "suspected_mscc" }
        #expect(json?["resolved_by"]?["path"]?.stringValue == "imaging")
    }

    @Test("hypercalcaemia is resolved by a dose given on or after the calcium; supplements stay forbidden")
    func hypercalcaemiaResolvedByDose() throws {
        let base = try Self.example("lung-hypercalcaemic-crisis")
        let (open, _) = try Self.assessment(base)
        let crisis = try #require(open.alerts.first { $0.code == .hypercalcaemiaCrisis })
        #expect(crisis.isOpen)

        let before = Self.appending("medications", ["agent": "zoledronic_acid", "status": "active", "start_date": "2026-11-01", "last_dose_date": "2026-11-01"], to: base)
        #expect(try Self.assessment(before).0.alerts.first { $0.code == .hypercalcaemiaCrisis }?.isOpen == true)

        let given = Self.appending("medications", ["agent": "zoledronic_acid", "status": "active", "start_date": "2026-11-21", "last_dose_date": "2026-11-21"], to: base)
        let (after, _) = try Self.assessment(given)
        #expect(after.alerts.first { $0.code == .hypercalcaemiaCrisis }?.isOpen == false)
        #expect(after.forbids(.calciumVitaminDSupplements) != nil)
    }

    @Test("radiotherapy courses as the board types them")
    func radiotherapyLabels() {
        #expect(BoardDecision.Radiotherapy(label: "20 Gy in 5 fractions") == .init(totalGy: 20, fractions: 5))
        #expect(BoardDecision.Radiotherapy(label: "8 Gy/1") == .init(totalGy: 8, fractions: 1))
        #expect(BoardDecision.Radiotherapy(label: "30Gy in 10 fractions") == .init(totalGy: 30, fractions: 10))
        #expect(BoardDecision.Radiotherapy(label: "8 Gy in 1 fraction")?.label == "8 Gy in 1 fraction")
        for bad in ["a lot", "20 Gy", "0 Gy in 5 fractions", "20 Gy in 2.5 fractions", "500 Gy in 5 fractions"] {
            #expect(BoardDecision.Radiotherapy(label: bad) == nil, "\(bad)")
        }
    }

    /// The finding of the issue: cord compression with an impending femoral
    /// fracture and a corrected calcium of 12.4; the board chose five fractions,
    /// a PSMA PET and spine surgery.
    static func boardCase() throws -> (Assessment, PatientCase) {
        var json = try example("prostate-cord-compression")
        json = with(json, [("labs", .array((json["labs"]?.arrayValue ?? []).map { lab in
            lab["test"] == "calcium" ? with(lab, [("value", 12.4)]) : lab
        }))])
        json = appending("lesions", ["id": "L2", "bone": "femur", "region": "peritrochanteric", "origin": "metastasis", "phenotype": "lytic",
                                     "size_fraction": 0.7, "pain": "functional", "detected_date": "2026-11-01"], to: json)
        return try assessment(json)
    }

    @Test("after sign-off the guide describes the decided course, scans and operation, with the contact, team and dates")
    func guideFollowsDecision() throws {
        let (a, c) = try Self.boardCase()
        var d = BoardDecision(signedOn: Day("2026-11-27")!, signedBy: "Dr Chair", consensus: "Decompression, then 20 Gy in 5 fractions")
        d.radiotherapyDecided = true
        d.radiotherapy = .init(totalGy: 20, fractions: 5)
        d.scans = [.psmaPET]
        d.surgeryDecided = true
        d.surgery = .decompression
        d.boneMedicineDecided = true
        d.boneMedicine = .denosumab
        d.team = ["Dr Ada Spine", "Dr Ben Rays"]
        d.contact = "the bone tumour nurse on 020 7946 0000"
        d.dates = [(Day("2026-12-03")!, "radiotherapy planning visit")]
        let guide = HandoutWriter.write(a, for: c, decision: d)
        let text = guide.sections.map(\.text).joined(separator: "\n")
        #expect(text.contains("5 visits"))
        #expect(!text.contains("one visit"), "the board chose five fractions")
        #expect(text.contains("A PET scan"))
        #expect(!text.lowercased().contains("bone scan"), "the board chose a PSMA PET, not a bone scan")
        #expect(text.contains("operation on your spine"))
        #expect(text.contains("020 7946 0000"))
        #expect(text.contains("Dr Ada Spine") && text.contains("Dr Ben Rays"))
        #expect(text.contains("3 December 2026") || text.contains("December 3, 2026"))
        #expect(text.contains("agreed on a plan"))
        // What the facts forbid is never advised, whatever was decided.
        #expect(!text.contains("Walking is good"))
        #expect(!text.contains("Take calcium and vitamin D"))
        for section in guide.sections {
            #expect(section.readability.grade <= Handout.requiredGrade, "\(section.id): grade \(section.readability.grade)")
            #expect(section.readability.readingEase >= Handout.requiredEase, "\(section.id): ease \(section.readability.readingEase)")
        }
    }

    @Test("without a signed decision the guide says the team has not met yet")
    func guideWithoutDecision() throws {
        let (a, c) = try Self.boardCase()
        let text = HandoutWriter.write(a, for: c).sections.map(\.text).joined(separator: "\n")
        #expect(text.contains("has not met about this yet"))
        #expect(!text.contains("agreed on a plan"))
    }

    static func withCreatinine(_ json: JSONValue, _ value: Double) -> JSONValue {
        with(json, [("labs", .array((json["labs"]?.arrayValue ?? []).filter { $0["test"] != "creatinine" }
            + [["test": "creatinine", "value": .double(value), "unit": "mg/dL", "date": "2026-11-26"]]))])
    }

    @Test("CrCl below 30 forbids zoledronic acid for the bone disease (label Table 1); a guide for a board that chose it says the medicine is on hold")
    func renalProhibitionReachesTheGuide() throws {
        let (a, c) = try Self.assessment(Self.withCreatinine(try Self.example("breast-femur-spine"), 2.6))
        let p = try #require(a.forbids(.zoledronicAcidOngoingDose))
        #expect(p.reason.contains("below 30"))
        #expect(!a.treatmentPlan.contains { $0.actions.contains(.zoledronicAcidOngoingDose) || $0.actions.contains(.zoledronicAcidDose) })
        #expect(a.json["not_advised"]?.arrayValue?.contains { $0["what"] == "no zoledronic acid for the bone disease" } == true)
        var d = BoardDecision(signedOn: Day("2026-11-20")!, signedBy: "Dr Chair", consensus: "Zoledronic acid")
        d.boneMedicineDecided = true
        d.boneMedicine = .zoledronicAcid
        let text = HandoutWriter.write(a, for: c, decision: d).sections.map(\.text).joined(separator: "\n")
        #expect(!text.contains("It is called zoledronic acid"))
        #expect(text.contains("bone medicine is on hold"))
        // With normal kidneys the same decision is described.
        let (ok, okCase) = try Self.assessment(Self.withCreatinine(try Self.example("breast-femur-spine"), 0.8))
        #expect(ok.forbids(.zoledronicAcidOngoingDose) == nil)
        #expect(HandoutWriter.write(ok, for: okCase, decision: d).sections.map(\.text).joined().contains("It is called zoledronic acid"))
    }

    @Test("the single hypercalcaemia dose is not forbidden by a CrCl below 30 (no renal reduction while creatinine < 4.5 mg/dL, §9.1)")
    func hypercalcaemiaDoseUnaffectedByRenalBand() throws {
        let (a, _) = try Self.assessment(Self.withCreatinine(try Self.example("lung-hypercalcaemic-crisis"), 3.0))
        let item = try #require(a.treatmentPlan.first { $0.code == .treatHypercalcaemia })
        #expect(item.text.contains("Zoledronic acid 4 mg IV"))
        #expect(!item.text.contains("not now"))
    }
}

/// After a death nothing is planned: a patient who died is not urgent on any list and no one is asked to act.
@Suite struct DeceasedAssessmentTests {
    func assess(diedOn: String?) throws -> Assessment {
        var json = try BoardRecordDomainTests.example("prostate-cord-compression")
        if let diedOn, let patient = json["patient"] { json = with(json, [("patient", with(patient, [("deceased_on", .string(diedOn))]))]) }
        return try BoardRecordDomainTests.assessment(json).0
    }

    @Test("a death on or before the assessment date: no alert, plan, care gap or missing input; the scores stay")
    func nothingPlannedAfterDeath() throws {
        let alive = try assess(diedOn: nil)
        #expect(alive.urgency == .emergency && alive.diedOn == nil)  // cord compression (the example's point)
        for day in ["2026-11-20", "2026-11-26"] {
            let a = try assess(diedOn: day)
            #expect(a.diedOn == Day(day) && a.urgency == .none && !a.urgency.isUrgent)
            #expect(a.alerts.isEmpty && a.careGaps.isEmpty && a.dataNeeded.isEmpty)
            #expect(a.treatmentPlan.isEmpty && a.imagingPlan.isEmpty && a.surveillance.isEmpty && a.prevention.isEmpty)
            #expect(a.scores.map(\.id) == alive.scores.map(\.id))  // a record of what was known
            #expect(a.warnings.contains { $0.contains("Died on \(day)") })
            #expect(a.json["died_on"] == .string(day))
        }
        // A date after the assessment date is not a death yet.
        let later = try assess(diedOn: "2026-12-01")
        #expect(later.diedOn == nil && later.urgency == .emergency && later.json["died_on"] == .null)
    }
}
