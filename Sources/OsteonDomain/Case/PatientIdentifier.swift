/// Hospital numbers as people type and systems export them: surrounding
/// spaces (also non-breaking) removed, compared without regard to case, and
/// refused when empty, over 64 characters or holding control characters.
public enum PatientIdentifier {
    public static let maximumLength = 64

    /// The identifier to store, or nil when there is none to store.
    public static func normalise(_ raw: String) -> String? {
        let trimmed = String(raw.trimmingSpaces()).trimmingLineBreaks
        guard !trimmed.isEmpty, trimmed.count <= maximumLength,
              !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format })
        else { return nil }
        return trimmed
    }

    /// Two identifiers name the same patient when equal ignoring case.
    public static func key(_ id: String) -> String { id.lowercased() }
}

private extension String {
    var trimmingLineBreaks: String {
        var s = Substring(self)
        while let f = s.first, f.isNewline || f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isNewline || l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
