import Synchronization
import FormatKit

/// Lets the per-sheet conversions of one `convertAll` share the workbook that was opened
/// to list its sheets, so the shared strings and styles are parsed once, not per sheet.
enum WorkbookReuse {
    private struct Box: @unchecked Sendable {
        let workbook: ExcelWorkbook
    }

    private static let current = Mutex<Box?>(nil)

    static func with<R>(_ workbook: ExcelWorkbook, _ body: () throws(ConversionError) -> R) throws(ConversionError) -> R {
        current.withLock { $0 = Box(workbook: workbook) }
        defer { current.withLock { $0 = nil } }
        return try body()
    }

    /// The workbook being converted, when it is the one at `path` opened with `limits`.
    static func workbook(path: String, limits: ZipLimits) -> ExcelWorkbook? {
        current.withLock { box in
            guard let workbook = box?.workbook, workbook.path == path, workbook.limits == limits else { return nil }
            return workbook
        }
    }
}
