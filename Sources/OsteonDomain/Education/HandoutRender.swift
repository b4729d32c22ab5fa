import Foundation

extension Handout {
    /// Plain text, warning signs first.
    public var text: String {
        var out = ["Your bone health guide", "Made for you on \(HandoutWriter.spoken(asOf)). Keep it with you.", ""]
        for s in sections {
            out.append(s.urgent ? "!! \(s.title.uppercased()) !!" : s.title.uppercased())
            out += s.paragraphs
            out += s.bullets.map { "  * \($0)" }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// JSON with each section's text and its measured readability.
    public var json: JSONValue {
        .object([
            ("patient_id", .string(patientID)),
            ("as_of", .string(asOf.description)),
            ("sections", .array(sections.map { s in
                let r = s.readability
                return .object([
                    ("id", .string(s.id)), ("title", .string(s.title)), ("text", .string(s.text)),
                    ("paragraphs", JSONValue(s.paragraphs)), ("bullets", JSONValue(s.bullets)),
                    ("flesch_kincaid_grade", .double(r.grade)), ("flesch_reading_ease", .double(r.readingEase)),
                    ("meets_targets", .bool(r.grade <= Handout.requiredGrade && r.readingEase >= Handout.requiredEase)),
                ])
            })),
            ("glossary", .array(glossary.map { ["term": .string($0.term), "meaning": .string($0.meaning)] })),
        ])
    }

    /// A printable page: semantic HTML, own small stylesheet (no external
    /// files), a print style that keeps sections whole.
    public var html: String {
        func esc(_ s: String) -> String { HTMLEscape.escape(s) }
        var body = ""
        for s in sections {
            body += "<section class=\"\(s.urgent ? "urgent" : "part")\" aria-labelledby=\"\(s.id)\">\n<h2 id=\"\(s.id)\">\(esc(s.title))</h2>\n"
            for p in s.paragraphs { body += "<p>\(esc(p))</p>\n" }
            if !s.bullets.isEmpty {
                body += s.id == "glossary" ? "<dl>\n" : "<ul>\n"
                for b in s.bullets {
                    if s.id == "glossary", let colon = b.firstIndex(of: ":") {
                        body += "<dt>\(esc(String(b[..<colon])))</dt><dd>\(esc(String(b[b.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))</dd>\n"
                    } else {
                        body += "<li>\(esc(b))</li>\n"
                    }
                }
                body += s.id == "glossary" ? "</dl>\n" : "</ul>\n"
            }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Your bone health guide</title>
            <style>
            body { font: 18px/1.6 system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1a1a1a; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
            h1 { font-size: 1.8rem; margin-bottom: 0.2rem; }
            h2 { font-size: 1.3rem; margin-top: 1.6rem; border-bottom: 2px solid #0b5394; }
            .urgent { border: 3px solid #a50e0e; background: #fdecea; padding: 0.5rem 1rem; border-radius: 6px; }
            .urgent h2 { color: #a50e0e; border-color: #a50e0e; }
            li { margin-bottom: 0.4rem; }
            dt { font-weight: 700; margin-top: 0.5rem; }
            dd { margin-left: 1rem; }
            .meta { color: #444; }
            @media print {
              body { font-size: 12pt; margin: 0; max-width: none; }
              section { break-inside: avoid; }
              .urgent { background: none; }
              a { color: inherit; text-decoration: none; }
            }
            </style>
            </head>
            <body>
            <header><h1>Your bone health guide</h1><p class="meta">Made for you on \(esc(HandoutWriter.spoken(asOf))). Keep it with you.</p></header>
            <main>
            \(body)</main>
            </body>
            </html>

            """
    }
}
