import Platform
import Values
import FormatKit
import CSVFormat
import AccessFormat
import ExcelFormat
/// What the conversion front door found out about an input, handed to the built-in engine
/// so that it neither works out the format nor stats nor reopens the file again: the format
/// (from the extension), the size, and for a workbook or database the parts that convert to
/// one output each, with the opened workbook its sheets are read from.
///
/// The workbook travels with the request that opened it (no process-wide slot), so two
/// conversions in one process never see each other's workbook.
public struct OpenedInput {
    public let path: String
    /// Nil: the extension names no input format.
    public let format: InputFormat?
    /// Bytes on this machine's file system (0 when the path is not there).
    public let size: Int64
    /// The sheets (Excel) or tables (Access) the conversion reads, in output order; empty for
    /// other inputs, and for a workbook or database that was not opened (not on this machine).
    public let parts: [String]
    /// What was opened to list the parts (a workbook); every part of the conversion is read from it.
    let opened: AnyObject?
    /// The positions of `parts` in the file (in the workbook's sheets).
    let sheetPositions: [Int]

    /// An input with nothing opened: the engine opens it when it reads it.
    public init(path: String, format: InputFormat?, size: Int64) {
        self.path = path
        self.format = format
        self.size = size
        parts = []
        opened = nil
        sheetPositions = []
    }

    private init(path: String, format: InputFormat?, size: Int64, parts: [String], opened: AnyObject?, sheetPositions: [Int]) {
        self.path = path
        self.format = format
        self.size = size
        self.parts = parts
        self.opened = opened
        self.sheetPositions = sheetPositions
    }

    /// Opens `request`'s workbook (listing the sheets `--sheets` selects, or those with data)
    /// or database (listing the tables `--tables` selects): the format's parts (`FormatSupport.parts`).
    /// Any other input, or one that is not there, is returned with nothing opened.
    public static func open(_ request: ConvertRequest, format: InputFormat?, size: Int64, exists: Bool) throws(ConversionError) -> OpenedInput {
        guard exists, let format, let parts = try format.registered.parts(request.inputPath, request) else {
            return OpenedInput(path: request.inputPath, format: format, size: size)
        }
        return OpenedInput(
            path: request.inputPath, format: format, size: size, parts: parts.names, opened: parts.opened,
            sheetPositions: parts.positions)
    }
}
