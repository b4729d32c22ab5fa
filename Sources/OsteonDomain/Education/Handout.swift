/// A personal, plain-language guide for the patient and family, built from
/// the same assessment the board sees, so the two cannot disagree.
/// Every section aims at grade 8 or below (Flesch–Kincaid) and a reading ease
/// of 60 or more; medical words are explained the first time they appear.
public struct Handout: Sendable {
    public struct Section: Sendable {
        public let id: String
        public let title: String
        /// Paragraphs; each is whole sentences.
        public var paragraphs: [String]
        /// Bulleted sentences (each ends with a full stop).
        public var bullets: [String] = []
        public var urgent = false

        public var text: String { (paragraphs + bullets).joined(separator: " ") }
        public var readability: Readability.Result { Readability.score(text: text) }
    }

    public let patientID: String
    public let asOf: Day
    public var sections: [Section]
    public var glossary: [(term: String, meaning: String)]

    public static let requiredGrade = 8.0
    public static let requiredEase = 60.0
}

/// Builds the guide. Plain words first, the medical word in brackets once,
/// and every term used goes to the glossary.
public enum HandoutWriter {
    struct Glossary {
        var used: [String] = []
        mutating func use(_ term: String) { if !used.contains(term) { used.append(term) } }
    }

    /// Plain meanings of the medical words the guide may use.
    static let meanings: [String: String] = [
        "metastasis": "Cancer that has spread from the place it started to a new place.",
        "bone metastasis": "Cancer that has spread to a bone from another part of the body.",
        "spinal cord compression": "When a growth presses on the bundle of nerves in the spine. It needs care at once.",
        "fracture": "A broken bone.",
        "calcium": "A mineral in the blood and bones. Too much or too little can make you ill.",
        "radiotherapy": "Treatment with beams of energy aimed at a tumor. It can ease pain.",
        "pain flare": "Pain that gets worse for a few days after radiotherapy, then settles.",
        "chemotherapy": "Medicine that kills cancer cells.",
        "biopsy": "Taking a small piece of tissue to look at under a microscope.",
        "MRI": "A scan that uses a strong magnet to make pictures. It does not use X-rays.",
        "CT scan": "A scan that takes many X-ray pictures to make a detailed image.",
        "bone scan": "A scan of the whole skeleton after a small shot of a tracer.",
        "PET scan": "A scan after a shot of a tracer that shows very active cells.",
        "X-ray": "A quick picture of the bones.",
        "osteonecrosis of the jaw": "A rare problem where part of the jaw bone does not heal.",
        "myeloma": "A cancer of cells in the bone marrow, the soft inside of bones.",
        "osteosarcoma": "A tumor that starts in bone cells. It is most common in teens and young adults.",
        "Ewing sarcoma": "A tumor that starts in bone or the soft tissue near bone, most often in young people.",
        "chondrosarcoma": "A tumor that starts in cartilage, the smooth tissue at the ends of bones.",
        "sarcoma": "A cancer that starts in bone, muscle, fat or other support tissue.",
        "steroid": "A strong medicine that brings down swelling.",
        "gene": "A part of your body's code that you get from your parents.",
    ]

    /// With a signed board decision the guide describes what the board decided
    /// (REFERENCE §18.6); without one it is built from the assessment and says so.
    public static func write(_ a: Assessment, for c: PatientCase, contact: String? = nil, decision: BoardDecision? = nil) -> Handout {
        var g = Glossary()
        var sections: [Handout.Section] = []
        let emergency = c.careSetting == .nonUS ? "your local emergency number" : "911"
        let team = contact ?? decision?.contact ?? "your cancer care team"
        let hasBoneDisease = a.boneMetastasis == true || a.myelomaBoneDisease
        let spinal = (c.lesions ?? []).contains { $0.isSpinal }
        let sarcoma = (c.cancers ?? []).compactMap(\.primarySite).first { $0.isPrimaryBoneTumor }
        let primary = (c.cancers ?? []).compactMap(\.primarySite).first { !$0.isPrimaryBoneTumor && $0 != .myeloma }

        // 1. Warning signs, first.
        var warning = Handout.Section(id: "warning_signs", title: "Get help now if you notice these signs",
                                      paragraphs: ["Call \(team) right away, day or night, if you have any of these signs. If you cannot reach them, call \(emergency) or go to the emergency room. Do not wait to see if it gets better."],
                                      urgent: true)
        if hasBoneDisease || spinal || a.has(AlertCode.suspectedMSCC) {
            g.use("spinal cord compression")
            warning.bullets.append("New back or neck pain with weak legs, numb skin, or trouble passing urine or stool. The tumor may be pressing on the nerves in your spine. This is called spinal cord compression. Fast care can save your ability to walk.")
        }
        if hasBoneDisease || sarcoma != nil || !(c.lesions ?? []).isEmpty {
            g.use("fracture")
            warning.bullets.append("An arm or leg that hurts badly all of a sudden, or a leg you cannot stand on. The bone may be broken. A doctor calls this a fracture.")
        }
        if hasBoneDisease || a.alerts.contains(where: { $0.code.family == "hypercalcaemia" }) {
            g.use("calcium")
            warning.bullets.append("Great thirst, passing lots of urine, feeling mixed up or very sleepy, feeling sick, or hard stools. This can mean there is too much calcium in your blood.")
        }
        if warning.bullets.isEmpty {
            warning.bullets.append("Bone pain that is new, keeps you awake, or gets worse each week.")
            warning.bullets.append("A lump or swelling on a bone that grows.")
        }
        sections.append(warning)

        // 2. What this is.
        var what = Handout.Section(id: "what_this_is", title: "What is going on", paragraphs: [])
        if let sarcoma {
            let name = tumorName(sarcoma)
            g.use(name.term)
            g.use("sarcoma")
            what.paragraphs.append("You have a tumor that started in the bone itself. It is called \(name.term). \(name.plain) It did not spread to the bone from some other place.")
            what.paragraphs.append("These tumors are rare. Teams that see many of them give the best care. That is why you will see a special bone tumor team.")
        } else if a.myelomaBoneDisease {
            g.use("myeloma")
            what.paragraphs.append("You have myeloma. It is a cancer of cells in the bone marrow, the soft inside of bones. It can make weak spots in the bones.")
        } else if a.boneMetastasis == true {
            g.use("bone metastasis")
            g.use("metastasis")
            let from = primary.map { "your \(siteName($0))" } ?? "another part of your body"
            what.paragraphs.append("Cancer that started in \(from) has spread to your bones. Doctors call this bone metastasis. It is still the same cancer. It is not a new bone cancer.")
            what.paragraphs.append("It can be treated. Treatment can ease pain and keep your bones strong. How it will go is different for each person. Your team can talk with you about what it means for you.")
        } else if !(c.lesions ?? []).isEmpty {
            g.use("biopsy")
            what.paragraphs.append("Your scans show a spot on a bone. We do not know yet what it is. It may be a growth that spread from another place. It may be a growth that started in the bone. More tests will tell. You may need a biopsy. That means taking a small piece to look at closely.")
        } else {
            what.paragraphs.append("Your team checked whether your cancer has reached your bones. Right now your records show no spots on your bones. This guide tells you what signs to watch for and what checks are planned.")
        }
        if let decision {
            what.paragraphs.append("Your care team met and agreed on a plan on \(spoken(decision.signedOn)). This guide follows that plan.")
        } else {
            what.paragraphs.append("Your care team has not met about this yet. This guide shows what they are likely to talk about. They will tell you what they decide.")
        }
        sections.append(what)

        // 3. Tests.
        var tests = Handout.Section(id: "tests", title: "Tests that are planned", paragraphs: [])
        var seen = Set<String>()
        if let decision {
            // The scans the board chose, not the ones the assessment listed.
            for modality in decision.scans {
                let kind = scanKind(modality)
                guard !seen.contains(kind) else { continue }
                seen.insert(kind)
                g.use(kind)
                tests.bullets.append(testExplained(kind))
            }
        } else {
            for item in a.imagingPlan where item.status != .done {
                for (kind, why) in testsFor(item.code) where !seen.contains(kind) {
                    seen.insert(kind)
                    g.use(kind)
                    tests.bullets.append("\(testExplained(kind)) We do it \(why).")
                }
            }
        }
        if tests.bullets.isEmpty {
            tests.paragraphs.append("No new scans are planned right now. Your team will tell you if that changes.")
        } else {
            tests.paragraphs.append("These tests help your team see the bones and plan your care.")
        }
        sections.append(tests)

        // 4. Treatments.
        var treat = Handout.Section(id: "treatments", title: "Your treatment", paragraphs: [])
        var codes = Set(a.treatmentPlan.map(\.code))
        let highCalcium = a.forbids(.calciumVitaminDSupplements) != nil
        // A fact recorded since the board decided can forbid the medicine it chose: the guide then does not describe it.
        let decidedMedicineHeld: Prohibition? = switch decision?.boneMedicine {
        case .zoledronicAcid?: a.forbids(.zoledronicAcidOngoingDose) ?? a.forbids(.zoledronicAcidDose)
        case .denosumab?: a.forbids(.denosumabDose)
        case .pamidronate?: a.forbids(.pamidronateDose)
        default: nil
        }
        if let decision, decision.boneMedicineDecided {
            // The board decided the bone medicine: it is what the guide names.
            codes.remove(.startBoneModifyingAgent)
            codes.remove(.continueBoneModifyingAgent)
            if decision.boneMedicine != nil && decidedMedicineHeld == nil { codes.insert(.startBoneModifyingAgent) }
        }
        if codes.contains(.startBoneModifyingAgent) || codes.contains(.continueBoneModifyingAgent) {
            let denosumab = decision?.boneMedicine.map { $0 == .denosumab }
                ?? ((c.medications ?? []).contains { $0.agent == .denosumab && $0.isActive } || a.has(AlertCode.denosumabHypocalcaemiaRisk))
            let zoledronic = decision?.boneMedicine == .zoledronicAcid
            g.use("osteonecrosis of the jaw")
            g.use("calcium")
            let which = denosumab ? "It is called denosumab. It is a shot under the skin every 4 weeks."
                : zoledronic ? "It is called zoledronic acid. It is given by drip into a vein."
                : "It may be zoledronic acid, given by drip into a vein, or denosumab, given as a shot under the skin."
            treat.bullets.append("A bone-strengthening medicine. \(which) It makes bones stronger. It lowers the chance of breaks and bone pain.")
            treat.bullets.append("See a dentist before you start, and every 6 months after. Keep your mouth clean. Tell your dentist about this medicine. Try not to have teeth pulled while you take it. Rarely, part of the jaw bone does not heal. This is called osteonecrosis of the jaw.")
            if highCalcium {
                treat.bullets.append("Do not take calcium or vitamin D pills for now. Your calcium is too high. Your team will tell you when to start them.")
            } else {
                treat.bullets.append("Take calcium and vitamin D as your team tells you. This medicine can make your calcium too low. Tell your team if you get tingling around the mouth or in your fingers, or muscle cramps.")
            }
            if !denosumab { treat.bullets.append("If you get zoledronic acid, you will have a blood test for your kidneys before each dose.") }
        }
        if decidedMedicineHeld != nil || codes.contains(.withholdZoledronicAcid) || a.withheld.contains(where: { $0.item.category == .boneModifyingAgent }) {
            treat.bullets.append("Your next dose of bone medicine is on hold for now. Your team will tell you when it is safe to have it again.")
        }
        if highCalcium && !codes.contains(.startBoneModifyingAgent) && !codes.contains(.continueBoneModifyingAgent) {
            g.use("calcium")
            treat.bullets.append("Your calcium is too high. Do not take calcium or vitamin D pills until your team says so. Drink fluids as your team tells you.")
        }
        let radiotherapy = a.treatmentPlan.compactMap { item -> PalliativeRadiotherapy.Result? in
            if case .radiotherapy(let r)? = item.details { r } else { nil }
        }
        let spineOperation = decision.map { d in d.surgeryDecided && [.decompression, .separationSurgery, .stabilization].contains(d.surgery) }
            ?? radiotherapy.contains { $0.plan == .surgeryThenPostoperativeRT }
        if let decision, decision.radiotherapyDecided {
            if let rt = decision.radiotherapy {
                g.use("radiotherapy")
                g.use("pain flare")
                let visits = rt.fractions == 1 ? "It is one visit." : "It is given in \(rt.fractions) visits, one on each weekday."
                treat.bullets.append("Radiotherapy to a sore bone. Beams of energy are aimed at the bone to ease the pain. \(visits)\(spineOperation ? " It starts after the operation." : "") It does not hurt while it is given.")
                treat.bullets.append("For a few days after, the pain can get worse for a short time. This is called a pain flare. It passes. Ask your team about pain medicine for those days.")
            }
        } else if !radiotherapy.isEmpty {
            g.use("radiotherapy")
            g.use("pain flare")
            let visits: String
            if radiotherapy.contains(where: { $0.plan == .surgeryThenPostoperativeRT }) {
                visits = "It is given after the operation. Your team will tell you how many visits it takes."
            } else if radiotherapy.allSatisfy({ $0.regimens.allSatisfy { $0.fractions == 1 } && !$0.regimens.isEmpty }) {
                visits = "One visit is enough."
            } else if radiotherapy.allSatisfy({ $0.preferred?.fractions == 1 }) {
                visits = "Often one visit is enough. Some people have a few visits instead. Your team will tell you which."
            } else {
                visits = "It may take one visit or several. Your team will tell you how many."
            }
            treat.bullets.append("Radiotherapy to a sore bone. Beams of energy are aimed at the bone to ease the pain. \(visits) It does not hurt while it is given.")
            treat.bullets.append("For a few days after, the pain can get worse for a short time. This is called a pain flare. It passes. Ask your team about pain medicine for those days.")
        }
        let fixation = decision.map { d in d.surgeryDecided ? [.prophylacticFixation, .fractureFixation].contains(d.surgery) : nil } ?? nil
        if fixation ?? a.treatmentPlan.contains(where: { [.prophylacticFixationReferral, .fractureFixationReferral, .boardDiscussionFixation].contains($0.code) }) {
            g.use("fracture")
            treat.bullets.append("An operation on a weak bone. A surgeon may put a metal rod or plate in the bone. This can stop it from breaking, or fix a break. Then you can move with less pain.")
        }
        if spineOperation {
            treat.bullets.append("An operation on your spine. The surgeon takes the pressure off the nerves in your spine, or makes the spine firm. Then you have radiotherapy.")
        } else if codes.contains(.spineSurgeryConsultation) && decision?.surgeryDecided != true {
            treat.bullets.append("A visit with a spine surgeon. The surgeon checks if your spine is stable and safe to move. Some people need an operation to make the spine firm.")
        }
        if codes.contains(.dexamethasoneWithRadiotherapy) {
            g.use("steroid")
            treat.bullets.append("A steroid medicine to bring down swelling around the spinal cord. You take it with the radiation.")
        }
        if let sarcoma, sarcoma == .osteosarcoma || sarcoma == .ewingSarcoma {
            g.use("chemotherapy")
            treat.bullets.append("Chemotherapy. These are medicines that kill cancer cells. For this tumor they are often given before and after surgery. Your team will explain the side effects of each one.")
        }
        if sarcoma != nil {
            treat.bullets.append("Care from a bone tumor team. They plan the surgery and any other treatment. If you need a biopsy, they plan it, so that it does not make surgery harder later.")
        }
        if codes.contains(.confirmDiagnosis) || codes.contains(.referSarcomaCentreBeforeBiopsy) {
            g.use("biopsy")
            treat.bullets.append("First, tests to find out what the spot is. Treatment is chosen after that.")
        }
        if treat.bullets.isEmpty {
            treat.paragraphs.append("No bone treatment is needed right now. Your cancer team will keep treating your cancer as planned.")
        } else {
            treat.paragraphs.append("Your team looked at your case together. This is what they suggest. You can ask about each part.")
        }
        sections.append(treat)

        // 5. Follow-up, screening and healthy living.
        var follow = Handout.Section(id: "follow_up", title: "Check-ups and dates", paragraphs: [])
        for item in a.surveillance {
            guard let due = item.due else { continue }
            let when = spoken(due)
            switch item.code {
            case .sarcomaSurveillanceVisit:
                follow.bullets.append("A check-up with your bone tumor team by \(when). They will look at the place of the tumor and scan your chest.")
            case .dentalReview:
                follow.bullets.append("A dental check by \(when).")
            case .nextDose:
                follow.bullets.append("Your next dose of bone medicine around \(when), with a blood test first.")
            default: break
            }
        }
        for (day, what) in decision?.dates ?? [] { follow.bullets.append("By \(spoken(day)): \(what).") }
        follow.paragraphs.append(follow.bullets.isEmpty ? "Your team will give you the dates of your next visits." : "Please keep these dates. Call if you need to change one.")
        if let names = decision?.team, !names.isEmpty {
            follow.paragraphs.append("Your care team: \(names.joined(separator: ", ")). Call \(team) with any question.")
        }
        if a.forbids(.weightBearingExercise) != nil {
            follow.bullets.append("Ask your team how much weight the bone can take before you walk, lift or exercise. Until then, take care with every move.")
        } else {
            follow.bullets.append("Stay as active as you safely can. Walking is good. Ask which moves to avoid if a bone is weak.")
        }
        follow.bullets.append("Try to keep a healthy weight, and eat well.")
        sections.append(follow)

        // 6. Family and genes.
        var family = Handout.Section(id: "family", title: "Your family and your genes", paragraphs: [])
        for item in a.prevention {
            switch item.code {
            case .germlineTestingOsteosarcoma:
                g.use("gene")
                family.paragraphs.append("Some people with this tumor were born with a change in a gene that raises the risk of cancer. Your team may offer a blood test to look for it. If you have such a change, your close family can be tested too.")
            case .germlineTestingMetastaticProstate:
                g.use("gene")
                family.paragraphs.append("Some men with prostate cancer that has spread were born with a gene change that raises the risk of cancer. Your team may offer a blood test to look for it. If you have such a change, your close family can be tested too.")
            case .predisposition(.liFraumeni), .predisposition(.hereditaryRetinoblastoma):
                g.use("gene")
                family.paragraphs.append("You have a gene change that raises the risk of some cancers. Each of your children has a one in two chance of having it too. A genetic counselor can talk with your family about tests and checks.")
            case .predisposition(.multipleHereditaryExostoses):
                g.use("gene")
                family.paragraphs.append("You have a condition that makes bony lumps grow near the joints. Tell your team at once if a lump grows or starts to hurt once you are fully grown. Each of your children has a one in two chance of having it too.")
            case .predisposition(.ollier), .predisposition(.maffucci):
                family.paragraphs.append("You have a condition that makes lumps of cartilage grow inside bones. Tell your team if a lump hurts or grows. It is not passed on from parent to child.")
            case .predisposition(.paget), .predisposition(.priorRadiotherapy):
                family.paragraphs.append("Tell your team about any new or changing bone pain, or a lump in a part of the body that was treated before.")
            case .geneticsReferralFamilyHistory:
                g.use("gene")
                family.paragraphs.append("Some of your family members had cancer. Your team may suggest a talk with a genetic counselor. They can tell you if your family should have tests.")
            default: break
            }
        }
        if family.paragraphs.isEmpty {
            family.paragraphs.append("Most cancers that spread to bone are not passed down in families. Tell your team if several people in your family had cancer, most of all at a young age.")
        }
        sections.append(family)

        // 7. Questions.
        var questions = Handout.Section(id: "questions", title: "Questions you may want to ask", paragraphs: ["It can help to write down your questions before a visit. Bring someone with you if you can."])
        questions.bullets = ["Which of my bones are at risk of breaking?", "What moves or jobs should I avoid?", "Who do I call at night or at the weekend?",
                             "How will we know if the treatment is working?", "What side effects should I look out for?"]
        if !a.prevention.isEmpty { questions.bullets.append("Should my family have any tests?") }
        sections.append(questions)

        // 8. Glossary of the words used.
        let glossary = g.used.compactMap { term in meanings[term].map { (term, $0) } }
        var words = Handout.Section(id: "glossary", title: "Words you may hear", paragraphs: [])
        words.bullets = glossary.map { "\($0.0.prefix(1).uppercased() + $0.0.dropFirst()): \($0.1)" }
        if words.bullets.isEmpty { words.paragraphs.append("This guide uses only plain words.") }
        sections.append(words)

        // 9. Where the advice comes from, in plain words.
        var sources = Handout.Section(id: "sources", title: "Where this advice comes from", paragraphs: ["The advice in this guide comes from the same plan your care team made. That plan is based on these sources."])
        sources.bullets = plainSources(a)
        sections.append(sources)

        return Handout(patientID: a.patientID, asOf: a.asOf, sections: sections, glossary: glossary)
    }

    static func tumorName(_ site: PrimarySite) -> (term: String, plain: String) {
        switch site {
        case .osteosarcoma: ("osteosarcoma", "It grows from the cells that make bone.")
        case .ewingSarcoma: ("Ewing sarcoma", "It most often grows in young people.")
        case .chondrosarcoma: ("chondrosarcoma", "It grows from cartilage, the smooth tissue at the ends of bones.")
        case .giantCellTumor: ("a giant cell tumor", "It grows near a joint. It is not a cancer, but it can harm the bone.")
        case .chordoma: ("chordoma", "It grows in the spine or the base of the skull.")
        default: ("a sarcoma of bone", "It starts in the bone.")
        }
    }

    static func siteName(_ site: PrimarySite) -> String {
        switch site {
        case .kidney: "kidney"
        case .headAndNeck: "head or neck"
        case .unknownPrimary: "a place that is not yet known"
        case .colorectal: "bowel"
        case .oesophagus: "food pipe"
        default: site.rawValue.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// The scans a plan item asks for, with why, in plain words.
    static func testsFor(_ code: PlanCode) -> [(String, String)] {
        switch code {
        case .mriWholeSpine24h: [("MRI", "to see if anything presses on your spinal cord. It must be done within one day")]
        case .mriSpine1Week: [("MRI", "to find the cause of your back pain")]
        case .mriWholeInvolvedBone: [("MRI", "to see the whole bone and the tissue around the tumor")]
        case .ctChest: [("CT scan", "to check your lungs")]
        case .ctChestAbdomenPelvis: [("CT scan", "to check your chest, belly and hips for where the spot came from")]
        case .wholeBodyLowDoseCT: [("CT scan", "of the whole body at a low dose, to look for weak spots in all your bones")]
        case .boneScanOrPET, .wholeSkeletonSurvey: [("bone scan", "to look for spots in other bones")]
        case .boneScanProstateStaging, .boneScanForSymptoms: [("bone scan", "to check if the cancer has reached your bones")]
        case .breastSystemicStaging: [("CT scan", "to check your chest and belly"), ("bone scan", "to check your bones")]
        case .radiographWholeBone: [("X-ray", "to see how weak the bone is")]
        default: []
        }
    }

    static func scanKind(_ m: Modality) -> String {
        switch m {
        case .mri: "MRI"
        case .ct: "CT scan"
        case .boneScan: "bone scan"
        case .petCT, .psmaPET: "PET scan"
        case .xray: "X-ray"
        }
    }

    static func testExplained(_ kind: String) -> String {
        switch kind {
        case "MRI": "An MRI uses a strong magnet to make pictures. You lie still in a tube. It is noisy, so you get ear plugs. It does not hurt."
        case "CT scan": "A CT scan takes many X-ray pictures. You lie on a table that slides through a ring. It is quick and does not hurt."
        case "bone scan": "A bone scan shows your whole skeleton. You get a small shot of a tracer in your arm. Later, a camera takes pictures while you lie still."
        case "PET scan": "A PET scan uses a shot of a tracer that shows very active cells. You rest for a while, then lie still for the pictures."
        default: "An X-ray is a quick picture of the bone. It does not hurt."
        }
    }

    public static func spoken(_ day: Day) -> String {
        let c = day.components
        let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        return "\(months[c.month - 1]) \(c.day), \(c.year)"
    }

    /// The guidelines behind the plan, named so a family can find them.
    static func plainSources(_ a: Assessment) -> [String] {
        var cited = Set<String>()
        for item in a.imagingPlan + a.treatmentPlan + a.surveillance + a.prevention { for c in item.citations { cited.insert(c.text) } }
        for alert in a.alerts { for c in alert.citations { cited.insert(c.text) } }
        let table: [(String, String)] = [
            ("NICE", "Advice on spine problems from cancer, from the UK's health advice body (NICE)."),
            ("ASTRO", "Advice on radiation for cancer in bone, from the group of US doctors who treat with radiation (ASTRO)."),
            ("Van Poznak", "Advice on bone medicines, from the American cancer doctors' group (ASCO)."),
            ("Zometa", "The drug label for zoledronic acid."),
            ("Xgeva", "The drug label for denosumab."),
            ("MRONJ", "Advice on keeping the jaw healthy on bone medicines (MASCC, ISOO and ASCO)."),
            ("Mirels", "A score that helps judge if a bone may break (Mirels)."),
            ("Fisher", "A score that helps judge if the spine is stable (SINS)."),
            ("Sarcoma Group", "Advice on bone tumors from the UK bone tumor group."),
            ("ESMO", "Advice on bone tumors from the European cancer doctors' group (ESMO)."),
            ("NCCN", "Advice from a group of US cancer centers (NCCN)."),
            ("PDQ", "Facts on genes and bone tumors from the US National Cancer Institute."),
        ]
        var out = table.filter { key, _ in cited.contains { $0.contains(key) } }.map(\.1)
        if out.isEmpty { out = ["The clinical notes of your care team."] }
        return out
    }
}
