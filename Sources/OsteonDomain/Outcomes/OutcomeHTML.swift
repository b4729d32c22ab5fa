import Foundation

/// `osteon outcomes --format html`: one self-contained page (no script, no external file) with the curves
/// drawn as SVG — a step line, its 95 % band, and the numbers at risk under the x-axis — and the tables.
extension OutcomeReport {
    public func html(suppressBelow n: Int? = nil) -> String {
        """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Outcomes as of \(asOf)</title>
        <style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#111}
        table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #bbb;padding:.25rem .5rem;text-align:right}
        th:first-child,td:first-child,td.words{text-align:left}figure{margin:1rem 0}figcaption{font-weight:600}
        .key span{display:inline-block;margin-right:1rem}.key i{display:inline-block;width:1.5rem;height:.25rem;vertical-align:middle;margin-right:.3rem}</style>
        </head><body><main><h1>Outcomes as of \(asOf)</h1>
        \(htmlSections(suppressBelow: n))</main></body></html>

        """
    }

    /// The page's figures and tables (also the web dashboard's); `measureLink` gives a measure's drill-down link.
    public func htmlSections(suppressBelow n: Int? = nil, measureLink: ((String) -> String)? = nil) -> String {
        func e(_ s: String) -> String { HTMLEscape.escape(s) }
        func count(_ c: Int) -> String { n.map { c > 0 && c < $0 } == true ? "fewer than \(n!)" : String(c) }
        func small(_ c: Int) -> Bool { n.map { c < $0 } ?? false }
        func pct(_ x: Double?) -> String { x.map { String(format: "%.1f %%", $0 * 100) } ?? "—" }
        var out = "<p>Patients read: \(count(patientsRead)); with a bone metastasis: \(count(withBoneMetastasis)); included: \(count(records.count)).</p>\n"
        if !excluded.isEmpty {
            out += "<table><caption>Left out of the cohort</caption><tr><th>Reason</th><th>Patients</th></tr>"
            for x in excluded { out += "<tr><td>\(e(x.reason.rawValue))</td><td>\(count(x.count))</td></tr>" }
            out += "</table>"
        }
        out += Self.figure("Overall survival", "Survival", [("All patients", overall, nil)], small: small, count: count)
        let shown = byPrimary.filter { !small($0.curve.n) }
        if !shown.isEmpty {
            out += Self.figure("Survival by primary", "Survival", shown.map { (Words.value($0.group), $0.curve, nil) }, small: small, count: count)
        }
        if let l = logRank, !byPrimary.contains(where: { small($0.curve.n) }) {
            out += "<p>Log-rank test across primaries: chi-square \(String(format: "%.2f", l.statistic)) on \(l.degreesOfFreedom) degrees of freedom, p = \(String(format: "%.3g", l.p)).</p>"
        }
        if !small(skeletalEvents.n) && !small(skeletalEvents.firstEvents) {
            let cif = skeletalEvents.table.map { KaplanMeier.Row(days: $0.days, atRisk: 0, events: 0, censored: 0, survival: $0.incidence, lower: $0.incidence, upper: $0.incidence) }
            out += Self.figure("First skeletal-related event, death competing (cumulative incidence)", "Cumulative incidence",
                               [("Skeletal-related event", eventFree, cif)], small: small, count: count)
        }
        out += "<p>First skeletal-related events: \(count(skeletalEvents.firstEvents)); deaths before one: \(count(skeletalEvents.deathsBeforeEvent)).</p>"
        out += "<h2>Survival scores at the index date</h2><table><tr><th>Score</th><th>Group</th><th>Months</th><th>Observed</th><th>95 % limits</th><th>At risk</th><th>Derivation cohort</th></tr>"
        for s in byScore {
            for g in s.groups {
                for (months, t) in Self.calibrationDays {
                    let atRisk = g.curve.table.filter { $0.days >= t }.reduce(0) { $0 + $1.events + $1.censored }
                    let hidden = small(atRisk) || small(g.curve.n)
                    let row = g.curve.row(at: t)
                    let published = ScoreAtIndex.published(s.score, group: g.group, months: months)
                    out += "<tr><td>\(e(Words.rule(s.score.rawValue)))</td><td>\(e(g.group))</td><td>\(months)</td>"
                    // No one followed this long: the estimate is only carried forward, so none is shown.
                    out += hidden ? "<td>suppressed</td><td>—</td>"
                        : atRisk == 0 ? "<td class=\"words\">no one followed this long</td><td>—</td>"
                        : "<td>\(pct(row?.survival ?? 1))</td><td>\(pct(row?.lower ?? 1))–\(pct(row?.upper ?? 1))</td>"
                    out += "<td>\(count(atRisk))</td><td>\(published.map { "\(String(format: "%.1f %%", $0.percent)) \($0.provenance.mark)" } ?? "—")</td></tr>"
                }
            }
        }
        out += "</table><ul>"
        for s in byScore {
            let c = concordance.first { $0.score == s.score }?.c
            let text = c.map { small($0.n) ? "concordance suppressed" : "Harrell's C \(String(format: "%.3f", $0.index)) (\(count($0.n)) patients)" } ?? "no concordance (too few scored patients)"
            out += "<li>\(e(Words.rule(s.score.rawValue))): \(text); could not be scored for \(count(s.notComputed)) of \(count(records.count)).</li>"
        }
        out += "</ul><h2>Quality measures</h2><table><tr><th>Measure</th><th>Met</th><th>Eligible</th><th>Rate</th><th>Left out</th></tr>"
        for m in measures {
            let rate = small(m.numerator) || small(m.denominator) ? "suppressed" : pct(m.rate)
            let left = m.excluded.map { "\(e($0.reason)): \(count($0.count))" }.joined(separator: "; ")
            let title = measureLink.map { "<a href=\"\(e($0(m.id)))\">\(e(m.title))</a>" } ?? e(m.title)
            let unit = m.unit == "patients" ? "" : " Counted in \(e(m.unit))."
            out += "<tr><td>\(title)<br><small>\(e(m.citation)).\(unit)</small></td><td>\(count(m.numerator))</td><td>\(count(m.denominator))</td><td>\(rate)</td><td class=\"words\">\(left.isEmpty ? "none" : left)</td></tr>"
        }
        out += "</table>"
        let trends = Measures.all.map { ($0.title, "the first bone metastasis", $0.quarterly(records)) }
            + [(Measures.sarcomaReferralDefinition.title, "the first biopsy", Measures.sarcomaReferralDefinition.quarterly(pathways))]
        for (title, dated, quarters) in trends {
            guard !quarters.isEmpty else { continue }
            out += "<table><caption>\(e(title)), by quarter of \(dated)</caption><tr><th>Quarter</th><th>Met</th><th>Eligible</th><th>Rate</th></tr>"
            for q in quarters {
                let rate = small(q.numerator) || small(q.denominator) ? "suppressed" : pct(q.denominator > 0 ? Double(q.numerator) / Double(q.denominator) : nil)
                out += "<tr><td>\(q.quarter)</td><td>\(count(q.numerator))</td><td>\(count(q.denominator))</td><td>\(rate)</td></tr>"
            }
            out += "</table>"
        }
        return out + "\n"
    }

    static let colours = ["#1f4e9c", "#b23a00", "#2e7d32", "#6a1b9a", "#00695c", "#8d6e00", "#ad1457", "#37474f"]

    /// A step chart: each curve's line (and its 95 % band when it has one), the numbers at risk at each tick under the axis.
    /// `override` draws other values (the cumulative incidence) on the times of the given Kaplan–Meier's risk table.
    static func figure(_ title: String, _ axis: String, _ curves: [(String, KaplanMeier, [KaplanMeier.Row]?)],
                       small: (Int) -> Bool, count: (Int) -> String) -> String {
        let width = 660.0, height = 260.0, left = 88.0, bottom = 30.0
        let maxDay = max(30, curves.flatMap { $0.1.table.map(\.days) + ($0.2?.map(\.days) ?? []) }.max() ?? 30)
        let step = [30, 91, 182, 365, 730].first { maxDay / $0 <= 8 } ?? 365
        let ticks = Array(stride(from: 0, through: maxDay, by: step))
        func x(_ d: Int) -> Double { left + Double(d) / Double(maxDay) * (width - left - 10) }
        func y(_ s: Double) -> Double { 10 + (1 - s) * (height - 10 - bottom) }
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height + 22.0 * Double(curves.count)))\" role=\"img\" aria-label=\"\(HTMLEscape.escape(title))\" width=\"100%\">"
        for v in stride(from: 0.0, through: 1.0, by: 0.25) {
            svg += "<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y(v))\" y2=\"\(y(v))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y(v) + 4)\" text-anchor=\"end\" font-size=\"11\">\(Int(v * 100)) %</text>"
        }
        for t in ticks { svg += "<text x=\"\(x(t))\" y=\"\(height - bottom + 14)\" text-anchor=\"middle\" font-size=\"11\">\(t)</text>" }
        svg += "<text x=\"\(width / 2)\" y=\"\(height - 2)\" text-anchor=\"middle\" font-size=\"11\">days from the first bone metastasis</text>"
        for (k, c) in curves.enumerated() {
            let colour = colours[k % colours.count]
            let rows = (c.2 ?? c.1.table).filter { !small($0.atRisk) || c.2 != nil }
            var line = "M\(x(0)),\(y(c.2 == nil ? 1 : 0))", upper = [(Double, Double)](), lower = [(Double, Double)]()
            var prev = (s: c.2 == nil ? 1.0 : 0.0, lo: c.2 == nil ? 1.0 : 0.0, hi: c.2 == nil ? 1.0 : 0.0)
            for r in rows {
                line += " H\(x(r.days)) V\(y(r.survival))"
                upper += [(x(r.days), y(prev.hi)), (x(r.days), y(r.upper))]
                lower += [(x(r.days), y(prev.lo)), (x(r.days), y(r.lower))]
                prev = (r.survival, r.lower, r.upper)
            }
            // Bands overlap past three curves: then the lines alone.
            if c.2 == nil, !upper.isEmpty, curves.count <= 3 {
                let band = ([(x(0), y(1))] + upper + lower.reversed() + [(x(0), y(1))]).map { "\($0.0),\($0.1)" }.joined(separator: " ")
                svg += "<polygon points=\"\(band)\" fill=\"\(colour)\" fill-opacity=\"0.15\" stroke=\"none\"/>"
            }
            svg += "<path d=\"\(line)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>"
            // Numbers at risk under the axis, one row per curve.
            let rowY = height + 16 + 22.0 * Double(k)
            svg += "<text x=\"4\" y=\"\(rowY)\" font-size=\"10\" fill=\"\(colour)\">\(HTMLEscape.escape(String(c.0.prefix(12))))</text>"
            for t in ticks {
                let atRisk = c.1.table.filter { $0.days >= t }.reduce(0) { $0 + $1.events + $1.censored }
                svg += "<text x=\"\(x(t))\" y=\"\(rowY)\" text-anchor=\"middle\" font-size=\"10\">\(HTMLEscape.escape(count(atRisk)))</text>"
            }
        }
        svg += "</svg>"
        let key = curves.enumerated().map { k, c in "<span class=\"c\(k % colours.count)\"><i style=\"background:\(colours[k % colours.count])\"></i>\(HTMLEscape.escape(c.0))</span>" }.joined()
        return "<figure><figcaption>\(HTMLEscape.escape(title))</figcaption>\(svg)<div class=\"key\">\(key)</div><p><small>\(HTMLEscape.escape(axis))\(curves.count <= 3 && curves.allSatisfy { $0.2 == nil } ? " with its 95 % band" : ""); numbers at risk under the axis (patients still followed at each time).</small></p></figure>\n"
    }
}
