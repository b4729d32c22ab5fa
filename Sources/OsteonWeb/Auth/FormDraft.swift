import Foundation
import OsteonDomain
import Vapor

/// A form sent after the session expired is not lost: the sign-in page keeps
/// it, and after signing in the user is back on the form's page with the
/// values in place, to check and send again (never replayed automatically).
enum FormDraft {
    static let maxBytes = 64 * 1024
    static let notice = "Your session ended before this was saved. What you typed is back in the form: check it and send it again."

    struct Draft: Codable {
        var page: String
        var action: String
        var fields: [String: String]
    }

    /// The page a form belongs to: the longest leading part of its action that is a page (GET route).
    static func page(for action: String, routes: [Route]) -> String {
        let parts = action.split(separator: "/").map(String.init)
        let pages = routes.filter { $0.method == .GET }.map { $0.path }
        for n in stride(from: parts.count, through: 1, by: -1) {
            let prefix = Array(parts.prefix(n))
            let matches = pages.contains { path in
                path.count == prefix.count && zip(path, prefix).allSatisfy { component, part in
                    switch component {
                    case .constant(let c): c == part
                    case .parameter: true
                    default: false
                    }
                }
            }
            if matches { return "/" + prefix.joined(separator: "/") }
        }
        return "/patients"
    }

    /// The sign-in page in place of the refused form, carrying what was typed.
    static func signInPage(_ req: Request) async throws -> Response {
        var draft: String?
        let sameOrigin = Self.sameOrigin(req)
        let page = SafeRedirect.path(Self.page(for: req.url.path, routes: req.application.routes.all))
        if sameOrigin, let body = try? await req.body.collect(max: maxBytes).get(),
           let fields = try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body)) {
            let kept = fields.filter { !["_csrf", "password"].contains($0.key) }
            if let data = try? JSONEncoder().encode(Draft(page: page, action: SafeRedirect.path(req.url.path), fields: kept)) {
                draft = String(decoding: data, as: UTF8.self)
            }
        }
        return try await req.view.render("login", LoginPage(next: page, error: nil, notice: draft == nil ? "You were signed out. Sign in again." : notice,
                                                            username: "", csrf: CSRF.token(req), draft: draft))
            .encodeResponse(status: .unauthorized, for: req)
    }

    /// Our own page sent it. Browsers say so in Sec-Fetch-Site; without it the Origin must name
    /// this host and port exactly (with our no-referrer policy Chrome sends "Origin: null").
    /// A post that says neither keeps nothing.
    static func sameOrigin(_ req: Request) -> Bool {
        if let site = req.headers.first(name: "Sec-Fetch-Site") { return site == "same-origin" }
        guard let origin = req.headers.first(name: .origin), let url = URL(string: origin), url.user == nil, let host = url.host,
              let hostHeader = req.headers.first(name: .host)
        else { return false }
        return (url.port.map { "\(host):\($0)" } ?? host) == hostHeader
    }

    /// Kept in the new session at sign-in (checked: a draft names safe local paths only).
    static func keep(_ raw: String?, on req: Request) {
        guard let raw, raw.utf8.count <= maxBytes, let d = try? JSONDecoder().decode(Draft.self, from: Data(raw.utf8)),
              SafeRedirect.path(d.page) == d.page, SafeRedirect.path(d.action) == d.action else { return }
        req.session.data["draft"] = raw
    }

    /// The draft for this page, once.
    static func take(_ req: Request, page: String) -> Draft? {
        guard req.hasSession, let raw = req.session.data["draft"], let d = try? JSONDecoder().decode(Draft.self, from: Data(raw.utf8)),
              d.page == page else { return nil }
        req.session.data["draft"] = nil
        return d
    }
}
