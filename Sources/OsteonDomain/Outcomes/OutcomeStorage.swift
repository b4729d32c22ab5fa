/// An outcome read as the server keeps it beside each patient's summary (recomputed with it, daily and on
/// every change), so that the quality dashboard reads one small row per patient instead of every record.
extension OutcomeRead {
    public var stored: JSONValue {
        switch self {
        case .noBoneMetastasis: return ["kind": "none"]
        case .primaryBoneTumour(let p): return ["kind": "primary_bone_tumour", "sarcoma": p.stored]
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
                "radiotherapy": .array(r.radiotherapy.map { c in
                    ["date": JSONValue(c.date?.description), "dose_gy": c.doseGy.map { .double($0) } ?? .null, "fractions": c.fractions.map { .int($0) } ?? .null,
                     "to_bone_metastasis": .bool(c.toBoneMetastasis), "previous_to_site": .bool(c.previousToSite), "stabilised": .bool(c.stabilised),
                     "cord_compression": .bool(c.cordCompression), "femoral": .bool(c.femoral)]
                }),
                "sarcoma": r.sarcoma?.stored ?? .null,
                "mscc": ["suspected": .bool(r.cordCompression.suspected), "since": JSONValue(r.cordCompression.since?.description),
                         "whole_spine_mri": JSONValue(r.cordCompression.wholeSpineMRIs.map(\.description))],
            ]
        }
    }

    /// nil for anything this version did not write (the row is then recomputed, never guessed).
    public init?(stored j: JSONValue) {
        switch j["kind"]?.stringValue {
        case "none": self = .noBoneMetastasis
        case "primary_bone_tumour":
            guard let p = j["sarcoma"].flatMap(SarcomaPathwayFacts.init(stored:)) else { return nil }
            self = .primaryBoneTumour(p)
        case "excluded":
            guard let reason = j["reason"]?.stringValue.flatMap(OutcomeRecord.Exclusion.init(rawValue:)) else { return nil }
            self = .excluded(reason)
        case "included":
            guard let id = j["patient"]?.stringValue, let index = j["index"]?.stringValue.flatMap(Day.init), let end = j["end"]?.stringValue.flatMap(Day.init),
                  case .bool(let died)? = j["died"], case .bool(let prostate)? = j["prostate"],
                  let dental = j["dental"]?.arrayValue, case .bool(let latestOnly)? = j["dental_latest_only"],
                  case .bool(let urgent)? = j["bma_urgent_start"], let courses = j["radiotherapy"]?.arrayValue,
                  case .bool(let suspected)? = j["mscc"]?["suspected"], let mris = j["mscc"]?["whole_spine_mri"]?.arrayValue,
                  let sarcomaValue = j["sarcoma"] else { return nil }
            var sarcoma: SarcomaPathwayFacts?
            if sarcomaValue != .null {
                guard let p = SarcomaPathwayFacts(stored: sarcomaValue) else { return nil }
                sarcoma = p
            }
            var radiotherapy: [RadiotherapyCourseFacts] = []
            for c in courses {
                guard case .bool(let bone)? = c["to_bone_metastasis"], case .bool(let previous)? = c["previous_to_site"], case .bool(let stabilised)? = c["stabilised"],
                      case .bool(let cord)? = c["cord_compression"], case .bool(let femoral)? = c["femoral"] else { return nil }
                radiotherapy.append(.init(date: c["date"]?.stringValue.flatMap(Day.init), doseGy: c["dose_gy"]?.numberValue, fractions: c["fractions"]?.intValue,
                                          toBoneMetastasis: bone, previousToSite: previous, stabilised: stabilised, cordCompression: cord, femoral: femoral))
            }
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
                              dentalEvaluations: dental.compactMap { $0.stringValue.flatMap(Day.init) }, dentalLatestOnly: latestOnly, urgentStart: urgent),
                radiotherapy: radiotherapy,
                cordCompression: .init(suspected: suspected, since: j["mscc"]?["since"]?.stringValue.flatMap(Day.init),
                                       wholeSpineMRIs: mris.compactMap { $0.stringValue.flatMap(Day.init) }),
                sarcoma: sarcoma))
        default: return nil
        }
    }
}

extension SarcomaPathwayFacts {
    var stored: JSONValue {
        ["patient": .string(patientID), "biopsies": JSONValue(biopsies.map(\.description)), "undated_biopsy": .bool(undatedBiopsy),
         "referrals": JSONValue(referrals.map(\.description)), "undated_referral": .bool(undatedReferral)]
    }

    init?(stored j: JSONValue) {
        guard let id = j["patient"]?.stringValue, let biopsies = j["biopsies"]?.arrayValue, let referrals = j["referrals"]?.arrayValue,
              case .bool(let undatedBiopsy)? = j["undated_biopsy"], case .bool(let undatedReferral)? = j["undated_referral"] else { return nil }
        self.init(patientID: id, biopsies: biopsies.compactMap { $0.stringValue.flatMap(Day.init) }, undatedBiopsy: undatedBiopsy,
                  referrals: referrals.compactMap { $0.stringValue.flatMap(Day.init) }, undatedReferral: undatedReferral)
    }
}
