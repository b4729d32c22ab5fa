/// Predisposition syndromes and what they imply (REFERENCE §14.2).
enum Prevention {
    typealias Item = Assessment.PlanItem

    static let implications: [Predisposition: (gene: String, inheritance: String, risk: String, action: String)] = [
        .liFraumeni: ("TP53", "autosomal dominant", "osteosarcoma, breast and brain cancer, leukaemia and soft-tissue sarcoma",
                      "Cancer surveillance protocol (whole-body MRI, ◐); relatives may carry the same variant: offer genetic counselling."),
        .hereditaryRetinoblastoma: ("RB1", "autosomal dominant", "osteosarcoma and other second cancers",
                                    "Report new bone pain or swelling promptly; relatives: genetic counselling."),
        .rothmundThomson: ("RECQL4", "autosomal recessive", "osteosarcoma at a younger age", "Report bone pain or swelling promptly."),
        .werner: ("WRN", "autosomal recessive", "osteosarcoma", "Report bone pain or swelling promptly."),
        .bloom: ("BLM", "autosomal recessive", "osteosarcoma", "Report bone pain or swelling promptly."),
        .diamondBlackfan: ("ribosomal protein genes", "dominant", "osteosarcoma", "Report bone pain or swelling promptly."),
        .multipleHereditaryExostoses: ("EXT1 or EXT2", "autosomal dominant", "secondary peripheral chondrosarcoma (0.5–5 %)",
                                       "Report new pain or growth of an osteochondroma after skeletal maturity; relatives: 50 % chance of inheriting."),
        .ollier: ("IDH1 or IDH2 (somatic mosaic, not inherited)", "sporadic", "secondary central chondrosarcoma",
                  "Report new pain or growth of an enchondroma."),
        .maffucci: ("IDH1 or IDH2 (somatic mosaic, not inherited)", "sporadic", "secondary central chondrosarcoma and other tumours",
                    "Report new pain or growth of an enchondroma."),
        .paget: ("SQSTM1 and other loci (✘)", "—", "osteosarcoma in older adults (about 1 %, ◐)", "Report new or changing bone pain."),
        .priorRadiotherapy: ("—", "—", "radiation-associated sarcoma in the treated field", "Report new pain or a lump in the treated area."),
    ]

    static func run(_ ctx: Context, _ a: inout Assessment) {
        for p in ctx.c.predispositions ?? [] {
            guard let i = implications[p] else { continue }
            a.propose(Item(code: .predisposition(p), category: .prevention,
                           text: "\(p.rawValue.replacingOccurrences(of: "_", with: " ").capitalized): \(i.action)",
                           reason: "Gene \(i.gene), \(i.inheritance); raises the risk of \(i.risk).",
                           citations: [References.nciPDQ, References.bovee2008],
                           details: .predisposition(gene: i.gene, inheritance: i.inheritance),
                           facts: [Fact("predispositions", p.rawValue)]), to: \.prevention)
        }
        if ctx.primaries.contains(.osteosarcoma) {
            let counselled = ctx.referral([.genetics]) != nil
            a.propose(Item(code: .germlineTestingOsteosarcoma, category: .prevention,
                           text: "Ask the family history and offer germline testing (TP53 and other cancer-susceptibility genes).",
                           reason: "About 28 % of people with osteosarcoma carry a likely pathogenic germline variant. (Indication wording ✘.)",
                           citations: [References.alexander2021, References.nciPDQ], status: counselled ? .referred : .toOffer,
                           facts: [Fact("cancers[].primary_site", "osteosarcoma")]), to: \.prevention)
            if !counselled {
                a.gap(.germlineTestingNotOffered, "Osteosarcoma without a recorded genetics referral or germline testing offer.", [References.alexander2021])
            }
            if ctx.c.familyHistory == nil {
                a.need("family_history", for: "prevention", "family history of cancer (osteosarcoma can be part of an inherited syndrome)")
            }
        }
        // Metastatic prostate cancer: germline testing for every patient (§18.5, NCCN prostate ◐).
        if ctx.cancers.contains(where: { $0.primarySite == .prostate }), a.boneMetastasis == true || ctx.cancers.contains(where: { $0.primarySite == .prostate && $0.stage?.uppercased().contains("IV") == true }) {
            let counselled = ctx.referral([.genetics]) != nil
            a.propose(Item(code: .germlineTestingMetastaticProstate, category: .prevention,
                           text: "Offer germline testing (genetic counselling) for metastatic prostate cancer (◐ NCCN prostate; wording ✘).",
                           reason: "Germline testing is advised for every patient with metastatic prostate cancer.",
                           citations: [References.nccnProstateGermline], status: counselled ? .referred : .toOffer,
                           facts: [Fact("cancers[].primary_site", "prostate, metastatic")]), to: \.prevention)
            if !counselled {
                a.gap(.germlineTestingNotOffered, "Metastatic prostate cancer without a recorded genetics referral or germline testing offer.", [References.nccnProstateGermline])
            }
        }
        if ctx.primaries.contains(where: { $0 == .chondrosarcoma }), ctx.c.predispositions == nil {
            a.need("predispositions", for: "prevention", "Ollier/Maffucci or multiple osteochondromas (secondary chondrosarcoma)")
        }
        for item in ctx.c.familyHistory ?? [] {
            let condition = item.condition?.lowercased() ?? ""
            if ["sarcoma", "osteosarcoma", "li-fraumeni", "li_fraumeni", "retinoblastoma"].contains(where: condition.contains),
               ctx.referral([.genetics]) == nil {
                a.propose(Item(code: .geneticsReferralFamilyHistory, category: .prevention,
                               text: "Offer genetic counselling: \(item.relation ?? "a relative") had \(item.condition!).",
                               reason: "Sarcoma, retinoblastoma or Li–Fraumeni in the family can mean an inherited predisposition.",
                               citations: [References.nciPDQ], status: .toOffer,
                               facts: [Fact("family_history", "\(item.relation ?? "relative"): \(item.condition!)")]), to: \.prevention)
                break
            }
        }
    }
}
