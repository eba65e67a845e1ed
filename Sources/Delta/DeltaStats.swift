import Columnar
import Values

/// Per-file column statistics for an `add` action: record count, null counts, and
/// min/max bounds, which readers trust for data skipping. A column with values but no
/// bounds makes delta-rs skip the file for any filter on it, so either every such column
/// gets exact-or-wider bounds, or the file gets no bounds at all.
struct DeltaStats {
    private var records: Int64 = 0
    private var nullCounts: [Int64]
    private var mins: [StatValue?]
    private var maxes: [StatValue?]
    /// Set when some column cannot be bounded (a NaN, or a long string whose prefix
    /// cannot be rounded up): the file then carries no bounds.
    private var unbounded = false
    private let schema: Schema

    static let maxStringPrefix = 32

    enum StatValue {
        case int(Int64)
        case double(Double)
        case text([UInt8])
        case decimal(Int128)

        static func < (a: StatValue, b: StatValue) -> Bool {
            switch (a, b) {
            case (.int(let x), .int(let y)): return x < y
            case (.double(let x), .double(let y)): return x < y
            case (.decimal(let x), .decimal(let y)): return x < y
            case (.text(let x), .text(let y)): return x.lexicographicallyPrecedes(y)
            default: return false
            }
        }
    }

    init(schema: Schema) {
        self.schema = schema
        nullCounts = Array(repeating: 0, count: schema.count)
        mins = Array(repeating: nil, count: schema.count)
        maxes = Array(repeating: nil, count: schema.count)
    }

    mutating func add(_ batch: RecordBatch) {
        records += Int64(batch.rowCount)
        for (c, column) in batch.columns.enumerated() {
            nullCounts[c] += Int64(column.nullCount)
            let type = schema.fields[c].type
            if type == .binary { continue }
            for row in 0..<batch.rowCount where !column.isNull(row) {
                guard let value = statValue(column.values, row) else { continue }
                if case .double(let d) = value, d.isNaN {
                    unbounded = true
                    continue
                }
                if case .text(let bytes) = value, bytes.count > Self.maxStringPrefix {
                    let prefix = utf8Prefix(bytes)
                    let lower = StatValue.text(prefix)
                    if mins[c] == nil || lower < mins[c]! { mins[c] = lower }
                    guard let upper = Self.roundedUp(prefix) else {
                        unbounded = true
                        continue
                    }
                    if maxes[c] == nil || maxes[c]! < .text(upper) { maxes[c] = .text(upper) }
                    continue
                }
                if mins[c] == nil || value < mins[c]! { mins[c] = value }
                if maxes[c] == nil || maxes[c]! < value { maxes[c] = value }
            }
        }
    }

    /// At most `maxStringPrefix` bytes, cut on a character boundary.
    private func utf8Prefix(_ bytes: [UInt8]) -> [UInt8] {
        var end = Self.maxStringPrefix
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }

    /// The smallest string above every string starting with `prefix`: the prefix with its
    /// last incrementable character incremented (nil when there is none).
    static func roundedUp(_ prefix: [UInt8]) -> [UInt8]? {
        var scalars = Array(String(decoding: prefix, as: UTF8.self).unicodeScalars)
        while let last = scalars.popLast() {
            var next = last.value + 1
            if next == 0xD800 { next = 0xE000 }
            if let scalar = UnicodeScalar(next) {
                scalars.append(scalar)
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars)
                return Array(text.utf8)
            }
        }
        return nil
    }

    private func statValue(_ values: ColumnValues, _ row: Int) -> StatValue? {
        switch values {
        case .booleans(let v): return .int(Int64(v[row]))
        case .int32s(let v): return .int(Int64(v[row]))
        case .int64s(let v): return .int(v[row])
        case .int128s(let v): return .decimal(v[row])
        case .doubles(let v): return .double(v[row])
        case .bytes(let b): return .text(Array(b.data[Int(b.offsets[row])..<Int(b.offsets[row + 1])]))
        }
    }

    private func json(_ value: StatValue, _ type: DataType, isMax: Bool) -> String? {
        switch (value, type) {
        case (.int(let v), .boolean): return v != 0 ? "true" : "false"
        case (.int(let v), .date32): return JSONText.quoted(ValueFormatting.date(days: Int32(v)))
        case (.int(let v), .timestampMicros):
            // Millisecond precision, rounded outward so the bounds stay bounds.
            var millis = v >= 0 ? v / 1000 : (v - 999) / 1000
            if isMax && v % 1000 != 0 { millis += 1 }
            return JSONText.quoted(Self.isoMillis(millis))
        case (.int(let v), .decimal(_, let scale)): return ValueFormatting.decimal(unscaled: Int128(v), scale: scale)
        case (.decimal(let v), .decimal(_, let scale)): return ValueFormatting.decimal(unscaled: v, scale: scale)
        case (.int(let v), _): return String(v)
        case (.double(let v), _): return v.isFinite ? ValueFormatting.double(v) : nil
        case (.text(let bytes), _): return JSONText.quoted(String(decoding: bytes, as: UTF8.self))
        default: return nil
        }
    }

    static func isoMillis(_ millis: Int64) -> String {
        var text = ValueFormatting.timestamp(micros: millis * 1000, utc: false)
        if let dot = text.firstIndex(of: ".") { text = String(text[..<dot]) }
        let fraction = String(((millis % 1000) + 1000) % 1000)
        return text + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// The `stats` JSON string of an add action.
    var json: String {
        var minValues: [(String, String)] = []
        var maxValues: [(String, String)] = []
        var nulls: [(String, String)] = []
        var bounded = !unbounded
        for (c, field) in schema.fields.enumerated() where field.type != .binary {
            nulls.append((field.name, String(nullCounts[c])))
            guard let low = mins[c], let high = maxes[c] else {
                // Only nulls: no bounds, and nullCount == numRecords says so. Values without
                // bounds would make readers skip the file.
                if nullCounts[c] != records { bounded = false }
                continue
            }
            guard let lowText = json(low, field.type, isMax: false), let highText = json(high, field.type, isMax: true) else {
                bounded = false
                continue
            }
            minValues.append((field.name, lowText))
            maxValues.append((field.name, highText))
        }
        var members = [("numRecords", String(records))]
        if bounded {
            members += [("minValues", JSONText.object(minValues)), ("maxValues", JSONText.object(maxValues))]
        }
        members.append(("nullCount", JSONText.object(nulls)))
        return JSONText.object(members)
    }

    var recordCount: Int64 { records }
}
