import Platform
import FormatKit
/// `pyforge info file.pdf`: pages, version, the Info dictionary and encryption.
package enum PDFInspector {
    package static func info(path: String, password: String? = nil) throws(ConversionError) -> FileInfo {
        let document = try PDFDocument(path: path, password: password)
        var details: [String: String] = ["pdf_version": document.version]
        var warnings = document.warnings
        var pageCount = 0
        if let encryption = document.encryption {
            details["encrypted"] = "yes (\(encryption.handler))"
            if let algorithm = encryption.algorithm { details["encryption_algorithm"] = algorithm }
            if let revision = encryption.revision { details["encryption_revision"] = String(revision) }
            details["encryption_opened_with"] = encryption.openedWith?.rawValue ?? "nothing (not decrypted)"
        } else {
            details["encrypted"] = "no"
        }
        if let refusal = document.encryption?.refusal {
            // The page tree is readable unless it sits in an (encrypted) object stream.
            if let pages = try? document.pages() { pageCount = pages.count } else {
                warnings.append("The page count cannot be read without decrypting the document.")
            }
            warnings.append("\(refusal.description) Its title, author and other text entries are not shown until it is decrypted: \(refusal.fix)")
        } else {
            do {
                pageCount = try document.pages().count
            } catch {
                throw error.conversionError(path: path)
            }
        }
        details["pages"] = String(pageCount)
        let keys = [("Title", "title"), ("Author", "author"), ("Subject", "subject"), ("Keywords", "keywords"),
                    ("Creator", "creator"), ("Producer", "producer"), ("CreationDate", "creation_date"), ("ModDate", "modification_date")]
        let information = document.information()
        for (key, name) in keys {
            guard let value = information[key] else { continue }
            details[name] = key.hasSuffix("Date") ? PDFTextString.date(value) : value
        }
        return FileInfo(
            path: path, format: "pdf", sizeBytes: fileSize(path), rows: pageCount, columns: [], details: details,
            rowGroups: nil, warnings: warnings)
    }
}
