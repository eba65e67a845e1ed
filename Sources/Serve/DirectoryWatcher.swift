import Platform
import FormatKit
import Pipeline
import Synchronization

/// Watches the extension search path (and each extension's directory) with inotify and
/// counts changes, so a long-lived server knows that new requests must see new versions.
public final class DirectoryWatcher: Sendable {
    private let descriptor: Int32
    private let changes = ChangeCounter()
    private let thread: BackgroundThread
    private let onChange: @Sendable (String) -> Void

    public init?(directories: [String], onChange: @escaping @Sendable (String) -> Void) {
        #if os(Linux)
        descriptor = inotify_init1(Int32(IN_CLOEXEC))
        guard descriptor >= 0 else { return nil }
        self.onChange = onChange
        let mask = UInt32(IN_CREATE | IN_DELETE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_CLOSE_WRITE)
        for directory in directories {
            _ = inotify_add_watch(descriptor, directory, mask)
            for child in directoryEntries(directory) {
                _ = inotify_add_watch(descriptor, directory + "/" + child, mask)
            }
        }
        let fd = descriptor
        let counter = changes
        let callback = onChange
        thread = BackgroundThread {
            var buffer = [UInt8](repeating: 0, count: 16 << 10)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                counter.value.add(1, ordering: .relaxed)
                callback("an extension directory changed")
            }
        }
        thread.start()
        #else
        return nil
        #endif
    }

    /// Changes seen so far.
    public var generation: Int { changes.value.load(ordering: .relaxed) }

    deinit {
        close(descriptor)
    }
}


private final class ChangeCounter: Sendable {
    let value = Atomic<Int>(0)
}
