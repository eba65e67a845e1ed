/// Reads protobuf wire-format fields one at a time. Unknown fields are skipped, as the
/// protobuf rules require, so newer servers can add fields without breaking us.
struct ProtobufReader: Sendable {
    enum Value: Sendable, Equatable {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    init(_ bytes: [UInt8]) {
        self.init(bytes[...])
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(ProtobufError) -> (field: Int, value: Value)? {
        guard position < bytes.endIndex else { return nil }
        let key = try varint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 else { throw .malformed("field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try fixed(8)))
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - position) else { throw .malformed("a field runs past the end of the message") }
            let start = position
            position += Int(length)
            return (field, .bytes(bytes[start..<position]))
        case 5: return (field, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        default: throw .malformed("unsupported wire type \(key & 7)")
        }
    }

    private mutating func varint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.endIndex, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        throw .malformed("a varint is cut off")
    }

    private mutating func fixed(_ size: Int) throws(ProtobufError) -> UInt64 {
        guard bytes.endIndex - position >= size else { throw .malformed("a fixed-size field is cut off") }
        var result: UInt64 = 0
        for i in 0..<size { result |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
        position += size
        return result
    }
}

extension ProtobufReader.Value {
    var string: String? {
        guard case .bytes(let slice) = self else { return nil }
        return String(decoding: slice, as: UTF8.self)
    }

    var slice: ArraySlice<UInt8>? {
        guard case .bytes(let slice) = self else { return nil }
        return slice
    }

    var integer: Int64? {
        guard case .varint(let value) = self else { return nil }
        return Int64(bitPattern: value)
    }
}

/// A response from the server that does not parse as the message it should be.
public struct ProtobufError: Error, Sendable, CustomStringConvertible {
    public var problem: String

    static func malformed(_ problem: String) -> ProtobufError { ProtobufError(problem: problem) }

    public var description: String {
        "The Spark Connect server sent a message pyforge cannot parse (\(problem)). Check that the server speaks Spark Connect 3.4 or later."
    }
}
