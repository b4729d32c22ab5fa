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
