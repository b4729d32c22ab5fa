import Foundation
import OsteonDomain
import Testing

@Suite struct HandoutTests {
    func guide(_ file: String, contact: String? = nil) throws -> (Handout, Assessment) {
        let value = try JSONValue.parse(Data(contentsOf: Cases.dir.appendingPathComponent(file + ".json")))
        let c = try CaseReader.read(value).patientCase
        let a = Assessor.assess(c, asOf: c.asOf!)
        return (HandoutWriter.write(a, for: c, contact: contact), a)
    }

    @Test(arguments: scenarios.map(\.file))
    func everySectionMeetsTheReadingTargets(_ file: String) throws {
        let (h, _) = try guide(file)
        #expect(h.sections.first?.id == "warning_signs")
        #expect(h.sections.first?.urgent == true)
        for s in h.sections {
            let r = s.readability
            #expect(r.grade <= Handout.requiredGrade, "\(file) \(s.id): grade \(r.grade)")
            #expect(r.readingEase >= Handout.requiredEase, "\(file) \(s.id): ease \(r.readingEase)")
            #expect(!s.text.isEmpty, "\(file) \(s.id) is empty")
        }
        #expect(h.sections.map(\.id) == ["warning_signs", "what_this_is", "tests", "treatments", "follow_up", "family", "questions", "glossary", "sources"])
    }

    @Test func theGuideFollowsTheBoardsPlan() throws {
        let (h, a) = try guide("breast-femur-spine")
        let text = h.text
        #expect(text.has("started in your breast has spread to your bones"))
        #expect(text.has("spinal cord compression"))
        #expect(text.has("Radiotherapy"), "radiotherapy is in the plan")
        #expect(text.has("pain flare"))
        #expect(text.has("metal rod or plate"), "fixation is in the plan")
        #expect(text.has("spine surgeon"))
        #expect(text.has("See a dentist"), "a bone medicine is to start")
        #expect(a.treatmentPlan.contains { $0.code.rawValue == "start_bone_modifying_agent" })
        #expect(!text.has("Chemotherapy"), "no chemotherapy for this case")
        // Every glossary term appears in the guide's own text.
        let body = h.sections.filter { $0.id != "glossary" }.map(\.text).joined(separator: " ").lowercased()
        for (term, _) in h.glossary { #expect(body.has(term.lowercased()), "\(term) explained but not used") }
    }

    @Test func primaryBoneTumourGuide() throws {
        let (h, _) = try guide("osteosarcoma-surveillance-us")
        let text = h.text
        #expect(text.has("started in the bone itself"))
        #expect(text.has("osteosarcoma"))
        #expect(text.has("Chemotherapy"))
        #expect(text.has("check-up with your bone tumor team by"), "the surveillance date")
        #expect(text.has("blood test to look for it"), "germline testing offer")
        #expect(!text.has("has spread to your bones"))
    }

    @Test func warningSignsSayWhoToCall() throws {
        let (h, _) = try guide("prostate-cord-compression", contact: "the oncology nurse line, 555-0100")
        let warning = try #require(h.sections.first)
        #expect(warning.text.has("the oncology nurse line, 555-0100"))
        #expect(warning.text.has("911"))
        #expect(warning.bullets.contains { $0.has("weak legs") })
        let (nonUS, _) = try guide("osteosarcoma-biopsy-before-referral")
        #expect(nonUS.sections[0].text.has("your local emergency number"))
    }

    @Test func htmlIsEscapedPrintableAndSelfContained() throws {
        let (h, _) = try guide("breast-femur-spine", contact: "<script>alert(1)</script>")
        let html = h.html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.has("@media print"))
        #expect(!html.has("<script>"))
        #expect(html.has("&lt;script&gt;"))
        #expect(!html.has("http://") && !html.has("https://"), "no external resources")
        #expect(html.has("lang=\"en\""))
    }

    @Test func aNoBoneDiseaseGuideStaysCalm() throws {
        let (h, _) = try guide("breast-early-no-bone-disease")
        #expect(h.text.has("no spots on your bones"))
        #expect(!h.text.has("bone-strengthening medicine"))
    }
}

/// REFERENCE §18.6: the guide never gives advice a recorded fact contraindicates,
/// and describes the radiotherapy and surgery the plan holds.
@Suite struct HandoutSafetyTests {
    func guide(_ c: JSONValue) throws -> Handout {
        let read = try CaseReader.read(c)
        let a = Assessor.assess(read.patientCase, asOf: Day("2026-11-26")!)
        return HandoutWriter.write(a, for: read.patientCase)
    }

    /// A man with an impending femoral fracture, cord compression and corrected calcium 12.4 mg/dL.
    static let man: JSONValue = [
        "patient_id": "G-1", "patient": ["birth_date": "1950-02-02", "sex": "male", "weight_kg": 80, "weight_kind": "actual"],
        "cancers": [["primary_site": "prostate", "hormone_status": "castration_resistant", "stage": "IV"]],
        "lesions": [["id": "L1", "bone": "femur", "region": "peritrochanteric", "origin": "metastasis", "phenotype": "lytic", "pain": "functional",
                     "size": "one_third_to_two_thirds"],
                    ["id": "L2", "bone": "vertebra", "level": "T10", "origin": "metastasis", "phenotype": "mixed", "pain": "mechanical",
                     "alignment": "normal", "vertebral_body_collapse": "none_of_the_above", "posterolateral_involvement": "none", "escc_grade": "3"]],
        "skeletal_metastasis_counts": ["extraspinal": 3, "vertebral": 1],
        "labs": [["test": "calcium", "value": 11.6, "unit": "mg/dL", "date": "2026-11-24"], ["test": "albumin", "value": 3.0, "unit": "g/dL", "date": "2026-11-24"],
                 ["test": "creatinine", "value": 1.0, "unit": "mg/dL", "date": "2026-11-24"]],
        "neurology": ["new_weakness": true, "symptom_onset": "2026-11-25"], "fit_for_surgery": true, "medications": [],
    ]

    @Test func noWalkingOrSupplementAdviceWhenTheFactsForbidIt() throws {
        let text = try guide(Self.man).text
        #expect(!text.contains("Walking is good"), "walking advised with an impending fracture and cord compression")
        #expect(!text.contains("Take calcium and vitamin D"), "supplements advised at corrected calcium 12.4 mg/dL")
        #expect(text.contains("how much weight the bone can take"))
        #expect(text.contains("Do not take calcium or vitamin D"))
        // Surgery first for the spine, then radiotherapy: not "one visit is enough" for that course.
        #expect(text.contains("operation on your spine"), "the spine surgery in the plan is never mentioned")
        #expect(text.contains("after the operation"))
    }

    @Test func withoutThoseFactsTheUsualAdviceStays() throws {
        let plain = with(Self.man, [("lesions", [["id": "L1", "bone": "rib", "origin": "metastasis", "phenotype": "blastic", "pain": "mild"]]),
                                    ("labs", [["test": "calcium", "value": 9.4, "unit": "mg/dL", "date": "2026-11-24"],
                                              ["test": "albumin", "value": 4.0, "unit": "g/dL", "date": "2026-11-24"],
                                              ["test": "creatinine", "value": 1.0, "unit": "mg/dL", "date": "2026-11-24"]]),
                                    ("neurology", ["new_weakness": false, "sensory_level": false, "bladder_bowel_dysfunction": false])])
        let text = try guide(plain).text
        #expect(text.contains("Walking is good"))
        #expect(text.contains("Take calcium and vitamin D"))
    }
}
