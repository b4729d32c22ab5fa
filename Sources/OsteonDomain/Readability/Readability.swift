import Foundation

/// Flesch Reading Ease and Flesch–Kincaid grade (REFERENCE.md §15), from
/// counts or from a text. Targets: grade ≤ 8 required (NIH), ≤ 6 preferred (AMA/HHS).
public enum Readability: ClinicalRule {
    public static let id = "readability"
    public static let title = "Readability (Flesch Reading Ease, Flesch–Kincaid grade)"

    public struct Counts: Sendable, Equatable {
        public let words: Int
        public let sentences: Int
        public let syllables: Int
        public init(words: Int, sentences: Int, syllables: Int) {
            self.words = words
            self.sentences = sentences
            self.syllables = syllables
        }
    }

    public struct Input: Sendable {
        public var words: Int?
        public var sentences: Int?
        public var syllables: Int?
        public var text: String?
        public init(words: Int? = nil, sentences: Int? = nil, syllables: Int? = nil, text: String? = nil) {
            self.words = words
            self.sentences = sentences
            self.syllables = syllables
            self.text = text
        }
    }

    public struct Result: Sendable {
        public let counts: Counts
        /// Both rounded half-up to 0.001.
        public let readingEase: Double
        public let grade: Double
        public var meetsGrade8: Bool { grade <= Readability.requiredGrade }
        public var meetsGrade6: Bool { grade <= Readability.preferredGrade }
        public var easeBand: String { Readability.easeBand(readingEase) }
    }

    public static let requiredGrade = 8.0
    public static let preferredGrade = 6.0

    public static let citations = [
        Citation("Flesch R 1948 (Reading Ease); Kincaid JP et al. 1975 (grade formula); wooorm/flesch README"),
        Citation("PMC6334864 (NIH: patient material below 8th grade); AMA and US HHS: 6th grade or below"),
    ]

    public static let inputKeys: [InputKey] = [
        InputKey("words", "number of words (or give text)", allowed: "1 or more"),
        InputKey("sentences", "number of sentences (or give text)", allowed: "1 or more"),
        InputKey("syllables", "number of syllables (or give text)", allowed: "1 or more"),
        InputKey("text", "plain text to count instead of the three numbers", allowed: "text", required: false),
    ]

    public static func read(_ r: inout InputReader) -> Input {
        Input(words: r.int("words", in: 1...10_000_000), sentences: r.int("sentences", in: 1...10_000_000),
              syllables: r.int("syllables", in: 1...100_000_000), text: r.string("text"))
    }

    public static func evaluate(_ input: Input) -> Outcome<Result> {
        let counts: Counts
        if let text = input.text, input.words == nil, input.sentences == nil, input.syllables == nil {
            let c = TextCounter.count(text)
            guard c.words > 0 else { return .cannotScore(.invalid("text", "no words found")) }
            counts = c
        } else {
            var need = RequiredInputs()
            let w = need.need(input.words, "words")
            let s = need.need(input.sentences, "sentences")
            let y = need.need(input.syllables, "syllables")
            guard let w, let s, let y else { return .cannotScore(need.cannotScore!) }
            counts = Counts(words: w, sentences: s, syllables: y)
        }
        return .scored(score(counts))
    }

    public static func score(_ c: Counts) -> Result {
        let wps = Double(c.words) / Double(c.sentences)
        let spw = Double(c.syllables) / Double(c.words)
        let fre = 206.835 - 1.015 * wps - 84.6 * spw
        let fkgl = 0.39 * wps + 11.8 * spw - 15.59
        return Result(counts: c, readingEase: roundHalfUp(fre, places: 3), grade: roundHalfUp(fkgl, places: 3))
    }

    public static func score(text: String) -> Result { score(TextCounter.count(text)) }

    /// Flesch's bands (REFERENCE §15 ✔).
    public static func easeBand(_ fre: Double) -> String {
        switch fre {
        case 90...: "very easy (5th grade)"
        case 80..<90: "easy (6th grade)"
        case 70..<80: "fairly easy (7th grade)"
        case 60..<70: "plain English (8th–9th grade)"
        case 50..<60: "fairly difficult (10th–12th grade)"
        case 30..<50: "difficult (college)"
        default: "very difficult (graduate)"
        }
    }

    public static func report(_ r: Result) -> ScoreReport {
        let c = r.counts
        return ScoreReport(
            scoreID: id, title: title, band: r.easeBand,
            recommendation: r.meetsGrade8
                ? (r.meetsGrade6 ? "Meets the grade 6 target." : "Meets the grade 8 requirement; grade 6 is preferred.")
                : "Above grade 8: shorten sentences and use shorter, common words.",
            rationale: [
                "\(c.words) words, \(c.sentences) sentences, \(c.syllables) syllables.",
                "FRE = 206.835 − 1.015 × words/sentences − 84.6 × syllables/words = \(format(r.readingEase)).",
                "FKGL = 0.39 × words/sentences + 11.8 × syllables/words − 15.59 = \(format(r.grade)).",
            ],
            citations: citations, provenance: .sourced,
            outputs: [
                ("flesch_reading_ease", .double(r.readingEase)),
                ("flesch_kincaid_grade", .double(r.grade)),
                ("meets_grade_8_target", .bool(r.meetsGrade8)),
                ("meets_grade_6_target", .bool(r.meetsGrade6)),
                ("reading_ease_band", .string(r.easeBand)),
                ("words", .int(c.words)), ("sentences", .int(c.sentences)), ("syllables", .int(c.syllables)),
            ],
            cautions: ["Syllable counts differ between tools; Osteon pins its own counter (TextCounter) and tests it on fixtures."]
        )
    }
}

/// Counts words, sentences and syllables in English text. One pinned
/// algorithm: vowel groups with silent-e and -le/-ed/-es rules.
public enum TextCounter {
    public static func count(_ text: String) -> Readability.Counts {
        let words = self.words(in: text)
        return Readability.Counts(words: words.count, sentences: sentences(in: text), syllables: words.reduce(0) { $0 + syllables(in: $1) })
    }

    /// Letters, digits and inner apostrophes/hyphens make a word.
    public static func words(in text: String) -> [String] {
        var result: [String] = []
        var current = ""
        for ch in text {
            if ch.isLetter || ch.isNumber || ((ch == "'" || ch == "’" || ch == "-") && !current.isEmpty) {
                current.append(ch)
            } else if !current.isEmpty {
                result.append(current)
                current = ""
            }
        }
        if !current.isEmpty { result.append(current) }
        return result.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'’-")) }.filter { !$0.isEmpty }
    }

    /// Sentences end at . ! ? or a line break after text; at least one if there are words.
    public static func sentences(in text: String) -> Int {
        var count = 0
        var inSentence = false
        for ch in text {
            if ch == "." || ch == "!" || ch == "?" || ch == "\n" {
                if inSentence { count += 1 }
                inSentence = false
            } else if ch.isLetter || ch.isNumber {
                inSentence = true
            }
        }
        if inSentence { count += 1 }
        return max(count, words(in: text).isEmpty ? 0 : 1)
    }

    public static func syllables(in rawWord: String) -> Int {
        let word = rawWord.lowercased().filter { $0.isLetter }
        // A number counts as one syllable, as textstat counts it (Flesch's 1948 rule
        // reads figures aloud; agreeing with the common tool matters more here).
        if word.isEmpty { return rawWord.contains(where: \.isNumber) ? 1 : 0 }
        if word.count <= 3 { return 1 }
        // Hyphenated words: count each part.
        if rawWord.contains("-") {
            return rawWord.split(separator: "-").reduce(0) { $0 + syllables(in: String($1)) }
        }
        let vowels = Set("aeiouy")
        let chars = Array(word)
        var groups = 0
        var previousVowel = false
        for ch in chars {
            let v = vowels.contains(ch)
            if v && !previousVowel { groups += 1 }
            previousVowel = v
        }
        // Silent final e ("bone", "rate"), but not "-le" after a consonant ("table").
        if chars.last == "e", !vowels.contains(chars[chars.count - 2]) {
            let leEnding = chars[chars.count - 2] == "l" && chars.count > 2 && !vowels.contains(chars[chars.count - 3])
            if !leEnding { groups -= 1 }
        }
        // "-es" and "-ed" are usually silent unless after t/d (ed) or s/x/z/ch/sh (es).
        if word.hasSuffix("ed"), chars.count > 3, !["t", "d"].contains(chars[chars.count - 3]),
           !vowels.contains(chars[chars.count - 3]) { groups -= 1 }
        if word.hasSuffix("es"), chars.count > 3, !["s", "x", "z", "c", "g"].contains(chars[chars.count - 3]),
           !word.hasSuffix("hes"), !vowels.contains(chars[chars.count - 3]) { groups -= 1 }
        // Vowel pairs that are two sounds ("radiation", "calcium", "period").
        for pair in ["ia", "io", "iu", "eo", "ua", "uo"] {
            var search = word.startIndex
            while let r = word.range(of: pair, range: search..<word.endIndex) {
                // "-ion" is one sound ("radiation", "million").
                if !(pair == "io" && word[r.upperBound...].hasPrefix("n")) { groups += 1 }
                search = r.upperBound
            }
        }
        return max(1, groups)
    }
}
