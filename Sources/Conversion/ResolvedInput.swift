import Platform
import FormatKit
import Pipeline

/// A conversion's input, resolved once by the front door and handed down: its format (from
/// the extension), its size, and, when the built-in engine reads a workbook or database, the
/// parts that convert to one output each (sheets, tables) with the opened workbook. Nothing
/// below the front door works these out again.
public struct ResolvedInput {
    /// What the built-in engine is handed (`Converter.convert(_:input:)`).
    public let opened: OpenedInput
    /// The path is on this machine's file system (a Volume path an extension claims is not).
    public let isLocal: Bool

    public var path: String { opened.path }
    /// Nil: the extension names no input format (an extension may still read it).
    public var format: InputFormat? { opened.format }
    /// Bytes; 0 when the path is not on this machine.
    public var size: Int64 { opened.size }
    /// The sheets or tables that convert to one output each; empty until `opening`, and for
    /// other inputs.
    public var parts: [String] { opened.parts }

    /// Works out the format and stats the file: the cheap facts routing needs.
    public init(path: String) {
        var info = stat()
        isLocal = stat(path, &info) == 0
        opened = OpenedInput(path: path, format: InputFormat(path: path), size: isLocal ? Int64(info.st_size) : 0)
    }

    private init(opened: OpenedInput, isLocal: Bool) {
        self.opened = opened
        self.isLocal = isLocal
    }

    /// The input with its workbook or database opened and its parts listed, for the built-in
    /// engine (`request` selects them: `--sheets`, `--tables`); other inputs are unchanged.
    public func opening(_ request: ConvertRequest) throws(ConversionError) -> ResolvedInput {
        ResolvedInput(opened: try OpenedInput.open(request, format: format, size: size, exists: isLocal), isLocal: isLocal)
    }
}
