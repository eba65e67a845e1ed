import Columnar
import Pipeline
import FormatKit

/// Reads a table source to its end the way a conversion does: a restart reopens the source
/// with the types it asks for (a few times at most, as the pipeline bounds them too).
/// Errors are the expected outcome of most inputs; only crashes, leaks and hangs count.
enum TableDrain {
    static func drain(_ open: () throws(ConversionError) -> TableSource) {
        do throws(ConversionError) {
            let source = try open()
            var schema: Columnar.Schema? = nil
            for _ in 0..<4 {
                let reader = try source.openReader(schema: schema, progress: nil)
                var restarted = false
                reading: while true {
                    switch try reader.next() {
                    case .batch: continue
                    case .end: break reading
                    case .restart(let wider, _):
                        schema = wider
                        restarted = true
                        break reading
                    }
                }
                _ = reader.warnings
                _ = reader.details
                if !restarted { return }
            }
        } catch {
            _ = error.description
        }
    }

    /// A text format's input: `bytes` in a scratch file named like `name` (with the suffix of
    /// the compression its first bytes show, so the decoders are fuzzed too), drained through
    /// the source `open` makes of its path, then removed.
    static func drainTextFile(_ bytes: [UInt8], named name: String, _ open: (String) -> TableSource) {
        let scratch = TextInputName.name(name, for: bytes)
        let path = ScratchFile.write(bytes, named: scratch)
        defer { ScratchFile.remove(scratch) }
        drain { () throws(ConversionError) in open(path) }
    }
}
