import OsteonDomain
@testable import OsteonFHIR
import Testing

/// The patient guide over a generated cohort: every section of every guide
/// meets the reading targets.
@Suite struct CohortHandoutTests {
    @Test func twoHundredSyntheticGuides() {
        let cohort = SyntheticCohort(patients: 220, seed: 21)
        var sections = 0
        for n in 0..<cohort.patients {
            var importer = FHIRImporter()
            for (_, json) in cohort.resources(of: n) { importer.add(json) }
            let c = importer.importAll()[0].patientCase
            let h = HandoutWriter.write(Assessor.assess(c, asOf: cohort.asOf), for: c)
            for s in h.sections {
                let r = s.readability
                #expect(r.grade <= Handout.requiredGrade && r.readingEase >= Handout.requiredEase, "\(c.patientID) \(s.id): \(r.grade), \(r.readingEase)")
                sections += 1
            }
        }
        #expect(sections == 220 * 9)
    }
}

/// The synthetic export carries deaths and first skeletal-related events (REFERENCE §11 medians, CALGB 70604's
/// 2-year risk), so `osteon outcomes` and the quality figures have work; nothing is dated after a death.
@Suite struct SyntheticOutcomeTests {
    @Test func deathsAndSkeletalEventsWithNothingAfterDeath() {
        let cohort = SyntheticCohort(patients: 600, seed: 8)
        var importer = FHIRImporter()
        var deaths = 0
        for n in 0..<cohort.patients {
            let resources = cohort.resources(of: n)
            let death = resources.first { $0.type == "Patient" }?.json["deceasedDateTime"]?.stringValue.flatMap(Day.init)
            if let death {
                deaths += 1
                for (type, r) in resources where type != "Patient" {
                    if let d = FHIRImporter.recordDay(r) { #expect(d <= death, "\(type) dated after the death") }
                }
            }
            for (_, r) in resources { importer.add(r) }
        }
        let report = OutcomeReport(asOf: cohort.asOf, reads: importer.outcomes(asOf: cohort.asOf))
        #expect(deaths > 0 && report.overall.events == deaths)
        #expect(report.skeletalEvents.firstEvents > 0)
        // Lung (median 6.5 months) dies sooner than breast (22 months).
        let lung = report.byPrimary.first { $0.group == "lung" }?.curve, breast = report.byPrimary.first { $0.group == "breast" }?.curve
        if let lung, let breast { #expect(lung.survival(at: 182) < breast.survival(at: 182)) } else { Issue.record("no lung or breast group") }
        // Courses dosed one by one, some paused, some with a dental evaluation first: each measure has both outcomes.
        for id in ["dental_check_before_bma", "bma_persistence_12_months"] {
            let m = report.measures.first { $0.id == id }
            #expect(m.map { $0.numerator > 0 && $0.numerator < $0.denominator } == true, "\(id): \(String(describing: m))")
        }
    }
}
