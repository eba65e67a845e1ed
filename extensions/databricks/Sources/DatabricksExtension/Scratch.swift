#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// A private directory under $TMPDIR for staged inputs and outputs, removed when the job ends
/// (whether it succeeded or not).
struct Scratch: Sendable {
    let path: String

    init() throws(ConversionFailure) {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/pyforge-databricks-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ConversionFailure(reason: "volumeFailed", message: "Creating a scratch directory under '\(base)' failed (errno \(errno)); set TMPDIR to a writable directory with space for the output.")
        }
        path = String(cString: made)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
