/// What the tumour board decided and signed, in the terms the patient guide
/// describes (REFERENCE §18.6): the radiotherapy course, the scans, the
/// operation and the bone medicine chosen, who treats, whom to call, the dates.
public struct BoardDecision: Sendable {
    public struct Radiotherapy: Sendable, Equatable {
        public let totalGy: Double
        public let fractions: Int
        public init(totalGy: Double, fractions: Int) {
            self.totalGy = totalGy
            self.fractions = fractions
        }
        public var label: String { "\(format(totalGy)) Gy in \(fractions) fraction\(fractions == 1 ? "" : "s")" }

        /// "20 Gy in 5 fractions", "8 Gy/1".
        public init?(label: String) {
            let t = label.lowercased().replacingOccurrences(of: "gy", with: " ").replacingOccurrences(of: "fractions", with: " ")
                .replacingOccurrences(of: "fraction", with: " ").replacingOccurrences(of: " in ", with: " ").replacingOccurrences(of: "/", with: " ")
            let numbers = t.split(separator: " ").compactMap { Double($0) }
            guard numbers.count == 2, numbers[0] > 0, numbers[0] <= 80, numbers[1] >= 1, numbers[1] <= 40, numbers[1] == numbers[1].rounded() else { return nil }
            self.init(totalGy: numbers[0], fractions: Int(numbers[1]))
        }
    }

    public var signedOn: Day
    public var signedBy: String
    public var consensus: String
    public var radiotherapy: Radiotherapy?
    /// False when the board decided on no radiotherapy (nil radiotherapy and false: none; nil and nil: not decided).
    public var radiotherapyDecided: Bool
    public var scans: [Modality]
    public var surgery: SurgeryKind?
    public var surgeryDecided: Bool
    public var boneMedicine: Agent?
    public var boneMedicineDecided: Bool
    public var team: [String]
    public var contact: String?
    public var dates: [(day: Day, what: String)]

    public init(signedOn: Day, signedBy: String, consensus: String) {
        self.signedOn = signedOn
        self.signedBy = signedBy
        self.consensus = consensus
        radiotherapy = nil
        radiotherapyDecided = false
        scans = []
        surgery = nil
        surgeryDecided = false
        boneMedicine = nil
        boneMedicineDecided = false
        team = []
        contact = nil
        dates = []
    }
}
