import Foundation

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

/// Installs a finished file at a local destination atomically: copied beside it under a
/// temporary name, then renamed (or linked, which never replaces a file, without --force).
enum LocalDelivery {
    static func install(_ local: String, at destination: String, overwrite: Bool) throws(ConversionFailure) {
        let directory = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        let temporary = directory + "/." + URL(fileURLWithPath: destination).lastPathComponent + ".pyforge-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        do {
            try FileManager.default.copyItem(atPath: local, toPath: temporary)
            if overwrite {
                guard rename(temporary, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            } else {
                guard link(temporary, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                unlink(temporary)
            }
        } catch {
            unlink(temporary)
            let exists = (error as? POSIXError)?.code == .EEXIST
            throw ConversionFailure(
                reason: "badOutput",
                message: exists ? "'\(destination)' already exists; use --force to replace it." : "Writing '\(destination)' failed: \(error.localizedDescription).")
        }
    }
}
