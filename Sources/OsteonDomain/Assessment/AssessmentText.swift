extension Assessment {
    /// A report a tumour board could read aloud: urgent items first.
    public var text: String {
        var out: [String] = []
        func section(_ title: String, _ lines: [String]) {
            guard !lines.isEmpty else { return }
            out.append("")
            out.append(title.uppercased())
            out += lines
        }
        out.append("Osteon assessment — patient \(patientID), as of \(asOf)")
        let sites = primarySites.isEmpty ? "none recorded" : primarySites.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ")
        let mets = boneMetastasis.map { $0 ? "yes" : "no" } ?? "unknown"
        out.append("Primary: \(sites). Bone metastasis: \(mets).\(myelomaBoneDisease ? " Myeloma bone disease." : "")")

        section("Not advised (a recorded fact forbids it)", prohibitions.map { p in
            "• \(p.what.prefix(1).uppercased() + p.what.dropFirst()). \(p.reason)\(p.decidedBy.map { " (\($0) safety decision)" } ?? "")"
        })
        section("Urgent alerts", alerts.map { a in
            "• [\(a.severity.rawValue.uppercased())] \(a.title). \(a.action)\n    Why: \(a.reason)\n    Source: \(a.citations.map(\.text).joined(separator: "; "))"
        })
        section("Lesions", lesionClasses.map { "• \($0.lesionID): \($0.classification)" })
        section("Differential", differential.flatMap { d -> [String] in
            ["Lesion \(d.lesionID ?? "?"):"] + d.candidates.enumerated().map { n, c in
                "  \(n + 1). \(c.diagnosis.replacingOccurrences(of: "_", with: " "))"
                    + (c.reasonsFor.isEmpty ? "" : " — for: \(c.reasonsFor.joined(separator: "; "))")
                    + (c.reasonsAgainst.isEmpty ? "" : " — against: \(c.reasonsAgainst.joined(separator: "; "))")
            }
        })
        section("Scores", scores.map { s in
            let who = s.lesionID.map { " [\($0)]" } ?? ""
            if let r = s.report {
                let total = r.total.map { "total \($0); " } ?? ""
                return "• \(s.id)\(who): \(total)\(r.recommendation)\n    Source: \(r.citations.map(\.text).joined(separator: "; "))"
            }
            return "• \(s.id)\(who): \(s.problem?.message ?? "cannot score") — collect: \(s.problem?.problems.map(\.field).joined(separator: ", ") ?? "")"
        } + (survivalNote.map { ["• Survival: \($0)"] } ?? []))
        func items(_ list: [PlanItem]) -> [String] {
            list.map { p in
                var line = "• \(p.text)"
                if let s = p.status { line += " [\(s.rawValue.replacingOccurrences(of: "_", with: " "))\(p.due.map { ", due \($0)" } ?? "")]" }
                else if let d = p.due { line += " [due \(d)]" }
                return line + "\n    Why: \(p.reason)\n    Source: \(p.citations.map(\.text).joined(separator: "; "))"
            }
        }
        section("Imaging plan", items(imagingPlan))
        section("Treatment plan", items(treatmentPlan))
        section("Surveillance and follow-up", items(surveillance))
        section("Prevention and screening", items(prevention))
        section("Care gaps", careGaps.map { "• \($0.code.rawValue): \($0.reason)" })
        section("Data needed", dataNeeded.map { "• \($0.field) — \($0.detail) (for \($0.neededFor.joined(separator: ", ")))" })
        section("Warnings", warnings.map { "• \($0)" })
        section("Where the facts came from", sources.map { "• \($0.path): \($0.source)" })
        out.append("")
        out.append("Scores estimate groups, not individuals. Every item above names its source; decisions remain the board's.")
        return out.joined(separator: "\n") + "\n"
    }
}
