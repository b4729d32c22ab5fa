import Foundation

/// Shared AJCC 8th edition bone vocabulary (REFERENCE.md §8.2).
public enum AJCC8Bone {
    public static let citations = [
        Citation("AJCC Cancer Staging Manual, 8th ed., 2017 — Bone (effective 1 January 2018)"),
    ]

    public enum Grade: String, InputEnum {
        case G1, G2, G3, GX
        /// GX groups with low grade (G1) for stage grouping.
        public var isHighGrade: Bool { self == .G2 || self == .G3 }
        public static var aliases: [String: Grade] { ["g1": .G1, "g2": .G2, "g3": .G3, "gx": .GX, "low": .G1, "low_grade": .G1] }
    }

    /// NX is treated as N0 unless nodes are clinically involved (PathologyOutlines ✔).
    public enum Nodes: String, InputEnum {
        case N0, N1, NX
        public static var aliases: [String: Nodes] { ["n0": .N0, "n1": .N1, "nx": .NX, "none": .N0] }
        var staged: Nodes { self == .NX ? .N0 : self }
    }

    /// M1a = lung only; M1b = other distant sites, including bone and distant nodes.
    public enum DistantMetastases: String, InputEnum {
        case none
        case lungOnly = "lung_only"
        case otherDistantSites = "other_distant_sites"
        public static var aliases: [String: DistantMetastases] {
            ["m0": .none, "m1a": .lungOnly, "lung": .lungOnly, "m1b": .otherDistantSites, "bone": .otherDistantSites,
             "bone_or_other": .otherDistantSites, "other": .otherDistantSites, "other_sites": .otherDistantSites,
             "distant_nodes": .otherDistantSites, "bone_or_distant_nodes": .otherDistantSites, "other_distant": .otherDistantSites,
             "bone_or_other_distant": .otherDistantSites, "lung_and_other": .otherDistantSites, "lung_and_bone": .otherDistantSites,
             "bone_and_lung": .otherDistantSites, "non_lung": .otherDistantSites]
        }
        var category: String { switch self { case .none: "M0"; case .lungOnly: "M1a"; case .otherDistantSites: "M1b" } }
    }

    /// Histologies outside the bone chapter: lymphoma and myeloma are staged elsewhere.
    static func excludedHistology(_ text: String) -> String? {
        let t = text.lowercased()
        for word in ["lymphoma", "myeloma", "plasmacytoma"] where t.contains(word) { return word }
        return nil
    }

    static func readHistology(_ r: inout InputReader) -> String? {
        guard let h = r.string("histology") else { return nil }
        if let word = excludedHistology(h) {
            r.invalid("histology", "AJCC 8th bone staging does not cover \(word); stage it with its own system")
            return nil
        }
        return h
    }

    static let histologyKey = InputKey("histology", "tumour type and site, e.g. 'conventional osteosarcoma, distal femur' (not lymphoma or myeloma)", allowed: "text")
    static let gradeKey = InputKey.oneOf("grade", "histologic grade (8th edition, three tiers; GX groups with G1)", Grade.self)
    static let nodesKey = InputKey.oneOf("regional_nodes", "regional lymph nodes (NX is staged as N0)", Nodes.self)
    static let metastasisKey = InputKey.oneOf("distant_metastases", "none (M0), lung only (M1a), other distant sites incl. bone and distant nodes (M1b)", DistantMetastases.self)
}

/// AJCC 8th edition, appendicular skeleton, trunk, skull and facial bones:
/// T by size and skip lesions, then the stage group.
public enum AJCC8BoneAppendicular: ClinicalRule {
    public static let id = "ajcc8_bone_appendicular_trunk_skull"
    public static let title = "AJCC 8th edition — bone: appendicular skeleton, trunk, skull and facial bones"

    public struct Input: Sendable {
        public var histology: String?
        public var greatestDimensionCm: Double?
        public var discontinuous: Bool?
        public var grade: AJCC8Bone.Grade?
        public var nodes: AJCC8Bone.Nodes?
        public var metastases: AJCC8Bone.DistantMetastases?
        public init(histology: String?, greatestDimensionCm: Double?, discontinuous: Bool?, grade: AJCC8Bone.Grade?,
                    nodes: AJCC8Bone.Nodes?, metastases: AJCC8Bone.DistantMetastases?) {
            self.histology = histology
            self.greatestDimensionCm = greatestDimensionCm
            self.discontinuous = discontinuous
            self.grade = grade
            self.nodes = nodes
            self.metastases = metastases
        }
    }

    public struct Result: Sendable {
        public let input: Input
        public let t: String, n: String, m: String
        public let stageGroup: String
        public let reason: String
    }

    public static let inputKeys: [InputKey] = [
        AJCC8Bone.histologyKey,
        InputKey("greatest_dimension_cm", "greatest tumour dimension in cm (8.0 exactly is T1)", allowed: "0.1–100"),
        InputKey("discontinuous_tumor_in_primary_bone", "skip lesions in the primary bone (T3)", allowed: "true, false"),
        AJCC8Bone.gradeKey, AJCC8Bone.nodesKey, AJCC8Bone.metastasisKey,
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(histology: AJCC8Bone.readHistology(&r), greatestDimensionCm: r.double("greatest_dimension_cm", in: 0.1...100),
              discontinuous: r.bool("discontinuous_tumor_in_primary_bone"), grade: r.enumValue("grade"),
              nodes: r.enumValue("regional_nodes"), metastases: r.enumValue("distant_metastases"))
    }

    /// T1 ≤ 8 cm; T2 > 8 cm; T3 discontinuous tumours in the primary bone site.
    public static func tCategory(greatestDimensionCm size: Double, discontinuous: Bool) -> String {
        if discontinuous { return "T3" }
        return size <= 8.0 ? "T1" : "T2"
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let histology = need.need(input.histology, "histology")
        let size = need.need(input.greatestDimensionCm, "greatest_dimension_cm")
        let skip = need.need(input.discontinuous, "discontinuous_tumor_in_primary_bone")
        let grade = need.need(input.grade, "grade")
        let nodes = need.need(input.nodes, "regional_nodes")
        let mets = need.need(input.metastases, "distant_metastases")
        guard histology != nil, let size, let skip, let grade, let nodes, let mets else { return .cannotScore(need.cannotScore!) }
        let t = tCategory(greatestDimensionCm: size, discontinuous: skip)
        let n = nodes.staged.rawValue
        let m = mets.category
        let high = grade.isHighGrade
        let stage: String, reason: String
        if n == "N1" {
            stage = "IVB"; reason = "Regional node metastasis (N1) is stage IVB whatever T, M or grade."
        } else if m == "M1b" {
            stage = "IVB"; reason = "Distant metastasis outside the lung (M1b) is stage IVB."
        } else if m == "M1a" {
            stage = "IVA"; reason = "Lung-only metastasis (M1a) with N0 is stage IVA whatever T or grade."
        } else if !high {
            stage = t == "T1" ? "IA" : "IB"
            reason = "Low grade (\(grade.rawValue)\(grade == .GX ? ", grouped with G1" : "")), \(t), N0 M0 → \(stage)."
        } else {
            stage = t == "T1" ? "IIA" : t == "T2" ? "IIB" : "III"
            reason = "High grade (\(grade.rawValue)), \(t), N0 M0 → \(stage)."
        }
        return .scored(Result(input: input, t: t, n: n, m: m, stageGroup: stage, reason: reason))
    }

    public static func report(_ r: Result) -> ScoreReport {
        var rationale = [r.reason]
        if r.input.nodes == .NX { rationale.append("NX is staged as N0 unless nodes are clinically involved.") }
        return ScoreReport(
            scoreID: id, title: title, band: r.stageGroup,
            recommendation: "AJCC 8th edition stage \(r.stageGroup) (\(r.t) \(r.n) \(r.m) \(r.input.grade!.rawValue)).",
            rationale: rationale, citations: AJCC8Bone.citations, provenance: .sourced,
            outputs: [("T", .string(r.t)), ("N", .string(r.n)), ("M", .string(r.m)),
                      ("grade", .string(r.input.grade!.rawValue)), ("stage_group", .string(r.stageGroup)),
                      ("histology", JSONValue(r.input.histology))]
        )
    }
}

/// AJCC 8th edition, spine: T by number and adjacency of segments and canal
/// or great-vessel extension. No stage grouping exists for the spine (✘).
public enum AJCC8BoneSpine: ClinicalRule {
    public static let id = "ajcc8_bone_spine"
    public static let title = "AJCC 8th edition — bone: spine (T category)"

    public struct Input: Sendable {
        public var histology: String?
        public var segmentsInvolved: Int?
        public var nonAdjacentSegments: Bool?
        public var spinalCanalExtension: Bool?
        public var greatVesselExtension: Bool?
        public var grade: AJCC8Bone.Grade?
        public var nodes: AJCC8Bone.Nodes?
        public var metastases: AJCC8Bone.DistantMetastases?
    }

    public struct Result: Sendable {
        public let input: Input
        public let t: String, n: String, m: String
        public let tProvenance: Provenance
    }

    public static let inputKeys: [InputKey] = [
        AJCC8Bone.histologyKey,
        InputKey("segments_involved", "number of vertebral segments involved", allowed: "1–30"),
        InputKey("non_adjacent_segments", "are any involved segments non-adjacent", allowed: "true, false"),
        InputKey("spinal_canal_extension", "extension into the spinal canal (T4a)", allowed: "true, false"),
        InputKey("great_vessel_extension", "extension into the great vessels (T4b)", allowed: "true, false"),
        AJCC8Bone.gradeKey, AJCC8Bone.nodesKey, AJCC8Bone.metastasisKey,
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(histology: AJCC8Bone.readHistology(&r), segmentsInvolved: r.int("segments_involved", in: 1...30),
              nonAdjacentSegments: r.bool("non_adjacent_segments"), spinalCanalExtension: r.bool("spinal_canal_extension"),
              greatVesselExtension: r.bool("great_vessel_extension"), grade: r.enumValue("grade"),
              nodes: r.enumValue("regional_nodes"), metastases: r.enumValue("distant_metastases"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let histology = need.need(input.histology, "histology")
        let segments = need.need(input.segmentsInvolved, "segments_involved")
        let nonAdjacent = need.need(input.nonAdjacentSegments, "non_adjacent_segments")
        let canal = need.need(input.spinalCanalExtension, "spinal_canal_extension")
        let vessels = need.need(input.greatVesselExtension, "great_vessel_extension")
        let grade = need.need(input.grade, "grade")
        let nodes = need.need(input.nodes, "regional_nodes")
        let mets = need.need(input.metastases, "distant_metastases")
        guard histology != nil, let segments, let nonAdjacent, let canal, let vessels, grade != nil, let nodes, let mets else {
            return .cannotScore(need.cannotScore!)
        }
        let t: String
        var provenance = Provenance.sourced
        if vessels { t = "T4b"; provenance = .unverified }
        else if canal { t = "T4a" }
        else if nonAdjacent || segments >= 4 { t = "T3" }
        else if segments == 3 { t = "T2" }
        else { t = "T1" }
        return .scored(Result(input: input, t: t, n: nodes.staged.rawValue, m: mets.category, tProvenance: provenance))
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title, band: r.t,
            recommendation: "\(r.t) \(r.n) \(r.m) \(r.input.grade!.rawValue); AJCC 8th edition gives no stage group for the spine.",
            rationale: ["T1 one segment or two adjacent; T2 three adjacent; T3 four or more adjacent or any non-adjacent; T4a spinal canal; T4b great vessels."],
            citations: AJCC8Bone.citations + [Citation("PathologyOutlines: Bone — staging (spine T categories)")],
            provenance: r.tProvenance,
            outputs: [("T", .string(r.t)), ("N", .string(r.n)), ("M", .string(r.m)),
                      ("grade", .string(r.input.grade!.rawValue)), ("stage_group", .null)],
            cautions: ["Spine stage grouping does not exist in AJCC 8 (✘, not confirmed): Osteon reports T, N, M and grade only."]
        )
    }
}

/// AJCC 8th edition, pelvis: T by segments, extraosseous extension, size and
/// vessel involvement. The pelvic T table is unverified (✘) in REFERENCE.md.
public enum AJCC8BonePelvis: ClinicalRule {
    public static let id = "ajcc8_bone_pelvis"
    public static let title = "AJCC 8th edition — bone: pelvis (T category)"

    public struct Input: Sendable {
        public var histology: String?
        public var greatestDimensionCm: Double?
        public var pelvicSegments: Int?
        public var extraosseousExtension: Bool?
        public var crossesSacroiliacJointToNeuroforamen: Bool?
        public var encasesExternalIliacOrPelvicVesselThrombus: Bool?
        public var grade: AJCC8Bone.Grade?
        public var nodes: AJCC8Bone.Nodes?
        public var metastases: AJCC8Bone.DistantMetastases?
    }

    public struct Result: Sendable {
        public let input: Input
        public let t: String, n: String, m: String
    }

    public static let inputKeys: [InputKey] = [
        AJCC8Bone.histologyKey,
        InputKey("greatest_dimension_cm", "greatest tumour dimension in cm (a: ≤ 8, b: > 8)", allowed: "0.1–100"),
        InputKey("pelvic_segments", "number of pelvic segments involved", allowed: "1–4"),
        InputKey("extraosseous_extension", "extraosseous extension", allowed: "true, false"),
        InputKey("crosses_sacroiliac_joint_to_neuroforamen", "crosses the sacroiliac joint to the sacral neuroforamen (T4a)", allowed: "true, false"),
        InputKey("encases_external_iliac_vessels_or_tumor_thrombus", "encases external iliac vessels or gross tumour thrombus in major pelvic vessels (T4b)", allowed: "true, false"),
        AJCC8Bone.gradeKey, AJCC8Bone.nodesKey, AJCC8Bone.metastasisKey,
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(histology: AJCC8Bone.readHistology(&r), greatestDimensionCm: r.double("greatest_dimension_cm", in: 0.1...100),
              pelvicSegments: r.int("pelvic_segments", in: 1...4), extraosseousExtension: r.bool("extraosseous_extension"),
              crossesSacroiliacJointToNeuroforamen: r.bool("crosses_sacroiliac_joint_to_neuroforamen"),
              encasesExternalIliacOrPelvicVesselThrombus: r.bool("encases_external_iliac_vessels_or_tumor_thrombus"),
              grade: r.enumValue("grade"), nodes: r.enumValue("regional_nodes"), metastases: r.enumValue("distant_metastases"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        var need = RequiredInputs()
        let histology = need.need(input.histology, "histology")
        let size = need.need(input.greatestDimensionCm, "greatest_dimension_cm")
        let segments = need.need(input.pelvicSegments, "pelvic_segments")
        let extra = need.need(input.extraosseousExtension, "extraosseous_extension")
        let si = need.need(input.crossesSacroiliacJointToNeuroforamen, "crosses_sacroiliac_joint_to_neuroforamen")
        let vessels = need.need(input.encasesExternalIliacOrPelvicVesselThrombus, "encases_external_iliac_vessels_or_tumor_thrombus")
        let grade = need.need(input.grade, "grade")
        let nodes = need.need(input.nodes, "regional_nodes")
        let mets = need.need(input.metastases, "distant_metastases")
        guard histology != nil, let size, let segments, let extra, let si, let vessels, grade != nil, let nodes, let mets else {
            return .cannotScore(need.cannotScore!)
        }
        let suffix = size <= 8.0 ? "a" : "b"
        let t: String
        if vessels { t = "T4b" }
        else if segments >= 3 || si { t = "T4a" }
        else if segments == 2 && extra { t = "T3" + suffix }
        else if segments == 2 || extra { t = "T2" + suffix }
        else { t = "T1" + suffix }
        return .scored(Result(input: input, t: t, n: nodes.staged.rawValue, m: mets.category))
    }

    public static func report(_ r: Result) -> ScoreReport {
        ScoreReport(
            scoreID: id, title: title, band: r.t,
            recommendation: "\(r.t) \(r.n) \(r.m) \(r.input.grade!.rawValue); AJCC 8th edition gives no stage group for the pelvis.",
            rationale: ["T1 one segment without extraosseous extension; T2 one segment with, or two without; T3 two with extension; T4a three segments or across the SI joint to the sacral neuroforamen; T4b external iliac vessels or major pelvic vessel thrombus; a ≤ 8 cm, b > 8 cm."],
            citations: AJCC8Bone.citations, provenance: .unverified,
            outputs: [("T", .string(r.t)), ("N", .string(r.n)), ("M", .string(r.m)),
                      ("grade", .string(r.input.grade!.rawValue)), ("stage_group", .null)],
            cautions: ["The pelvic T table is unverified against the manual (REFERENCE ✘): confirm before relying on it."]
        )
    }
}
