import OsteonDomain

/// A simple front-view skeleton drawn in SVG, with each lesion as a dot
/// coloured by risk. Every lesion also has a <title> and appears in the
/// lesion table, so the map is never the only place a fact is shown.
enum SkeletonMap {
    /// Where a lesion sits on a 200 × 400 figure (the patient's right is on the viewer's left).
    static func position(_ l: Lesion, index: Int) -> (Double, Double) {
        let right = l.side?.lowercased() == "right"
        let x = { (offset: Double) in 100 + (right ? -offset : offset) }
        if let level = l.spinalLevels?.first {
            let y: Double
            switch level.region {
            case .occiput: y = 48
            case .cervical: y = 60 + Double(level.number) * 4
            case .thoracic: y = 90 + Double(level.number) * 6
            case .lumbar: y = 165 + Double(level.number) * 6
            case .sacral: y = 198 + Double(level.number) * 3
            }
            return (100, y)
        }
        let jitter = Double(index % 3) * 4
        switch l.bone {
        case .skull?: return (100, 25 + jitter)
        case .vertebra?: return (100, 130 + jitter)
        case .sacrum?: return (100, 205)
        case .pelvis?: return (x(22), 200 + jitter)
        case .rib?: return (x(28), 110 + jitter)
        case .sternum?: return (100, 105)
        case .clavicle?: return (x(25), 82)
        case .scapula?: return (x(35), 95)
        case .humerus?:
            let y: Double = l.region == .distal ? 150 : l.region == .diaphysis ? 130 : 105
            return (x(48), y + jitter)
        case .radius?, .ulna?: return (x(56), 180 + jitter)
        case .femur?:
            let y: Double
            switch l.region {
            case .distal?, .epiphysis?: y = 285
            case .diaphysis?: y = 255
            default: y = 225
            }
            return (x(20), y + jitter)
        case .tibia?, .fibula?: return (x(20), l.region == .distal ? 360 : 320 + jitter)
        case .hand?: return (x(60), 215)
        case .foot?: return (x(22), 390)
        default: return (170, 380 - Double(index) * 10)
        }
    }

    static let colours = ["high": "#b3261e", "borderline": "#b26a00", "low": "#1e6b3a", "unscored": "#555555"]
    /// A shape per risk band, so the map reads without colour (WCAG 1.4.1); the key uses the same symbols.
    static let symbols = ["high": "▲", "borderline": "◆", "low": "●", "unscored": "■"]

    static func mark(_ risk: String, _ x: Double, _ y: Double) -> String {
        let fill = "fill=\"\(colours[risk]!)\" stroke=\"#fff\" stroke-width=\"1.5\""
        switch risk {
        case "high": return "<path d=\"M\(x) \(y - 8) L\(x + 8) \(y + 6) L\(x - 8) \(y + 6) Z\" \(fill)/>"
        case "borderline": return "<path d=\"M\(x) \(y - 8) L\(x + 7) \(y) L\(x) \(y + 8) L\(x - 7) \(y) Z\" \(fill)/>"
        case "low": return "<circle cx=\"\(x)\" cy=\"\(y)\" r=\"6\" \(fill)/>"
        default: return "<rect x=\"\(x - 5.5)\" y=\"\(y - 5.5)\" width=\"11\" height=\"11\" \(fill)/>"
        }
    }

    /// The short label beside a mark: the level for the spine, else side and bone.
    static func shortLabel(_ l: Lesion) -> String {
        if let levels = l.spinalLevels, let first = levels.first {
            return levels.count > 1 ? "\(first)–\(levels.last!)" : first.description
        }
        let side = l.side?.lowercased() == "right" ? "right " : l.side?.lowercased() == "left" ? "left " : ""
        return side + (l.bone.map { Words.value($0.rawValue) } ?? "bone")
    }

    static func svg(lesions: [Lesion], assessment a: Assessment) -> String {
        var dots = ""
        for (i, l) in lesions.enumerated() {
            let (cx, cy) = position(l, index: i)
            let risk = a.risk(lesion: l.id)
            let label = HTMLEscape.escape("\(l.label) — \(risk.label)")
            // Labels point inwards, so none runs off the figure.
            let onLeft = cx > 130 || (cx == 100 && l.spinalLevels != nil)
            let tx = onLeft ? cx - 11 : cx + 11
            dots += "<g class=\"lesion risk-\(risk.rawValue)\"><title>\(label)</title>" + mark(risk.rawValue, cx, cy)
                + "<text x=\"\(tx)\" y=\"\(cy + 4)\" font-size=\"10\" fill=\"#111\"\(onLeft ? " text-anchor=\"end\"" : "")>\(HTMLEscape.escape(shortLabel(l)))</text></g>"
        }
        // The spine as levels: a tick and name at the first vertebra of each region.
        var levels = ""
        for (name, y) in [("C1", 64.0), ("T1", 96.0), ("L1", 171.0), ("S1", 201.0)] {
            levels += "<line x1=\"104\" y1=\"\(y)\" x2=\"112\" y2=\"\(y)\" stroke=\"#6b7280\"/><text x=\"114\" y=\"\(y + 3)\" font-size=\"8\" fill=\"#4a4a4a\">\(name)</text>"
        }
        let bones = """
            <g fill="none" stroke="#9aa5b1" stroke-width="6" stroke-linecap="round">
            <circle cx="100" cy="28" r="20" stroke-width="4"/>
            <line x1="100" y1="50" x2="100" y2="205"/>
            <line x1="60" y1="82" x2="140" y2="82"/>
            <path d="M70 100 Q100 92 130 100 M68 115 Q100 107 132 115 M70 130 Q100 122 130 130" stroke-width="3"/>
            <path d="M72 195 Q100 225 128 195 Z" stroke-width="4"/>
            <line x1="60" y1="85" x2="52" y2="158"/><line x1="140" y1="85" x2="148" y2="158"/>
            <line x1="52" y1="160" x2="44" y2="210"/><line x1="148" y1="160" x2="156" y2="210"/>
            <line x1="82" y1="212" x2="80" y2="295"/><line x1="118" y1="212" x2="120" y2="295"/>
            <line x1="80" y1="298" x2="78" y2="380"/><line x1="120" y1="298" x2="122" y2="380"/>
            </g>
            """
        return "<svg class=\"skeleton\" viewBox=\"0 0 200 400\" role=\"img\" aria-labelledby=\"skeleton-title\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title id=\"skeleton-title\">Skeleton map with \(lesions.count) lesion\(lesions.count == 1 ? "" : "s"); the patient's right is on the left</title>"
            + bones + "<g aria-hidden=\"true\">" + levels + "</g>" + dots + "</svg>"
    }
}
