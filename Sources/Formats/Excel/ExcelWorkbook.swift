import Columnar
import FormatKit

/// An open .xlsx/.xlsm file: its ZIP directory, sheet list and date system. Styles and
/// shared strings are loaded on first use (listing sheets does not need them).
package final class ExcelWorkbook {
    package struct Sheet: Sendable {
        package var name: String
        /// Path of the worksheet XML inside the archive.
        var entry: String
        var hidden: Bool
    }

    package let path: String
    let file: InputFile
    let directory: ZipDirectory
    package let limits: ZipLimits
    package let sheets: [Sheet]
    let dateSystem: ExcelDateSystem
    private let sharedStringsEntry: String?
    private let stylesEntry: String?
    /// Bytes inflated for the workbook parts; each sheet read starts from here.
    private var partsBudget: InflateBudget
    private var loadedStyles: [UInt8]?
    private var loadedStrings: ByteArrays?

    package init(path: String, limits: ZipLimits) throws(ConversionError) {
        self.path = path
        self.limits = limits
        file = try InputFile(path: path)
        directory = try ZipDirectory(file: file)
        partsBudget = InflateBudget(limits: limits)
        guard directory.entries["xl/workbook.xml"] != nil || directory.entries["xl/workbook.bin"] == nil else {
            throw .unsupportedFormat(path: path, detail: "it is a binary .xlsb workbook; save it as .xlsx")
        }
        guard let workbookEntry = directory.entries["xl/workbook.xml"] else {
            throw .malformedInput(path: path, location: "its ZIP container", reason: "it has no xl/workbook.xml, so it is not an Excel workbook",
                                  fix: "check that the file is an .xlsx or .xlsm workbook saved by Excel or a compatible program")
        }
        let workbook = WorkbookHandler()
        try ExcelXMLParser.parse(ZipEntryReader(file: file, entry: workbookEntry, budget: partsBudget), path: path, handler: workbook)
        let relationships = RelationshipsHandler()
        if let relsEntry = directory.entries["xl/_rels/workbook.xml.rels"] {
            try ExcelXMLParser.parse(ZipEntryReader(file: file, entry: relsEntry, budget: partsBudget), path: path, handler: relationships)
        }
        var targets: [String: String] = [:]
        for relationship in relationships.relationships {
            targets[relationship.id] = RelationshipsHandler.resolve(relationship.target)
        }
        let directory = self.directory
        let relationshipList = relationships.relationships
        func part(_ suffix: String, default name: String) -> String? {
            let found = relationshipList.first { $0.type.hasSuffix(suffix) }.map { RelationshipsHandler.resolve($0.target) }
            return [found, name].compactMap { $0 }.first { directory.entries[$0] != nil }
        }
        sharedStringsEntry = part("/sharedStrings", default: "xl/sharedStrings.xml")
        stylesEntry = part("/styles", default: "xl/styles.xml")
        var sheets: [Sheet] = []
        for (index, sheet) in workbook.sheets.enumerated() {
            let entry = targets[sheet.relationshipID] ?? "xl/worksheets/sheet\(index + 1).xml"
            // Chart sheets and dialog sheets have no cells.
            guard entry.contains("worksheets/"), directory.entries[entry] != nil else { continue }
            sheets.append(Sheet(name: sheet.name, entry: entry, hidden: sheet.hidden))
        }
        self.sheets = sheets
        dateSystem = workbook.date1904 ? .excel1904 : .excel1900
    }

    /// Per cell-format index: 1 when the format shows a date or time.
    func dateStyles() throws(ConversionError) -> [UInt8] {
        if let loadedStyles { return loadedStyles }
        let handler = StylesHandler()
        if let stylesEntry, let entry = directory.entries[stylesEntry] {
            try ExcelXMLParser.parse(ZipEntryReader(file: file, entry: entry, budget: partsBudget), path: path, handler: handler)
        }
        loadedStyles = handler.dateStyles
        return handler.dateStyles
    }

    func sharedStrings() throws(ConversionError) -> ByteArrays {
        if let loadedStrings { return loadedStrings }
        let budget = MemoryBudget.current
        let handler = SharedStringsHandler(limit: budget.sharedStringsBytes)
        if let sharedStringsEntry, let entry = directory.entries[sharedStringsEntry] {
            try ExcelXMLParser.parse(ZipEntryReader(file: file, entry: entry, budget: partsBudget), path: path, handler: handler)
        }
        if handler.exceeded {
            guard handler.limit < budget.sharedStringsBytes else {
                throw budget.exceeded(path: path, location: sharedStringsEntry ?? "its shared strings", what: "the shared-strings table", limit: handler.limit)
            }
            throw .unreadableInput(path: path, reason: "its shared strings take more than 2 GiB, more than pyforge holds")
        }
        loadedStrings = handler.strings
        return handler.strings
    }

    /// A reader of one sheet's XML, with the parts already inflated counted against the limit.
    func openEntry(_ name: String) throws(ConversionError) -> ZipEntryReader {
        guard let entry = directory.entries[name] else {
            throw .malformedInput(path: path, location: "its ZIP container", reason: "the sheet part '\(name)' is missing", fix: "save the workbook again from Excel")
        }
        let budget = InflateBudget(limits: limits)
        budget.used = partsBudget.used
        return try ZipEntryReader(file: file, entry: entry, budget: budget)
    }

    /// Index of a sheet named by `--sheets`: its exact name, else a case-insensitive
    /// match, else a 1-based position.
    func sheetIndex(_ selector: String) -> Int? {
        if let exact = sheets.firstIndex(where: { $0.name == selector }) { return exact }
        if let loose = sheets.firstIndex(where: { $0.name.lowercased() == selector.lowercased() }) { return loose }
        if let number = Int(selector), number >= 1, number <= sheets.count { return number - 1 }
        return nil
    }
}
