#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file in large chunks and hands out its lines (without the newline)
/// as raw byte views, with 1-based line numbers. A line longer than the buffer
/// grows it; the last line may lack its newline.
public final class LineReader {
    private let fd: Int32
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    private(set) var lineNumber = 0
    private(set) var bytesRead: Int64 = 0

    /// Bytes left to read of the assigned range (Int64.max: to the end of the file).
    private var remainingInRange: Int64

    public init?(path: String, chunk: Int = 4 << 20, range: Range<Int64>? = nil) {
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        capacity = chunk
        buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 64)
        remainingInRange = range.map { $0.upperBound - $0.lowerBound } ?? .max
        if let range, range.lowerBound > 0 { lseek(fd, off_t(range.lowerBound), SEEK_SET) }
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Calls `body` with each line; stops early if it returns false.
    public func forEachLine(_ body: (UnsafeRawBufferPointer, Int) -> Bool) {
        while true {
            // Find the next newline in [start, end).
            if start < end, let nl = memchr(buffer + start, 0x0A, end - start) {
                let length = buffer.distance(to: nl) - start
                lineNumber += 1
                var lineLength = length
                if lineLength > 0, buffer.load(fromByteOffset: start + lineLength - 1, as: UInt8.self) == 0x0D { lineLength -= 1 }
                let keepGoing = body(UnsafeRawBufferPointer(start: buffer + start, count: lineLength), lineNumber)
                start += length + 1
                if !keepGoing { return }
                continue
            }
            if eof {
                if start < end {
                    lineNumber += 1
                    _ = body(UnsafeRawBufferPointer(start: buffer + start, count: end - start), lineNumber)
                    start = end
                }
                return
            }
            refill()
        }
    }

    private func refill() {
        // Move the partial line to the front; grow when it fills the buffer.
        let remaining = end - start
        if start > 0 {
            if remaining > 0 { memmove(buffer, buffer + start, remaining) }
            start = 0
            end = remaining
        }
        if end == capacity {
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
            bigger.copyMemory(from: buffer, byteCount: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let want = Int(min(Int64(capacity - end), remainingInRange))
        let n = want > 0 ? read(fd, buffer + end, want) : 0
        if n <= 0 { eof = true } else {
            end += n
            bytesRead += Int64(n)
            remainingInRange -= Int64(n)
        }
    }
}

/// A buffered append-only file for bucket and worklist output.
final class BufferedWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let limit: Int
    let path: String

    init?(path: String, bufferSize: Int = 256 << 10) {
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return nil }
        self.path = path
        limit = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        if buffer.count + bytes.count > limit { flush() }
        if bytes.count > limit { writeAll(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    func write(byte: UInt8) {
        if buffer.count + 1 > limit { flush() }
        buffer.append(byte)
    }

    func flush() {
        buffer.withUnsafeBytes { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }

    func close() {
        flush()
        systemClose(fd)
    }
}

@inline(__always) func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
@inline(__always) func systemClose(_ fd: Int32) { close(fd) }
