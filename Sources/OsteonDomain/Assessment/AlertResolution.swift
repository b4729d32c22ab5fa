/// An alert is resolved when the action it asks for is recorded: the
/// whole-spine MRI after the symptoms began, a dose for the hypercalcaemia
/// given on or after the calcium, the fixation or stabilisation done. It stays
/// in the list with the record that resolved it, and no longer makes the
/// patient urgent.
enum AlertResolution {
    static func run(_ ctx: Context, _ a: inout Assessment) {
        for i in a.alerts.indices {
            a.alerts[i].resolvedBy = resolution(of: a.alerts[i], ctx)
        }
    }

    static func resolution(of alert: Assessment.Alert, _ ctx: Context) -> Fact? {
        let lesion = alert.lesionID.flatMap { id in ctx.lesions.first { $0.id == id } }
        func surgery(_ kinds: [SurgeryKind]) -> Fact? {
            guard let lesion else { return nil }
            return (ctx.c.surgeries ?? []).first { $0.lesionID == lesion.id && $0.kind.map(kinds.contains) == true }.map {
                Fact("surgeries[\(lesion.id)]", "\($0.kind!.rawValue.replacingOccurrences(of: "_", with: " "))\($0.date.map { " on \($0)" } ?? "")")
            }
        }
        switch alert.code {
        case .suspectedMSCC:
            let onset = ctx.c.neurology?.symptomOnset
            return (ctx.c.imaging ?? []).first { s in s.isWholeSpineMRI && (onset == nil || (s.date.map { $0 >= onset! } ?? false)) }
                .map { Fact("imaging", "MRI of the whole spine\($0.date.map { " on \($0)" } ?? "")") }
        case .hypercalcaemiaCrisis, .hypercalcaemiaModerate, .hypercalcaemiaUncorrected:
            guard let since = ctx.calciumDate else { return nil }
            return ctx.recordedBMAs.compactMap { m -> (Medication, Day)? in
                guard let d = m.lastDoseDate, d >= since, m.agent != nil, m.agent != .other else { return nil }
                return (m, d)
            }.max { $0.1 < $1.1 }.map { Fact("medications[\($0.0.displayName)].last_dose_date", "\($0.0.displayName) given on \($0.1)") }
        case .impendingPathologicalFracture, .pathologicalFracture:
            return surgery([.prophylacticFixation, .fractureFixation, .stabilization, .resection, .amputation])
        case .spinalInstability, .potentialSpinalInstability:
            return surgery([.stabilization, .separationSurgery, .decompression, .cementAugmentation])
        case .highGradeESCC:
            if let s = surgery([.decompression, .separationSurgery]) { return s }
            guard let lesion, let detected = lesion.detectedDate else { return nil }
            return ctx.radiotherapy(for: lesion).first { $0.date.map { $0 >= detected } ?? false }
                .map { Fact("radiotherapy[\(lesion.id)]", "radiotherapy\($0.date.map { " on \($0)" } ?? "")") }
        default:
            return nil
        }
    }
}
