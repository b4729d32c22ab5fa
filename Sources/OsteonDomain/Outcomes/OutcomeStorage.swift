/// An outcome read as the server keeps it beside each patient's summary (recomputed with it, daily and on
/// every change), so that the quality dashboard reads one small row per patient instead of every record.
extension OutcomeRead {
    public var stored: JSONValue {
        switch self {
        case .noBoneMetastasis: return ["kind": "none"]
        case .excluded(let reason): return ["kind": "excluded", "reason": .string(reason.rawValue)]
        case .included(let r):
            return [
                "kind": "included", "patient": .string(r.patientID), "index": .string(r.index.description), "end": .string(r.end.description),
                "died": .bool(r.died), "sre": JSONValue(r.firstSRE?.description),
                "primaries": JSONValue(r.primaries.map(\.rawValue)),
                "scores": .array(r.scores.map { ["score": .string($0.score.rawValue), "total": .int($0.total), "group": .string($0.group)] }),
                "bma_first_start": JSONValue(r.bma.firstStart?.description), "prostate": .bool(r.bma.prostate),
                "castration_sensitive": JSONValue(r.bma.castrationSensitive),
                "bma_doses": r.bma.doseDays.map { JSONValue($0.map(\.description)) } ?? .null,
                "dental": JSONValue(r.bma.dentalEvaluations.map(\.description)), "dental_latest_only": .bool(r.bma.dentalLatestOnly),
                "bma_urgent_start": .bool(r.bma.urgentStart),
            ]
        }
    }

    /// nil for anything this version did not write (the row is then recomputed, never guessed).
    public init?(stored j: JSONValue) {
        switch j["kind"]?.stringValue {
        case "none": self = .noBoneMetastasis
        case "excluded":
            guard let reason = j["reason"]?.stringValue.flatMap(OutcomeRecord.Exclusion.init(rawValue:)) else { return nil }
            self = .excluded(reason)
        case "included":
            guard let id = j["patient"]?.stringValue, let index = j["index"]?.stringValue.flatMap(Day.init), let end = j["end"]?.stringValue.flatMap(Day.init),
                  case .bool(let died)? = j["died"], case .bool(let prostate)? = j["prostate"],
                  let dental = j["dental"]?.arrayValue, case .bool(let latestOnly)? = j["dental_latest_only"],
                  case .bool(let urgent)? = j["bma_urgent_start"] else { return nil }
            var scores: [ScoreAtIndex] = []
            for s in j["scores"]?.arrayValue ?? [] {
                guard let score = s["score"]?.stringValue.flatMap(ScoreAtIndex.Score.init(rawValue:)), let total = s["total"]?.intValue,
                      let group = s["group"]?.stringValue else { return nil }
                scores.append(.init(score: score, total: total, group: group))
            }
            let primaries = (j["primaries"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(PrimarySite.init(rawValue:)) }
            var castration: Bool?
            if case .bool(let b)? = j["castration_sensitive"] { castration = b }
            self = .included(OutcomeRecord(
                patientID: id, index: index, end: end, died: died, firstSRE: j["sre"]?.stringValue.flatMap(Day.init), primaries: primaries,
                scores: scores,
                bma: BMAFacts(firstStart: j["bma_first_start"]?.stringValue.flatMap(Day.init), prostate: prostate, castrationSensitive: castration,
                              doseDays: j["bma_doses"]?.arrayValue?.compactMap { $0.stringValue.flatMap(Day.init) },
                              dentalEvaluations: dental.compactMap { $0.stringValue.flatMap(Day.init) }, dentalLatestOnly: latestOnly, urgentStart: urgent)))
        default: return nil
        }
    }
}
