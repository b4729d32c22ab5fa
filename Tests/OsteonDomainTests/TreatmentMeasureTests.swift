import Foundation
@testable import OsteonDomain
import Testing

/// `single_fraction_or_short_course_rt` (NQF 1822, ASTRO 2017/2024: 8 Gy/1, 20 Gy/5, 24 Gy/6, 30 Gy/10 for
/// uncomplicated painful bone metastases) and `mscc_mri_within_24h` (NICE QS56 statement 3), read from the case
/// format as the server and the FHIR importer build it.
@Suite struct TreatmentMeasureTests {
    let asOf = Day("2027-06-30")!

    /// The worked example (breast cancer; L1 left femur, L2 T12; index 2026-11-10), edited.
    func record(_ edit: (inout [String: Any]) -> Void) throws -> OutcomeRecord {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/cases/breast-femur-spine.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var lesions = object["lesions"] as! [[String: Any]]
        lesions.append(["id": "L3", "bone": "humerus", "side": "right", "origin": "metastasis", "detected_date": "2026-11-10"])
        object["lesions"] = lesions
        edit(&object)
        let c = try CaseReader.read(try JSONValue.parse(JSONSerialization.data(withJSONObject: object))).patientCase
        guard case .included(let r) = c.outcome(asOf: asOf, patientID: "p") else { Issue.record("not included"); throw CancellationError() }
        return r
    }

    func rt(_ courses: [[String: Any]], _ edit: (inout [String: Any]) -> Void = { _ in }) throws -> [MeasureStatus] {
        try Measures.shortCourseRadiotherapyDefinition.statuses(record { $0["radiotherapy"] = courses; edit(&$0) })
    }

    @Test("each of ASTRO's four schedules is met; others are not")
    func schedules() throws {
        for (gy, n) in [(8.0, 1), (20.0, 5), (24.0, 6), (30.0, 10)] {
            #expect(try rt([["lesion_id": "L3", "dose_gy": gy, "fractions": n, "date": "2026-12-01"]]) == [.met], "\(gy) Gy/\(n)")
        }
        // 16 Gy/2 is for compression (REFERENCE §18.1), 20 Gy/4 and 8 Gy/2 are not schedules of §10; 35 Gy/14 a long course.
        for (gy, n) in [(16.0, 2), (20.0, 4), (8.0, 2), (35.0, 14), (30.0, 5)] {
            #expect(try rt([["lesion_id": "L3", "dose_gy": gy, "fractions": n, "date": "2026-12-01"]]) == [.notMet], "\(gy) Gy/\(n)")
        }
    }

    @Test("one count per course; NQF 1822's exclusions leave a course out, named")
    func exclusions() throws {
        // Re-treatment of the same site: the first course counts, the second is left out.
        #expect(try rt([["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"],
                        ["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2027-02-01"]])
                == [.met, .excluded("previous radiotherapy to the site")])
        // An earlier course named by its site only ("right humerus") is the same site as lesion L3.
        #expect(try rt([["site": "right humerus", "dose_gy": 20, "fractions": 5, "date": "2026-11-20"],
                        ["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2027-02-01"]])[1] == .excluded("previous radiotherapy to the site"))
        // A course to another lesion is not a re-treatment.
        #expect(try rt([["lesion_id": "L2", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"],
                        ["lesion_id": "L3", "dose_gy": 30, "fractions": 10, "date": "2027-02-01"]]) == [.met, .met])
        // Postoperative radiotherapy after fixation of the site; fixation of another site does not count.
        #expect(try rt([["lesion_id": "L3", "dose_gy": 20, "fractions": 5, "date": "2026-12-10"]]) {
            $0["surgeries"] = [["kind": "prophylactic_fixation", "lesion_id": "L3", "date": "2026-12-01"]]
        } == [.excluded("surgical stabilisation of the site")])
        #expect(try rt([["lesion_id": "L3", "dose_gy": 20, "fractions": 5, "date": "2026-12-10"]]) {
            $0["surgeries"] = [["kind": "prophylactic_fixation", "lesion_id": "L1", "date": "2026-12-01"]]
        } == [.met])
        // Fixation after the course: the course was given to an unoperated site.
        #expect(try rt([["lesion_id": "L3", "dose_gy": 20, "fractions": 5, "date": "2026-12-10"]]) {
            $0["surgeries"] = [["kind": "fracture_fixation", "lesion_id": "L3", "date": "2027-01-10"]]
        } == [.met])
        // A biopsy is not stabilisation.
        #expect(try rt([["lesion_id": "L3", "dose_gy": 20, "fractions": 5, "date": "2026-12-10"]]) {
            $0["surgeries"] = [["kind": "biopsy", "lesion_id": "L3", "date": "2026-11-12"]]
        } == [.met])
        // Cord compression at the treated spinal level: ESCC 2 (REFERENCE §7), or a neurological deficit by the course's date.
        #expect(try rt([["lesion_id": "L2", "dose_gy": 20, "fractions": 5, "date": "2026-12-01"]]) { o in
            var lesions = o["lesions"] as! [[String: Any]]
            lesions[1]["escc_grade"] = "2"
            o["lesions"] = lesions
        } == [.excluded("spinal cord compression")])
        #expect(try rt([["lesion_id": "L2", "dose_gy": 20, "fractions": 5, "date": "2026-12-01"]]) {
            $0["neurology"] = ["new_weakness": true, "symptom_onset": "2026-11-28"]
        } == [.excluded("spinal cord compression")])
        // Weakness that began after the course does not make the course one for compression.
        #expect(try rt([["lesion_id": "L2", "dose_gy": 20, "fractions": 5, "date": "2026-12-01"]]) {
            $0["neurology"] = ["new_weakness": true, "symptom_onset": "2027-01-15"]
        } == [.met])
        // The femur: cortical involvement over 3 cm excludes, and the record keeps no length.
        #expect(try rt([["lesion_id": "L1", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"]])
                == [.excluded("femoral lesion (cortical involvement over 3 cm cannot be told: its length is not recorded)")])
        #expect(try rt([["lesion_id": "L3", "date": "2026-12-01"]]) == [.excluded("dose or number of fractions not recorded")])
        #expect(try rt([["lesion_id": "L3", "dose_gy": 8, "fractions": 1]]) == [.excluded("course with no date")])
        #expect(try rt([["site": "left breast", "dose_gy": 40, "fractions": 15, "date": "2025-03-01"]]) == [.excluded("course before the first bone metastasis")])
        #expect(try rt([["site": "whole brain", "dose_gy": 20, "fractions": 5, "date": "2026-12-01"]]) == [.excluded("course not linked to a bone metastasis")])
        #expect(try rt([]) == [])
    }

    @Test("the measure counts courses and lists its reasons in order")
    func counts() throws {
        let a = try record { $0["radiotherapy"] = [["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"],
                                                     ["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2027-02-01"],
                                                     ["lesion_id": "L2", "dose_gy": 35, "fractions": 14, "date": "2026-12-01"]] }
        let b = try record { $0["radiotherapy"] = [["lesion_id": "L1", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"]] }
        let m = Measures.shortCourseRadiotherapyDefinition.measure([a, b])
        #expect(m.numerator == 1 && m.denominator == 2 && m.rate == 0.5)
        #expect(m.excluded.map(\.reason) == ["previous radiotherapy to the site",
                                             "femoral lesion (cortical involvement over 3 cm cannot be told: its length is not recorded)"])
        #expect(m.excluded.map(\.count) == [1, 1])
    }

    func mscc(_ neurology: [String: Any]?, _ mri: [(String, String)], _ edit: (inout [String: Any]) -> Void = { _ in }) throws -> MeasureStatus? {
        try Measures.cordCompressionMRIDefinition.classify(record { o in
            if let neurology { o["neurology"] = neurology } else { o.removeValue(forKey: "neurology") }
            o["imaging"] = mri.map { ["modality": "mri", "region": $0.1, "date": $0.0] }
            edit(&o)
        })
    }

    @Test("whole-spine MRI the same day is within 24 hours; two days later or none is not; the next day cannot be told")
    func cordCompressionMRI() throws {
        let weak: [String: Any] = ["new_weakness": true, "symptom_onset": "2027-01-10"]
        #expect(try mscc(weak, [("2027-01-10", "whole spine")]) == .met)
        #expect(try mscc(weak, [("2027-01-11", "whole spine")]) == .excluded("whole-spine MRI the next day (the record has no time of day)"))
        #expect(try mscc(weak, [("2027-01-12", "whole spine")]) == .notMet)
        let later: (inout [String: Any]) -> Void = { $0["labs"] = [["test": "creatinine", "value": 80, "unit": "umol/L", "date": "2027-02-01"]] }
        #expect(try mscc(weak, [("2027-01-10", "lumbar spine")], later) == .notMet)          // NICE asks for the whole spine
        #expect(try mscc(weak, [("2026-11-12", "whole spine")], later) == .notMet)           // before the symptoms: not an MRI for them
        #expect(try mscc(weak, [], later) == .notMet)
        // The same partial MRI with follow-up ending that day: the 24 hours are not over, left out.
        #expect(try mscc(weak, [("2027-01-10", "lumbar spine")]) == .excluded("followed less than a day after the suspicion"))
        #expect(try mscc(["sensory_level": true, "symptom_onset": "2027-01-10"], [("2027-01-10", "whole spine")]) == .met)
        #expect(try mscc(["bladder_bowel_dysfunction": true, "symptom_onset": "2027-01-10"], [("2027-01-13", "whole spine")]) == .notMet)
        #expect(try mscc(["frankel_grade": "C", "symptom_onset": "2027-01-10"], [("2027-01-10", "whole spine")]) == .met)
        // Back pain alone, and Frankel E, are not suspected compression.
        #expect(try mscc(["back_pain": true, "frankel_grade": "E", "symptom_onset": "2027-01-10"], []) == .excluded("no suspected cord compression recorded"))
        #expect(try mscc(nil, []) == .excluded("no suspected cord compression recorded"))
        #expect(try mscc(["new_weakness": true], [("2027-01-10", "whole spine")]) == .excluded("suspected cord compression with no date"))
        // Weakness recorded on the last day of follow-up and nothing after: the 24 hours are not over.
        #expect(try mscc(["new_weakness": true, "symptom_onset": "2026-11-20"], []) == .excluded("followed less than a day after the suspicion"))
        // A death the next day with no MRI: the day passed without one.
        #expect(try mscc(weak, []) { $0["patient"] = ["sex": "female", "deceased_on": "2027-01-11"] } == .notMet)
    }

    @Test("the stored form keeps the courses and the suspicion")
    func stored() throws {
        let r = try record {
            $0["radiotherapy"] = [["lesion_id": "L3", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"], ["lesion_id": "L1", "date": "2027-01-01"]]
            $0["neurology"] = ["new_weakness": true, "symptom_onset": "2027-01-10"]
            $0["imaging"] = [["modality": "mri", "region": "whole spine", "date": "2027-01-10"]]
        }
        #expect(r.radiotherapy.count == 2 && r.cordCompression.wholeSpineMRIs == [Day("2027-01-10")!])
        let read = OutcomeRead.included(r)
        #expect(OutcomeRead(stored: try JSONValue.parse(read.stored.serialized())) == read)
        // A row written before the courses were kept is recomputed (M0018), not read as "no radiotherapy".
        var old = read.stored
        if case .object(var fields) = old { fields.removeAll { $0.0 == "radiotherapy" }; old = .object(fields) }
        #expect(OutcomeRead(stored: try JSONValue.parse(old.serialized())) == nil)
    }
}

/// `sarcoma_referral_before_biopsy` (REFERENCE §12: UK BSG 2016, refer a suspected primary bone tumour to a
/// bone-sarcoma MDT before biopsy): its population is every patient read with a primary bone tumour, in the
/// skeletal-metastasis cohort or not.
@Suite struct SarcomaReferralMeasureTests {
    func read(_ surgeries: [[String: Any]], _ referrals: [[String: Any]], primary: String = "osteosarcoma",
              lesions: [[String: Any]] = [["id": "L1", "bone": "femur", "origin": "primary", "detected_date": "2026-03-01"]]) throws -> OutcomeRead {
        let object: [String: Any] = ["patient_id": "s1", "patient": ["sex": "male", "birth_date": "2010-05-01"],
                                     "cancers": [["primary_site": primary, "diagnosis_date": "2026-03-20"]],
                                     "lesions": lesions, "surgeries": surgeries, "referrals": referrals]
        return try CaseReader.read(try JSONValue.parse(JSONSerialization.data(withJSONObject: object))).patientCase.outcome(asOf: Day("2026-12-01")!)
    }

    func status(_ surgeries: [[String: Any]], _ referrals: [[String: Any]]) throws -> MeasureStatus? {
        guard case .primaryBoneTumour(let p) = try read(surgeries, referrals) else { Issue.record("not in the population"); return nil }
        return Measures.sarcomaReferralDefinition.classify(p)
    }

    @Test("referral on or before the first biopsy is met; after it, or none, is not; undated facts are left out, named")
    func referralBeforeBiopsy() throws {
        let biopsy: [[String: Any]] = [["kind": "biopsy", "lesion_id": "L1", "date": "2026-03-15"]]
        #expect(try status(biopsy, [["specialty": "sarcoma_centre", "date": "2026-03-05"]]) == .met)
        #expect(try status(biopsy, [["specialty": "sarcoma_centre", "date": "2026-03-15"]]) == .met)        // the same day
        #expect(try status(biopsy, [["specialty": "sarcoma_centre", "date": "2026-03-25"]]) == .notMet)
        #expect(try status(biopsy, [["specialty": "orthopaedic_oncology", "date": "2026-03-05"]]) == .notMet)  // not a sarcoma centre
        #expect(try status(biopsy, []) == .notMet)
        // A second biopsy after the referral does not undo the first one's.
        #expect(try status(biopsy + [["kind": "biopsy", "date": "2026-04-10"]], [["specialty": "sarcoma_centre", "date": "2026-04-01"]]) == .notMet)
        #expect(try status(biopsy, [["specialty": "sarcoma_centre"]]) == .excluded("sarcoma-centre referral with no date (before or after the biopsy cannot be told)"))
        #expect(try status([], [["specialty": "sarcoma_centre", "date": "2026-03-05"]]) == .excluded("no biopsy recorded"))
        #expect(try status([["kind": "biopsy"]], []) == .excluded("biopsy with no date"))
    }

    @Test("the population: a primary bone tumour in or out of the metastasis cohort; not a patient without one")
    func population() throws {
        let referral: [[String: Any]] = [["specialty": "sarcoma_centre", "date": "2026-03-05"]]
        let biopsy: [[String: Any]] = [["kind": "biopsy", "date": "2026-03-15"]]
        // Ewing sarcoma with a bone metastasis: in the cohort, and in this measure.
        guard case .included(let r) = try read(biopsy, referral, primary: "ewing_sarcoma",
                                               lesions: [["id": "L1", "bone": "pelvis", "origin": "primary", "detected_date": "2026-03-01"],
                                                         ["id": "L2", "bone": "vertebra", "level": "T9", "origin": "metastasis", "detected_date": "2026-04-01"]])
        else { Issue.record("not included"); return }
        #expect(r.sarcoma?.firstBiopsy == Day("2026-03-15"))
        let alone = try read(biopsy, [], primary: "chondrosarcoma")
        let report = OutcomeReport(asOf: Day("2026-12-01")!, reads: [.included(r), alone, .noBoneMetastasis])
        #expect(report.patientsRead == 3 && report.withBoneMetastasis == 1)
        let m = report.measures.first { $0.id == "sarcoma_referral_before_biopsy" }
        #expect(m?.numerator == 1 && m?.denominator == 2)
        #expect(Measures.sarcomaReferralDefinition.quarterly(report.pathways).map(\.quarter) == ["2026-Q1"])
        // Breast cancer is not a primary bone tumour.
        #expect(try read(biopsy, [], primary: "breast") == .noBoneMetastasis)
        // Stored and read back, in the cohort and out of it.
        for read in [OutcomeRead.included(r), alone] {
            #expect(OutcomeRead(stored: try JSONValue.parse(read.stored.serialized())) == read)
        }
    }
}
