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
        w.raw(" · born "); w.text(birthDate); w.raw(" · "); w.text(sex)
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

        w.raw("<section aria-labelledby=\"alerts-h\">\n<h2 id=\"alerts-h\">Alerts</h2>\n")
        if alerts.isEmpty {
            w.raw("<p>No urgent alerts.</p>\n")
        } else {
            w.raw("<ul class=\"alerts\">\n")
            for a in alerts {
                w.raw("<li class=\"alert alert-"); w.text(a.severity); w.raw("\"><strong>"); w.text(a.severity); w.raw(": "); w.text(a.title)
                w.raw(".</strong> "); w.text(a.action); why(&w, a.reason); source(&w, a.citation); w.raw("</li>\n")
            }
            w.raw("</ul>\n")
        }
        if !notAdvised.isEmpty {
            w.raw("<h3>Not advised: a recorded fact forbids it</h3>\n<ul class=\"not-advised\">\n")
            for n in notAdvised {
                w.raw("<li><strong>"); w.text(n.text); w.raw(".</strong>"); why(&w, n.reason); source(&w, n.citation); w.raw("</li>\n")
            }
            w.raw("</ul>\n")
        }
        w.raw("</section>\n\n")

        w.raw("""
            <section aria-labelledby="lesions-h" id="lesions">
            <h2 id="lesions-h">Bone lesions</h2>
            <div class="lesion-layout">
            <figure class="map">
            """)
        w.raw(skeleton)
        w.raw("""
            \n<figcaption>Colour shows risk: <span class="key key-high">high</span> <span class="key key-borderline">borderline</span> \
            <span class="key key-low">low</span> <span class="key key-unscored">not scored</span></figcaption></figure>
            <div>\n
            """)
        if lesions.isEmpty { w.raw("<p>No lesions recorded. <a href=\"\(base)/lesions/new\">Add a lesion</a>.</p>\n") }
        for l in lesions {
            w.raw("<div class=\"lesion risk-"); w.text(l.risk); w.raw("\">\n<h3>"); w.text(l.label.prefix(1).uppercased() + l.label.dropFirst())
            w.raw(" <span class=\"muted\">("); w.text(l.classification); w.raw(")</span></h3>\n")
            w.raw("<p><a href=\"\(base)/lesions/\(l.id)/edit\">Edit "); w.text(l.label); w.raw("</a></p>\n")
            w.raw("<form method=\"post\" action=\"\(base)/lesions/\(l.id)/delete\" class=\"inline\">"); w.csrfField()
            w.raw("<button type=\"submit\" class=\"link danger\">Remove "); w.text(l.label); w.raw("</button></form>\n")
            for s in l.scores { scoreCard(&w, s) }
            w.raw("</div>\n")
        }
        w.raw("</div>\n</div>\n</section>\n\n")

        w.raw("<section aria-labelledby=\"scores-h\">\n<h2 id=\"scores-h\">Scores for the patient</h2>\n")
        if let survivalNote { w.raw("<p class=\"note\">"); w.text(survivalNote); w.raw("</p>\n") }
        for s in patientScores { scoreCard(&w, s) }
        w.raw("</section>\n\n")

        if !differential.isEmpty {
            w.raw("<section aria-labelledby=\"diff-h\"><h2 id=\"diff-h\">Differential</h2><ul>")
            for d in differential { w.raw("<li>"); w.text(d); w.raw("</li>") }
            w.raw("</ul></section>\n")
        }

        w.raw("\n<section aria-labelledby=\"plan-h\">\n<h2 id=\"plan-h\">Plan</h2>\n")
        planList(&w, "Imaging", imaging, empty: "Nothing planned.", showDue: true)
        planList(&w, "Treatment", treatment, empty: "Nothing planned.", showDue: false)
        planList(&w, "Surveillance and follow-up", surveillance, empty: "Nothing scheduled.", showDue: true)
        planList(&w, "Prevention and screening", prevention, empty: "Nothing to add.", showDue: true)
        w.raw("</section>\n\n")

        w.raw("<section aria-labelledby=\"gaps-h\">\n<h2 id=\"gaps-h\">Care gaps</h2>\n")
        list(&w, gaps, empty: "No care gaps.", open: "<ul class=\"gaps\">") { w, g in
            w.raw("<strong>"); w.text(g.text); w.raw("</strong>: "); w.text(g.reason); source(&w, g.citation)
        }
        w.raw("\n</section>\n\n")

        w.raw("<section aria-labelledby=\"need-h\">\n<h2 id=\"need-h\">Data needed</h2>\n")
        list(&w, dataNeeded, empty: "Nothing missing for the scores that apply.") { w, d in
            w.raw("<strong>"); w.text(d.text); w.raw("</strong>: "); w.text(d.reason); w.raw(" <span class=\"muted\">(needed for "); w.text(d.status ?? ""); w.raw(")</span>")
        }
        w.raw("\n")
        if !warnings.isEmpty {
            w.raw("<h3>Warnings</h3><ul>")
            for warning in warnings { w.raw("<li>"); w.text(warning); w.raw("</li>") }
            w.raw("</ul>\n")
        }
        w.raw("</section>\n\n")

        w.raw("<section aria-labelledby=\"tasks-h\" id=\"tasks\">\n<h2 id=\"tasks-h\">Care-plan tasks</h2>\n")
        if tasks.isEmpty {
            w.raw("<p>No tasks yet: they come from the tumor board's decision.</p>\n")
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
        w.raw("</section>\n\n")

        w.raw("<section aria-labelledby=\"team-h\" id=\"care-team\">\n<h2 id=\"team-h\">Care team</h2>\n")
        list(&w, careTeam, empty: "No one is on this patient's care team yet.") { w, m in w.text(m) }
        w.raw("\n<form method=\"post\" action=\"\(base)/care-team\" class=\"compact\">\n"); w.csrfField()
        w.raw("""
            \n<label for="team-user">Add a colleague (user name)</label> <input id="team-user" name="username" autocomplete="off" required>
            <button type="submit">Add to care team</button>
            </form>
            </section>\n\n
            """)

        w.raw("<section aria-labelledby=\"timeline-h\">\n<h2 id=\"timeline-h\">Timeline</h2>\n")
        list(&w, timeline, empty: "No dated events yet.", open: "<ol class=\"timeline\">", close: "</ol>") { w, e in
            w.raw("<time>"); w.text(e.date); w.raw("</time> "); w.text(e.text)
        }
        w.raw("\n</section>\n\n")

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

    /// One score with its breakdown, rationale and source, or what it cannot be scored without.
    private func scoreCard(_ w: inout HTMLWriter, _ s: ScoreVM) {
        w.raw(s.valid ? "<article class=\"score valid\">\n<h3>" : "<article class=\"score invalid\">\n<h3>"); w.text(s.title)
        if let lesion = s.lesionID { w.raw(" — "); w.text(lesion) }
        w.raw("</h3>\n")
        if s.valid {
            w.raw("<p class=\"result\">")
            if let total = s.total { w.raw("Total <strong>"); w.text(total); w.raw("</strong>. ") }
            if let band = s.band { w.raw("<span class=\"band\">"); w.text(band); w.raw("</span>") }
            w.raw("</p>\n")
            if !s.components.isEmpty {
                w.raw("<table class=\"components\"><caption class=\"visually-hidden\">Points of "); w.text(s.title)
                w.raw("</caption><thead><tr><th scope=\"col\">Component</th><th scope=\"col\">Finding</th><th scope=\"col\">Points</th></tr></thead><tbody>\n")
                for c in s.components {
                    w.raw("<tr><td>"); w.text(c.key); w.raw("</td><td>"); w.text(c.finding); w.raw("</td><td>\(c.points)</td></tr>")
                }
                w.raw("\n</tbody></table>\n")
            }
            w.raw("<p><strong>Recommendation:</strong> "); w.text(s.recommendation ?? ""); w.raw("</p>\n")
            w.raw("<details><summary>Rationale and source</summary><p>"); w.text(s.rationale ?? "")
            w.raw("</p><p class=\"source\">Source: "); w.text(s.citation ?? ""); w.raw(" (band provenance "); w.text(s.provenance ?? "")
            w.raw(")</p></details>\n")
        } else {
            w.raw("<p class=\"cannot\">"); w.text(s.error ?? ""); w.raw(".</p>\n")
        }
        w.raw("</article>")
    }

    /// Labs, medicines, imaging and procedures: what is recorded, and a form for each.
    private func recordForms(_ w: inout HTMLWriter, base: String) {
        func list(_ items: [TimelineVM]) {
            w.raw("<ul>")
            for e in items { w.raw("<li>"); w.text(e.date); w.raw(" "); w.text(e.text); w.raw("</li>") }
            w.raw("</ul>\n")
        }
        w.raw("""
            <section aria-labelledby="records-h" id="records">
            <h2 id="records-h">Labs, medicines, imaging and procedures</h2>
            <div class="columns">
            <div id="labs">
            <h3>Labs</h3>\n
            """)
        list(labs)
        RecordForm.lab.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Medicines</h3>\n")
        list(medications)
        RecordForm.medication.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Imaging and reads</h3>\n")
        list(imagingStudies)
        RecordForm.imaging.write(&w, base: base)
        w.raw("</div>\n<div>\n<h3>Radiotherapy and surgery</h3>\n")
        RecordForm.procedure.write(&w, base: base)
        w.raw("""
            </div>
            </div>
            </section>\n
            """)
    }
}
