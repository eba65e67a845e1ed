import Platform
import FormatKit

/// An open .dbf file: its header, the code page its text is in, and its memo file.
final class DBaseTable {
    let file: InputFile
    let header: DBaseHeader
    let codePage: CodePage
    /// Where the code page came from: the header, `--encoding`, or the default.
    let codePageSource: String
    let memo: MemoFile?

    /// Text in tables whose header names no code page is read as Windows-1252.
    static let defaultCodePage = CodePage.cp1252

    init(path: String, options: DBaseOptions) throws(ConversionError) {
        file = try InputFile(path: path)
        let headerLength = try file.bytes(at: 0, count: 32)
        var size = 32
        if headerLength.count >= 12 { size = max(32, Int(headerLength[8]) | Int(headerLength[9]) << 8) }
        let fromHeader = headerLength.count >= 30 ? CodePage.forLanguageDriver(headerLength[29]) : nil
        if let chosen = options.encoding {
            codePage = chosen
            codePageSource = "--encoding"
        } else if let fromHeader {
            codePage = fromHeader
            codePageSource = "language driver"
        } else {
            codePage = Self.defaultCodePage
            codePageSource = "default (the header names no code page)"
        }
        header = try DBaseHeader.parse(try file.bytes(at: 0, count: size), path: path, fileSize: file.size, names: codePage)
        if header.usesMemo {
            let memoPath = try Self.memoPath(for: path, extension: header.memoExtension)
            memo = try MemoFile(path: memoPath, header: header)
        } else {
            memo = nil
        }
    }

    var path: String { file.path }

    /// `data.dbf` → `data.dbt` (or `.DBT`, `.fpt`, `.FPT`), which must exist beside it.
    static func memoPath(for path: String, extension ext: String) throws(ConversionError) -> String {
        let base = String(path.dropLast(path.count - (path.lastIndex(of: ".").map { path.distance(from: path.startIndex, to: $0) } ?? path.count)))
        let lastIsUpper = path.last?.isUppercase ?? false
        let candidates = lastIsUpper ? [ext.uppercased(), ext, "fpt", "dbt"] : [ext, ext.uppercased(), "fpt", "dbt"]
        for candidate in candidates where access(base + "." + candidate, F_OK) == 0 {
            return base + "." + candidate
        }
        throw .unreadableInput(
            path: path,
            reason: "its memo fields are stored in '\(base).\(ext)', which does not exist. Copy the memo file next to the table with the same name, then convert again")
    }
}
