import Vapor

/// Every route of the web app in one typed table: its method and path, who may
/// use it and which records in its path are scope-checked (`RouteGuard`, before
/// the handler), and what its audit entry says (`AuditMiddleware`). Controllers
/// register their handlers against these rows, links are built from them, and
/// no middleware parses a path or guesses from parameter names.
struct SiteRoute: Hashable, Sendable {
    enum Who: Sendable {
        case anyone         // sign-in page, health, stylesheet, API description
        case signedIn       // any account; the handler decides (home, the patient's own guide)
        case staff          // clinicians and nurse navigators
        case quality        // quality staff, clinicians and nurse navigators (aggregate figures)
        case administrator
    }

    /// The records named in the path whose scope is checked before the handler runs.
    struct Records: OptionSet, Hashable, Sendable {
        let rawValue: Int
        /// :pid, in the user's care teams or boards (or opened with break-the-glass)
        static let patient = Records(rawValue: 1)
        /// :mid, a meeting the user is a member of
        static let meeting = Records(rawValue: 2)
        /// :iid, an agenda item of a meeting the user is a member of
        static let agendaItem = Records(rawValue: 4)
    }

    enum Action: String, Sendable {
        case read, export, create, update, delete, signIn = "sign_in", signOut = "sign_out", breakGlass = "break_glass",
             signOff = "sign_off", importRecords = "import"
    }

    /// Path parameters, named once.
    enum Param: String, Sendable {
        case patient = "pid", meeting = "mid", item = "iid", lesion = "lid", task = "tid", score, measure
        var component: String { ":" + rawValue }
    }

    let method: HTTPMethod
    let path: String
    let who: Who
    let records: Records
    /// nil: the request touches no stored record (calculators, the sign-in page).
    let audit: Action?
    /// Writes must be JSON (API and FHIR): a cross-site form cannot send that without a preflight.
    let jsonWrites: Bool

    init(_ method: HTTPMethod, _ path: String, _ who: Who, _ records: Records = [], audit: Action?, json: Bool = false) {
        self.method = method
        self.path = path
        self.who = who
        self.records = records
        self.audit = audit
        self.jsonWrites = json
    }

    static func == (a: SiteRoute, b: SiteRoute) -> Bool { a.method == b.method && a.path == b.path }
    func hash(into h: inout Hasher) {
        h.combine(method.rawValue)
        h.combine(path)
    }

    var components: [PathComponent] { path.split(separator: "/").map { PathComponent(stringLiteral: String($0)) } }
    var key: String { "\(method.rawValue) /\(path)" }

    /// The link with these values for the path's parameters, in order.
    func link(_ values: any CustomStringConvertible...) -> String {
        var given = values.makeIterator()
        return "/" + path.split(separator: "/").map { part in
            part.hasPrefix(":") ? (given.next().map { "\($0)" } ?? String(part)) : String(part)
        }.joined(separator: "/")
    }

    static let userInfoKey = "osteon.site-route"
}

extension Request {
    /// The table row of the route this request matched (nil before routing or for no route).
    var siteRoute: SiteRoute? { route?.userInfo[SiteRoute.userInfoKey] as? SiteRoute }

    /// A path parameter, typed.
    func parameter(_ p: SiteRoute.Param) -> UUID? { parameters.get(p.rawValue, as: UUID.self) }
    /// A path parameter as sent (a score id, a hospital number).
    func rawParameter(_ p: SiteRoute.Param) -> String? { parameters.get(p.rawValue) }
}

extension RoutesBuilder {
    /// Registers a handler for a row of the table, with the row attached for the guard and the audit.
    @discardableResult
    func on<Response: AsyncResponseEncodable>(_ row: SiteRoute, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        let route = on(row.method, row.components, use: handler)
        route.userInfo[SiteRoute.userInfoKey] = row
        return route
    }
}

// MARK: The table

extension SiteRoute {
    // Sign-in, home, static
    static let home = SiteRoute(.GET, "", .signedIn, audit: nil)
    static let health = SiteRoute(.GET, "health", .anyone, audit: nil)
    static let stylesheet = SiteRoute(.GET, "osteon.css", .anyone, audit: nil)
    static let signInPage = SiteRoute(.GET, "login", .anyone, audit: nil)
    static let signIn = SiteRoute(.POST, "login", .anyone, audit: .signIn)
    static let signOut = SiteRoute(.POST, "logout", .anyone, audit: .signOut)

    // Patients
    static let patients = SiteRoute(.GET, "patients", .staff, audit: .read)
    static let newPatient = SiteRoute(.GET, "patients/new", .staff, audit: .read)
    static let createPatient = SiteRoute(.POST, "patients", .staff, audit: .create)
    static let patient = SiteRoute(.GET, "patients/:pid", .staff, .patient, audit: .read)
    static let editPatient = SiteRoute(.GET, "patients/:pid/edit", .staff, .patient, audit: .read)
    static let updatePatient = SiteRoute(.POST, "patients/:pid/edit", .staff, .patient, audit: .update)
    static let setState = SiteRoute(.POST, "patients/:pid/state", .staff, .patient, audit: .update)
    static let newLesion = SiteRoute(.GET, "patients/:pid/lesions/new", .staff, .patient, audit: .read)
    static let createLesion = SiteRoute(.POST, "patients/:pid/lesions", .staff, .patient, audit: .create)
    static let editLesion = SiteRoute(.GET, "patients/:pid/lesions/:lid/edit", .staff, .patient, audit: .read)
    static let updateLesion = SiteRoute(.POST, "patients/:pid/lesions/:lid/edit", .staff, .patient, audit: .update)
    static let confirmDeleteLesion = SiteRoute(.GET, "patients/:pid/lesions/:lid/delete", .staff, .patient, audit: .read)
    static let deleteLesion = SiteRoute(.POST, "patients/:pid/lesions/:lid/delete", .staff, .patient, audit: .delete)
    static let addLab = SiteRoute(.POST, "patients/:pid/labs", .staff, .patient, audit: .create)
    static let addMedication = SiteRoute(.POST, "patients/:pid/medications", .staff, .patient, audit: .create)
    static let addDose = SiteRoute(.POST, "patients/:pid/doses", .staff, .patient, audit: .create)
    static let addImaging = SiteRoute(.POST, "patients/:pid/imaging", .staff, .patient, audit: .create)
    static let addProcedure = SiteRoute(.POST, "patients/:pid/procedures", .staff, .patient, audit: .create)
    static let completeTask = SiteRoute(.POST, "patients/:pid/tasks/:tid/done", .staff, .patient, audit: .update)
    static let handout = SiteRoute(.GET, "patients/:pid/handout", .staff, .patient, audit: .export)
    static let addCareTeamMember = SiteRoute(.POST, "patients/:pid/care-team", .staff, .patient, audit: .create)
    /// Any patient, with a written reason: the scope check is the point of the request, so the handler does it.
    static let breakGlass = SiteRoute(.POST, "patients/:pid/break-glass", .staff, audit: .breakGlass)

    // Tumour board
    static let meetings = SiteRoute(.GET, "board", .staff, audit: .read)
    static let createMeeting = SiteRoute(.POST, "board", .staff, audit: .create)
    static let meeting = SiteRoute(.GET, "board/:mid", .staff, .meeting, audit: .read)
    static let meetingSummary = SiteRoute(.GET, "board/:mid/summary", .staff, .meeting, audit: .export)
    static let addToAgenda = SiteRoute(.POST, "board/:mid/agenda", .staff, .meeting, audit: .create)
    static let addOpinion = SiteRoute(.POST, "board/:mid/items/:iid/opinions", .staff, [.meeting, .agendaItem], audit: .create)
    static let decide = SiteRoute(.POST, "board/:mid/items/:iid/decision", .staff, [.meeting, .agendaItem], audit: .create)
    static let signOff = SiteRoute(.POST, "board/:mid/items/:iid/signoff", .staff, [.meeting, .agendaItem], audit: .signOff)
    static let addAddendum = SiteRoute(.POST, "board/:mid/items/:iid/addenda", .staff, [.meeting, .agendaItem], audit: .create)
    static let printItem = SiteRoute(.GET, "board/:mid/items/:iid/print", .staff, [.meeting, .agendaItem], audit: .export)
    static let recordAttendance = SiteRoute(.POST, "board/:mid/attendance", .staff, .meeting, audit: .update)
    static let meetingSettings = SiteRoute(.POST, "board/:mid/settings", .staff, .meeting, audit: .update)
    static let addMember = SiteRoute(.POST, "board/:mid/members", .staff, .meeting, audit: .create)
    static let tasks = SiteRoute(.GET, "tasks", .staff, audit: .read)

    // The patient's own guide; administration
    static let portal = SiteRoute(.GET, "me", .signedIn, audit: .read)
    static let portalPrint = SiteRoute(.GET, "me/print", .signedIn, audit: .export)
    static let auditLog = SiteRoute(.GET, "admin/audit", .administrator, audit: .read)

    // Outcomes and quality: aggregate figures; a measure's patients are the care team's
    static let quality = SiteRoute(.GET, "quality", .quality, audit: .read)
    static let qualityCSV = SiteRoute(.GET, "quality/measures.csv", .quality, audit: .export)
    static let qualityMeasureReport = SiteRoute(.GET, "quality/measure-report.json", .quality, audit: .export)
    static let qualityMeasure = SiteRoute(.GET, "quality/measures/:measure", .staff, audit: .read)
    static let auditExport = SiteRoute(.GET, "admin/audit.csv", .administrator, audit: .export)

    // JSON API
    static let openAPI = SiteRoute(.GET, "api/v1/openapi.json", .anyone, audit: nil)
    static let apiSignIn = SiteRoute(.POST, "api/v1/session", .anyone, audit: .signIn)
    static let apiSignOut = SiteRoute(.DELETE, "api/v1/session", .staff, audit: .signOut, json: true)
    /// Calculators on data the caller sends touch no stored record: not audited.
    static let apiScores = SiteRoute(.GET, "api/v1/scores", .staff, audit: nil, json: true)
    static let apiScore = SiteRoute(.POST, "api/v1/scores/:score", .staff, audit: nil, json: true)
    static let apiAssess = SiteRoute(.POST, "api/v1/assessments", .staff, audit: nil, json: true)
    static let apiPatients = SiteRoute(.GET, "api/v1/patients", .staff, audit: .read, json: true)
    static let apiCreatePatient = SiteRoute(.POST, "api/v1/patients", .staff, audit: .create, json: true)
    static let apiPatient = SiteRoute(.GET, "api/v1/patients/:pid", .staff, .patient, audit: .read, json: true)
    static let apiUpdatePatient = SiteRoute(.PUT, "api/v1/patients/:pid", .staff, .patient, audit: .update, json: true)
    static let apiUpdateCase = SiteRoute(.PUT, "api/v1/patients/:pid/case", .staff, .patient, audit: .update, json: true)
    static let apiCase = SiteRoute(.GET, "api/v1/patients/:pid/case", .staff, .patient, audit: .read, json: true)
    static let apiAssessment = SiteRoute(.GET, "api/v1/patients/:pid/assessment", .staff, .patient, audit: .read, json: true)
    static let apiAddLesion = SiteRoute(.POST, "api/v1/patients/:pid/lesions", .staff, .patient, audit: .create, json: true)
    static let apiUpdateLesion = SiteRoute(.PUT, "api/v1/patients/:pid/lesions/:lid", .staff, .patient, audit: .update, json: true)
    static let apiDeleteLesion = SiteRoute(.DELETE, "api/v1/patients/:pid/lesions/:lid", .staff, .patient, audit: .delete, json: true)
    static let apiAddLab = SiteRoute(.POST, "api/v1/patients/:pid/labs", .staff, .patient, audit: .create, json: true)
    static let apiBreakGlass = SiteRoute(.POST, "api/v1/patients/:pid/break-glass", .staff, audit: .breakGlass, json: true)
    static let apiMeetings = SiteRoute(.GET, "api/v1/meetings", .staff, audit: .read, json: true)
    static let apiCreateMeeting = SiteRoute(.POST, "api/v1/meetings", .staff, audit: .create, json: true)
    static let apiMeeting = SiteRoute(.GET, "api/v1/meetings/:mid", .staff, .meeting, audit: .read, json: true)
    static let apiAddToAgenda = SiteRoute(.POST, "api/v1/meetings/:mid/agenda", .staff, .meeting, audit: .create, json: true)
    static let apiAddOpinion = SiteRoute(.POST, "api/v1/agenda/:iid/opinions", .staff, .agendaItem, audit: .create, json: true)
    static let apiDecide = SiteRoute(.POST, "api/v1/agenda/:iid/decision", .staff, .agendaItem, audit: .create, json: true)
    static let apiSignOff = SiteRoute(.POST, "api/v1/agenda/:iid/signoff", .staff, .agendaItem, audit: .signOff, json: true)

    // FHIR
    static let fhirImport = SiteRoute(.POST, "fhir", .staff, audit: .importRecords, json: true)
    /// The id may be a hospital number: the handler checks the scope and answers unknown and out of scope alike.
    static let fhirAssess = SiteRoute(.GET, "fhir/Patient/:pid/$assess", .staff, audit: .export, json: true)
}
