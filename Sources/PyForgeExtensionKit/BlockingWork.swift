#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs synchronous work that blocks (a core conversion, reading a large file, waiting for a
/// child process) on an OS thread of its own and suspends until it is done. A handler's
/// `async` methods run on Swift's cooperative pool, one thread per core: blocking one
/// of them stalls every other request and the kit's own protocol loop (docs/CONCURRENCY.md).
/// The work is not cancelled with the request; check `RequestContext.isCancelled` inside it.
public func runBlocking<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
    let result: Result<T, E> = await withCheckedContinuation { continuation in
        let run: @Sendable () -> Void = {
            do throws(E) {
                continuation.resume(returning: .success(try work()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        // Out of threads: do the work here rather than not at all.
        if !startThread(run) { run() }
    }
    return try result.get()
}

/// Runs `body` on a new detached OS thread; false when none could be created.
func startThread(_ body: @escaping @Sendable () -> Void) -> Bool {
    final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
    let context = Unmanaged.passRetained(Body(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
        return nil
    }, context)
    guard status == 0 else {
        Unmanaged<Body>.fromOpaque(context).release()
        return false
    }
    pthread_detach(thread)
    return true
}
