import Pipeline
import FormatKit

/// The temporary file an extension converted into, handed back by `ExtensionSession.stop()`
/// once the extension's whole process group is dead: nothing can write to it or create it
/// again any more, so it can be checked, moved into place or removed. It cannot be made
/// without that proof, and the session keeps the file until then.
public struct StoppedOutput {
    private let file: AtomicOutputFile

    init(_ file: AtomicOutputFile, after _: ExtensionStopped) {
        self.file = file
    }

    public var temporaryPath: String { file.temporaryPath }

    /// Flushes the file and moves it onto the destination.
    public func commit() throws(ConversionError) {
        try file.commit()
    }

    /// Removes the file; the destination is untouched.
    public func discard() {
        file.discard()
    }
}
