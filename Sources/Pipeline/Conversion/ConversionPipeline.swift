import Columnar
import Logging
import Platform
import FormatKit

/// Moves batches from a reader on a background thread to a writer on the calling
/// thread, so parsing overlaps encoding and compression on a second core.
enum ConversionPipeline {
    enum Item: Sendable {
        case batch(RecordBatch)
        case restart(Schema?, reason: String)
        case end
        case failure(ConversionError)
    }

    /// Hands a value that is used by one thread at a time to the producer thread.
    struct Handoff<T>: @unchecked Sendable {
        let value: T
    }

    /// What a finished run produced.
    struct Outcome {
        var rows: Int
        var schema: Schema
        var readerWarnings: [String]
        var readerDetails: [(String, String)]
        var restarts: [String]
    }

    /// Reads `source` into writers made by `openOutput`, starting over (with a fresh
    /// output) when the reader finds that a column needs a wider type.
    static func run(
        source: TableSource,
        schema initialSchema: Schema? = nil,
        progress: ProgressCounter?,
        logger: Logger,
        openOutput: (Schema) throws(ConversionError) -> OutputWriter,
        discardOutput: () -> Void
    ) throws(ConversionError) -> Outcome {
        var schemaOverride = initialSchema
        var restarts: [String] = []
        while true {
            progress?.reset()
            let reader = try source.openReader(schema: schemaOverride, progress: progress)
            let writer = try openOutput(reader.schema)
            logger.debug("Reading \(source.path) with schema: \(reader.schema.fields.map { "\($0.name): \($0.type.name)" }.joined(separator: ", "))")
            let queue = BoundedQueue<Item>(capacity: 2)
            let handoff = Handoff(value: reader)
            let producer = BackgroundThread {
                let reader = handoff.value
                while true {
                    let step: ReadStep
                    do throws(ConversionError) {
                        step = try reader.next()
                    } catch {
                        queue.push(.failure(error))
                        return
                    }
                    switch step {
                    case .batch(let batch):
                        if !queue.push(.batch(batch)) { return }
                    case .restart(let schema, let reason):
                        queue.push(.restart(schema, reason: reason))
                        return
                    case .end:
                        queue.push(.end)
                        return
                    }
                }
            }
            producer.start()
            var rows = 0
            /// nil: finished; .some(schema): start over (with that schema, or inferring again).
            var outcome: Result<Schema??, ConversionError> = .failure(.cancelled)
            consume: while let item = queue.pop() {
                switch item {
                case .batch(let batch):
                    do {
                        try writer.write(batch)
                        rows += batch.rowCount
                    } catch {
                        outcome = .failure(error)
                        break consume
                    }
                case .restart(let schema, let reason):
                    outcome = .success(.some(schema))
                    restarts.append(reason)
                    break consume
                case .end:
                    outcome = .success(nil)
                    break consume
                case .failure(let error):
                    outcome = .failure(error)
                    break consume
                }
            }
            queue.close()
            producer.join()
            switch outcome {
            case .failure(let error):
                discardOutput()
                throw error
            case .success(.some(let widened)):
                discardOutput()
                logger.info("Re-reading \(source.path) because \(restarts.last ?? "a value needed a wider type").")
                schemaOverride = widened
                guard restarts.count < 8 else {
                    throw .malformedInput(path: source.path, location: "several places", reason: "the file changed while it was being read", fix: "convert a copy that is not being written to")
                }
            case .success(.none):
                do {
                    try writer.finish()
                } catch {
                    discardOutput()
                    throw error
                }
                return Outcome(
                    rows: rows, schema: reader.schema, readerWarnings: reader.warnings, readerDetails: reader.details,
                    restarts: restarts)
            }
        }
    }
}
