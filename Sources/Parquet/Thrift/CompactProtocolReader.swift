/// A decoded Thrift value: the compact protocol is self-describing enough to
/// decode without a schema, which keeps the reader small and skips unknown fields.
indirect enum ThriftValue: Sendable {
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case binary([UInt8])
    case list([ThriftValue])
    case map([(ThriftValue, ThriftValue)])
    case structure([Int16: ThriftValue])

    var int: Int64? { if case .int(let v) = self { return v } else { return nil } }
    var bool: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    var binary: [UInt8]? { if case .binary(let v) = self { return v } else { return nil } }
    var string: String? { binary.map { String(decoding: $0, as: UTF8.self) } }
    var list: [ThriftValue]? { if case .list(let v) = self { return v } else { return nil } }
    var fields: [Int16: ThriftValue]? { if case .structure(let v) = self { return v } else { return nil } }
}

/// Decodes Thrift compact-protocol structs from a byte buffer.
struct CompactProtocolReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    private var depth = 0
    private static let maxDepth = 64

    init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    mutating func readStruct() throws(ParquetError) -> [Int16: ThriftValue] {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw .corruptMetadata("Thrift nesting is too deep.") }
        var fields: [Int16: ThriftValue] = [:]
        var lastID: Int16 = 0
        while true {
            let header = try readByte()
            if header == 0 { return fields }
            let typeNibble = header & 0x0F
            let delta = header >> 4
            let id: Int16
            if delta != 0 {
                id = lastID &+ Int16(delta)
            } else {
                id = Int16(truncatingIfNeeded: unzigzag(try readVarint()))
            }
            lastID = id
            guard let type = CompactType(rawValue: typeNibble) else {
                throw .corruptMetadata("Unknown Thrift type \(typeNibble) in field \(id).")
            }
            switch type {
            case .booleanTrue: fields[id] = .bool(true)
            case .booleanFalse: fields[id] = .bool(false)
            default: fields[id] = try readValue(type)
            }
        }
    }

    private mutating func readValue(_ type: CompactType) throws(ParquetError) -> ThriftValue {
        switch type {
        case .stop: throw .corruptMetadata("Unexpected Thrift STOP.")
        case .booleanTrue, .booleanFalse: return .bool(try readByte() == 1)
        case .byte: return .int(Int64(Int8(bitPattern: try readByte())))
        case .i16, .i32, .i64: return .int(unzigzag(try readVarint()))
        case .double:
            var bits: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(try readByte()) << UInt64(shift) }
            return .double(Double(bitPattern: bits))
        case .binary:
            let length = try readCount(orThrow: "A Thrift string runs past the end of the metadata.")
            let value = Array(bytes[position..<position + length])
            position += length
            return .binary(value)
        case .list, .set:
            let header = try readByte()
            var count = Int(header >> 4)
            if count == 15 { count = try readCount(orThrow: "A Thrift list claims more elements than bytes remain.") }
            guard let elementType = CompactType(rawValue: header & 0x0F) else {
                throw .corruptMetadata("Unknown Thrift list element type.")
            }
            guard count <= bytes.count - position else {
                throw .corruptMetadata("A Thrift list claims more elements than bytes remain.")
            }
            // Lists of lists nest like structs: one header byte per level.
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw .corruptMetadata("Thrift nesting is too deep.") }
            var elements: [ThriftValue] = []
            elements.reserveCapacity(count)
            for _ in 0..<count {
                if elementType == .booleanTrue || elementType == .booleanFalse {
                    elements.append(.bool(try readByte() == 1))
                } else {
                    elements.append(try readValue(elementType))
                }
            }
            return .list(elements)
        case .map:
            let count = try readCount(orThrow: "A Thrift map claims more entries than bytes remain.")
            if count == 0 { return .map([]) }
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw .corruptMetadata("Thrift nesting is too deep.") }
            let types = try readByte()
            guard let keyType = CompactType(rawValue: types >> 4), let valueType = CompactType(rawValue: types & 0x0F) else {
                throw .corruptMetadata("Unknown Thrift map types.")
            }
            var pairs: [(ThriftValue, ThriftValue)] = []
            for _ in 0..<count { pairs.append((try readValue(keyType), try readValue(valueType))) }
            return .map(pairs)
        case .structure:
            return .structure(try readStruct())
        }
    }

    /// A length or element count: a varint read from the file, so any value up to 2^64 - 1;
    /// every element takes at least one byte, so more than the bytes left is corrupt.
    private mutating func readCount(orThrow message: String) throws(ParquetError) -> Int {
        let value = try readVarint()
        guard value <= UInt64(bytes.count - position) else { throw .corruptMetadata(message) }
        return Int(value)
    }

    private mutating func readByte() throws(ParquetError) -> UInt8 {
        guard position < bytes.count else { throw .corruptMetadata("The Thrift metadata ends too early.") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func readVarint() throws(ParquetError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            guard shift < 64 else { throw .corruptMetadata("A Thrift varint is too long.") }
        }
    }

    private func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}
