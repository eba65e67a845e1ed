import FormatKit
/// `--pages 1-3,7,10-`: 1-based pages and ranges; `5-` runs to the last page, `-3` starts at 1.
public struct PDFPageSelection: Sendable, Equatable, CustomStringConvertible {
    public struct Range: Sendable, Equatable {
        public var first: Int
        public var last: Int?
    }

    public var ranges: [Range]
    public let description: String

    /// Parses the option's text; the error is a sentence for the user.
    public init(parsing text: String) throws(ConversionError) {
        description = text
        ranges = []
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.filter { $0 != " " } }
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw Self.invalid(text, "it is empty or has an empty item between commas")
        }
        for part in parts {
            let bounds = part.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            func page(_ s: String) throws(ConversionError) -> Int {
                guard let n = Int(s), s.allSatisfy(\.isASCII) else { throw Self.invalid(text, "'\(part)' is not a page number or range") }
                guard n >= 1 else { throw Self.invalid(text, "pages are numbered from 1, so '\(part)' names no page") }
                return n
            }
            if bounds.count == 1 {
                let n = try page(bounds[0])
                ranges.append(Range(first: n, last: n))
            } else {
                guard !(bounds[0].isEmpty && bounds[1].isEmpty) else { throw Self.invalid(text, "'-' alone is not a range") }
                let first = bounds[0].isEmpty ? 1 : try page(bounds[0])
                let last = bounds[1].isEmpty ? nil : try page(bounds[1])
                if let last, last < first {
                    throw Self.invalid(text, "the range '\(part)' runs backwards; write it as '\(last)-\(first)'")
                }
                ranges.append(Range(first: first, last: last))
            }
        }
    }

    static func invalid(_ text: String, _ reason: String) -> ConversionError {
        .invalidOption("--pages '\(text)' is not valid: \(reason). Use page numbers and ranges such as 1-3,7 or 5- (pages are numbered from 1).")
    }

    /// The selected 1-based page numbers in order (each once), or the page out of range.
    public func pages(of count: Int) throws(PDFError) -> [Int] {
        var seen = Set<Int>()
        var result: [Int] = []
        for range in ranges {
            let last = range.last ?? count
            guard range.first <= count, last <= count else {
                throw .pageOutOfRange(requested: max(range.first, last), pages: count)
            }
            for p in range.first...max(range.first, last) where seen.insert(p).inserted { result.append(p) }
        }
        return result
    }
}

/// How a PDF is converted to text.
public struct PDFOptions: Sendable {
    /// The pages to extract (nil: all).
    public var pages: PDFPageSelection?
    /// Marks each page with `--- Page N ---` … `--- End Page N ---` lines (PyForge 1.x's `--metadata`).
    public var pageMarkers: Bool
    /// The user or owner password of an encrypted document (nil: only the empty user password is tried).
    public var password: String?

    public init(pages: PDFPageSelection? = nil, pageMarkers: Bool = false, password: String? = nil) {
        self.pages = pages
        self.pageMarkers = pageMarkers
        self.password = password
    }
}
