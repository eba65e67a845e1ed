import FormatKit

/// Buffers a text output and writes it to the output file's descriptor in pieces of about
/// 1 MiB, so a table of any size is written in bounded memory.
struct TextOutput {
    let fileDescriptor: Int32
    let path: String
    var buffer: [UInt8] = []

    init(fileDescriptor: Int32, path: String) {
        self.fileDescriptor = fileDescriptor
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    mutating func flushIfLarge() throws(ConversionError) {
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws(ConversionError) {
        try writeAll(fileDescriptor, buffer, path: path)
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func finish() throws(ConversionError) {
        try flush()
    }
}
