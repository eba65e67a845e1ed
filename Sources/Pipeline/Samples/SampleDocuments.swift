#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SystemZlib
import FormatKit

/// The PDF, dBase and Access samples (PyForge 1.x's sample-datasets had all three).
enum SampleDocuments {
    static let linesPerPage = 50

    /// A text PDF: the orders as one line each, 50 to a page, in Helvetica (WinAnsi:
    /// the non-Latin country names are written in English so that every line extracts).
    static func pdf(_ sink: SampleSink, rows: Int, seed: String) throws(ConversionError) {
        var offsets: [Int] = []
        var written = 0
        func put(_ text: String) throws(ConversionError) {
            written += text.utf8.count
            try sink.append(text)
        }
        func object(_ body: String) throws(ConversionError) {
            offsets.append(written)
            try put("\(offsets.count) 0 obj\n\(body)\nendobj\n")
        }
        let pages = max(1, (rows + linesPerPage - 1) / linesPerPage)
        // Objects: 1 catalog, 2 page tree, 3 font, 4 info, then a page and its contents per page.
        try put("%PDF-1.4\n")
        try object("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = (0..<pages).map { "\(5 + 2 * $0) 0 R" }.joined(separator: " ")
        try object("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>")
        try object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        try object("<< /Title (Sample orders) /Author (pyforge) /Producer (pyforge \(PyForgeVersion.current)) /CreationDate (D:20240101000000Z) >>")
        var random = SplitMix64(name: seed)
        var index = 1
        for page in 0..<pages {
            var content = "BT /F1 9 Tf 11 TL 40 800 Td\n(Sample orders, page \(page + 1) of \(pages)) Tj T*\n"
            for _ in 0..<linesPerPage where index <= rows {
                let order = SampleOrder(index: index, random: &random)
                let line = "\(order.orderID)  \(order.dateText)  customer \(order.customerID)  \(order.status)  \(order.category)  \(order.amountText)  x\(order.quantity)  \(latin(order.country))"
                content += "(\(escaped(line))) Tj T*\n"
                index += 1
            }
            content += "ET"
            try object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents \(offsets.count + 2) 0 R >>")
            try object("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        let xref = written
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n"
        }
        try put(table + "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info 4 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
    }

    /// Country names outside Latin-1, in English, for PDF's WinAnsi and dBase's code page 1252.
    static func latin(_ text: String) -> String {
        switch text {
        case "日本": return "Japan"
        case "Россия": return "Russia"
        default: return text
        }
    }

    private static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "(", ")", "\\": out += "\\" + String(scalar)
            case _ where scalar.value < 0x80: out.unicodeScalars.append(scalar)
            case _ where scalar.value <= 0xFF: out += "\\" + String(scalar.value, radix: 8)
            default: out += "?"
            }
        }
        return out
    }

    /// A dBase III table (code page 1252) of the orders: numbers, a date, text and a logical.
    static func dbase(_ sink: SampleSink, rows: Int, seed: String) throws(ConversionError) {
        let fields: [(name: String, type: Character, length: Int, decimals: Int)] = [
            ("ORDER_ID", "N", 10, 0), ("CUST_ID", "N", 10, 0), ("ORDER_DATE", "D", 8, 0), ("STATUS", "C", 10, 0),
            ("CATEGORY", "C", 12, 0), ("AMOUNT", "N", 12, 2), ("QUANTITY", "N", 4, 0), ("DISCOUNT", "N", 5, 2),
            ("COUNTRY", "C", 20, 0), ("IS_MEMBER", "L", 1, 0),
        ]
        let recordLength = 1 + fields.reduce(0) { $0 + $1.length }
        let headerLength = 32 + 32 * fields.count + 1
        // Version 3, last update 2024-01-01 (fixed, so the file is the same on every run).
        var header: [UInt8] = [0x03, 124, 1, 1]
        header += littleEndian(UInt32(rows), 4) + littleEndian(UInt32(headerLength), 2) + littleEndian(UInt32(recordLength), 2)
        header += [UInt8](repeating: 0, count: 20)
        header[29] = 0x03  // language driver: Windows ANSI (code page 1252)
        for field in fields {
            var descriptor = Array(field.name.utf8) + [UInt8](repeating: 0, count: 11 - field.name.utf8.count)
            descriptor.append(field.type.asciiValue!)
            descriptor += [0, 0, 0, 0, UInt8(field.length), UInt8(field.decimals)]
            descriptor += [UInt8](repeating: 0, count: 14)
            header += descriptor
        }
        header.append(0x0D)
        try sink.append(bytes: header)
        var random = SplitMix64(name: seed)
        var record: [UInt8] = []
        record.reserveCapacity(recordLength)
        for index in 1...max(1, rows) where index <= rows {
            let order = SampleOrder(index: index, random: &random)
            record.removeAll(keepingCapacity: true)
            record.append(0x20)
            let date = order.dateText.replacingDashes()
            let values: [String] = [
                String(order.orderID), String(order.customerID), date, order.status, order.category, order.amountText,
                String(order.quantity), order.discountText ?? "", latin(order.country), order.member ? "T" : "F",
            ]
            for (field, value) in zip(fields, values) {
                var bytes = value.unicodeScalars.map { $0.value <= 0xFF ? UInt8($0.value) : UInt8(ascii: "?") }
                if bytes.count > field.length { bytes = Array(bytes.prefix(field.length)) }
                let padding = [UInt8](repeating: 0x20, count: field.length - bytes.count)
                // Numbers are right-aligned, text left-aligned, as dBase writes them.
                record += field.type == "N" ? padding + bytes : bytes + padding
            }
            try sink.append(bytes: record)
        }
        try sink.append(bytes: [0x1A])
    }

    private static func littleEndian(_ value: UInt32, _ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt32($0))) }
    }

    /// The committed Access fixture, inflated.
    static func accessDatabase() -> [UInt8] {
        guard let compressed = Data(base64Encoded: SampleAccessFixture.base64Zlib, options: .ignoreUnknownCharacters) else { return [] }
        var output = [UInt8](repeating: 0, count: SampleAccessFixture.uncompressedSize)
        var length = uLongf(output.count)
        let status = compressed.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { target in
                uncompress(
                    target.baseAddress!.assumingMemoryBound(to: Bytef.self), &length,
                    source.baseAddress!.assumingMemoryBound(to: Bytef.self), uLong(source.count))
            }
        }
        return status == Z_OK ? Array(output.prefix(Int(length))) : []
    }

    /// Rows in the Access fixture: AllTypes (4) and Many Rows (25,000).
    static let accessRows = 25_004
}

extension String {
    fileprivate func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
