import OsteonDomain

/// HTML rendered once and served to many viewers: the few parts that differ
/// per viewer (the session's CSRF token, the emergency-access banner) are
/// slots filled when the page is served.
struct HTMLTemplate: Sendable {
    enum Slot: Sendable { case csrf, emergencyBanner, board }

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

/// Writes HTML with everything from data escaped (`HTMLEscape`, Leaf's `#( )` rules).
struct HTMLWriter {
    private var pieces: [String] = []
    private var slots: [HTMLTemplate.Slot] = []
    private var out = ""

    init(capacity: Int = 32_768) { out.reserveCapacity(capacity) }

    mutating func raw(_ s: String) { out += s }

    mutating func text(_ s: String) { HTMLEscape.escape(s, into: &out) }

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
}
