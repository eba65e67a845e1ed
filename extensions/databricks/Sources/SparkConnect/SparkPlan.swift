/// The small part of Spark's logical plan language pyforge sends: read files through a data
/// source, optionally gather them into one partition, and write them out.
public indirect enum SparkRelation: Sendable, Hashable {
    /// `spark.read.format(format).options(options).load(paths)`.
    case read(format: String, options: [String: String], paths: [String])
    /// `coalesce(n)` (shuffle false) or `repartition(n)` (shuffle true).
    case repartition(SparkRelation, partitions: Int32, shuffle: Bool)
    /// `spark.sql(query)`.
    case sql(String)
}

/// What happens when the write's destination already exists.
public enum SparkSaveMode: Int64, Sendable, Hashable {
    case append = 1
    case overwrite = 2
    case errorIfExists = 3
    case ignore = 4
}

/// `df.write.format(source).mode(mode).options(options).save(path)` or `.saveAsTable(name)`.
public struct SparkWrite: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        case path(String)
        case table(String)
    }

    public var input: SparkRelation
    public var source: String
    public var destination: Destination
    public var mode: SparkSaveMode
    public var options: [String: String]

    public init(input: SparkRelation, source: String, destination: Destination, mode: SparkSaveMode, options: [String: String] = [:]) {
        self.input = input
        self.source = source
        self.destination = destination
        self.mode = mode
        self.options = options
    }
}

/// A plan is either a query whose rows come back as Arrow batches, or a command.
public enum SparkPlan: Sendable, Hashable {
    case query(SparkRelation)
    case write(SparkWrite)
}

// Field numbers: Spark Connect's relations.proto, commands.proto and base.proto (stable
// since Spark 3.4).
extension SparkRelation {
    func encode(into writer: inout ProtobufWriter) {
        switch self {
        case .read(let format, let options, let paths):
            writer.message(2) { read in  // Relation.read
                read.message(2) { source in  // Read.data_source
                    source.string(1, format)
                    source.stringMap(3, options)
                    for path in paths { source.string(4, path) }
                }
            }
        case .repartition(let input, let partitions, let shuffle):
            writer.message(17) { repartition in  // Relation.repartition
                repartition.message(1) { input.encode(into: &$0) }
                repartition.int(2, Int64(partitions))
                repartition.bool(3, shuffle)
            }
        case .sql(let query):
            writer.message(10) { $0.string(1, query) }  // Relation.sql
        }
    }
}

extension SparkPlan {
    func encode(into writer: inout ProtobufWriter) {
        switch self {
        case .query(let relation):
            writer.message(1) { relation.encode(into: &$0) }  // Plan.root
        case .write(let write):
            writer.message(2) { command in  // Plan.command
                command.message(2) { operation in  // Command.write_operation
                    operation.message(1) { write.input.encode(into: &$0) }
                    operation.string(2, write.source)
                    switch write.destination {
                    case .path(let path): operation.string(3, path)
                    case .table(let name):
                        operation.message(4) { table in
                            table.string(1, name)
                            table.int(2, 1)  // TABLE_SAVE_METHOD_SAVE_AS_TABLE
                        }
                    }
                    operation.int(5, write.mode.rawValue)
                    operation.stringMap(9, write.options)
                }
            }
        }
    }
}
