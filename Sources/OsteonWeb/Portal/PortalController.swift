import Foundation
import OsteonDomain
import OsteonStore
import Vapor

/// The patient's own view: their guide, written from the same assessment the
/// board sees, and the care-plan tasks the board decided. Nothing else.
struct PortalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.portal, use: show)
        routes.on(.portalPrint, use: printable)
    }

    struct SectionVM: Content {
        let id: String
        let title: String
        let paragraphs: [String]
        let bullets: [String]
        let urgent: Bool
        let glossary: Bool
    }

    struct TaskVM: Content {
        let title: String
        let owner: String
        let due: String?
        let done: Bool
    }

    struct Page: Content {
        let user: UserVM
        let csrf: String
        let linked: Bool
        let madeOn: String
        let sections: [SectionVM]
        let tasks: [TaskVM]
    }

    /// The signed-in patient's record, or nil when the account is not linked yet.
    func ownRecord(_ req: Request) throws -> UUID? {
        guard let user = req.auth.get(SessionUser.self) else { throw Abort(.unauthorized) }
        guard user.isPatient else { return nil }
        return user.patientID
    }

    func show(req: Request) async throws -> Response {
        guard let user = req.auth.get(SessionUser.self) else { throw Abort(.unauthorized) }
        if !user.isPatient { return req.redirect(to: user.homeLink) }
        guard let id = try ownRecord(req) else {
            return try await req.view.render("portal", Page(user: userVM(req), csrf: CSRF.token(req), linked: false, madeOn: "", sections: [], tasks: []))
                .encodeResponse(for: req)
        }
        req.auditPatients([id])
        let (handout, a) = try await BoardService.handout(req, patientID: id)
        let tasks = try await req.board.tasks(caseID: req.cases.caseRecord(patientID: id).requireID())
        return try await req.view.render("portal", Page(
            user: userVM(req), csrf: CSRF.token(req), linked: true, madeOn: HandoutWriter.spoken(a.asOf),
            sections: handout.sections.map {
                SectionVM(id: $0.id, title: $0.title, paragraphs: $0.paragraphs, bullets: $0.bullets, urgent: $0.urgent, glossary: $0.id == "glossary")
            },
            tasks: tasks.map { TaskVM(title: $0.title, owner: $0.owner, due: $0.dueOn, done: $0.status == "done") }))
            .encodeResponse(for: req)
    }

    /// The same guide as a self-contained printable page.
    func printable(req: Request) async throws -> Response {
        guard req.user?.isPatient == true else { throw Abort(.forbidden, reason: "this page is a patient's own guide; the care team prints it from the patient page") }
        guard let id = try ownRecord(req) else { throw Abort(.notFound, reason: "no record is linked to this account yet; ask your care team") }
        req.auditPatients([id])
        return try await PatientController.handoutResponse(req, patientID: id)
    }
}
