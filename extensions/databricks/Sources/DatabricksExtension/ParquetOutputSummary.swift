import Parquet

/// Rows and top-level columns of a Parquet file, from its footer: what Spark actually wrote.
struct ParquetOutputSummary: Sendable {
    var rows: Int
    var columns: [(name: String, type: String)]

    init(path: String) throws(ParquetError) {
        let metadata = try ParquetFooterReader.readMetadata(path: path)
        rows = Int(metadata.numRows)
        var columns: [(String, String)] = []
        var index = 1
        while index < metadata.schema.count {
            let element = metadata.schema[index]
            columns.append((element.name, element.logicalType.map { "\($0)" } ?? element.type.map { "\($0)" } ?? "group"))
            index += 1 + Self.descendants(metadata.schema, index)
        }
        self.columns = columns
    }

    /// How many schema elements below `index` belong to it (nested groups are flattened in
    /// the footer, depth first).
    private static func descendants(_ schema: [SchemaElement], _ index: Int) -> Int {
        var count = 0
        var pending = Int(schema[index].numChildren ?? 0)
        var i = index + 1
        while pending > 0, i < schema.count {
            pending -= 1
            count += 1
            pending += Int(schema[i].numChildren ?? 0)
            i += 1
        }
        return count
    }
}
