/// The one CSV writer for every CSV Osteon writes (worklists, audit exports).
public enum CSV {
    /// A cell a spreadsheet would run as a formula (= + - @), or one starting with
    /// a tab or carriage return (which some spreadsheets strip before reading the
    /// formula), is prefixed with an apostrophe; a cell holding a separator,
    /// quote, line break, tab or the unit separator is quoted.
    public static func field(_ s: String) -> String {
        var v = s
        if let first = v.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { v = "'" + v }
        guard v.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{1F}" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }
}
