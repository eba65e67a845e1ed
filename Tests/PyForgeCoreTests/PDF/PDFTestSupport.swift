@testable import PyForgeCore

/// Runs `body` with a lexer-ready buffer of `text`'s bytes.
func withPDFBytes<T>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
    try Array(text.utf8).withUnsafeBufferPointer { try body($0) }
}

func parsePDFObject(_ text: String) throws -> PDFObject {
    try withPDFBytes(text) { bytes in
        var parser = PDFObjectParser(bytes: bytes)
        return try parser.parseObject()
    }
}
