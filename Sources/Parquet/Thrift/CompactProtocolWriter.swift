/// Serializes Thrift structures with the compact protocol, the encoding Parquet
/// uses for page headers and the file footer.
struct CompactProtocolWriter {
    private(set) var bytes: [UInt8] = []
    private var lastFieldID: Int16 = 0
    private var fieldIDStack: [Int16] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    // MARK: Structs and fields

    mutating func beginStruct() {
        fieldIDStack.append(lastFieldID)
        lastFieldID = 0
    }

    mutating func endStruct() {
        bytes.append(0)  // STOP
        lastFieldID = fieldIDStack.removeLast()
    }

    private mutating func fieldHeader(_ id: Int16, _ type: CompactType) {
        let delta = Int(id) - Int(lastFieldID)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeVarint(zigzag(Int64(id)))
        }
        lastFieldID = id
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, i8 value: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func field(_ id: Int16, i16 value: Int16) {
        fieldHeader(id, .i16)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        writeVarint(zigzag(Int64(value)))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        writeVarint(zigzag(value))
    }

    mutating func field(_ id: Int16, double value: Double) {
        fieldHeader(id, .double)
        var bits = value.bitPattern.littleEndian
        withUnsafeBytes(of: &bits) { bytes.append(contentsOf: $0) }
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    /// Writes a nested struct field; `body` writes the struct's own fields.
    mutating func field(_ id: Int16, struct body: (inout CompactProtocolWriter) -> Void) {
        fieldHeader(id, .structure)
        beginStruct()
        body(&self)
        endStruct()
    }

    /// Writes a list of structs.
    mutating func field<T>(_ id: Int16, structs elements: [T], _ body: (inout CompactProtocolWriter, T) -> Void) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .structure)
        for element in elements {
            beginStruct()
            body(&self, element)
            endStruct()
        }
    }

    mutating func field(_ id: Int16, i32s elements: [Int32]) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .i32)
        for element in elements { writeVarint(zigzag(Int64(element))) }
    }

    mutating func field(_ id: Int16, i64s elements: [Int64]) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .i64)
        for element in elements { writeVarint(zigzag(element)) }
    }

    mutating func field(_ id: Int16, strings elements: [String]) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .binary)
        for element in elements {
            writeVarint(UInt64(element.utf8.count))
            bytes.append(contentsOf: element.utf8)
        }
    }

    mutating func field(_ id: Int16, binaries elements: [[UInt8]]) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .binary)
        for element in elements {
            writeVarint(UInt64(element.count))
            bytes.append(contentsOf: element)
        }
    }

    mutating func field(_ id: Int16, bools elements: [Bool]) {
        fieldHeader(id, .list)
        listHeader(count: elements.count, type: .booleanTrue)
        for element in elements { bytes.append(element ? 1 : 2) }
    }

    private mutating func listHeader(count: Int, type: CompactType) {
        if count < 15 {
            bytes.append(UInt8(count << 4) | type.rawValue)
        } else {
            bytes.append(0xF0 | type.rawValue)
            writeVarint(UInt64(count))
        }
    }

    // MARK: Primitives

    private mutating func writeVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }
}

/// Type nibbles of the Thrift compact protocol.
enum CompactType: UInt8 {
    case stop = 0
    case booleanTrue = 1
    case booleanFalse = 2
    case byte = 3
    case i16 = 4
    case i32 = 5
    case i64 = 6
    case double = 7
    case binary = 8
    case list = 9
    case set = 10
    case map = 11
    case structure = 12
}
