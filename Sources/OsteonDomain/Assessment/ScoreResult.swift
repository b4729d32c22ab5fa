/// The typed result of every rule the assessment runs. The plan, alerts,
/// report, board summary and guide read these fields; JSON is made at the edge.
public enum ScoreResult: Sendable {
    case mirels(Mirels.Result)
    case sins(SINS.Result)
    case escc(ESCC.Result)
    case noms(NOMS.Result)
    case tokuhashi(TokuhashiRevised.Result)
    case tomita(Tomita.Result)
    case katagiri(KatagiriNew.Result)
    case zoledronicAcidDose(ZoledronicAcidRenalDose.Result)
    case zoledronicAcidPreDose(ZoledronicAcidRetreatment.Result)
    case correctedCalcium(CorrectedCalcium.Result)
    case ajccAppendicular(AJCC8BoneAppendicular.Result)
    case ajccSpine(AJCC8BoneSpine.Result)
    case ajccPelvis(AJCC8BonePelvis.Result)
    case enneking(Enneking.Result)
    case huvos(Huvos.Result)
}

/// A rule whose typed result the assessment keeps.
public protocol AssessedRule: ClinicalRule {
    static func wrap(_ result: Result) -> ScoreResult
    static func unwrap(_ result: ScoreResult) -> Result?
}

extension Mirels: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .mirels(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .mirels(let r) = s { r } else { nil } }
}
extension SINS: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .sins(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .sins(let r) = s { r } else { nil } }
}
extension ESCC: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .escc(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .escc(let r) = s { r } else { nil } }
}
extension NOMS: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .noms(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .noms(let r) = s { r } else { nil } }
}
extension TokuhashiRevised: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .tokuhashi(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .tokuhashi(let r) = s { r } else { nil } }
}
extension Tomita: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .tomita(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .tomita(let r) = s { r } else { nil } }
}
extension KatagiriNew: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .katagiri(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .katagiri(let r) = s { r } else { nil } }
}
extension ZoledronicAcidRenalDose: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .zoledronicAcidDose(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .zoledronicAcidDose(let r) = s { r } else { nil } }
}
extension ZoledronicAcidRetreatment: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .zoledronicAcidPreDose(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .zoledronicAcidPreDose(let r) = s { r } else { nil } }
}
extension CorrectedCalcium: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .correctedCalcium(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .correctedCalcium(let r) = s { r } else { nil } }
}
extension AJCC8BoneAppendicular: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .ajccAppendicular(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .ajccAppendicular(let r) = s { r } else { nil } }
}
extension AJCC8BoneSpine: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .ajccSpine(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .ajccSpine(let r) = s { r } else { nil } }
}
extension AJCC8BonePelvis: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .ajccPelvis(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .ajccPelvis(let r) = s { r } else { nil } }
}
extension Enneking: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .enneking(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .enneking(let r) = s { r } else { nil } }
}
extension Huvos: AssessedRule {
    public static func wrap(_ r: Result) -> ScoreResult { .huvos(r) }
    public static func unwrap(_ s: ScoreResult) -> Result? { if case .huvos(let r) = s { r } else { nil } }
}

extension ScoreResult {
    /// The result in a few words, for a card's headline or a FHIR outcome.
    public var headline: String {
        switch self {
        case .mirels(let r): "\(r.category.rawValue) fracture risk (\(r.fractureRisk6moBand) at 6 months)"
        case .sins(let r): r.category.rawValue.replacingOccurrences(of: "_", with: " ")
        case .escc(let r): "ESCC \(r.grade.rawValue)\(r.grade.isHighGrade ? " (high grade)" : r.grade.isControversial ? " (debated)" : " (low grade)")"
        case .noms(let r): r.radiationPlan
        case .tokuhashi(let r): "predicted survival \(r.predictedSurvival)"
        case .tomita(let r): r.band.category.goal
        case .katagiri(let r): "\(r.riskGroup) risk"
        case .zoledronicAcidDose(let r): r.doseMg.map { "\(format($0)) mg (CrCl \(format(r.clearance.crclMlMin)) mL/min)" } ?? "not recommended (CrCl \(format(r.clearance.crclMlMin)) mL/min)"
        case .zoledronicAcidPreDose(let r): r.decision.rawValue.replacingOccurrences(of: "_", with: " ")
        case .correctedCalcium(let r): "\(format(r.correctedMgDl)) mg/dL (\(r.severity == .none ? "no hypercalcaemia" : r.severity.rawValue.replacingOccurrences(of: "_", with: " ")))"
        case .ajccAppendicular(let r): "stage \(r.stageGroup) (\(r.t) \(r.n) \(r.m))"
        case .ajccSpine(let r): "\(r.t) \(r.n) \(r.m)"
        case .ajccPelvis(let r): "\(r.t) \(r.n) \(r.m)"
        case .enneking(let r): "stage \(r.stage)"
        case .huvos(let r): "grade \(r.grade) (\(r.goodResponder ? "good" : "poor") response)"
        }
    }
}
