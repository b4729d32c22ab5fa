/// Primary bone tumour vs metastasis vs myeloma (REFERENCE §11–12): each
/// lesion is classified from its recorded origin, and a lesion of unrecorded
/// origin gets a ranked differential with the reasons for and against.
enum Classification {
    /// Usual radiographic phenotype of metastases by primary (REFERENCE §11 ✔).
    static func usualPhenotypes(_ cancer: Cancer) -> [Phenotype]? {
        switch cancer.primarySite {
        case .prostate?: [.blastic, .mixed]
        case .breast?: [.lytic, .mixed, .blastic]
        case .lung?: cancer.lungType == .smallCell ? [.blastic] : cancer.lungType == .nonSmallCell ? [.lytic] : nil
        case .thyroid?, .kidney?, .melanoma?, .myeloma?: [.lytic]
        case .carcinoid?: [.blastic]
        case .bladder?: [.mixed, .blastic]
        case .colorectal?, .stomach?, .oesophagus?, .headAndNeck?: [.mixed]
        default: nil
        }
    }

    static func run(_ ctx: inout Context, _ a: inout Assessment) {
        a.primarySites = ctx.primaries.map(\.rawValue).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        for lesion in ctx.lesions {
            let cls: Context.LesionClass
            switch lesion.origin {
            case .metastasis?:
                // With myeloma as the only cancer, a lesion called a metastasis is myeloma bone disease.
                cls = ctx.hasMyeloma && ctx.metastasizingCancers.isEmpty ? .myeloma : .metastasis(from: ctx.likelyPrimary?.primarySite)
            case .primary?:
                if ctx.hasMyeloma && ctx.boneSarcomas.isEmpty { cls = .myeloma }
                else { cls = .primaryBoneTumor(ctx.boneSarcomas.count == 1 ? ctx.boneSarcomas[0].primarySite : nil) }
            case .unknown?, nil:
                if ctx.hasMyeloma && ctx.metastasizingCancers.isEmpty && ctx.boneSarcomas.isEmpty {
                    cls = .myeloma
                } else if ctx.boneSarcomas.count == 1 && ctx.metastasizingCancers.isEmpty && !ctx.hasMyeloma && ctx.lesions.count == 1 {
                    cls = .primaryBoneTumor(ctx.boneSarcomas[0].primarySite)
                } else {
                    let d = differential(for: lesion, ctx)
                    cls = .undetermined(likely: d.first?.diagnosis)
                    a.differential.append(Assessment.Differential(lesionID: lesion.id, confirmed: nil, candidates: d))
                }
            }
            ctx.lesionClass[lesion.id] = cls
            a.lesionClasses.append((lesion.id, cls.label))
        }

        // With every origin recorded, still show the reasoning for the index lesion.
        if a.differential.isEmpty, let index = ctx.lesions.first, let cls = ctx.lesionClass[index.id] {
            a.differential.append(Assessment.Differential(lesionID: index.id, confirmed: cls.label, candidates: differential(for: index, ctx)))
        }

        let classes = ctx.lesions.compactMap { ctx.lesionClass[$0.id] }
        if classes.contains(where: { if case .metastasis = $0 { true } else { false } }) {
            a.boneMetastasis = true
        } else if ctx.c.lesions != nil, !classes.contains(where: { if case .undetermined = $0 { true } else { false } }) {
            a.boneMetastasis = false
        } else {
            a.boneMetastasis = nil
        }
        a.myelomaBoneDisease = classes.contains(.myeloma)

        if a.boneMetastasis == nil, !ctx.lesions.isEmpty {
            a.warnings.append("The origin of \(ctx.lesions { if case .undetermined = $0 { true } else { false } }.map(\.id).joined(separator: ", ")) is not recorded: bone metastasis is unknown until it is confirmed (see the differential).")
        }
    }

    /// Ranked candidates for one lesion. Points only order the list; they are
    /// not probabilities, and every point is a stated reason.
    static func differential(for lesion: Lesion, _ ctx: Context) -> [Assessment.Candidate] {
        let age = ctx.age
        let destructive = lesion.phenotype == .lytic || lesion.phenotype == .mixed || lesion.lodwick?.isAggressive == true
        let over40 = age.map { $0 > 40 } ?? false
        let multiple = ctx.lesions.count > 1
        let bone = lesion.bone
        let region = lesion.region
        let predisposed = Set(ctx.c.predispositions ?? [])
        var out: [Assessment.Candidate] = []

        func add(_ name: String, _ evidence: [(Int, String)], _ cites: [Citation]) {
            let forR = evidence.filter { $0.0 > 0 }.map(\.1), against = evidence.filter { $0.0 < 0 }.map(\.1)
            out.append(Assessment.Candidate(diagnosis: name, points: evidence.reduce(0) { $0 + $1.0 }, reasonsFor: forR,
                                            reasonsAgainst: against, citations: cites))
        }

        // Metastasis
        var met: [(Int, String)] = []
        let carcinomas = ctx.metastasizingCancers
        if !carcinomas.isEmpty {
            met.append((3, "known primary cancer: \(carcinomas.compactMap { $0.primarySite?.rawValue }.joined(separator: ", "))"))
            for k in carcinomas {
                if let usual = usualPhenotypes(k), let p = lesion.phenotype {
                    met.append(usual.contains(p)
                        ? (1, "\(p.rawValue) fits \(k.primarySite!.rawValue) metastases (usually \(usual.map(\.rawValue).joined(separator: "/")))")
                        : (-1, "\(p.rawValue) is unusual for \(k.primarySite!.rawValue) metastases (usually \(usual.map(\.rawValue).joined(separator: "/")))"))
                }
            }
        }
        if over40 && destructive { met.append((2, "age over 40 with a destructive lesion: metastasis or myeloma until proven otherwise")) }
        if multiple { met.append((1, "more than one bone lesion")) }
        if bone?.isAxial == true || (bone == .femur && region.map { [.proximal, .femoralNeck, .peritrochanteric, .trochanteric, .intertrochanteric, .subtrochanteric].contains($0) } == true) {
            met.append((1, "axial skeleton or proximal femur, where metastases favour"))
        }
        if let age, age < 30, carcinomas.isEmpty { met.append((-2, "age \(age) with no known primary cancer")) }
        if carcinomas.isEmpty && !over40 { met.append((-1, "no known primary cancer")) }
        add("metastasis", met, [References.mskKeyOver40, References.coleman2006])

        // Myeloma
        var mm: [(Int, String)] = []
        if ctx.hasMyeloma { mm.append((5, "known myeloma")) }
        if over40 && lesion.phenotype == .lytic { mm.append((2, "age over 40 with a lytic lesion: metastasis or myeloma until proven otherwise")) }
        if multiple && lesion.phenotype == .lytic { mm.append((1, "several lesions; myeloma lesions are lytic")) }
        if ctx.calcium.hyper != nil { mm.append((1, "hypercalcaemia (lytic disease)")) }
        if lesion.phenotype == .blastic { mm.append((-2, "blastic lesion; myeloma is lytic")) }
        if !carcinomas.isEmpty { mm.append((-1, "a known primary cancer makes metastasis likelier")) }
        if let age, age < 30 { mm.append((-2, "age \(age)")) }
        add("myeloma", mm, [References.mskKeyOver40, References.coleman2006])

        // Primary bone tumours (REFERENCE §12)
        let kneeMetaphysis = (bone == .femur && (region == .distal || region == .metaphysis)) || (bone == .tibia && (region == .proximal || region == .metaphysis))
            || (bone == .humerus && region == .proximal)
        var osteo: [(Int, String)] = []
        if ctx.primaries.contains(.osteosarcoma) { osteo.append((5, "known osteosarcoma")) }
        if let age, (10...25).contains(age) { osteo.append((2, "age \(age): first osteosarcoma peak (10–25)")) }
        if let age, age > 65, !predisposed.isDisjoint(with: [.paget, .priorRadiotherapy]) {
            osteo.append((2, "age over 65 with Paget disease or prior radiotherapy: second osteosarcoma peak"))
        }
        if !predisposed.isDisjoint(with: [.liFraumeni, .hereditaryRetinoblastoma, .rothmundThomson, .werner, .bloom, .diamondBlackfan]) {
            osteo.append((1, "predisposition syndrome linked to osteosarcoma"))
        }
        if kneeMetaphysis || (bone?.isLongBone == true && region == .metaphysis) { osteo.append((2, "metaphysis of a long bone around the knee or proximal humerus")) }
        if lesion.phenotype == .blastic || lesion.phenotype == .mixed { osteo.append((1, "bone-forming (blastic or mixed) lesion")) }
        if over40 && predisposed.isDisjoint(with: [.paget, .priorRadiotherapy]) { osteo.append((-2, "age over 40 without Paget disease or prior radiotherapy")) }
        if !carcinomas.isEmpty { osteo.append((-1, "a known primary cancer makes metastasis likelier")) }
        add("osteosarcoma", osteo, [References.boneTumourEpidemiology, References.nciPDQ])

        var ewing: [(Int, String)] = []
        if ctx.primaries.contains(.ewingSarcoma) { ewing.append((5, "known Ewing sarcoma")) }
        if let age, (10...25).contains(age) { ewing.append((2, "age \(age): Ewing sarcoma is commonest at 10–25 (median 15)")) }
        if (bone?.isLongBone == true && region == .diaphysis) || bone == .pelvis || bone == .rib {
            ewing.append((2, "diaphysis of a long bone, pelvis or rib"))
        }
        if over40 { ewing.append((-2, "age over 40")) }
        if !carcinomas.isEmpty { ewing.append((-1, "a known primary cancer makes metastasis likelier")) }
        add("ewing_sarcoma", ewing, [References.boneTumourEpidemiology, References.esmo2021])

        var chondro: [(Int, String)] = []
        if ctx.primaries.contains(.chondrosarcoma) { chondro.append((5, "known chondrosarcoma")) }
        if over40 { chondro.append((1, "age over 40: chondrosarcoma is the bone sarcoma of adulthood")) }
        if bone == .pelvis || bone == .rib || (bone == .femur && region == .proximal) || (bone == .humerus && region == .proximal) || bone == .scapula {
            chondro.append((2, "pelvis, proximal femur, proximal humerus/shoulder or rib"))
        }
        if !predisposed.isDisjoint(with: [.ollier, .maffucci, .multipleHereditaryExostoses]) {
            chondro.append((2, "Ollier/Maffucci or multiple osteochondromas: secondary chondrosarcoma risk"))
        }
        if let age, age < 20 { chondro.append((-1, "age \(age)")) }
        if !carcinomas.isEmpty { chondro.append((-1, "a known primary cancer makes metastasis likelier")) }
        add("chondrosarcoma", chondro, [References.boneTumourEpidemiology, References.bovee2008])

        var gct: [(Int, String)] = []
        if ctx.primaries.contains(.giantCellTumor) { gct.append((5, "known giant cell tumour of bone")) }
        if let age, (20...40).contains(age) { gct.append((1, "young adult (20–40, ✘ exact range)")) }
        if region == .epiphysis && bone?.isLongBone == true { gct.append((2, "end of a long bone next to the joint")) }
        if lesion.phenotype == .lytic { gct.append((1, "lytic")) }
        if !carcinomas.isEmpty { gct.append((-1, "a known primary cancer makes metastasis likelier")) }
        add("giant_cell_tumor", gct, [References.boneTumourEpidemiology])

        var chordoma: [(Int, String)] = []
        if ctx.primaries.contains(.chordoma) { chordoma.append((5, "known chordoma")) }
        if bone == .sacrum { chordoma.append((2, "sacrum, the commonest chordoma site")) }
        else if bone == .vertebra || bone == .skull { chordoma.append((1, "skull base or mobile spine")) }
        if let age, (40...59).contains(age) { chordoma.append((1, "age in the 40s–50s")) }
        if !carcinomas.isEmpty { chordoma.append((-1, "a known primary cancer makes metastasis likelier")) }
        add("chordoma", chordoma, [References.boneTumourEpidemiology])

        var lymphoma: [(Int, String)] = []
        if ctx.primaries.contains(.lymphoma) { lymphoma.append((5, "known lymphoma")) }
        if over40 && destructive { lymphoma.append((1, "over 40 with a destructive lesion: lymphoma is in the differential with metastasis and myeloma")) }
        add("lymphoma", lymphoma, [References.mskKeyOver40])

        return out.filter { !$0.reasonsFor.isEmpty }.sorted { $0.points > $1.points }
    }
}
