/// HTML rendered once and served to many viewers: the few parts that differ
/// per viewer (the session's CSRF token, the emergency-access banner) are
/// slots filled when the page is served.
struct HTMLTemplate: Sendable {
    enum Slot: Sendable { case csrf, emergencyBanner }

    /// pieces.count == slots.count + 1: piece, slot, piece, …, piece.
    fileprivate(set) var pieces: [String]
    fileprivate(set) var slots: [Slot]

    func filled(_ value: (Slot) -> String) -> String {
        var out = pieces[0]
        out.reserveCapacity(pieces.reduce(0) { $0 + $1.utf8.count } + slots.count * 64)
        for (slot, piece) in zip(slots, pieces.dropFirst()) {
            out += value(slot)
            out += piece
        }
        return out
    }
}

/// Writes HTML with everything from data escaped (Leaf's `#( )` rules).
struct HTMLWriter {
    private var pieces: [String] = []
    private var slots: [HTMLTemplate.Slot] = []
    private var out = ""

    init(capacity: Int = 32_768) { out.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { out += s }

    mutating func text(_ s: String) { Self.escape(s, into: &out) }

    mutating func slot(_ slot: HTMLTemplate.Slot) {
        pieces.append(out)
        slots.append(slot)
        out = ""
    }

    /// `<input type="hidden" name="_csrf" value="…">`
    mutating func csrfField() {
        raw("<input type=\"hidden\" name=\"_csrf\" value=\"")
        slot(.csrf)
        raw("\">")
    }

    func finish() -> HTMLTemplate { HTMLTemplate(pieces: pieces + [out], slots: slots) }

    static func escape(_ s: String) -> String {
        var out = ""
        escape(s, into: &out)
        return out
    }

    static func escape(_ s: String, into out: inout String) {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            out += s
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }
}
