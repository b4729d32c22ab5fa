import Foundation

/// The patient page's main content, written in Swift rather than Leaf: the
/// page is the busiest in the application and Leaf's interpreter cost more than
/// loading and assessing the case. The layout around it stays in base.leaf.
extension PatientPage {
    func html() -> HTMLTemplate {
        var w = HTMLWriter()
        let base = "/patients/\(patientID)"
        w.raw("<h1>"); w.text(name); w.raw("</h1>\n")
        w.slot(.emergencyBanner)
        w.raw("<p class=\"facts\">Hospital number "); w.text(externalID)
        w.raw(" · born "); w.text(birthDate)
        if let died { w.raw(" · <strong>died "); w.text(died); w.raw("</strong>") }
        w.raw(" · "); w.text(sex)
        w.raw(" · primary: "); w.text(primary); w.raw(" · bone metastasis: "); w.text(boneMetastasis)
        w.raw(" · assessed on "); w.text(asOf); w.raw("</p>\n")
        w.raw("""
            <div class="actions">
            <a class="button" href="\(base)/edit">Edit patient and case facts</a>
            <a class="button" href="\(base)/lesions/new">Add a lesion</a>
            <a class="button" href="\(base)/handout">Patient guide</a>
            <form method="post" action="\(base)/state" class="inline">\n
            """)
        w.csrfField()
        w.raw("\n<input type=\"hidden\" name=\"case_version\" value=\"\(caseVersion)\">\n<label for=\"case-state\">Board state</label>\n<select id=\"case-state\" name=\"state\">")
        for o in stateOptions { option(&w, o) }
        w.raw("</select>\n<button type=\"submit\">Move</button>\n</form>\n</div>\n\n")

        summaryCard(&w, base: base)

        section(&w, "alerts", "Alerts and what is not advised", open: true)
        if alerts.isEmpty {
            w.raw("<p>No alerts.</p>\n")
        } else {
            w.raw("<ul class=\"alerts\">\n")
            for a in alerts { alert(&w, a, detail: true) }
            w.raw("</ul>\n")
        }
        if !notAdvised.isEmpty {
            w.raw("<h3>Not advised: a recorded fact forbids it</h3>\n<ul class=\"not-advised\">\n")
            for n in notAdvised {
                w.raw("<li><strong>"); w.text(n.text); w.raw(".</strong>"); why(&w, n.reason); source(&w, n.citation); w.raw("</li>\n")
            }
            w.raw("</ul>\n")
        }
        endSection(&w)

        section(&w, "lesions", "Bone lesions", open: true)
        w.raw("<div class=\"lesion-layout\">\n<figure class=\"map\">")
        w.raw(skeleton)
        w.raw("""
            \n<figcaption>Risk by shape and colour: <span class="key key-high">▲</span> high \
            <span class="key key-borderline">◆</span> borderline <span class="key key-low">●</span> low \
            <span class="key key-unscored">■</span> not scored. The patient's right is on the left</figcaption></figure>
            <div>\n
            """)
        if lesions.isEmpty { w.raw("<p>No lesions recorded. <a href=\"\(base)/lesions/new\">Add a lesion</a>.</p>\n") }
        for l in lesions {
            w.raw("<div class=\"lesion risk-"); w.text(l.risk); w.raw("\" id=\"lesion-\(l.id)\">\n<h3>"); w.text(l.label.prefix(1).uppercased() + l.label.dropFirst())
            w.raw(" <span class=\"muted\">("); w.text(l.classification); w.raw(")</span></h3>\n")
            w.raw("<p class=\"lesion-actions\"><a href=\"\(base)/lesions/\(l.id)/edit\">Edit this lesion</a> · ")
            w.raw("<a href=\"\(base)/lesions/\(l.id)/delete\">Remove this lesion</a></p>\n")
            for s in l.scores { scoreCard(&w, s) }
            w.raw("</div>\n")
        }
        w.raw("</div>\n</div>\n")
        endSection(&w)

        section(&w, "plan", "Plan", open: true)
        planList(&w, "Imaging", imaging, empty: "Nothing planned.", showDue: true)
        planList(&w, "Treatment", treatment, empty: "Nothing planned.", showDue: false)
        planList(&w, "Surveillance and follow-up", surveillance, empty: "Nothing scheduled.", showDue: true)
        planList(&w, "Prevention and screening", prevention, empty: "Nothing to add.", showDue: true)
        endSection(&w)

        section(&w, "gaps", "Care gaps (\(gaps.count))", open: !gaps.isEmpty)
        list(&w, gaps, empty: "No care gaps.", open: "<ul class=\"gaps\">") { w, g in
            w.raw("<strong>"); w.text(g.text); w.raw("</strong>: "); w.text(g.reason); source(&w, g.citation)
        }
        endSection(&w)

        section(&w, "scores", "Survival and other scores for the patient", open: false)
        if let survivalNote { w.raw("<p class=\"note\">"); w.text(survivalNote); w.raw("</p>\n") }
        for s in patientScores { scoreCard(&w, s) }
        endSection(&w)

        if !differential.isEmpty {
            section(&w, "differential", "Differential diagnosis", open: false)
            w.raw("<ul>")
            for d in differential { w.raw("<li>"); w.text(d); w.raw("</li>") }
            w.raw("</ul>\n")
            endSection(&w)
        }

        section(&w, "need", "Data needed (all \(dataNeeded.count))", open: false)
        list(&w, dataNeeded, empty: "Nothing missing for the scores that apply.") { w, d in
            w.raw("<strong>")
            if let href = d.href { w.raw("<a href=\""); w.text(href); w.raw("\">"); w.text(d.text); w.raw("</a>") } else { w.text(d.text) }
            w.raw("</strong>: "); w.text(d.reason); w.raw(" <span class=\"muted\">(needed for "); w.text(d.status ?? ""); w.raw(")</span>")
        }
        w.raw("\n")
        if !warnings.isEmpty {
            w.raw("<h3>Warnings</h3><ul>")
            for warning in warnings { w.raw("<li>"); w.text(warning); w.raw("</li>") }
            w.raw("</ul>\n")
        }
        endSection(&w)

        section(&w, "tasks", "Care-plan tasks", open: true)
        if tasks.isEmpty {
            w.raw("<p>No tasks yet: they come from the tumour board's decision.</p>\n")
        } else {
            w.raw("<ul>")
            for t in tasks {
                w.raw("<li>")
                if t.done {
                    w.raw("<s>"); w.text(t.title); w.raw("</s> (done)")
                } else {
                    w.text(t.title); w.raw(" — "); w.text(t.owner)
                    if let due = t.due { w.raw(", due "); w.text(due) }
                    w.raw("\n<form method=\"post\" action=\"\(base)/tasks/\(t.id)/done\" class=\"inline\">"); w.csrfField()
                    w.raw("<button type=\"submit\" class=\"link\">Mark done</button></form>")
                }
                w.raw("</li>")
            }
            w.raw("</ul>\n")
        }
        endSection(&w)

        section(&w, "care-team", "Care team", open: false)
        list(&w, careTeam, empty: "No one is on this patient's care team yet.") { w, m in w.text(m) }
        w.raw("\n<form method=\"post\" action=\"\(base)/care-team\" class=\"compact\">\n"); w.csrfField()
        w.raw("""
            \n<label for="team-user">Add a colleague (user name)</label> <input id="team-user" name="username" autocomplete="off" required>
            <button type="submit">Add to care team</button>
            </form>\n
            """)
        endSection(&w)

        section(&w, "timeline", "Timeline", open: false)
        list(&w, timeline, empty: "No dated events yet.", open: "<ol class=\"timeline\">", close: "</ol>") { w, e in
            w.raw("<time>"); w.text(e.date); w.raw("</time> "); w.text(e.text)
        }
        endSection(&w)

        recordForms(&w, base: base)
        return w.finish()
    }

    /// `<p>empty</p>` when there are no items, else the list with one `<li>` per item.
    private func list<T>(_ w: inout HTMLWriter, _ items: [T], empty: String, open: String = "<ul>", close: String = "</ul>",
                         _ item: (inout HTMLWriter, T) -> Void) {
        guard !items.isEmpty else { return w.raw("<p>\(empty)</p>") }
        w.raw(open)
        for i in items {
            w.raw("<li>")
            item(&w, i)
            w.raw("</li>")
        }
        w.raw(close)
    }

    private func option(_ w: inout HTMLWriter, _ o: Option) {
        w.raw("<option value=\""); w.text(o.value); w.raw(o.selected ? "\" selected>" : "\">"); w.text(o.label); w.raw("</option>")
    }

    private func why(_ w: inout HTMLWriter, _ reason: String) {
        w.raw(" <span class=\"why\">Why: "); w.text(reason); w.raw("</span>")
    }

    private func source(_ w: inout HTMLWriter, _ citation: String) {
        w.raw(" <span class=\"source\">Source: "); w.text(citation); w.raw("</span>")
    }

    private func planList(_ w: inout HTMLWriter, _ title: String, _ items: [PlanVM], empty: String, showDue: Bool) {
        w.raw("<h3>\(title)</h3>\n")
        if items.isEmpty { w.raw("<p>\(empty)</p>\n") }
        w.raw("<ul class=\"plan\">")
        for p in items {
            w.raw("<li>"); w.text(p.text)
            if let status = p.status {
                w.raw(" <span class=\"status\">"); w.text(status.prefix(1).uppercased() + status.dropFirst())
                if showDue, let due = p.due { w.raw(", due "); w.text(due) }
                w.raw("</span>")
            }
            why(&w, p.reason); source(&w, p.citation); w.raw("</li>")
        }
        w.raw("</ul>\n")
    }

    /// One score: its recommendation first (the action), the total and band
    /// second; the breakdown, rationale and source on opening.
    private func scoreCard(_ w: inout HTMLWriter, _ s: ScoreVM) {
        guard s.valid else {
            w.raw("<div class=\"score invalid\"><strong>"); w.text(s.title)
            if let lesion = s.lesionID { w.raw(" — "); w.text(lesion) }
            w.raw("</strong>: <span class=\"cannot\">"); w.text(s.error ?? ""); w.raw(".</span></div>\n")
            return
        }
        w.raw("<details class=\"score valid\"><summary><strong>"); w.text(s.title)
        if let lesion = s.lesionID { w.raw(" — "); w.text(lesion) }
        w.raw("</strong>: "); w.text(s.recommendation ?? "")
        w.raw(" <span class=\"band\">(")
        if let total = s.total { w.raw("Total "); w.text(total); if s.band != nil { w.raw(" · ") } }
        if let band = s.band { w.text(band) }
        w.raw(")</span></summary>\n")
        if !s.components.isEmpty {
            w.raw("<table class=\"components stack\"><caption class=\"visually-hidden\">Points of "); w.text(s.title)
            w.raw("</caption><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Finding</th><th scope=\"col\">Points</th></tr></thead><tbody>\n")
            for c in s.components {
                w.raw("<tr><td data-label=\"Component\">"); w.text(c.key); w.raw("</td><td data-label=\"Finding\">"); w.text(c.finding)
                w.raw("</td><td data-label=\"Points\">\(c.points)</td></tr>")
            }
            w.raw("\n</tbody></table>\n")
        }
        w.raw("<p>"); w.text(s.rationale ?? "")
        w.raw("</p><p class=\"source\">Source: "); w.text(s.citation ?? ""); w.raw(" (band provenance "); w.text(s.provenance ?? "")
        w.raw(")</p></details>\n")
    }

    /// A collapsible section of the detail below the summary card.
    private func section(_ w: inout HTMLWriter, _ id: String, _ title: String, open: Bool) {
        w.raw("<details class=\"section\" id=\"\(id)\"\(open ? " open" : "")><summary><h2 id=\"\(id)-h\">"); w.text(title); w.raw("</h2></summary>\n")
    }

    private func endSection(_ w: inout HTMLWriter) { w.raw("</details>\n\n") }

    private func alert(_ w: inout HTMLWriter, _ a: AlertVM, detail: Bool) {
        w.raw("<li class=\"alert alert-"); w.text(a.severity); w.raw("\"><strong>"); w.text(a.severity.prefix(1).uppercased() + a.severity.dropFirst())
        w.raw(": "); w.text(a.title); w.raw(".</strong> "); w.text(a.action)
        if detail { why(&w, a.reason); source(&w, a.citation) }
        w.raw("</li>\n")
    }

    /// What now, at a glance: urgent alerts with their actions, the board, open
    /// tasks, and the missing facts that block the most (each linked to its field).
    private func summaryCard(_ w: inout HTMLWriter, base: String) {
        w.raw("<section class=\"summary-card\" id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">What now</h2>\n<div class=\"summary-grid\">\n")
        w.raw("<div class=\"summary-urgent\"><h3>Urgent</h3>\n")
        if pressing.isEmpty {
            w.raw("<p class=\"calm\">Nothing urgent.</p>\n")
        } else {
            w.raw("<ul class=\"alerts\">\n")
            for a in pressing { alert(&w, a, detail: false) }
            w.raw("</ul>\n<p><a href=\"#alerts\">Reasons and sources</a></p>\n")
        }
        w.raw("</div>\n<div class=\"summary-board\"><h3>Tumour board</h3>\n")
        w.slot(.board)
        w.raw("</div>\n<div class=\"summary-tasks\"><h3>Open tasks</h3>\n")
        let open = tasks.filter { !$0.done }.sorted { ($0.due ?? "9999") < ($1.due ?? "9999") }
        if open.isEmpty {
            w.raw("<p>No open tasks.</p>\n")
        } else {
            w.raw("<ul>")
            for t in open.prefix(5) {
                w.raw("<li>"); w.text(t.title); w.raw(" — "); w.text(t.owner)
                if let due = t.due {
                    w.raw(", due "); w.text(due)
                    if due < asOf { w.raw(" <span class=\"badge badge-overdue\">overdue</span>") }
                }
                w.raw("</li>")
            }
            w.raw("</ul>\n")
            if open.count > 5 { w.raw("<p><a href=\"#tasks\">All \(open.count) open tasks</a></p>\n") }
        }
        w.raw("</div>\n<div class=\"summary-missing\"><h3>Missing facts that block the most</h3>\n")
        if blocking.isEmpty {
            w.raw("<p>Nothing missing for the scores that apply.</p>\n")
        } else {
            w.raw("<ol>")
            for b in blocking {
                w.raw("<li><a href=\""); w.text(b.href); w.raw("\">"); w.text(b.text); w.raw("</a> <span class=\"muted\">— needed for ")
                w.text(b.neededFor.joined(separator: ", ")); w.raw("</span></li>")
            }
            w.raw("</ol>\n")
            if dataNeeded.count > blocking.count { w.raw("<p><a href=\"#need\">All \(dataNeeded.count) facts needed</a></p>\n") }
        }
        w.raw("</div>\n</div>\n</section>\n\n")
    }

    /// Labs, medicines, imaging and procedures: what is recorded, and a form for each.
    private func recordForms(_ w: inout HTMLWriter, base: String) {
        func list(_ items: [TimelineVM]) {
            w.raw("<ul>")
            for e in items { w.raw("<li>"); w.text(e.date); w.raw(" "); w.text(e.text); w.raw("</li>") }
            w.raw("</ul>\n")
        }
        section(&w, "records", "Labs, medicines, imaging and procedures", open: true)
        w.raw("""
            <div class="columns">
            <div id="labs">
            <h3>Labs</h3>\n
            """)
        list(labs)
        RecordForm.lab.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Medicines</h3>\n")
        list(medications)
        if !doseCourses.isEmpty { RecordForm.dose(courses: doseCourses).write(&w, base: base) }
        RecordForm.medication.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Imaging and reads</h3>\n")
        list(imagingStudies)
        RecordForm.imaging.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Radiotherapy and surgery</h3>\n")
        RecordForm.procedure(lesions: lesions.map { ($0.caseLabel, $0.label) }).write(&w, base: base)
        w.raw("""
            </div>
            </div>\n
            """)
        endSection(&w)
    }
}
