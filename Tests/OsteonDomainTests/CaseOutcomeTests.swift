import Foundation
@testable import OsteonDomain
import Testing

/// The outcome facts of a case held by the server, against README "Outcomes" read in the case format's
/// terms (index = the earliest detected date of a metastatic lesion; death = patient.deceased_on).
@Suite struct CaseOutcomeTests {
    /// The worked example of a breast cancer with femur and spine metastases, detected 2026-11-10.
    func example(_ edit: (inout [String: Any]) -> Void = { _ in }) throws -> PatientCase {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/cases/breast-femur-spine.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        edit(&object)
        return try CaseReader.read(try JSONValue.parse(JSONSerialization.data(withJSONObject: object))).patientCase
    }

    func included(_ read: OutcomeRead) throws -> OutcomeRecord {
        guard case .included(let r) = read else { Issue.record("expected an included patient, got \(read)"); throw CancellationError() }
        return r
    }

    let asOf = Day("2027-06-30")!
    let index = Day("2026-11-10")!

    @Test("index, censoring at the latest dated fact, scores from the facts known at index + 30 days")
    func censored() throws {
        let r = try included(try example().outcome(asOf: asOf, patientID: "p1"))
        #expect(r.patientID == "p1" && r.index == index && !r.died && r.firstSRE == nil && r.primaries == [.breast])
        #expect(r.end == Day("2026-11-20")!)  // the labs and performance status: the latest dated facts
        #expect(Set(r.scores.map(\.score)) == Set(ScoreAtIndex.Score.allCases))
    }

    @Test("a death on or before the as-of date ends follow-up as an event; after it, the patient is censored")
    func death() throws {
        let died = try included(try example { $0["patient"] = ["birth_date": "1962-04-10", "sex": "female", "deceased_on": "2027-02-01"] }.outcome(asOf: asOf))
        #expect(died.died && died.end == Day("2027-02-01")!)
        let later = try included(try example { $0["patient"] = ["birth_date": "1962-04-10", "sex": "female", "deceased_on": "2027-08-01"] }.outcome(asOf: asOf))
        #expect(!later.died && later.end == Day("2026-11-20")!)
    }

    @Test("every exclusion reason, and a case without a bone metastasis")
    func exclusions() throws {
        #expect(try example { $0["patient"] = ["sex": "female", "deceased_on": "2026-10-01"] }.outcome(asOf: asOf) == .excluded(.deathBeforeIndex))
        #expect(try example { o in
            var lesions = o["lesions"] as! [[String: Any]]
            lesions[1].removeValue(forKey: "detected_date")
            o["lesions"] = lesions
        }.outcome(asOf: asOf) == .excluded(.boneMetastasisWithoutDate))
        #expect(try example().outcome(asOf: Day("2026-11-09")!) == .excluded(.noFollowUp))
        #expect(try example { o in
            var lesions = o["lesions"] as! [[String: Any]]
            for i in lesions.indices { lesions[i]["origin"] = "primary" }
            o["lesions"] = lesions
        }.outcome(asOf: asOf) == .noBoneMetastasis)
    }

    @Test("skeletal-related events: radiotherapy and bone surgery after the index count; a biopsy and events on the index day do not")
    func skeletalEvents() throws {
        let rt = try included(try example {
            $0["radiotherapy"] = [["lesion_id": "L1", "dose_gy": 8, "fractions": 1, "date": "2026-12-01"]]
            $0["surgeries"] = [["kind": "biopsy", "date": "2026-11-15"], ["kind": "prophylactic_fixation", "lesion_id": "L1", "date": "2026-12-05"]]
        }.outcome(asOf: asOf))
        #expect(rt.firstSRE == Day("2026-12-01")!)
        #expect(rt.end == Day("2026-12-05")!)
        let biopsyOnly = try included(try example { $0["surgeries"] = [["kind": "biopsy", "date": "2026-11-15"]] }.outcome(asOf: asOf))
        #expect(biopsyOnly.firstSRE == nil)
        let sameDay = try included(try example { $0["radiotherapy"] = [["lesion_id": "L1", "date": "2026-11-10"]] }.outcome(asOf: asOf))
        #expect(sameDay.firstSRE == nil)
        let fracture = try included(try example { o in
            var lesions = o["lesions"] as! [[String: Any]]
            lesions.append(["id": "L3", "bone": "humerus", "origin": "metastasis", "fracture": "complete", "detected_date": "2027-01-03"])
            lesions.append(["id": "L4", "bone": "vertebra", "level": "L2", "origin": "metastasis", "escc_grade": "2", "detected_date": "2026-12-20"])
            o["lesions"] = lesions
        }.outcome(asOf: asOf))
        #expect(fracture.firstSRE == Day("2026-12-20")!)
    }

    @Test("a fact recorded after index + 30 days does not feed the scores at index")
    func scoresKnownAtIndex() throws {
        let late = try included(try example { $0["performance_status"] = ["ecog": 1, "kps": 80, "date": "2026-12-11"] }.outcome(asOf: asOf))
        #expect(!late.scores.contains { $0.score == .katagiri })
        let known = try example().knownBy(Day("2026-11-11")!)  // imaging on 11-08, 11-10 and 11-12; labs and ECOG on 11-20
        #expect(known.labs?.isEmpty == true && known.performance == nil && known.imaging?.count == 2 && known.lesions?.count == 2)
    }

    @Test("the stored form reads back to the same facts; a row this version did not write is not guessed")
    func storedRoundTrip() throws {
        for c in [try example(), try example { $0["patient"] = ["sex": "female", "deceased_on": "2027-01-01"] }] {
            let read = c.outcome(asOf: asOf, patientID: "x")
            #expect(OutcomeRead(stored: try JSONValue.parse(read.stored.serialized())) == read)
        }
        let d = Day("2026-01-10")!
        let fhirFacts = OutcomeRead.included(OutcomeRecord(
            patientID: "f", index: d, end: d.adding(days: 400), died: false, firstSRE: nil, primaries: [.breast],
            bma: BMAFacts(firstStart: d, prostate: false, castrationSensitive: nil, doseDays: [d, d.adding(days: 28)],
                          dentalEvaluations: [d.adding(days: -3)], dentalLatestOnly: false, urgentStart: true)))
        #expect(OutcomeRead(stored: try JSONValue.parse(fhirFacts.stored.serialized())) == fhirFacts)
        // A row of the version before the dental evaluations and doses were kept: recomputed (M0017), not read as "none recorded".
        let before = #"{"kind":"included","patient":"p","index":"2026-01-10","end":"2026-03-01","died":false,"sre":null,"primaries":[],"scores":[],"bma_first_start":null,"prostate":false,"castration_sensitive":null}"#
        for bad in [#"{"kind":"included"}"#, #"{"kind":"excluded","reason":"because"}"#, #"{}"#, before] {
            #expect(OutcomeRead(stored: try JSONValue.parse(bad)) == nil)
        }
    }

    @Test("a measure by quarter of the index date")
    func quarterly() {
        func r(_ id: String, _ index: String, bma: Int?) -> OutcomeRecord {
            let d = Day(index)!
            return OutcomeRecord(patientID: id, index: d, end: d.adding(days: 200), died: false, firstSRE: nil, primaries: [.lung],
                                 bma: BMAFacts(firstStart: bma.map { d.adding(days: $0) }, prostate: false, castrationSensitive: nil))
        }
        let q = Measures.bmaWithin90DaysDefinition.quarterly([r("a", "2026-01-15", bma: 10), r("b", "2026-03-31", bma: nil), r("c", "2026-04-01", bma: 100),
                                                              r("d", "2026-04-02", bma: -40)])
        #expect(q.map(\.quarter) == ["2026-Q1", "2026-Q2"])
        #expect(q.map(\.numerator) == [1, 0] && q.map(\.denominator) == [2, 1])
    }
}

/// `bma_persistence_12_months` on the case the server holds: the case keeps each dose given (`dose_dates`), so the
/// measure reads the gaps between them (README "Outcomes": no gap over 90 days in the year from the first dose).
@Suite struct CaseDoseTests {
    let asOf = Day("2028-06-30")!

    /// The worked example (index 2026-11-10) with zoledronic acid given on `doses`, the record running to 2028-01-15.
    func example(doses: [String]?, start: String = "2026-11-20", last: String? = nil) throws -> PatientCase {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/cases/breast-femur-spine.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var zoledronic: [String: Any] = ["name": "zoledronic acid", "agent": "zoledronic_acid", "status": "active", "start_date": start]
        if let doses { zoledronic["dose_dates"] = doses }
        if let last { zoledronic["last_dose_date"] = last }
        object["medications"] = (object["medications"] as! [[String: Any]]) + [zoledronic]
        object["labs"] = (object["labs"] as! [[String: Any]]) + [["test": "creatinine", "value": 0.8, "unit": "mg/dL", "date": "2028-01-15"]]
        return try CaseReader.read(try JSONValue.parse(JSONSerialization.data(withJSONObject: object))).patientCase
    }

    func persistence(_ c: PatientCase) throws -> MeasureStatus? {
        guard case .included(let r) = c.outcome(asOf: asOf) else { Issue.record("not included"); return nil }
        return Measures.bmaPersistenceDefinition.classify(r)
    }

    @Test("doses one by one: every 12 weeks is met, a pause over 90 days is not; a course kept as start and latest dose is left out")
    func persistenceOnTheCase() throws {
        // Every 84 days from 2026-11-20 (CALGB 70604's every-12-weeks schedule): the year to 2027-11-20 has no gap over 90 days.
        let every12Weeks = (0..<6).map { Day("2026-11-20")!.adding(days: 84 * $0).description }
        #expect(try persistence(example(doses: every12Weeks)) == .met)
        // One pause: 2027-02-12 to 2027-06-01 is 109 days.
        #expect(try persistence(example(doses: ["2026-11-20", "2027-02-12", "2027-06-01", "2027-08-24", "2027-11-16"])) == .notMet)
        #expect(try persistence(example(doses: nil, last: "2027-11-16")) == .excluded("doses not recorded one by one"))
    }

    @Test("the latest of the doses is the last dose; the first is the start when it is earlier; a bad date is named by its place")
    func readingDoses() throws {
        let c = try example(doses: ["2027-02-12", "2026-11-20"], start: "2026-12-01", last: "2027-01-01")
        let m = try #require(c.medications?.first { $0.agent == .zoledronicAcid })
        #expect(m.doseDates == [Day("2026-11-20")!, Day("2027-02-12")!])
        #expect(m.lastDoseDate == Day("2027-02-12")!)
        #expect(BMAFacts(c).firstStart == Day("2026-11-20")!)
        #expect(BMAFacts(c).doseDays == m.doseDates)
        // The case format writes them back as it read them.
        let again = try CaseReader.read(CaseWriter.json(c)).patientCase.medications?.first { $0.agent == .zoledronicAcid }
        #expect(again?.doseDates == m.doseDates)
        let bad = try CaseReader.read(["patient_id": "x", "medications": [["agent": "denosumab", "dose_dates": ["2027-01-01", "1 March"]]]])
        #expect(bad.problems.contains { $0.field == "medications[0].dose_dates[1]" && $0.detail.contains("1 March") })
        #expect(bad.patientCase.medications?.first?.doseDates == [Day("2027-01-01")!])
    }

    /// `dental_check_before_bma` reads the first evaluation; a record of the latest only cannot show an earlier one.
    @Test("every dental evaluation kept: one before the first dose is met even when a later one follows; the latest only is left out")
    func dentalEvaluations() throws {
        func dental(_ d: [String: Any]) throws -> MeasureStatus? {
            var c = try example(doses: ["2026-11-20", "2027-02-12"])
            let read = try CaseReader.read(try JSONValue.parse(JSONSerialization.data(withJSONObject: ["patient_id": "d", "dental": d])))
            #expect(read.problems.isEmpty)
            c.dental = read.patientCase.dental
            guard case .included(let r) = c.outcome(asOf: asOf) else { Issue.record("not included"); return nil }
            return Measures.dentalCheckBeforeBMADefinition.classify(r)
        }
        #expect(try dental(["evaluation_dates": ["2027-05-01", "2026-11-01"]]) == .met)
        #expect(try dental(["last_evaluation_date": "2027-05-01"]) == .excluded("dental evaluation recorded only after the first dose (the record keeps the latest only)"))
        #expect(try dental(["evaluation_dates": ["2027-05-01"]]) == .notMet)  // every evaluation is known: none before
        let read = try CaseReader.read(["patient_id": "d", "dental": ["last_evaluation_date": "2026-01-01", "evaluation_dates": ["2026-03-01", "2025-06-01"]]])
        #expect(read.patientCase.dental?.lastEvaluationDate == Day("2026-03-01")!)
        #expect(read.patientCase.dental?.evaluationDates == [Day("2025-06-01")!, Day("2026-03-01")!])
    }

    @Test("a dose given after a day is not known by that day (the scores at index read the case as it was)")
    func knownBy() throws {
        let c = try example(doses: ["2026-11-20", "2027-02-12"])
        let then = try #require(c.knownBy(Day("2026-12-10")!).medications?.first { $0.agent == .zoledronicAcid })
        #expect(then.doseDates == [Day("2026-11-20")!] && then.lastDoseDate == Day("2026-11-20")!)
    }
}
