import OsteonDomain
import OsteonFHIR
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
