import NIOPosix

/// Runs work that blocks a thread for long (a whole-file copy through the Volume mount) on
/// NIO's thread pool for blocking work and suspends until it is done: it must be neither a
/// thread of Swift's cooperative pool nor an event loop (docs/CONCURRENCY.md).
func offloaded<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let outcome: Result<T, E>
    do {
        outcome = try await NIOThreadPool.singleton.runIfActive { () -> Result<T, E> in
            do throws(E) { return .success(try work()) } catch { return .failure(error) }
        }
    } catch {
        // The shared pool is never shut down, so this is only a cancellation before the work
        // started: do it here, as the caller did before it moved off the cooperative pool.
        return try work()
    }
    return try outcome.get()
}
