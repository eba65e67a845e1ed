/// What a font tells text extraction: how a string splits into codes, each code's text
/// and its advance width (thousandths of text space units).
final class PDFFont {
    /// Type0 (composite) fonts: codes split by the encoding CMap's codespace.
    let codes: PDFCMap?
    let toUnicode: PDFCMap?
    /// Simple fonts: the text of each one-byte code from the encoding and /Differences.
    let simple: [[Unicode.Scalar]?]
    private let widths: [UInt32: Double]
    private let defaultWidth: Double
    /// Type 3 fonts scale widths by their /FontMatrix.
    private let widthScale: Double

    init(dictionary font: PDFDictionary, document: PDFDocument) {
        let subtype = font.name("Subtype") ?? "Type1"
        var toUnicode: PDFCMap? = nil
        if case .stream(let s) = document.resolved(font["ToUnicode"]),
           let data = try? document.decode(s, location: "a font's /ToUnicode CMap"), let map = try? PDFCMap.parse(data), !map.isEmpty {
            toUnicode = map
        }
        self.toUnicode = toUnicode
        var widths: [UInt32: Double] = [:]
        if subtype == "Type0" {
            let encoding = document.resolved(font["Encoding"])
            if case .stream(let s) = encoding, let data = try? document.decode(s, location: "a font's encoding CMap"),
               let map = try? PDFCMap.parse(data), !map.codespaces.isEmpty {
                codes = map
            } else if let codespaces = toUnicode?.codespaces, !codespaces.isEmpty, encoding.name?.hasPrefix("Identity") != true {
                var map = PDFCMap()
                map.codespaces = codespaces
                codes = map
            } else {
                codes = .identity  // Identity-H/V and the predefined two-byte CMaps
            }
            simple = []
            let descendant = document.resolved(document.resolved(font["DescendantFonts"]).array?.first).dictionary
            defaultWidth = document.resolved(descendant?["DW"]).number ?? 1000
            let w = document.resolved(descendant?["W"]).array ?? []
            var i = 0
            // Codes are at most 32 bits: entries for codes beyond that are skipped (best effort,
            // as for any nonsensical width), never converted, so they cannot trap.
            let lastCode = Int(UInt32.max)
            while i < w.count && widths.count < PDFCMap.maxEntries {
                guard let first = document.resolved(w[i]).int, first >= 0 else { break }
                if i + 1 < w.count, let list = document.resolved(w[i + 1]).array {
                    if first <= lastCode {
                        for (k, width) in list.prefix(lastCode - first + 1).enumerated() {
                            widths[UInt32(first + k)] = document.resolved(width).number ?? defaultWidth
                        }
                    }
                    i += 2
                } else if i + 2 < w.count, let last = document.resolved(w[i + 1]).int, let width = document.resolved(w[i + 2]).number {
                    if last >= first && last - first < 65_536 && last <= lastCode { for c in first...last { widths[UInt32(c)] = width } }
                    i += 3
                } else {
                    break
                }
            }
            widthScale = 1
        } else {
            codes = nil
            simple = Self.simpleEncoding(font, subtype: subtype, document: document)
            // Simple fonts have one-byte codes: a /FirstChar outside -255...255 cannot put any
            // width on one (and first + k could overflow), so its widths are ignored.
            let first = document.resolved(font["FirstChar"]).int ?? 0
            if first > -256 && first < 256 {
                for (k, width) in (document.resolved(font["Widths"]).array ?? []).prefix(256).enumerated() where (0..<256).contains(first + k) {
                    widths[UInt32(first + k)] = document.resolved(width).number ?? 0
                }
            }
            let descriptor = document.resolved(font["FontDescriptor"]).dictionary
            let base = font.name("BaseFont") ?? ""
            defaultWidth = document.resolved(descriptor?["MissingWidth"]).number.flatMap { $0 > 0 ? $0 : nil }
                ?? (base.contains("Courier") ? 600 : 500)
            if subtype == "Type3", let matrix = document.resolved(font["FontMatrix"]).array, let a = matrix.first?.number {
                widthScale = a * 1000
            } else {
                widthScale = 1
            }
            if widths.isEmpty { widths[32] = base.contains("Courier") ? 600 : 250 }
        }
        self.widths = widths
    }

    /// The advance of a code, in thousandths of the font size.
    func width(_ code: UInt32) -> Double {
        (widths[code] ?? defaultWidth) * widthScale
    }

    /// Calls `body` for each code of `string`: its text (nil when unknown), advance width,
    /// and whether it is the one-byte code 32 (which word spacing applies to).
    func forEachCode(
        _ string: [UInt8], _ body: (_ text: [Unicode.Scalar]?, _ width: Double, _ isSpace: Bool) -> Void
    ) {
        string.withUnsafeBufferPointer { bytes in
            var i = 0
            while i < bytes.count {
                let (code, length): (UInt32, Int)
                if let codes {
                    (code, length) = codes.code(in: bytes, at: i)
                } else {
                    (code, length) = (UInt32(bytes[i]), 1)
                }
                i += max(length, 1)
                var text = toUnicode?.text(for: code, length: length)
                if text == nil {
                    if codes == nil {
                        text = simple[Int(code & 0xFF)]
                    } else if code >= 0x20, let scalar = Unicode.Scalar(code) {
                        text = [scalar]  // no ToUnicode: a two-byte code read as UCS-2, as viewers guess
                    }
                }
                body(text, width(code), length == 1 && code == 32)
            }
        }
    }

    /// A simple font's code → text table: the base encoding, then /Differences.
    static func simpleEncoding(_ font: PDFDictionary, subtype: String, document: PDFDocument) -> [[Unicode.Scalar]?] {
        let encoding = document.resolved(font["Encoding"])
        let descriptor = document.resolved(font["FontDescriptor"]).dictionary
        let symbolic = ((document.resolved(descriptor?["Flags"]).int ?? 0) & 4) != 0
        let base = font.name("BaseFont") ?? ""
        var names: [String?]
        if let name = encoding.name ?? encoding.dictionary?.name("BaseEncoding"), let table = PDFEncodings.names(name) {
            names = table
        } else if symbolic || base.contains("Symbol") || base.contains("Dingbats") {
            names = [String?](repeating: nil, count: 256)
        } else {
            names = subtype == "TrueType" ? PDFEncodings.winAnsi : PDFEncodings.standard
        }
        if let differences = encoding.dictionary.map({ document.resolved($0["Differences"]).array ?? [] }) {
            var code = 0
            for item in differences {
                if let n = item.int {
                    code = n
                } else if let name = item.name {
                    if code >= 0 && code < 256 { names[code] = name }
                    // Codes past 255 name nothing; stopping there keeps `[9223372036854775807 /a /b]` from overflowing.
                    if code < 256 { code += 1 }
                }
            }
        }
        return (0..<256).map { code in
            if let name = names[code] {
                return PDFEncodings.text(forGlyph: name)
            }
            // Symbolic fonts without an encoding: the code itself.
            return code >= 0x20 ? Unicode.Scalar(UInt32(code)).map { [$0] } : nil
        }
    }
}
