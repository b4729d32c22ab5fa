import Foundation

/// A number for people: whole numbers without ".0", others in shortest form.
public func format(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e12 { return String(Int(d)) }
    // Shortest round-trip form; values shown here are already rounded.
    return "\(d)"
}
