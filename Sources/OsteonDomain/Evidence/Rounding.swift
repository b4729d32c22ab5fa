import Foundation

/// Half-up rounding to `places` decimals, applied to the value as exact
/// arithmetic would give it: binary noise below 1e-9 is removed first, so
/// 60.000000000000007 → 60.0 and 45.049999999999997 (really 45.05) → 45.1.
public func roundHalfUp(_ value: Double, places: Int) -> Double {
    let scale = pow(10.0, Double(places))
    let scaled = value * scale
    let cleaned = (scaled * 1e6).rounded() / 1e6
    return cleaned.rounded(.toNearestOrAwayFromZero) / scale
}
