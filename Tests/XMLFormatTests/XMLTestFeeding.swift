@testable import XMLFormat

/// Parses `xml` fed in chunks of `chunk` bytes into a record builder; returns the builder
/// and each column's name and texts (nil for an empty value).
func collectXML(
    _ xml: String, chunk: Int, selector: XMLRecordBuilder.Selector, options: XMLOptions = XMLOptions()
) throws -> (builder: XMLRecordBuilder, columns: [String: [String?]]) {
    let builder = XMLRecordBuilder(selector: selector, options: options, fixedColumns: nil)
    let parser = XMLPushParser(path: "test.xml", sink: builder)
    let bytes = Array(xml.utf8)
    var offset = 0
    try bytes.withUnsafeBytes { raw in
        repeat {
            let end = min(offset + chunk, bytes.count)
            try parser.feed(UnsafeRawBufferPointer(rebasing: raw[offset..<end]), isFinal: end == bytes.count)
            offset = end
        } while offset < bytes.count
    }
    var result: [String: [String?]] = [:]
    for column in builder.columns {
        result[column.name] = (0..<column.count).map { r in
            let value = column.value(r)
            return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
        }
    }
    return (builder, result)
}
