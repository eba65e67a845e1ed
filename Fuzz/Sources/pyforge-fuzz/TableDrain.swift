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
}
