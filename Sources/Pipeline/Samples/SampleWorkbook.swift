import Platform
import FormatKit

/// A minimal, valid .xlsx with two sheets ("orders" and "customers"): inline strings,
/// numbers, booleans, and dates/timestamps as serial numbers with date styles.
enum SampleWorkbook {
    /// Excel's row limit, the header row included.
    static let maxRows = 1_048_576

    struct Sheet {
        var name: String
        var rows: Int
    }

    /// Data rows per sheet for `rows` requested orders.
    static func sheets(rows: Int) -> [Sheet] {
        [Sheet(name: "orders", rows: min(rows, maxRows - 1)), Sheet(name: "customers", rows: max(50, min(rows / 20, 5_000)))]
    }

    /// Writes the workbook to `path` (atomically): each sheet is generated into a temporary
    /// file first, then deflated into the archive with a fixed date, so the bytes never vary.
    static func write(path: String, rows: Int, seed: String, overwrite: Bool) throws(ConversionError) {
        let output = try AtomicOutputFile(path: path, overwrite: overwrite)
        let directory = AtomicOutputFile.directory(of: path)
        var scratch: [AtomicOutputFile] = []
        defer { scratch.forEach { $0.discard() } }
        let sheets = sheets(rows: rows)
        for (index, sheet) in sheets.enumerated() {
            let file = try AtomicOutputFile(path: directory + "/.sheet\(index + 1).xml", overwrite: true)
            scratch.append(file)
            let sink = SampleSink(file)
            if index == 0 {
                try orders(sink, rows: sheet.rows, seed: seed)
            } else {
                try customers(sink, rows: sheet.rows, seed: seed + "_customers")
            }
            try sink.flush()
        }
        let zip = ZipWriter(fileDescriptor: output.descriptor, path: output.temporaryPath)
        do {
            let parts: [(String, String)] = [
                ("[Content_Types].xml", contentTypes(sheets.count)), ("_rels/.rels", rootRelationships),
                ("docProps/app.xml", appProperties), ("xl/workbook.xml", workbook(sheets)),
                ("xl/_rels/workbook.xml.rels", workbookRelationships(sheets.count)), ("xl/styles.xml", styles),
            ]
            for (name, text) in parts {
                var pending: [UInt8]? = Array(text.utf8)
                try zip.add(name) { () throws(ConversionError) -> [UInt8] in
                    defer { pending = nil }
                    return pending ?? []
                }
            }
            for (index, file) in scratch.enumerated() {
                try addFile(zip, "xl/worksheets/sheet\(index + 1).xml", path: file.temporaryPath)
            }
            try zip.finish()
        } catch {
            output.discard()
            throw error
        }
        try output.commit()
    }

    /// Streams a generated sheet from its scratch file into the archive.
    static func addFile(_ zip: ZipWriter, _ name: String, path: String) throws(ConversionError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "read", path: path, reason: systemMessage(errno)) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        try zip.add(name) { () throws(ConversionError) -> [UInt8] in
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw .io(operation: "read", path: path, reason: systemMessage(errno)) }
            return Array(buffer[0..<n])
        }
    }

    // MARK: Sheets

    static func column(_ index: Int) -> String {
        var n = index + 1
        var name = ""
        while n > 0 {
            let r = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + r))) + name
            n = (n - 1) / 26
        }
        return name
    }

    static let sheetStart = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
        """
    static let sheetEnd = "</sheetData></worksheet>"

    static func string(_ ref: String, _ value: String) -> String {
        "<c r=\"\(ref)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(SampleText.xml(value))</t></is></c>"
    }

    static func number(_ ref: String, _ value: String, style: Int = 0) -> String {
        style == 0 ? "<c r=\"\(ref)\"><v>\(value)</v></c>" : "<c r=\"\(ref)\" s=\"\(style)\"><v>\(value)</v></c>"
    }

    static func header(_ sink: SampleSink, _ names: [String]) throws(ConversionError) {
        var row = "<row r=\"1\">"
        for (i, name) in names.enumerated() { row += string(column(i) + "1", name) }
        try sink.append(row + "</row>")
    }

    /// Excel serial day (1900 date system) for days since 1970-01-01.
    static func serial(_ day: Int) -> Int { day + 25_569 }

    static func orders(_ sink: SampleSink, rows: Int, seed: String) throws(ConversionError) {
        try sink.append(sheetStart)
        try header(sink, SampleOrder.columns)
        var random = SplitMix64(name: seed)
        for index in 1...rows {
            let o = SampleOrder(index: index, random: &random)
            let r = String(index + 1)
            var row = "<row r=\"\(r)\">"
            row += number("A" + r, String(o.orderID))
            row += number("B" + r, String(o.customerID))
            row += number("C" + r, String(serial(o.day)), style: 1)
            // Serial day plus the fraction of the day, exact to the second in 10 decimals.
            let fraction = Double(o.second) / 86_400
            row += number("D" + r, String(serial(o.day)) + "." + fractionDigits(fraction), style: 2)
            row += string("E" + r, o.status)
            row += string("F" + r, o.category)
            row += number("G" + r, o.amountText, style: 3)
            row += number("H" + r, String(o.quantity))
            if let discount = o.discountText { row += number("I" + r, discount) }
            row += string("J" + r, o.country)
            row += "<c r=\"K\(r)\" t=\"b\"><v>\(o.member ? 1 : 0)</v></c>"
            if let note = o.note { row += string("L" + r, note) }
            try sink.append(row + "</row>")
        }
        try sink.append(sheetEnd)
    }

    /// Ten digits after the point of a fraction in [0, 1), computed with integers.
    static func fractionDigits(_ fraction: Double) -> String {
        let scaled = Int((fraction * 10_000_000_000).rounded())
        let text = String(min(scaled, 9_999_999_999))
        return String(repeating: "0", count: 10 - text.count) + text
    }

    static func customers(_ sink: SampleSink, rows: Int, seed: String) throws(ConversionError) {
        try sink.append(sheetStart)
        try header(sink, ["customer_id", "name", "country", "signup_date", "lifetime_value"])
        var random = SplitMix64(name: seed)
        for index in 1...rows {
            let c = SampleCustomer(index: index, random: &random)
            let r = String(index + 1)
            var row = "<row r=\"\(r)\">"
            row += number("A" + r, String(c.customerID))
            row += string("B" + r, c.name)
            row += string("C" + r, c.country)
            row += number("D" + r, String(serial(c.signupDay)), style: 1)
            row += number("E" + r, "\(c.lifetimeCents / 100)." + SampleOrder.two(c.lifetimeCents % 100), style: 3)
            try sink.append(row + "</row>")
        }
        try sink.append(sheetEnd)
    }

    // MARK: Package parts

    static func contentTypes(_ count: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            <Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>
            """
        for i in 1...count {
            text += "<Override PartName=\"/xl/worksheets/sheet\(i).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return text + "</Types>"
    }

    static let rootRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>\
        </Relationships>
        """

    static let appProperties = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>pyforge</Application></Properties>
        """

    static func workbook(_ sheets: [Sheet]) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
            """
        for (i, sheet) in sheets.enumerated() {
            text += "<sheet name=\"\(sheet.name)\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return text + "</sheets></workbook>"
    }

    static func workbookRelationships(_ count: Int) -> String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for i in 1...count {
            text += "<Relationship Id=\"rId\(i)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        text += "<Relationship Id=\"rId\(count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return text + "</Relationships>"
    }

    /// Styles: 0 general, 1 a date (yyyy-mm-dd), 2 a timestamp (yyyy-mm-dd hh:mm:ss), 3 money (0.00).
    static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
        <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
        <xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """
}
