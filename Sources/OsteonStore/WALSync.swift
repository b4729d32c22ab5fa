import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes everything committed to an SQLite write-ahead log so far durable:
/// one fsync of the log file, shared by every caller that arrives while it
/// waits for the disk.
///
/// The server's connections commit with `synchronous = NORMAL`: a commit is
/// in the log (safe from a crash of the server process) but not yet synced
/// to disk. A request that changed something calls `sync()` before it
/// answers, which is what `synchronous = FULL` does at every commit; page
/// views do not wait for the disk, and their audit entries reach it with
/// the next sync or checkpoint (within the checkpointer's interval).
public final class WALSync: @unchecked Sendable {
    public let logPath: String
    private let thread: NIOThreadPool
    private let lock = NSLock()
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private var running = false
    private var syncs = 0

    public init(databasePath: String) {
        logPath = databasePath + "-wal"
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
    }

    /// Fsyncs done so far (tests: callers that arrive together share one).
    public var syncCount: Int { lock.withLock { syncs } }

    /// Returns once an fsync that started after this call has finished.
    public func sync() async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            let start = lock.withLock {
                waiting.append(done)
                if running { return false }
                running = true
                return true
            }
            if start { thread.submit { _ in self.drain() } }
        }
    }

    /// On the sync thread: an fsync per group of waiters until none are left.
    private func drain() {
        while true {
            let group: [CheckedContinuation<Void, any Error>]? = lock.withLock {
                if waiting.isEmpty {
                    running = false
                    return nil
                }
                defer { waiting = [] }
                return waiting
            }
            guard let group else { return }
            let result = Self.fsyncFile(logPath)
            lock.withLock { syncs += 1 }
            for waiter in group { waiter.resume(with: result) }
        }
    }

    struct SyncFailed: Error { let errno: Int32 }

    /// A missing log file has nothing unsynced: SQLite removes it only after a full checkpoint.
    static func fsyncFile(_ path: String) -> Result<Void, any Error> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return errno == ENOENT ? .success(()) : .failure(SyncFailed(errno: errno)) }
        defer { close(fd) }
        return fsync(fd) == 0 ? .success(()) : .failure(SyncFailed(errno: errno))
    }

    public func shutdown() async {
        try? await thread.shutdownGracefully()
    }
}
