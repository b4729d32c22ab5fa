import Fluent
import Foundation
import OsteonDomain
import OsteonFHIR
import OsteonStore
import Vapor

/// Outcomes and quality (README "Outcomes"): the site's survival, skeletal-related events, the survival
/// scores' calibration and the quality measures, from the outcome facts kept beside every patient's summary.
/// Aggregate figures only; from a measure, clinicians and navigators open the list of their own patients.
struct QualityController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.quality, use: dashboard)
        routes.on(.qualityCSV, use: csv)
        routes.on(.qualityMeasureReport, use: measureReport)
        routes.on(.qualityMeasure, use: measure)
    }

    /// The report on the stored facts, with the day they were computed for and how many wait for the daily pass.
    static func report(_ req: Request) async throws -> (OutcomeReport, waiting: Int, older: Int) {
        let store = SummaryStore(db: req.db), today = req.today
        // As the lists do: a few changed patients are recomputed now; after a bulk change the background pass has them.
        if try await store.waiting() <= Request.refreshInRequest { try await store.refresh(today: today) }
        let (rows, waiting) = try await store.outcomes()
        let older = rows.filter { $0.day != today.description }.count
        return (OutcomeReport(asOf: today, reads: rows.map(\.read)), waiting, older)
    }

    /// `?suppress=N` hides counts from 1 to N−1 (for figures that leave the institution; CMS uses 11).
    static func suppression(_ req: Request) throws -> Int? {
        guard let text = try? req.query.get(String.self, at: "suppress"), !text.isEmpty else { return nil }
        guard let n = Int(text), n >= 2, n <= 1000 else {
            throw Abort(.badRequest, reason: "suppress: a whole number from 2 to 1000 (counts below it are hidden), or leave it out")
        }
        return n
    }

    func dashboard(req: Request) async throws -> View {
        let n = try Self.suppression(req)
        let (report, waiting, older) = try await Self.report(req)
        let staff = req.user?.isStaff == true
        var w = HTMLWriter()
        w.raw("<h1>Quality and outcomes</h1>\n<p class=\"facts\">Patients with a bone metastasis recorded in Osteon, followed to ")
        w.text(report.asOf.description)
        w.raw(": survival from the first bone metastasis, the first skeletal-related event with death as a competing risk, the survival scores' calibration and the quality measures (definitions in the README, “Outcomes”).</p>\n")
        if waiting + older > 0 {
            w.raw("<p class=\"notice\">")
            w.text("\(waiting + older) patients' figures are being recomputed for today; they are \(waiting > 0 ? "left out until then" : "shown as of their last day").")
            w.raw("</p>\n")
        }
        let suffix = n.map { "?suppress=\($0)" } ?? ""
        w.raw("<form method=\"get\" action=\"\(SiteRoute.quality.link())\" class=\"inline\"><label for=\"suppress\">Hide counts under</label> ")
        w.raw("<select id=\"suppress\" name=\"suppress\"><option value=\"\"\(n == nil ? " selected" : "")>none (within the hospital)</option>")
        for v in [5, 11] { w.raw("<option value=\"\(v)\"\(n == v ? " selected" : "")>\(v)\(v == 11 ? " (CMS cell-size policy)" : "")</option>") }
        w.raw("</select> <button type=\"submit\">Show</button></form>\n")
        w.raw("<p class=\"actions\"><a class=\"button\" href=\"\(SiteRoute.qualityCSV.link())\(suffix)\">Download the measures (CSV)</a> ")
        w.raw("<a class=\"button\" href=\"\(SiteRoute.qualityMeasureReport.link())\(suffix)\">Download FHIR MeasureReports</a></p>\n")
        w.raw("<div class=\"outcomes\">")
        w.raw(report.htmlSections(suppressBelow: n, measureLink: staff ? { SiteRoute.qualityMeasure.link($0) } : nil))
        w.raw("</div>\n")
        if staff { w.raw("<p>Open a measure to see which of your patients meet it, which do not, and why others are left out.</p>\n") }
        return try await req.view.render("patient", PatientController.PatientView(user: userVM(req), csrf: CSRF.token(req), name: "Quality and outcomes",
                                                                                 body: w.finish().filled { _ in "" }))
    }

    func csv(req: Request) async throws -> Response {
        let (report, _, _) = try await Self.report(req)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"osteon-measures-\(report.asOf).csv\"")
        return Response(status: .ok, headers: headers, body: .init(string: report.measuresCSV(suppressBelow: try Self.suppression(req))))
    }

    func measureReport(req: Request) async throws -> Response {
        let (report, _, _) = try await Self.report(req)
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "application", subType: "fhir+json", parameters: ["charset": "utf-8"])
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"osteon-measure-reports-\(report.asOf).json\"")
        return Response(status: .ok, headers: headers,
                        body: .init(string: MeasureReports.bundle(report, suppressBelow: try Self.suppression(req)).serialized(pretty: true) + "\n"))
    }

    /// A measure's patients that the user may see: not met first, then met, then left out with the reason.
    func measure(req: Request) async throws -> View {
        let id = req.rawParameter(.measure)
        let (report, _, _) = try await Self.report(req)
        // Each patient in the measure, the day they are dated by, and their results: a measure of courses gives one
        // per course, and a patient with none is not in it.
        let units: [(patientID: String, day: Day?, statuses: [MeasureStatus])]
        let title: String, citation: String, unit: String, dayHeading: String
        if let definition = Measures.all.first(where: { $0.id == id }) {
            units = report.records.map { ($0.patientID, $0.index, definition.statuses($0)) }
            (title, citation, unit, dayHeading) = (definition.title, definition.citation, definition.unit, "First bone metastasis")
        } else if id == Measures.sarcomaReferralDefinition.id {
            let definition = Measures.sarcomaReferralDefinition
            units = report.pathways.map { ($0.patientID, $0.firstBiopsy, [definition.classify($0)]) }
            (title, citation, unit, dayHeading) = (definition.title, definition.citation, "patients", "First biopsy")
        } else {
            throw Abort(.notFound, reason: "no such measure; the quality page lists them")
        }
        let m = report.measures.first { $0.id == id }!
        let visible = try await req.visiblePatientIDs()
        var shown: [(UUID, [MeasureStatus], Day?)] = []
        var others = 0
        for u in units where !u.statuses.isEmpty {
            guard let pid = UUID(uuidString: u.patientID), visible.contains(pid) else { others += 1; continue }
            shown.append((pid, u.statuses, u.day))
        }
        func rank(_ s: [MeasureStatus]) -> Int {
            s.map { switch $0 { case .notMet: 0; case .met: 1; case .excluded: 2 } }.min() ?? 2
        }
        var patients: [PatientRecord] = []
        let ids = shown.map(\.0)
        for start in stride(from: 0, to: ids.count, by: 500) {  // within every database's limit of bound values
            patients += try await PatientRecord.query(on: req.db).filter(\.$id ~~ Array(ids[start..<min(start + 500, ids.count)])).all()
        }
        let byID = Dictionary(patients.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        shown.sort { (rank($0.1), byID[$0.0]?.name ?? "") < (rank($1.1), byID[$1.0]?.name ?? "") }
        req.auditPatients(shown.map(\.0))
        var w = HTMLWriter()
        w.raw("<h1>"); w.text(title); w.raw("</h1>\n<p class=\"facts\">")
        w.text("Whole site, as of \(report.asOf): \(m.numerator) of \(m.denominator) eligible \(unit) met it. \(citation).")
        w.raw("</p>\n<p><a href=\"\(SiteRoute.quality.link())\">Back to quality and outcomes</a></p>\n")
        if shown.isEmpty {
            w.raw("<p>None of your patients is in this measure.</p>\n")
        } else {
            w.raw("<table class=\"list\"><caption>Your patients in this measure, not met first</caption><thead><tr><th scope=\"col\">Patient</th><th scope=\"col\">\(dayHeading)</th><th scope=\"col\">Result</th></tr></thead><tbody>\n")
            for (pid, statuses, day) in shown {
                let p = byID[pid]
                w.raw("<tr><td><a href=\"\(SiteRoute.patient.link(pid))\">"); w.text(p?.name ?? "patient"); w.raw("</a> ("); w.text(p?.externalID ?? ""); w.raw(")</td><td>")
                w.text(day?.description ?? "not dated"); w.raw("</td><td>")
                for (i, status) in statuses.enumerated() {
                    if i > 0 { w.raw("<br>") }
                    if statuses.count > 1 { w.text("Course \(i + 1): ") }
                    switch status {
                    case .met: w.raw("<span class=\"badge badge-later\">Met</span>")
                    case .notMet: w.raw("<span class=\"badge badge-overdue\">Not met</span>")
                    case .excluded(let why): w.raw("Left out: "); w.text(why)
                    }
                }
                w.raw("</td></tr>\n")
            }
            w.raw("</tbody></table>\n")
        }
        if others > 0 { w.raw("<p>"); w.text("\(others) other patients in the cohort are not in your care teams or boards."); w.raw("</p>\n") }
        return try await req.view.render("patient", PatientController.PatientView(user: userVM(req), csrf: CSRF.token(req), name: title,
                                                                                 body: w.finish().filled { _ in "" }))
    }
}
