extension Column {
    /// The rows at `indices`, in that order (partitioning a batch by key).
    public func gather(_ indices: [Int]) -> Column {
        let validity = self.validity.map { v in indices.map { v[$0] } }
        switch values {
        case .booleans(let v): return Column(.booleans(indices.map { v[$0] }), validity: validity)
        case .int32s(let v): return Column(.int32s(indices.map { v[$0] }), validity: validity)
        case .int64s(let v): return Column(.int64s(indices.map { v[$0] }), validity: validity)
        case .int128s(let v): return Column(.int128s(indices.map { v[$0] }), validity: validity)
        case .doubles(let v): return Column(.doubles(indices.map { v[$0] }), validity: validity)
        case .bytes(let b):
            var out = ByteArrays()
            out.reserve(values: indices.count, bytes: 0)
            b.data.withUnsafeBytes { data in
                for i in indices {
                    out.append(UnsafeRawBufferPointer(rebasing: data[Int(b.offsets[i])..<Int(b.offsets[i + 1])]))
                }
            }
            return Column(.bytes(out), validity: validity)
        }
    }
}

extension RecordBatch {
    /// The rows at `indices` of every column.
    public func gather(_ indices: [Int]) throws(ColumnarError) -> RecordBatch {
        try RecordBatch(schema: schema, columns: columns.map { $0.gather(indices) })
    }
}
