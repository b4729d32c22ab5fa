/// The edge: the stable, snake_case JSON of `osteon assess --format json` and
/// the API, written from the typed assessment. Nothing reads it back.
extension Assessment.ScoreEntry {
    public var json: JSONValue {
        var json = report?.json ?? ScoreReport.invalidJSON(problem ?? .missing(["input"]))
        if let lesionID, case .object(var pairs) = json {
            pairs.insert(("lesion_id", .string(lesionID)), at: 1)
            json = .object(pairs)
        }
        return json
    }
}

extension Fact {
    var json: JSONValue { ["path": .string(path), "value": .string(value)] }
}

extension PlanDetails {
    public var json: JSONValue {
        switch self {
        case .survivalEstimates(let s): ["survival_estimates": s.json]
        case .prechecks(let checks):
            ["prechecks": .array(checks.map { ["code": .string($0.code.rawValue), "text": .string($0.text), "status": .string($0.status)] })]
        case .radiotherapy(let r): PalliativeRadiotherapy.report(r).json
        case .surveillanceSchedule(let guideline, let start, let visits):
            ["guideline": .string(guideline), "window_start": .string(start.description), "next_visits": .array(visits.map { .string($0.description) })]
        case .predisposition(let gene, let inheritance): ["gene": .string(gene), "inheritance": .string(inheritance)]
        case .checkSinceLastDose(let test, let done): .object([("\(test.replacingOccurrences(of: " ", with: "_"))_since_last_dose", .bool(done))])
        }
    }
}

extension SurvivalSummary {
    /// One line per score, e.g. "14: 1 year or more".
    public var lines: [(id: String, text: String)] {
        var out: [(String, String)] = []
        if let t = tokuhashi { out.append((TokuhashiRevised.id, "\(t.total): \(t.predictedSurvival)")) }
        if let t = tomita { out.append((Tomita.id, "\(t.total): \(t.band.category.goal)")) }
        if let k = katagiri { out.append((KatagiriNew.id, "\(k.total): \(k.riskGroup) risk")) }
        if let note { out.append(("note", note)) }
        return out
    }

    var json: JSONValue {
        isEmpty ? .string("no survival score could be computed: see data_needed") : .object(lines.map { ($0.id, .string($0.text)) })
    }
}

extension Assessment {
    /// The stable, snake_case JSON of `osteon assess --format json`.
    public var json: JSONValue {
        func cites(_ c: [Citation]) -> JSONValue { .string(c.map(\.text).joined(separator: "; ")) }
        func facts(_ f: [Fact]) -> JSONValue { .array(f.map(\.json)) }
        func item(_ p: PlanItem) -> JSONValue {
            var pairs: [(String, JSONValue)] = [("code", .string(p.code.rawValue)), ("category", .string(p.category.rawValue)), ("text", .string(p.text)),
                                                ("reason", .string(p.reason)), ("citation", cites(p.citations))]
            if let l = p.lesionID { pairs.append(("lesion_id", .string(l))) }
            if let s = p.status { pairs.append(("status", .string(s.rawValue))) }
            if let d = p.due { pairs.append(("due", .string(d.description))) }
            if let x = p.details { pairs.append(("details", x.json)) }
            pairs.append(("triggered_by", facts(p.facts)))
            pairs.append(("would_change_with", JSONValue(p.wouldChangeWith)))
            return .object(pairs)
        }
        return .object([
            ("patient_id", .string(patientID)),
            ("as_of", .string(asOf.description)),
            ("died_on", JSONValue(diedOn?.description)),
            ("urgency", .string(urgency.rawValue)),
            ("primary_sites", JSONValue(primarySites)),
            ("bone_metastasis", JSONValue(boneMetastasis)),
            ("myeloma_bone_disease", .bool(myelomaBoneDisease)),
            ("lesions", .array(lesionClasses.map { l in
                ["lesion_id": .string(l.lesionID), "classification": .string(l.classification), "risk": .string(risk(lesion: l.lesionID).rawValue)]
            })),
            ("alerts", .array(alerts.map { a in
                var pairs: [(String, JSONValue)] = [("code", .string(a.code.rawValue)), ("severity", .string(a.severity.rawValue)),
                                                    ("title", .string(a.title)), ("action", .string(a.action)),
                                                    ("reason", .string(a.reason)), ("citation", cites(a.citations))]
                if let l = a.lesionID { pairs.append(("lesion_id", .string(l))) }
                pairs.append(("triggered_by", facts(a.facts)))
                pairs.append(("resolved_by", a.resolvedBy?.json ?? .null))
                return .object(pairs)
            })),
            ("scores", .object(scoresByID.map { ($0.id, $0.json) })),
            ("lesion_scores", .array(scores.compactMap { s in
                s.lesionID.map { ["lesion_id": .string($0), "score": .string(s.id), "result": s.json] }
            })),
            ("survival_note", JSONValue(survivalNote)),
            ("differential", .array(differential.map { d in
                .object([
                    ("lesion_id", JSONValue(d.lesionID)),
                    ("confirmed", JSONValue(d.confirmed)),
                    ("candidates", .array(d.candidates.enumerated().map { n, c in
                        ["rank": .int(n + 1), "diagnosis": .string(c.diagnosis), "reasons_for": JSONValue(c.reasonsFor),
                         "reasons_against": JSONValue(c.reasonsAgainst), "citation": cites(c.citations)]
                    })),
                ])
            })),
            ("imaging_plan", .array(imagingPlan.map(item))),
            ("treatment_plan", .array(treatmentPlan.map(item))),
            ("surveillance", .array(surveillance.map(item))),
            ("prevention", .array(prevention.map(item))),
            ("not_advised", .array(prohibitions.map { p in
                var pairs: [(String, JSONValue)] = [("what", .string(p.what)), ("reason", .string(p.reason)), ("citation", cites(p.citations)),
                                                    ("triggered_by", facts(p.facts))]
                if let by = p.decidedBy { pairs.append(("decided_by", .string(by))) }
                pairs.append(("withheld_items", JSONValue(withheld.filter { $0.prohibition.action == p.action }.map(\.item.code.rawValue))))
                return .object(pairs)
            })),
            ("care_gaps", .array(careGaps.map { g in
                var pairs: [(String, JSONValue)] = [("code", .string(g.code.rawValue)), ("reason", .string(g.reason)), ("citation", cites(g.citations))]
                if let l = g.lesionID { pairs.append(("lesion_id", .string(l))) }
                pairs.append(("triggered_by", facts(g.facts)))
                return .object(pairs)
            })),
            ("data_needed", .array(dataNeeded.map { ["field": .string($0.field), "needed_for": JSONValue($0.neededFor), "detail": .string($0.detail)] })),
            ("warnings", JSONValue(warnings)),
            ("sources", .object(sources.map { ($0.path, .string($0.source)) })),
        ])
    }
}
