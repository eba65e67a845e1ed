import Columnar

/// `xl/workbook.xml`: sheet names in tab order, their relationship ids, the date system.
final class WorkbookHandler: ExcelXMLHandler {
    struct Sheet { var name: String; var relationshipID: String; var hidden: Bool }
    var sheets: [Sheet] = []
    var date1904 = false

    override func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {
        if ExcelXMLName.equals(name, "sheet") {
            sheets.append(Sheet(
                name: attributes.string("name") ?? "Sheet\(sheets.count + 1)", relationshipID: attributes.string("id") ?? "",
                hidden: (attributes.string("state") ?? "visible") != "visible"))
        } else if ExcelXMLName.equals(name, "workbookPr") {
            let value = attributes.string("date1904") ?? "0"
            date1904 = value == "1" || value == "true"
        }
    }
}

/// `xl/_rels/workbook.xml.rels`: where each part lives.
final class RelationshipsHandler: ExcelXMLHandler {
    struct Relationship { var id: String; var type: String; var target: String }
    var relationships: [Relationship] = []

    override func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {
        guard ExcelXMLName.equals(name, "Relationship") else { return }
        relationships.append(Relationship(
            id: attributes.string("Id") ?? "", type: attributes.string("Type") ?? "", target: attributes.string("Target") ?? ""))
    }

    /// A relationship target as a path inside the archive (targets are relative to `xl/`).
    static func resolve(_ target: String) -> String {
        if target.hasPrefix("/") { return String(target.dropFirst()) }
        var parts = ["xl"]
        for part in target.split(separator: "/") {
            if part == ".." { if !parts.isEmpty { parts.removeLast() } } else if part != "." { parts.append(String(part)) }
        }
        return parts.joined(separator: "/")
    }
}

/// `xl/styles.xml`: which cell formats (`s` attribute = index into `cellXfs`) show dates.
final class StylesHandler: ExcelXMLHandler {
    private var customDate: [Int: Bool] = [:]
    private var inCellXfs = false
    /// Per cell-format index: 0 = a number, 1 = a date or time.
    var dateStyles: [UInt8] = []

    override func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {
        if ExcelXMLName.equals(name, "numFmt") {
            if let id = attributes.string("numFmtId").flatMap({ Int($0) }) {
                customDate[id] = ExcelNumberFormat.isDateCode(attributes.string("formatCode") ?? "")
            }
        } else if ExcelXMLName.equals(name, "cellXfs") {
            inCellXfs = true
        } else if inCellXfs && ExcelXMLName.equals(name, "xf") {
            let id = attributes.string("numFmtId").flatMap { Int($0) } ?? 0
            let isDate = customDate[id] ?? ExcelNumberFormat.isBuiltInDate(id)
            dateStyles.append(isDate ? 1 : 0)
        }
    }

    override func end(_ name: UnsafePointer<UInt8>) {
        if ExcelXMLName.equals(name, "cellXfs") { inCellXfs = false }
    }
}

/// `xl/sharedStrings.xml`: the strings `t="s"` cells point to, kept as one byte buffer.
/// Rich text is the concatenation of its runs; phonetic guides (`rPh`) are left out.
final class SharedStringsHandler: ExcelXMLHandler {
    var strings = ByteArrays()
    /// The most bytes the table may hold (offsets included): the memory budget's share,
    /// and never past what 32-bit offsets address. Past it the parse stops.
    let limit: Int
    private(set) var exceeded = false

    init(limit: Int) {
        self.limit = Swift.min(limit, Int(Int32.max))
        super.init()
    }
    private var inItem = false
    private var inText = false
    private var phonetic = 0

    override func start(_ name: UnsafePointer<UInt8>, _ attributes: ExcelXMLAttributes) {
        switch name[0] {
        case UInt8(ascii: "s") where ExcelXMLName.equals(name, "si"):
            inItem = true
        case UInt8(ascii: "t") where name[1] == 0:
            inText = inItem && phonetic == 0
        case UInt8(ascii: "r") where ExcelXMLName.equals(name, "rPh"):
            phonetic += 1
        case UInt8(ascii: "s") where ExcelXMLName.equals(name, "sst"):
            if let count = attributes.string("uniqueCount").flatMap({ Int($0) }) {
                strings.offsets.reserveCapacity(Swift.min(count, 1 << 24) + 1)
            }
        default: break
        }
    }

    override func end(_ name: UnsafePointer<UInt8>) {
        if name[0] == UInt8(ascii: "t") && name[1] == 0 {
            inText = false
        } else if ExcelXMLName.equals(name, "si") {
            inItem = false
            guard fits(4) else { return }
            strings.endValue()  // `limit` keeps the table under the 32-bit offsets
        } else if ExcelXMLName.equals(name, "rPh") {
            phonetic -= 1
        }
    }

    override func text(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        if inText && fits(count) { strings.data.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count)) }
    }

    /// Whether `more` bytes still fit the limit; when not, the parse stops.
    private func fits(_ more: Int) -> Bool {
        guard !exceeded else { return false }
        if strings.data.count + 4 * strings.offsets.count + more > limit {
            exceeded = true
            stopRequested = true
            return false
        }
        return true
    }
}
