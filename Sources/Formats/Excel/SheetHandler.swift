import Columnar
import Values
import FormatKit

/// What a parsed cell holds, before the column's type is known.
enum CellKind: UInt8 {
    case empty = 0
    case number
    /// A number whose style shows a date or time: the value is the serial.
    case dateSerial
    case boolean
    /// The value is an index into the shared strings.
    case sharedString
    /// The value is an index into the batch's own texts (inline and formula strings).
    case text
    /// An error value such as #N/A: read as null.
    case error
    /// `t="d"`: an ISO 8601 text, already converted; the value is microseconds.
    case isoDate
}

/// Rows of cells held column by column: a kind byte and a Double per slot. Strings stay
/// where they are (shared strings) or in one byte buffer (`texts`), so no cell becomes a
/// Swift String.
final class CellBatch {
    /// Empty arrays for a column without any cell in this batch.
    struct Slots {
        var kinds: [UInt8]
        var values: [Double]
    }

    let capacity: Int
    var columns: [Slots] = []
    var rowCount = 0
    /// The sheet row number (1-based) of each row, for messages.
    var rowNumbers: [Int32] = []
    var texts = ByteArrays()
    /// Bytes of the string cells (shared and own), which the batch's columns will copy.
    var textBytes = 0

    init(capacity: Int) {
        self.capacity = capacity
        rowNumbers.reserveCapacity(capacity)
    }

    var width: Int { columns.count }

    @inline(__always)
    func set(row: Int, column: Int, kind: CellKind, value: Double) {
        while column >= columns.count { columns.append(Slots(kinds: [], values: [])) }
        let allocated = columns[column].kinds.count
        if row >= allocated {
            // Allocated on first use and grown by doubling: a lone cell in column XFD must not
            // allocate the 16k columns before it, and a row of 8,000 cells must not allocate a
            // whole batch of rows for each of them.
            let size = Swift.min(capacity, Swift.max(row + 1, allocated * 2, 64))
            columns[column].kinds.append(contentsOf: repeatElement(0, count: size - allocated))
            columns[column].values.append(contentsOf: repeatElement(0, count: size - allocated))
        }
        columns[column].kinds[row] = kind.rawValue
        columns[column].values[row] = value
    }

    @inline(__always)
    func kind(_ row: Int, _ column: Int) -> CellKind {
        column < columns.count && row < columns[column].kinds.count ? CellKind(rawValue: columns[column].kinds[row]) ?? .empty : .empty
    }

    /// Pads every used column to the batch's rows (empty cells), so that readers index any
    /// row of a handed-over batch.
    func seal() {
        for c in columns.indices where !columns[c].kinds.isEmpty && columns[c].kinds.count < rowCount {
            let missing = rowCount - columns[c].kinds.count
            columns[c].kinds.append(contentsOf: repeatElement(0, count: missing))
            columns[c].values.append(contentsOf: repeatElement(0, count: missing))
        }
    }
}

/// SAX events of one worksheet → `CellBatch`es of up to `batchRows` non-blank rows.
/// Cell positions come from `r="C7"` (missing cells stay empty, so ragged rows are fine);
/// cells without `r` follow the previous one.
final class SheetHandler: ExcelXMLHandler {
    let batchRows: Int
    let dateStyles: [UInt8]
    let sharedStringCount: Int
    let dateSystem: ExcelDateSystem
    private(set) var current: CellBatch
    var ready: [CellBatch] = []
    var dimension: String?
    private(set) var errorCells = 0
    /// Date-styled numbers that are no date (outside 0001-01-01 to 9999-12-31), read as
    /// null: how many, and the first one's cell and serial for the warning.
    private(set) var badDates = 0
    private(set) var firstBadDate: (cell: String, serial: Double)?
    private(set) var mergedRanges = 0
    private(set) var badStringIndex: (row: Int, index: Int)?
    /// A row or column position beyond Excel's grid (1,048,576 rows × 16,384 columns); reading
    /// stops there, because such a number cannot come from Excel and, unchecked, it would
    /// overflow the row counter or allocate a column per number.
    private(set) var badPosition: (row: Int, what: String)?
    /// The shared strings' offsets (for their lengths): a batch ends early once its string
    /// cells reach `batchBytes`, since each cell copies its string into the batch, and one
    /// short shared string repeated by many cells would otherwise multiply a small file.
    var sharedStringOffsets: [Int32] = []
    let batchBytes = MemoryBudget.current.batchBytes
    private var rowBytes = 0
    /// A row whose strings alone take more than `batchBytes`: reading stops there.
    private(set) var oversizedRow: Int?
    static let maxRows = 1_048_576
    static let maxColumns = 16_384
    /// Rows numbered up to this one are not read (`--skip-rows`).
    var skipThroughRow = 0
    /// Set to stop after the first value (the emptiness check).
    var stopAtFirstValue = false
    private(set) var sawValue = false

    private var rowNumber = 0
    private var rowHasValue = false
    private var column = -1
    private var cellType: UInt8 = 0  // first byte of t=, 0 for a number
    private var cellTypeLength = 0
    private var cellStyle = 0
    private var capture: [UInt8] = []
    private var capturing = false
    private var hasValue = false
    private var inInline = false
    private var phonetic = 0

    init(batchRows: Int, dateStyles: [UInt8], sharedStringCount: Int, dateSystem: ExcelDateSystem) {
        self.batchRows = batchRows
        self.dateStyles = dateStyles
        self.sharedStringCount = sharedStringCount
        self.dateSystem = dateSystem
        current = CellBatch(capacity: batchRows)
        capture.reserveCapacity(256)
    }

    /// Hands over the rows read so far (at the end of the sheet).
    func flush() {
        if current.rowCount > 0 {
            current.seal()
            ready.append(current)
            current = CellBatch(capacity: batchRows)
        }
    }

    override func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {
        switch name[0] {
        case UInt8(ascii: "c") where name[1] == 0:
            column += 1
            cellType = 0
            cellTypeLength = 0
            cellStyle = 0
            // One pass over the attributes (this runs once per cell): r, t and s.
            if let pointers = attributes.pointers {
                for i in 0..<attributes.count {
                    let local = pointers[5 * i]!
                    guard local[1] == 0 else { continue }
                    let start = pointers[5 * i + 3]!, end = pointers[5 * i + 4]!
                    let value = UnsafeBufferPointer(start: start, count: end - start)
                    switch local[0] {
                    case UInt8(ascii: "r"):
                        if let position = CellReference.parse(value) { column = position.column }
                    case UInt8(ascii: "t"):
                        if value.count > 0 {
                            cellType = value[0]
                            cellTypeLength = value.count
                        }
                    case UInt8(ascii: "s"):
                        var style = 0
                        for b in value where b &- 48 < 10 { style = style &* 10 &+ Int(b &- 48) }
                        cellStyle = style
                    default: break
                    }
                }
            }
            capture.removeAll(keepingCapacity: true)
            hasValue = false
        case UInt8(ascii: "v") where name[1] == 0:
            capturing = true
            hasValue = true
        case UInt8(ascii: "t") where name[1] == 0:
            if inInline && phonetic == 0 {
                capturing = true
                hasValue = true
            }
        case UInt8(ascii: "i") where name[1] == UInt8(ascii: "s") && name[2] == 0:
            inInline = true
        case UInt8(ascii: "r"):
            if name[1] == UInt8(ascii: "o") && ExcelXMLName.equals(name, "row") {
                rowNumber += 1
                if let r = attributes.value("r") {
                    // Digits are accumulated only while the number can still be a valid row, so a
                    // hostile `r="99999999999999999999"` cannot overflow.
                    var n = 0
                    for b in r where b &- 48 < 10 {
                        n = n * 10 + Int(b - 48)
                        if n > Self.maxRows { break }
                    }
                    rowNumber = n
                }
                if rowNumber > Self.maxRows {
                    reportBadPosition("a row is numbered \(attributes.string("r").map { "'\($0.prefix(40))'" } ?? "beyond \(Self.maxRows)"), beyond Excel's last row \(Self.maxRows)")
                    return
                }
                column = -1
                rowHasValue = false
                rowBytes = 0
            } else if ExcelXMLName.equals(name, "rPh") {
                phonetic += 1
            }
        case UInt8(ascii: "d") where ExcelXMLName.equals(name, "dimension"):
            dimension = attributes.string("ref")
        case UInt8(ascii: "m") where ExcelXMLName.equals(name, "mergeCell"):
            mergedRanges += 1
        default:
            break
        }
    }

    override func end(_ name: UnsafePointer<UInt8>) {
        switch name[0] {
        case UInt8(ascii: "c") where name[1] == 0:
            if hasValue { commitCell() }
        case UInt8(ascii: "v") where name[1] == 0, UInt8(ascii: "t") where name[1] == 0:
            capturing = false
        case UInt8(ascii: "i") where name[1] == UInt8(ascii: "s") && name[2] == 0:
            inInline = false
        case UInt8(ascii: "r"):
            if name[1] == UInt8(ascii: "o") && ExcelXMLName.equals(name, "row") {
                guard rowHasValue else { return }  // blank rows are skipped
                current.rowNumbers.append(Int32(truncatingIfNeeded: rowNumber))
                current.rowCount += 1
                if current.rowCount == batchRows || current.textBytes >= batchBytes {
                    current.seal()
                    ready.append(current)
                    current = CellBatch(capacity: batchRows)
                }
            } else if ExcelXMLName.equals(name, "rPh") {
                phonetic -= 1
            }
        default:
            break
        }
    }

    private func reportBadPosition(_ what: String) {
        if badPosition == nil && badStringIndex == nil { badPosition = (rowNumber, what) }
        stopRequested = true
    }

    /// The error for a sheet this handler stopped reading because it is malformed.
    func malformedError(path: String, sheet: String) -> ConversionError? {
        if let oversizedRow {
            let budget = MemoryBudget.current
            return budget.exceeded(path: path, location: "sheet '\(sheet)' row \(oversizedRow)", what: "the row's text", limit: batchBytes)
        }
        if let bad = badPosition {
            let location = bad.row > 0 && bad.row <= Self.maxRows ? "sheet '\(sheet)' row \(bad.row)" : "sheet '\(sheet)'"
            return .malformedInput(path: path, location: location, reason: bad.what,
                                   fix: "the workbook was not written by Excel or is damaged; save it again from Excel or LibreOffice")
        }
        return nil
    }

    override func text(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        if capturing { capture.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count)) }
    }

    private func commitCell() {
        guard column >= 0, rowNumber > skipThroughRow else { return }
        // Cells without `r` follow the previous one; a row of more than 16,384 of them
        // would otherwise allocate a column for each.
        guard column < Self.maxColumns else {
            reportBadPosition("it has more than \(Self.maxColumns) cells, beyond Excel's last column XFD")
            return
        }
        let row = current.rowCount
        let kind: CellKind
        var value = 0.0
        switch cellType {
        case UInt8(ascii: "s") where cellTypeLength == 1:  // shared string
            guard !capture.isEmpty, let index = capture.withUnsafeBufferPointer({ NumberParsing.int64($0.baseAddress!, $0.count) }) else { return }
            guard index >= 0 && index < sharedStringCount else {
                if badStringIndex == nil { badStringIndex = (rowNumber, Int(index)) }
                stopRequested = true
                return
            }
            kind = .sharedString
            value = Double(index)
        case UInt8(ascii: "s"), UInt8(ascii: "i"):  // formula string ("str"), inline string
            kind = .text
            value = Double(current.texts.count)
            capture.withUnsafeBytes { current.texts.append($0) }
        case UInt8(ascii: "b"):
            kind = .boolean
            value = capture.first == UInt8(ascii: "1") || capture.first == UInt8(ascii: "t") ? 1 : 0
        case UInt8(ascii: "e"):
            kind = .error
            errorCells += 1
        case UInt8(ascii: "d"):
            let micros: Int64? = capture.withUnsafeBufferPointer { b in
                guard let p = b.baseAddress, b.count > 0 else { return nil }
                if let days = DateTimeParsing.date(p, b.count) { return Int64(days) * CivilTime.microsPerDay }
                return DateTimeParsing.timestamp(p, b.count)?.micros
            }
            guard let micros else {
                kind = .text
                value = Double(current.texts.count)
                capture.withUnsafeBytes { current.texts.append($0) }
                break
            }
            kind = .isoDate
            value = Double(micros)
        default:  // a number
            guard !capture.isEmpty else { return }
            guard let number = capture.withUnsafeBufferPointer({ NumberParsing.double($0.baseAddress!, $0.count) }) else {
                kind = .text
                value = Double(current.texts.count)
                capture.withUnsafeBytes { current.texts.append($0) }
                break
            }
            value = number
            kind = cellStyle >= 0 && cellStyle < dateStyles.count && dateStyles[cellStyle] != 0 ? .dateSerial : .number
            if kind == .dateSerial && dateSystem.micros(serial: number) == nil {
                // Null with a warning, as dBase reads a date that is no date.
                badDates += 1
                if firstBadDate == nil { firstBadDate = (CellReference.columnName(column) + String(rowNumber), number) }
                current.set(row: row, column: column, kind: .empty, value: 0)
                rowHasValue = true
                return
            }
        }
        if kind == .sharedString || kind == .text {
            let index = Int(value)
            let length = kind == .text ? capture.count
                : index + 1 < sharedStringOffsets.count ? Int(sharedStringOffsets[index + 1] &- sharedStringOffsets[index]) : 0
            rowBytes += length
            current.textBytes += length
            if rowBytes > batchBytes {
                oversizedRow = rowNumber
                stopRequested = true
                return
            }
        }
        current.set(row: row, column: column, kind: kind, value: value)
        rowHasValue = true
        if stopAtFirstValue {
            sawValue = true
            stopRequested = true
        }
    }
}
