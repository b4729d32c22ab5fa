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
    /// Kept until a stored fact changes (the stamp): every patient's facts are read once per change, not per view.
    static func report(_ req: Request) async throws -> (OutcomeReport, waiting: Int, older: Int) {
        let (made, _) = try await kept(req)
        return made
    }

    /// The report and the stamp it is kept under.
    static func kept(_ req: Request) async throws -> ((OutcomeReport, waiting: Int, older: Int), stamp: String) {
        let store = SummaryStore(db: req.db), today = req.today
        // As the lists do: a few changed patients are recomputed now; after a bulk change the background pass has them.
        if try await store.waiting() <= Request.refreshInRequest { try await store.refresh(today: today) }
        let stamp = try await store.outcomeStamp(today: today)
        if let kept = req.application.outcomeReports.report(stamp: stamp) { return (kept, stamp) }
        let (rows, waiting) = try await store.outcomes()
        let older = rows.filter { $0.day != today.description }.count
        let made = (OutcomeReport(asOf: today, reads: rows.map(\.read)), waiting, older)
        req.application.outcomeReports.store(stamp: stamp, made)
        return (made, stamp)
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

    static let pageSize = 50

    /// `?page=N` (from 1); a page after the last shows the last.
    static func page(_ req: Request) throws -> Int {
        guard let text = try? req.query.get(String.self, at: "page"), !text.isEmpty else { return 1 }
        guard let n = Int(text), n >= 1 else { throw Abort(.badRequest, reason: "page: a whole number from 1, or leave it out") }
        return n
    }

    /// Every patient in a measure with their results, in the order the drill-down lists them: not met first, then
    /// met, then left out; the most recent first within each (the ones still to act on). A measure of courses gives
    /// one result per course; a patient with none is not in it. Kept with the report: computed once per change.
    static func orderedUnits(_ report: OutcomeReport, measure id: String) -> [MeasureUnit] {
        var units: [MeasureUnit]
        if let definition = Measures.all.first(where: { $0.id == id }) {
            units = report.records.compactMap { r in UUID(uuidString: r.patientID).map { MeasureUnit(patientID: $0, statuses: definition.statuses(r), day: r.index) } }
        } else {
            let definition = Measures.sarcomaReferralDefinition
            units = report.pathways.compactMap { p in UUID(uuidString: p.patientID).map { MeasureUnit(patientID: $0, statuses: [definition.classify(p)], day: p.firstBiopsy) } }
        }
        units.removeAll { $0.statuses.isEmpty }
        units.sort { a, b in
            if a.rank != b.rank { return a.rank < b.rank }
            if a.day != b.day { return (a.day ?? Day(ordinal: .min)) > (b.day ?? Day(ordinal: .min)) }
            return a.patientID.uuidString < b.patientID.uuidString
        }
        return units
    }

    /// A measure's patients that the user may see: not met first, then met, then left out with the reason.
    func measure(req: Request) async throws -> View {
        let id = req.rawParameter(.measure)
        let ((report, _, _), stamp) = try await Self.kept(req)
        let title: String, citation: String, unit: String, dayHeading: String
        if let definition = Measures.all.first(where: { $0.id == id }) {
            (title, citation, unit, dayHeading) = (definition.title, definition.citation, definition.unit, "First bone metastasis")
        } else if id == Measures.sarcomaReferralDefinition.id {
            let definition = Measures.sarcomaReferralDefinition
            (title, citation, unit, dayHeading) = (definition.title, definition.citation, "patients", "First biopsy")
        } else {
            throw Abort(.notFound, reason: "no such measure; the quality page lists them")
        }
        guard let m = report.measures.first(where: { $0.id == id }) else { throw Abort(.notFound, reason: "no such measure; the quality page lists them") }
        let page = try Self.page(req)
        let ordered = req.application.outcomeReports.units(stamp: stamp, measure: m.id) { Self.orderedUnits(report, measure: m.id) }
        let visible = try await req.visiblePatientIDs()
        var shown: [MeasureUnit] = []
        var others = 0
        for u in ordered {
            if visible.contains(u.patientID) { shown.append(u) } else { others += 1 }
        }
        // One page at a time, as the patient list: only the patients shown are read and audited.
        let total = shown.count
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        let current = min(page, pages)
        let pageItems = Array(shown.dropFirst((current - 1) * Self.pageSize).prefix(Self.pageSize))
        let patients = try await PatientRecord.query(on: req.db).filter(\.$id ~~ pageItems.map(\.patientID)).all()
        let byID = Dictionary(patients.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        req.auditPatients(pageItems.map(\.patientID))
        var w = HTMLWriter()
        w.raw("<h1>"); w.text(title); w.raw("</h1>\n<p class=\"facts\">")
        w.text("Whole site, as of \(report.asOf): \(m.numerator) of \(m.denominator) eligible \(unit) met it. \(citation).")
        w.raw("</p>\n<p><a href=\"\(SiteRoute.quality.link())\">Back to quality and outcomes</a></p>\n")
        if shown.isEmpty {
            w.raw("<p>None of your patients is in this measure.</p>\n")
        } else {
            let first = (current - 1) * Self.pageSize + 1
            w.raw("<table class=\"list\"><caption>")
            w.text("Your patients in this measure, not met first: \(first)–\(first + pageItems.count - 1) of \(total)")
            w.raw("</caption><thead><tr><th scope=\"col\">Patient</th><th scope=\"col\">\(dayHeading)</th><th scope=\"col\">Result</th></tr></thead><tbody>\n")
            for u in pageItems {
                let (pid, statuses, day) = (u.patientID, u.statuses, u.day)
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
            if pages > 1 {
                let link = SiteRoute.qualityMeasure.link(m.id)
                w.raw("<nav class=\"pager\" aria-label=\"Pages of this measure's patients\"><p>")
                if current > 1 { w.raw("<a href=\"\(link)?page=\(current - 1)\" rel=\"prev\">Previous page</a> ") }
                w.text("Page \(current) of \(pages)")
                if current < pages { w.raw(" <a href=\"\(link)?page=\(current + 1)\" rel=\"next\">Next page</a>") }
                w.raw("</p></nav>\n")
            }
        }
        if others > 0 { w.raw("<p>"); w.text("\(others) other patients in the cohort are not in your care teams or boards."); w.raw("</p>\n") }
        return try await req.view.render("patient", PatientController.PatientView(user: userVM(req), csrf: CSRF.token(req), name: title,
                                                                                 body: w.finish().filled { _ in "" }))
    }
}

/// The last outcome report computed, valid while the stored facts' stamp is unchanged (per process; the stamp is
/// read from the database, so a change through another server is seen too).
final class OutcomeReportCache: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (stamp: String, report: OutcomeReport, waiting: Int, older: Int)?
    private var units: (stamp: String, byMeasure: [String: [MeasureUnit]])?

    /// A measure's ordered patients under `stamp`, made once.
    func units(stamp: String, measure: String, make: () -> [MeasureUnit]) -> [MeasureUnit] {
        if let found = lock.withLock({ units?.stamp == stamp ? units?.byMeasure[measure] : nil }) { return found }
        let made = make()
        lock.withLock {
            if units?.stamp != stamp { units = (stamp, [:]) }
            units?.byMeasure[measure] = made
        }
        return made
    }

    func report(stamp: String) -> (OutcomeReport, waiting: Int, older: Int)? {
        lock.withLock { kept.flatMap { $0.stamp == stamp ? ($0.report, $0.waiting, $0.older) : nil } }
    }

    func store(stamp: String, _ made: (OutcomeReport, waiting: Int, older: Int)) {
        lock.withLock { kept = (stamp, made.0, made.waiting, made.older) }
    }
}

/// One patient in a measure: their results (one per course for a measure of courses) and the day they are dated by.
struct MeasureUnit: Sendable {
    let patientID: UUID
    let statuses: [MeasureStatus]
    let day: Day?

    var rank: Int { statuses.map { switch $0 { case .notMet: 0; case .met: 1; case .excluded: 2 } }.min() ?? 2 }
}

struct OutcomeReportCacheKey: StorageKey { typealias Value = OutcomeReportCache }

extension Application {
    var outcomeReports: OutcomeReportCache { storage[OutcomeReportCacheKey.self]! }
}
