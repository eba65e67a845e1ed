/// Reads the one number a `SELECT COUNT(*)` returns from Spark's Arrow IPC stream bytes:
/// the first 64-bit integer of the first column of the first record batch. Just enough of
/// the Arrow IPC and FlatBuffers formats for that, not a general Arrow reader.
enum ArrowScalar {
    /// Message header types in Arrow's Message.fbs.
    private static let recordBatch: UInt8 = 3

    static func firstInt64(in stream: [UInt8]) throws(ProtobufError) -> Int64? {
        var offset = 0
        while offset + 8 <= stream.count {
            var length = Int(stream.int32(at: offset))
            var metadataStart = offset + 4
            if length == -1 {  // continuation marker, then the real length
                length = Int(stream.int32(at: offset + 4))
                metadataStart = offset + 8
            }
            guard length > 0 else { return nil }  // end of stream
            guard metadataStart + length <= stream.count else { throw .malformed("an Arrow message is cut off") }
            let metadata = Array(stream[metadataStart..<(metadataStart + length)])
            let message = try FlatTable(root: metadata)
            let bodyStart = metadataStart + length
            let bodyLength = Int(try message.int64(field: 3) ?? 0)
            if try message.uint8(field: 1) == recordBatch, let batch = try message.table(field: 2) {
                guard try (batch.int64(field: 0) ?? 0) > 0 else { return nil }
                guard try batch.table(field: 3) == nil else { throw .malformed("compressed Arrow batches are not supported") }
                let buffers = try batch.structVector(field: 2, stride: 16)
                guard buffers.count >= 2 else { throw .malformed("the first column has no data buffer") }
                let data = bodyStart + Int(buffers[1].int64(at: 0))
                guard data + 8 <= stream.count else { throw .malformed("an Arrow buffer lies outside the message") }
                return Int64(bitPattern: stream.uint64(at: data))
            }
            offset = bodyStart + bodyLength
        }
        // Fewer than 8 bytes left: only the old-style end marker (four zero bytes) may stand
        // there; anything else is a message prefix that was cut off.
        let rest = stream.count - offset
        if rest > 0, !(rest >= 4 && stream.int32(at: offset) == 0) { throw .malformed("an Arrow message is cut off") }
        return nil
    }
}

/// A FlatBuffers table: a vtable of field offsets in front of inline fields.
private struct FlatTable {
    let bytes: [UInt8]
    let position: Int
    let vtable: Int

    init(root bytes: [UInt8]) throws(ProtobufError) {
        guard bytes.count >= 4 else { throw .malformed("an empty FlatBuffer") }
        try self.init(bytes, at: Int(bytes.uint32(at: 0)))
    }

    init(_ bytes: [UInt8], at position: Int) throws(ProtobufError) {
        guard position >= 0, position + 4 <= bytes.count else { throw .malformed("a FlatBuffer table lies outside the buffer") }
        self.bytes = bytes
        self.position = position
        vtable = position - Int(bytes.int32(at: position))
        guard vtable >= 0, vtable + 4 <= bytes.count else { throw .malformed("a FlatBuffer vtable lies outside the buffer") }
    }

    /// Where field `index` is stored, or nil when it is absent (default value).
    private func fieldPosition(_ index: Int) throws(ProtobufError) -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= Int(bytes.uint16(at: vtable)) else { return nil }
        let offset = Int(bytes.uint16(at: vtable + entry))
        guard offset != 0 else { return nil }
        guard position + offset < bytes.count else { throw .malformed("a FlatBuffer field lies outside the buffer") }
        return position + offset
    }

    func uint8(field: Int) throws(ProtobufError) -> UInt8? {
        try fieldPosition(field).map { bytes[$0] }
    }

    func int64(field: Int) throws(ProtobufError) -> Int64? {
        guard let at = try fieldPosition(field), at + 8 <= bytes.count else { return nil }
        return Int64(bitPattern: bytes.uint64(at: at))
    }

    func table(field: Int) throws(ProtobufError) -> FlatTable? {
        guard let at = try fieldPosition(field) else { return nil }
        return try FlatTable(bytes, at: at + Int(bytes.uint32(at: at)))
    }

    /// A vector of fixed-size structs, each returned as its bytes.
    func structVector(field: Int, stride: Int) throws(ProtobufError) -> [[UInt8]] {
        guard let at = try fieldPosition(field) else { return [] }
        let start = at + Int(bytes.uint32(at: at))
        guard start + 4 <= bytes.count else { throw .malformed("a FlatBuffer vector lies outside the buffer") }
        let count = Int(bytes.uint32(at: start))
        guard start + 4 + count * stride <= bytes.count else { throw .malformed("a FlatBuffer vector is cut off") }
        return (0..<count).map { Array(bytes[(start + 4 + $0 * stride)..<(start + 4 + ($0 + 1) * stride)]) }
    }
}

extension Array where Element == UInt8 {
    fileprivate func uint16(at offset: Int) -> UInt16 {
        guard offset + 2 <= count else { return 0 }
        return UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    fileprivate func uint32(at offset: Int) -> UInt32 {
        guard offset + 4 <= count else { return 0 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(self[offset + $1]) << (8 * UInt32($1)) }
    }

    fileprivate func int32(at offset: Int) -> Int32 { Int32(bitPattern: uint32(at: offset)) }

    fileprivate func uint64(at offset: Int) -> UInt64 {
        guard offset + 8 <= count else { return 0 }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(self[offset + $1]) << (8 * UInt64($1)) }
    }

    fileprivate func int64(at offset: Int) -> Int64 { Int64(bitPattern: uint64(at: offset)) }
}
