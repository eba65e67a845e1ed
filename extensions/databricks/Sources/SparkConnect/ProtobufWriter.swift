/// Encodes protobuf messages in the wire format (varints, length-delimited fields), field by
/// field. Spark Connect needs only a handful of messages, so they are written by hand from
/// the public message definitions instead of generated code.
struct ProtobufWriter: Sendable {
    private(set) var bytes: [UInt8] = []

    private enum WireType: UInt64 {
        case varint = 0
        case lengthDelimited = 2
    }

    private mutating func tag(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | type.rawValue)
    }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A varint field (int32, int64, enum, bool). Zero is written too: the caller decides
    /// whether a field is present (proto3 `optional` fields must be sent even when zero).
    mutating func int(_ field: Int, _ value: Int64) {
        tag(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    mutating func bool(_ field: Int, _ value: Bool) {
        int(field, value ? 1 : 0)
    }

    mutating func string(_ field: Int, _ value: String) {
        bytes(field, Array(value.utf8))
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        tag(field, .lengthDelimited)
        varint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// A nested message, encoded by `body` into its own buffer first (its length prefixes it).
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var nested = ProtobufWriter()
        body(&nested)
        bytes(field, nested.bytes)
    }

    /// A `map<string, string>` field: one entry message (key = 1, value = 2) per pair, in key
    /// order so the same request always encodes to the same bytes.
    mutating func stringMap(_ field: Int, _ map: [String: String]) {
        for key in map.keys.sorted() {
            message(field) { entry in
                entry.string(1, key)
                entry.string(2, map[key]!)
            }
        }
    }
}
