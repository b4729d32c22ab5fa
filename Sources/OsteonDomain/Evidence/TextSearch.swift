#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension String {
    /// Byte-wise substring test (no locale, no bridging): the hot path of
    /// code and display matching when importing FHIR.
    public func has(_ needle: String) -> Bool {
        var haystack = self
        var needle = needle
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard n.count > 0 else { return true }
                guard h.count >= n.count, let hb = h.baseAddress, let nb = n.baseAddress else { return false }
                let first = Int32(nb[0])
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    guard let hit = memchr(hb + i, first, last - i + 1) else { return false }
                    let at = UnsafeRawPointer(hb).distance(to: UnsafeRawPointer(hit))
                    if memcmp(hb + at, nb, n.count) == 0 { return true }
                    i = at + 1
                }
                return false
            }
        }
    }
}
