/// The scores that apply to this patient, computed from the case; a score
/// that lacks inputs is shown as "cannot score" and its inputs go to data_needed.
enum CaseScores {
    typealias Where = [String: (path: String, detail: String)]

    /// Keeps the typed result and its report; a score that cannot be computed
    /// lists every missing or invalid input in data_needed, by case path.
    @discardableResult
    static func record<R: AssessedRule>(_ rule: R.Type, _ outcome: Outcome<R.Result>, lesion: Lesion? = nil,
                                        where places: Where, into a: inout Assessment) -> R.Result? {
        switch outcome {
        case .scored(let result):
            a.scores.append(Assessment.ScoreEntry(id: rule.id, lesionID: lesion?.id, result: R.wrap(result), report: rule.report(result), problem: nil))
        case .cannotScore(let problem):
            for field in problem.problems.map(\.field) {
                let place = places[field] ?? places[String(field.split(separator: ".").first ?? "")]
                    ?? (path: field, detail: "input \(field) of \(rule.id)")
                a.need(place.path, for: rule.id, place.detail)
            }
            a.scores.append(Assessment.ScoreEntry(id: rule.id, lesionID: lesion?.id, result: nil, report: nil, problem: problem))
        }
        return outcome.value
    }

    static func run(_ ctx: Context, _ a: inout Assessment) {
        for lesion in ctx.metastaticTypeLesions {
            if lesion.bone?.isLongBone == true { mirels(lesion, ctx, &a) }
            if lesion.isSpinal { spine(lesion, ctx, &a) }
        }
        survival(ctx, &a)
        if let cc = ctx.calcium.corrected {
            record(CorrectedCalcium.self, .scored(cc), where: [:], into: &a)
        } else if ctx.confirmedSkeletalDisease || ctx.calcium.total != nil {
            // Without a same-day albumin the calcium is not corrected (REFERENCE §18.3.3).
            record(CorrectedCalcium.self, CorrectedCalcium.evaluate(.mgDl(calcium: ctx.calcium.total?.value, albuminGDl: nil)),
                   where: ["total_calcium_mg_dl": ("labs.calcium", "serum calcium with its unit and date"),
                           "albumin_g_dl": ("labs.albumin", ctx.calcium.needs.first?.1 ?? "serum albumin from the same sample as the calcium, to correct it")],
                   into: &a)
        }
        sarcomaStaging(ctx, &a)
    }

    // MARK: Mirels (REFERENCE §1)

    static func mirelsSite(_ lesion: Lesion) -> Mirels.Site? {
        if let s = lesion.mirelsSite { return s }
        guard let bone = lesion.bone else { return nil }
        if bone.isUpperLimbLongBone { return .upperLimb }
        guard bone.isLowerLimbLongBone else { return nil }
        if bone == .femur {
            // Without a region the lesion could be peritrochanteric (3 points): ask, never assume.
            guard let r = lesion.region else { return nil }
            if [.peritrochanteric, .trochanteric, .intertrochanteric].contains(r) { return .peritrochanteric }
            // Femoral neck/head and subtrochanteric are not named by the source: the clinician picks.
            if [.femoralNeck, .femoralHead, .subtrochanteric, .proximal].contains(r) { return nil }
        }
        return .lowerLimb
    }

    static func mirels(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let size = lesion.mirelsSize ?? lesion.sizeFraction.map { Mirels.Size(fractionOfDiameter: $0) }
        let input = Mirels.Input(site: mirelsSite(lesion), pain: lesion.limbPain, lesionType: lesion.phenotype.flatMap { Mirels.LesionType(rawValue: $0.rawValue) }, size: size)
        let siteDetail = lesion.bone == .femur
            ? "femur: choose the Mirels site (peritrochanteric for the trochanteric region, else lower limb), or record the region"
            : "bone and region of the lesion"
        let result = record(Mirels.self, Mirels.evaluate(input), lesion: lesion, where: [
            "site": (ctx.path(lesion, lesion.bone == .femur ? "mirels_site" : "bone"), siteDetail),
            "pain": (ctx.path(lesion, "pain"), "limb pain: mild, moderate or functional"),
            "lesion_type": (ctx.path(lesion, "phenotype"), "lytic, blastic or mixed on plain radiograph"),
            "size": (ctx.path(lesion, "size_fraction"), "lesion width as a fraction of the bone's diameter"),
        ], into: &a)
        if let result { Alerts.mirels(result, lesion, ctx, &a) }
    }

    // MARK: Spine: SINS, ESCC, NOMS (REFERENCE §2, §7)

    static func spine(_ lesion: Lesion, _ ctx: Context, _ a: inout Assessment) {
        let input = SINS.Input(levels: lesion.spinalLevels, pain: lesion.spinePain,
                               boneLesion: lesion.phenotype.flatMap { SINS.BoneLesion(rawValue: $0.rawValue) },
                               alignment: lesion.alignment, collapse: lesion.collapse, posterolateral: lesion.posterolateral)
        let sins = record(SINS.self, SINS.evaluate(input), lesion: lesion, where: [
            "level": (ctx.path(lesion, "level"), "vertebral level, e.g. T12"),
            "pain": (ctx.path(lesion, "pain"), "spinal pain: mechanical, occasional_non_mechanical or pain_free"),
            "bone_lesion": (ctx.path(lesion, "phenotype"), "lytic, blastic or mixed"),
            "alignment": (ctx.path(lesion, "alignment"), "normal, de_novo_deformity or subluxation_translation"),
            "vertebral_body_collapse": (ctx.path(lesion, "vertebral_body_collapse"), "collapse category from CT/MRI"),
            "posterolateral_involvement": (ctx.path(lesion, "posterolateral_involvement"), "none, unilateral or bilateral"),
        ], into: &a)
        if let sins { Alerts.sins(sins, lesion, ctx, &a) }

        record(ESCC.self, ESCC.evaluate(ESCC.Input(grade: lesion.escc)), lesion: lesion, where: [
            "escc_grade": (ctx.path(lesion, "escc_grade"), "Bilsky grade on axial T2 MRI at the level of worst compression"),
        ], into: &a)

        guard ctx.lesionClass[lesion.id]?.isConfirmedMetastaticType == true else { return }
        let primary = ctx.primaryCancer(of: lesion)
        let sensitivity = primary.flatMap(radiosensitivity)
        record(NOMS.self, NOMS.evaluate(NOMS.Input(escc: lesion.escc, radiosensitivity: sensitivity, sinsTotal: sins?.total,
                                                   medicallyFitForSurgery: ctx.c.fitForSurgery, primary: primary?.primarySite?.rawValue)),
               lesion: lesion, where: [
                "escc_grade": (ctx.path(lesion, "escc_grade"), "Bilsky grade on axial T2 MRI"),
                "radiosensitivity": (primary.map { ctx.cancerPath($0, "radiosensitivity") } ?? "cancers[].radiosensitivity",
                                     "radiosensitive or radioresistant: the board classifies this histology"),
                "sins_total": (ctx.path(lesion, "SINS inputs"), "complete the SINS inputs"),
                "medically_fit_for_surgery": ("fit_for_surgery", "systemic assessment: can the patient tolerate surgery"),
               ], into: &a)
    }

    /// NOMS radiosensitivity: the clinician's entry, else the histologies the
    /// NOMS papers list at either end (✘ lists). Breast, prostate, ovarian and
    /// neuroendocrine ("moderately sensitive") are left to the board.
    static func radiosensitivity(_ cancer: Cancer) -> NOMS.Radiosensitivity? {
        if let r = cancer.radiosensitivity { return r }
        switch cancer.primarySite {
        case .myeloma?, .lymphoma?: return .radiosensitive
        case .kidney?, .thyroid?, .liver?, .colorectal?, .rectum?, .melanoma?, .softTissueSarcoma?, .osteosarcoma?, .chondrosarcoma?:
            return .radioresistant
        case .lung?: return cancer.lungType == .nonSmallCell ? .radioresistant : nil
        default: return nil
        }
    }

    // MARK: Survival scores side by side (REFERENCE §3–5)

    static func tokuhashiSite(_ cancer: Cancer?) -> TokuhashiRevised.PrimarySite? {
        guard let site = cancer?.primarySite else { return nil }
        switch site {
        case .lung: return .lung
        case .osteosarcoma: return .osteosarcoma
        case .stomach: return .stomach
        case .bladder: return .bladder
        case .oesophagus: return .oesophagus
        case .pancreas: return .pancreas
        case .liver: return .liver
        case .gallbladder: return .gallbladder
        case .unknownPrimary: return .unidentified
        case .kidney: return .kidney
        case .uterus: return .uterus
        case .rectum: return .rectum
        case .thyroid: return .thyroid
        case .breast: return .breast
        case .prostate: return .prostate
        case .carcinoid: return .carcinoid
        case .colorectal, .ovary, .cervix, .melanoma, .headAndNeck, .softTissueSarcoma, .other: return .other
        case .myeloma, .lymphoma, .ewingSarcoma, .chondrosarcoma, .giantCellTumor, .chordoma, .primaryBoneMalignancy: return nil
        }
    }

    /// Tomita's examples only (REFERENCE §4); other tumours need the clinician's group.
    static func tomitaGroup(_ cancer: Cancer?) -> Tomita.GrowthGroup? {
        if let g = cancer?.tomitaGrowthGroup { return g }
        switch cancer?.primarySite {
        case .breast?, .thyroid?, .prostate?: return .slow
        case .kidney?, .uterus?: return .moderate
        case .lung?, .liver?, .stomach?, .colorectal?, .unknownPrimary?: return .rapid
        default: return nil
        }
    }

    /// Katagiri 2014 groups (REFERENCE §5); the ✘ additions are not used.
    static func katagiriGroup(_ cancer: Cancer?) -> (group: KatagiriNew.GrowthGroup?, missing: (String, String)?) {
        guard let cancer else { return (nil, ("cancers[].primary_site", "the primary tumour")) }
        if let g = cancer.katagiriGrowthGroup { return (g, nil) }
        switch cancer.primarySite {
        case .breast?, .prostate?:
            switch cancer.hormoneStatus {
            case .hormoneDependent?: return (.slow, nil)
            case .hormoneIndependent?: return (.moderate, nil)
            case nil: return (nil, ("cancers[].hormone_status", "hormone-dependent or hormone-independent (Katagiri primary group)"))
            }
        case .thyroid?, .myeloma?, .lymphoma?: return (.slow, nil)
        case .kidney?, .softTissueSarcoma?, .osteosarcoma?, .ewingSarcoma?, .chondrosarcoma?: return (.moderate, nil)
        case .lung?:
            switch cancer.targetedTherapy {
            case true?: return (.moderate, nil)
            case false?: return (.rapid, nil)
            case nil: return (nil, ("cancers[].targeted_therapy", "lung cancer: treated with molecularly targeted drugs or not"))
            }
        case .colorectal?, .rectum?, .stomach?, .pancreas?, .headAndNeck?, .oesophagus?, .liver?, .melanoma?, .unknownPrimary?:
            return (.rapid, nil)
        default:
            return (nil, ("cancers[].katagiri_growth_group", "slow, moderate or rapid: this primary is not in Katagiri's table"))
        }
    }

    static func survival(_ ctx: Context, _ a: inout Assessment) {
        // Survival scores need confirmed skeletal disease, not a suspicion.
        let metastatic = ctx.confirmedMetastaticLesions
        guard !metastatic.isEmpty else { return }
        let primary = ctx.hasMyeloma && ctx.metastasizingCancers.isEmpty ? ctx.cancers.first { $0.primarySite == .myeloma } : ctx.likelyPrimary
        let spinal = metastatic.filter(\.isSpinal)
        let counts = SkeletalInventory(ctx, metastatic: metastatic)
        let extraspinal = counts.extraspinal, vertebral = counts.vertebral
        let others = ctx.c.otherMetastases
        let visceral = others?.filter { $0.site != .lymphNode }
        let perf = ctx.c.performance
        let countsNote = counts.note.map { " (\($0))" } ?? ""
        var results: [(String, String)] = []

        if !spinal.isEmpty, !ctx.hasMyeloma || !ctx.metastasizingCancers.isEmpty {
            var organ: TokuhashiRevised.OrganMetastases?
            if let visceral {
                let major = visceral.filter { $0.site.map { $0.isMajorOrgan } ?? true }
                if major.isEmpty { organ = TokuhashiRevised.OrganMetastases.none }
                else if major.allSatisfy({ $0.removable == true }) { organ = .removable }
                else if major.contains(where: { $0.removable == false }) { organ = .unremovable }
            }
            var input = TokuhashiRevised.Input(kps: perf?.kps, extraspinalBoneMetastases: extraspinal, vertebralBodyMetastases: vertebral,
                                               organMetastases: organ, primarySite: tokuhashiSite(primary), frankel: ctx.c.neurology?.frankel)
            if perf?.kps == nil, let r = perf?.kpsRange { input.kpsRange = r.range; input.kpsRangeSource = "converted from ECOG \(perf!.ecog!)" }
            if let t = record(TokuhashiRevised.self, TokuhashiRevised.evaluate(input), where: [
                "kps": ("performance_status.kps", perf?.ecog != nil ? "Karnofsky: ECOG \(perf!.ecog!) converts to a KPS range that spans two Tokuhashi bands" : "Karnofsky performance status"),
                "extraspinal_bone_metastases_count": ("skeletal_metastasis_counts.extraspinal", "number of extraspinal bone metastases, from a whole-skeleton survey (bone scan or PET)"),
                "vertebral_body_metastases_count": ("skeletal_metastasis_counts.vertebral", "number of vertebral bodies involved, from MRI of the whole spine or a whole-skeleton survey"),
                "major_internal_organ_metastases": ("other_metastases[].removable", "lung, liver, kidney or brain metastases: none, removable or unremovable"),
                "primary_site": ("cancers[].primary_site", "the primary tumour (one known primary)"),
                "frankel_grade": ("neurology.frankel_grade", "Frankel grade A–E"),
            ], into: &a) {
                results.append(("Tokuhashi \(t.total)\(countsNote)", t.total >= 12 ? "good" : t.total >= 9 ? "intermediate" : "poor"))
            }

            var tomitaVisceral: Tomita.Visceral?
            if let visceral {
                if visceral.isEmpty { tomitaVisceral = Tomita.Visceral.none }
                else if visceral.allSatisfy({ $0.treatable == true }) { tomitaVisceral = .treatable }
                else if visceral.contains(where: { $0.treatable == false }) { tomitaVisceral = .untreatable }
            }
            let boneMets: Tomita.BoneMetastases? = counts.multiple.map { $0 ? .multiple : .solitaryOrIsolated }
            if let t = record(Tomita.self, Tomita.evaluate(Tomita.Input(primarySite: primary?.primarySite?.rawValue, growthGroup: tomitaGroup(primary),
                                                                         visceral: tomitaVisceral, bone: boneMets)), where: [
                "primary_growth_group": ("cancers[].tomita_growth_group", "slow, moderate or rapid: this primary is not among Tomita's examples"),
                "visceral_metastases": ("other_metastases[].treatable", "visceral metastases: none, treatable or untreatable"),
                "bone_metastases": ("skeletal_metastasis_counts", "solitary or multiple bone metastases: the counts from a whole-skeleton survey"),
            ], into: &a) {
                results.append(("Tomita \(t.total)", t.total <= 3 ? "good" : t.total <= 5 ? "intermediate" : "poor"))
            }
        }

        let labs = KatagiriNew.Labs(crpMgDl: ctx.c.latestLab(.crp, on: ctx.asOf)?.value, ldhIuL: ctx.c.latestLab(.ldh, on: ctx.asOf)?.value,
                                    albuminGDl: ctx.c.latestLab(.albumin, on: ctx.asOf)?.value,
                                    plateletsPerUl: ctx.c.latestLab(.platelets, on: ctx.asOf)?.value,
                                    calciumMgDl: ctx.c.latestLab(.calcium, on: ctx.asOf)?.value,
                                    bilirubinMgDl: ctx.c.latestLab(.bilirubin, on: ctx.asOf)?.value)
        var katVisceral: KatagiriNew.Visceral?
        if let visceral {
            if visceral.isEmpty { katVisceral = KatagiriNew.Visceral.none }
            else if visceral.contains(where: { $0.pattern == .disseminated || $0.site?.isDisseminatedSite == true }) { katVisceral = .disseminated }
            else { katVisceral = .nodular }
        }
        let chemo: Bool? = ctx.c.medications.map { meds in meds.contains { $0.medicationClass == .chemotherapy } }
        let group = katagiriGroup(primary)
        let multipleSkeletal = counts.multiple
        var kInput = KatagiriNew.Input(primarySite: primary?.primarySite?.rawValue, growthGroup: group.group, visceral: katVisceral, labs: labs,
                                       ecog: perf?.ecog, previousChemotherapy: chemo, multipleSkeletalMetastases: multipleSkeletal)
        if perf?.ecog == nil { kInput.ecogRange = perf?.ecogRange?.range }
        var places: Where = [
            "visceral_or_cerebral_metastases": ("other_metastases", "visceral or brain metastases: none, nodular or disseminated"),
            "labs.crp_mg_dl": ("labs.crp", "C-reactive protein"), "labs.ldh_iu_l": ("labs.ldh", "lactate dehydrogenase"),
            "labs.albumin_g_dl": ("labs.albumin", "serum albumin"), "labs.platelets_per_ul": ("labs.platelets", "platelet count"),
            "labs.calcium_mg_dl": ("labs.calcium", "serum calcium"), "labs.total_bilirubin_mg_dl": ("labs.bilirubin", "total bilirubin"),
            "ecog_ps": ("performance_status.ecog", "ECOG performance status"),
            "previous_chemotherapy": ("medications", "the medication history (record \"none\" if there is none)"),
            "multiple_skeletal_metastases": ("skeletal_metastasis_counts", "number of skeletal metastases, from a whole-skeleton survey"),
        ]
        if let m = group.missing { places["primary_growth_group"] = m }
        if let k = record(KatagiriNew.self, KatagiriNew.evaluate(kInput), where: places, into: &a) {
            results.append(("Katagiri \(k.total) (\(k.riskGroup) risk)", k.riskGroup == "low" ? "good" : k.riskGroup == "intermediate" ? "intermediate" : "poor"))
        }

        if results.count > 1 {
            let categories = Set(results.map(\.1))
            a.survivalNote = categories.count > 1
                ? "The survival scores disagree: \(results.map { "\($0.0) → \($0.1) prognosis" }.joined(separator: "; ")). They were derived in different cohorts and eras; weigh them with the clinical picture."
                : "The survival scores agree: \(results.map(\.0).joined(separator: ", ")) all point to a \(results[0].1) prognosis."
        }
    }

    // MARK: Primary bone sarcoma staging (REFERENCE §8)

    static func sarcomaStaging(_ ctx: Context, _ a: inout Assessment) {
        for (n, cancer) in ctx.cancers.enumerated() where cancer.primarySite?.isBoneSarcoma == true {
            let s = cancer.staging ?? SarcomaStaging()
            let path = "cancers[\(n)].staging"
            let histology = cancer.histology ?? cancer.primarySite?.rawValue.replacingOccurrences(of: "_", with: " ")
            let common: Where = [
                "grade": ("\(path).grade", "histologic grade G1, G2, G3 or GX"),
                "regional_nodes": ("\(path).regional_nodes", "N0, N1 or NX"),
                "distant_metastases": ("\(path).distant_metastases", "none, lung_only or other_distant_sites (chest CT, bone scan/PET)"),
                "histology": ("cancers[\(n)].histology", "tumour type"),
            ]
            let fromLesions = siteGroupFromLesions(ctx)
            if let recorded = s.siteGroup, let derived = fromLesions, recorded != derived {
                a.warnings.append("\(path).site_group is \(recorded.rawValue) but the lesion's bone says \(derived.rawValue): the recorded site group is used; check it.")
            }
            switch s.siteGroup ?? fromLesions {
            case nil:
                // Never defaulted to appendicular (REFERENCE §18.5): the T categories differ by site.
                a.need("\(path).site_group", for: "ajcc8_bone", "AJCC site group: appendicular skeleton/trunk/skull, spine or pelvis (record the bone of the tumour, or the site group)")
            case .spine?:
                _ = record(AJCC8BoneSpine.self, AJCC8BoneSpine.evaluate(AJCC8BoneSpine.Input(
                    histology: histology, segmentsInvolved: s.segmentsInvolved, nonAdjacentSegments: s.nonAdjacentSegments,
                    spinalCanalExtension: s.spinalCanalExtension, greatVesselExtension: s.greatVesselExtension, grade: s.grade,
                    nodes: s.regionalNodes, metastases: s.distantMetastases)), where: common.merging([
                        "segments_involved": ("\(path).segments_involved", "vertebral segments involved: each vertebra has five (right pedicle, right body, left body, left pedicle, posterior element); count segments, not vertebral levels"),
                        "non_adjacent_segments": ("\(path).non_adjacent_segments", "any non-adjacent segments"),
                        "spinal_canal_extension": ("\(path).spinal_canal_extension", "extension into the spinal canal"),
                        "great_vessel_extension": ("\(path).great_vessel_extension", "extension into the great vessels"),
                    ]) { x, _ in x }, into: &a)
            case .pelvis?:
                _ = record(AJCC8BonePelvis.self, AJCC8BonePelvis.evaluate(AJCC8BonePelvis.Input(
                    histology: histology, greatestDimensionCm: s.greatestDimensionCm, pelvicSegments: s.pelvicSegments,
                    extraosseousExtension: s.extraosseousExtension, crossesSacroiliacJointToNeuroforamen: s.crossesSacroiliacJoint,
                    encasesExternalIliacOrPelvicVesselThrombus: s.encasesVessels, grade: s.grade, nodes: s.regionalNodes,
                    metastases: s.distantMetastases)), where: common.merging([
                        "greatest_dimension_cm": ("\(path).greatest_dimension_cm", "greatest tumour dimension (cm)"),
                        "pelvic_segments": ("\(path).pelvic_segments", "pelvic segments involved"),
                        "extraosseous_extension": ("\(path).extraosseous_extension", "extraosseous extension"),
                        "crosses_sacroiliac_joint_to_neuroforamen": ("\(path).crosses_sacroiliac_joint_to_neuroforamen", "crosses the SI joint"),
                        "encases_external_iliac_vessels_or_tumor_thrombus": ("\(path).encases_external_iliac_vessels_or_tumor_thrombus", "vessel involvement"),
                    ]) { x, _ in x }, into: &a)
            case .appendicularTrunkSkull?:
                _ = record(AJCC8BoneAppendicular.self, AJCC8BoneAppendicular.evaluate(AJCC8BoneAppendicular.Input(
                    histology: histology, greatestDimensionCm: s.greatestDimensionCm, discontinuous: s.discontinuous, grade: s.grade,
                    nodes: s.regionalNodes, metastases: s.distantMetastases)), where: common.merging([
                        "greatest_dimension_cm": ("\(path).greatest_dimension_cm", "greatest tumour dimension (cm) on MRI"),
                        "discontinuous_tumor_in_primary_bone": ("\(path).discontinuous_tumor_in_primary_bone", "skip lesions on whole-bone MRI"),
                    ]) { x, _ in x }, into: &a)
            }
            // Enneking has no GX (REFERENCE §18.5): a grade that cannot be assessed cannot be staged.
            let grade: Enneking.Grade? = s.grade.flatMap { $0 == .GX ? nil : $0.isHighGrade ? .high : .low }
            let metastasis: Bool? = {
                guard let m = s.distantMetastases, let n = s.regionalNodes else { return nil }
                return m != AJCC8Bone.DistantMetastases.none || n == .N1 || s.discontinuous == true
            }()
            let enneking: Outcome<Enneking.Result> = s.grade == .GX
                ? .cannotScore(.invalid("grade", "GX (grade cannot be assessed): Enneking needs low (G1) or high (G2–G3) grade"))
                : Enneking.evaluate(Enneking.Input(grade: grade, compartment: s.compartment, metastasisOrSkipOrNode: metastasis))
            _ = record(Enneking.self, enneking, where: [
                "grade": ("\(path).grade", s.grade == .GX ? "histologic grade: GX cannot be staged by Enneking (low or high grade needed)" : "histologic grade"),
                "compartment": ("\(path).compartment", "intracompartmental or extracompartmental"),
                "metastasis_or_skip_or_node": ("\(path).distant_metastases", "metastases, skip lesions or nodes"),
            ], into: &a)
            if let necrosis = s.percentNecrosis {
                _ = record(Huvos.self, Huvos.evaluate(Huvos.Input(percentNecrosis: necrosis)), where: [:], into: &a)
            }
        }
    }

    /// The AJCC site group from the bone of the primary tumour's lesions, when they agree (REFERENCE §18.5).
    static func siteGroupFromLesions(_ ctx: Context) -> SarcomaStaging.SiteGroup? {
        let bones = ctx.lesions { if case .primaryBoneTumor = $0 { true } else { false } }.map(\.bone)
        let groups = Set(bones.map { bone -> SarcomaStaging.SiteGroup? in
            switch bone {
            case .pelvis?, .sacrum?: .pelvis
            case .vertebra?: .spine
            case nil, .other?: nil
            default: .appendicularTrunkSkull
            }
        })
        guard groups.count == 1, let only = groups.first else { return nil }
        return only
    }
}

/// The counts the survival scores need (REFERENCE §18.5): recorded counts
/// first; the lesions entered are an inventory only when a whole-skeleton
/// survey is on record; without one, the lesions entered still prove a lower
/// bound, used only where that bound already decides the item (two lesions
/// are "multiple"; three vertebral levels or three extraspinal lesions are
/// "3 or more"). Absence is never concluded from what was not entered.
struct SkeletalInventory {
    var extraspinal: Int?
    var vertebral: Int?
    var multiple: Bool?
    var note: String?

    init(_ ctx: Context, metastatic: [Lesion]) {
        let levels = Set(metastatic.filter(\.isSpinal).flatMap { $0.spinalLevels ?? [] })
        let spinalWithoutLevel = metastatic.contains { $0.isSpinal && $0.spinalLevels == nil }
        let extraLesions = metastatic.filter { !$0.isSpinal }.count
        let recorded = ctx.c.skeletalCounts
        if let survey = ctx.wholeSkeletonSurvey {
            let surveyName = "\(survey.modality?.rawValue.replacingOccurrences(of: "_", with: " ") ?? "survey")\(survey.date.map { " of \($0)" } ?? "")"
            extraspinal = recorded?.extraspinal ?? extraLesions
            vertebral = recorded?.vertebral ?? (spinalWithoutLevel ? nil : levels.count)
            if recorded?.extraspinal == nil || recorded?.vertebral == nil { note = "counted from the lesions entered, with the \(surveyName) on record" }
        } else {
            // MRI of the whole spine counts the vertebral levels, not the rest of the skeleton.
            let wholeSpine = (ctx.c.imaging ?? []).contains { $0.isWholeSpineMRI && ($0.date.map { $0 <= ctx.asOf } ?? true) }
            extraspinal = recorded?.extraspinal ?? (extraLesions >= 3 ? extraLesions : nil)
            vertebral = recorded?.vertebral ?? (wholeSpine && !spinalWithoutLevel ? levels.count : levels.count >= 3 ? levels.count : nil)
            if (recorded?.extraspinal == nil && extraspinal != nil) || (recorded?.vertebral == nil && vertebral != nil) {
                note = wholeSpine && extraspinal == nil ? "vertebral levels from the whole-spine MRI" : "at least the lesions entered; no whole-skeleton survey is on record"
            }
        }
        if let e = recorded?.extraspinal, let v = recorded?.vertebral {
            multiple = e + v > 1
        } else if ctx.wholeSkeletonSurvey != nil {
            multiple = metastatic.count > 1
        } else if metastatic.count >= 2 {
            multiple = true
            if note == nil { note = "multiple: \(metastatic.count) lesions entered" }
        }
    }
}
