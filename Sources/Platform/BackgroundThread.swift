#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a closure on a new, joinable OS thread (Dispatch's pool would let long-running
/// work starve other queues on a 2-core machine).
public final class BackgroundThread: @unchecked Sendable {
    private var thread: pthread_t?
    private let body: @Sendable () -> Void

    public init(_ body: @escaping @Sendable () -> Void) {
        self.body = body
    }

    public func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 8 << 20)
        var handle = pthread_t()
        let status = pthread_create(&handle, &attributes, { raw in
            let thread = Unmanaged<BackgroundThread>.fromOpaque(raw!).takeRetainedValue()
            thread.body()
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        precondition(status == 0, "pthread_create failed: \(status)")
        thread = handle
    }

    public func join() {
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }
}
