/// Dates as people type them in a form: ISO ("2026-12-03"), a day with a
/// month name ("3 Dec 2026", "December 3, 2026"), or words relative to today
/// ("today", "tomorrow", "in 2 weeks"). Numeric day/month orders ("03/12/2026")
/// are refused: they read differently in the UK and the US.
public enum TypedDate {
    public static let example = "2026-12-03, 3 Dec 2026, tomorrow or in 2 weeks"

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    public static func parse(_ raw: String, today: Day) -> Day? {
        let text = String(raw.trimmingSpaces()).lowercased()
        if text.isEmpty { return nil }
        if let iso = Day(text) { return iso }
        switch text {
        case "today": return today
        case "tomorrow": return today.adding(days: 1)
        case "yesterday": return today.adding(days: -1)
        default: break
        }
        let words = text.replacingOccurrences(of: ",", with: " ").replacingOccurrences(of: ".", with: " ").split(separator: " ").map(String.init)
        if words.count == 3, words[0] == "in", let n = Int(words[1]), (0...3650).contains(n) {
            switch words[2] {
            case "day", "days": return today.adding(days: n)
            case "week", "weeks": return today.adding(days: 7 * n)
            case "month", "months": return today.adding(months: n)
            default: return nil
            }
        }
        guard words.count == 3 else { return nil }
        func month(_ w: String) -> Int? {
            // The full name, its first three letters, or "sept".
            months.firstIndex { $0 == w || $0.prefix(3) == w || (w == "sept" && $0 == "september") }.map { $0 + 1 }
        }
        func dayNumber(_ w: String) -> Int? {
            Int(w.replacingOccurrences(of: "st", with: "").replacingOccurrences(of: "nd", with: "").replacingOccurrences(of: "rd", with: "")
                .replacingOccurrences(of: "th", with: ""))
        }
        guard let year = Int(words[2]), (1900...2200).contains(year) else { return nil }
        if let d = dayNumber(words[0]), let m = month(words[1]) { return Day(year: year, month: m, day: d) }
        if let m = month(words[0]), let d = dayNumber(words[1]) { return Day(year: year, month: m, day: d) }
        return nil
    }
}
