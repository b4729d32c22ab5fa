import Fluent
import Foundation
import OsteonDomain
import OsteonStore
import Vapor

/// The navigator's dashboard: open care-plan tasks of the patients the user
/// may see (care teams and board meetings), overdue first, then by due date.
struct TasksController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.on(.tasks, use: show)
    }

    struct Row: Content {
        let id: UUID
        let patientID: UUID
        let patient: String
        let externalID: String
        let title: String
        let owner: String
        let due: String
        let when: String
        let whenClass: String
        let mine: Bool
    }

    struct Page: Content {
        let user: UserVM
        let csrf: String
        let mineOnly: Bool
        let overdue: Int
        let dueThisWeek: Int
        let rows: [Row]
        let today: String
    }

    enum Due: Int {
        case overdue, today, thisWeek, later, undated
        var label: String {
            switch self {
            case .overdue: "Overdue"
            case .today: "Due today"
            case .thisWeek: "Due this week"
            case .later: "Later"
            case .undated: "No due date"
            }
        }
        static func of(_ day: Day?, today: Day) -> Due {
            guard let day else { return .undated }
            let days = day.ordinal - today.ordinal
            return days < 0 ? .overdue : days == 0 ? .today : days <= 7 ? .thisWeek : .later
        }
    }

    func show(req: Request) async throws -> View {
        let mineOnly = (try? req.query.get(String.self, at: "mine")) == "1"
        let me = req.user!.id
        // The visible patients' open tasks by a join: the dashboard does not grow with the number of patients.
        let also = try await req.access.breakGlassPatientIDs(userID: me, now: req.now)
        var tasks = try await req.board.tasks(ids: SummaryStore(db: req.db).openTaskIDs(userID: me, alsoVisible: also))
        if mineOnly { tasks = tasks.filter { $0.ownerUserID == me } }
        let today = req.today
        let sorted = tasks.map { ($0, Due.of($0.dueOn.flatMap(Day.init), today: today)) }
            .sorted { ($0.1.rawValue, $0.0.dueOn ?? "", $0.0.title) < ($1.1.rawValue, $1.0.dueOn ?? "", $1.0.title) }
        req.auditPatients(Array(Set(sorted.map { $0.0.caseRecord.$patient.id })))
        let rows = sorted.map { t, due in
            Row(id: t.id!, patientID: t.caseRecord.$patient.id, patient: t.caseRecord.patient.name, externalID: t.caseRecord.patient.externalID,
                title: t.title, owner: t.owner, due: t.dueOn ?? "", when: due.label,
                whenClass: due == .overdue ? "overdue" : due == .today || due == .thisWeek ? "soon" : "later", mine: t.ownerUserID == me)
        }
        return try await req.view.render("tasks", Page(
            user: userVM(req), csrf: CSRF.token(req), mineOnly: mineOnly,
            overdue: sorted.filter { $0.1 == .overdue }.count, dueThisWeek: sorted.filter { $0.1 == .today || $0.1 == .thisWeek }.count,
            rows: rows, today: today.description))
    }
}
