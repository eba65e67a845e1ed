import Foundation
@testable import PDFFormat

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

/// Writes `bytes` as `name` in a fresh temporary directory and returns its path.
func writeTemporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pyforge-pdf-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}
