/// The simple-font base encodings (Annex D.2) as glyph names by code, and glyph names to
/// Unicode (the Adobe Glyph List's common names, `uniXXXX`, `uXXXX[XX]`, ligatures `f_i`).
public enum PDFEncodings {
    /// Glyph names by code for `/BaseEncoding` names; nil for an unknown name.
    public static func names(_ encoding: String) -> [String?]? {
        switch encoding {
        case "WinAnsiEncoding": return winAnsi
        case "MacRomanEncoding": return macRoman
        case "StandardEncoding": return standard
        case "PDFDocEncoding": return winAnsi
        default: return nil
        }
    }

    private static func table(_ ranges: [(Int, String)]) -> [String?] {
        var table = [String?](repeating: nil, count: 256)
        for (start, names) in ranges {
            for (i, name) in names.split(separator: " ").enumerated() where name != "-" {
                table[start + i] = String(name)
            }
        }
        return table
    }

    static let asciiNames = """
        space exclam quotedbl numbersign dollar percent ampersand quotesingle parenleft parenright asterisk plus comma \
        hyphen period slash zero one two three four five six seven eight nine colon semicolon less equal greater \
        question at A B C D E F G H I J K L M N O P Q R S T U V W X Y Z bracketleft backslash bracketright \
        asciicircum underscore grave a b c d e f g h i j k l m n o p q r s t u v w x y z braceleft bar braceright asciitilde
        """
    static let latin1Names = """
        space exclamdown cent sterling currency yen brokenbar section dieresis copyright ordfeminine guillemotleft \
        logicalnot hyphen registered macron degree plusminus twosuperior threesuperior acute mu paragraph \
        periodcentered cedilla onesuperior ordmasculine guillemotright onequarter onehalf threequarters questiondown \
        Agrave Aacute Acircumflex Atilde Adieresis Aring AE Ccedilla Egrave Eacute Ecircumflex Edieresis Igrave Iacute \
        Icircumflex Idieresis Eth Ntilde Ograve Oacute Ocircumflex Otilde Odieresis multiply Oslash Ugrave Uacute \
        Ucircumflex Udieresis Yacute Thorn germandbls agrave aacute acircumflex atilde adieresis aring ae ccedilla \
        egrave eacute ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve oacute ocircumflex \
        otilde odieresis divide oslash ugrave uacute ucircumflex udieresis yacute thorn ydieresis
        """
    static let cp1252Names = """
        Euro bullet quotesinglbase florin quotedblbase ellipsis dagger daggerdbl circumflex perthousand Scaron \
        guilsinglleft OE bullet Zcaron bullet bullet quoteleft quoteright quotedblleft quotedblright bullet endash \
        emdash tilde trademark scaron guilsinglright oe bullet zcaron Ydieresis
        """

    public static let winAnsi: [String?] = {
        var t = table([(0x20, asciiNames), (0x80, cp1252Names), (0xA0, latin1Names)])
        t[0x7F] = "bullet"
        return t
    }()

    public static let standard: [String?] = {
        var t = table([
            (0x20, asciiNames),
            (0xA1, "exclamdown cent sterling fraction yen florin section currency quotesingle quotedblleft guillemotleft guilsinglleft guilsinglright fi fl"),
            (0xB1, "endash dagger daggerdbl periodcentered - paragraph bullet quotesinglbase quotedblbase quotedblright guillemotright ellipsis perthousand - questiondown"),
            (0xC1, "grave acute circumflex tilde macron breve dotaccent dieresis - ring cedilla - hungarumlaut ogonek caron emdash"),
            (0xE1, "AE - ordfeminine - - - - Lslash Oslash OE ordmasculine"),
            (0xF1, "ae - - - dotlessi - - lslash oslash oe germandbls"),
        ])
        t[0x27] = "quoteright"
        t[0x60] = "quoteleft"
        return t
    }()

    public static let macRoman: [String?] = table([
        (0x20, asciiNames),
        (0x80, """
            Adieresis Aring Ccedilla Eacute Ntilde Odieresis Udieresis aacute agrave acircumflex adieresis atilde aring \
            ccedilla eacute egrave ecircumflex edieresis iacute igrave icircumflex idieresis ntilde oacute ograve \
            ocircumflex odieresis otilde uacute ugrave ucircumflex udieresis dagger degree cent sterling section bullet \
            paragraph germandbls registered copyright trademark acute dieresis notequal AE Oslash infinity plusminus \
            lessequal greaterequal yen mu partialdiff summation product pi integral ordfeminine ordmasculine Omega ae \
            oslash questiondown exclamdown logicalnot radical florin approxequal Delta guillemotleft guillemotright \
            ellipsis space Agrave Atilde Otilde OE oe endash emdash quotedblleft quotedblright quoteleft quoteright \
            divide lozenge ydieresis Ydieresis fraction currency guilsinglleft guilsinglright fi fl daggerdbl \
            periodcentered quotesinglbase quotedblbase perthousand Acircumflex Ecircumflex Aacute Edieresis Egrave \
            Iacute Icircumflex Idieresis Igrave Oacute Ocircumflex apple Ograve Uacute Ucircumflex Ugrave dotlessi \
            circumflex tilde macron breve dotaccent ring cedilla hungarumlaut ogonek caron
            """),
    ])

    /// Glyph names to Unicode scalars.
    static let glyphs: [String: UInt32] = {
        var map: [String: UInt32] = [:]
        for (i, name) in asciiNames.split(separator: " ").enumerated() { map[String(name)] = UInt32(0x20 + i) }
        for (i, name) in latin1Names.split(separator: " ").enumerated() where map[String(name)] == nil {
            map[String(name)] = UInt32(0xA0 + i)
        }
        let cp1252: [UInt32] = [
            0x20AC, 0x2022, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x2022, 0x017D, 0x2022,
            0x2022, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x2022, 0x017E, 0x0178,
        ]
        for (i, name) in cp1252Names.split(separator: " ").enumerated() { map[String(name)] = cp1252[i] }
        let extra: [(String, UInt32)] = [
            ("fi", 0xFB01), ("fl", 0xFB02), ("ff", 0xFB00), ("ffi", 0xFB03), ("ffl", 0xFB04), ("dotlessi", 0x0131),
            ("Lslash", 0x0141), ("lslash", 0x0142), ("caron", 0x02C7), ("breve", 0x02D8), ("dotaccent", 0x02D9),
            ("ring", 0x02DA), ("ogonek", 0x02DB), ("hungarumlaut", 0x02DD), ("fraction", 0x2044), ("minus", 0x2212),
            ("nbspace", 0x00A0), ("sfthyphen", 0x00AD), ("notequal", 0x2260), ("infinity", 0x221E),
            ("lessequal", 0x2264), ("greaterequal", 0x2265), ("partialdiff", 0x2202), ("summation", 0x2211),
            ("product", 0x220F), ("pi", 0x03C0), ("integral", 0x222B), ("Omega", 0x03A9), ("radical", 0x221A),
            ("approxequal", 0x2248), ("Delta", 0x2206), ("lozenge", 0x25CA), ("apple", 0xF8FF), ("mu", 0x00B5),
            ("Euro", 0x20AC), ("quotesingle", 0x0027), ("grave", 0x0060), ("space", 0x0020), ("hyphen", 0x002D),
            ("Gcaron", 0x01E6), ("gcaron", 0x01E7), ("Scedilla", 0x015E), ("scedilla", 0x015F), ("Idotaccent", 0x0130),
            ("Ccaron", 0x010C), ("ccaron", 0x010D), ("Rcaron", 0x0158), ("rcaron", 0x0159), ("Ecaron", 0x011A),
            ("ecaron", 0x011B), ("Uring", 0x016E), ("uring", 0x016F), ("Dcaron", 0x010E), ("dcaron", 0x010F),
            ("Ncaron", 0x0147), ("ncaron", 0x0148), ("Tcaron", 0x0164), ("tcaron", 0x0165), ("Aogonek", 0x0104),
            ("aogonek", 0x0105), ("Eogonek", 0x0118), ("eogonek", 0x0119), ("Sacute", 0x015A), ("sacute", 0x015B),
            ("Zacute", 0x0179), ("zacute", 0x017A), ("Zdotaccent", 0x017B), ("zdotaccent", 0x017C), ("Nacute", 0x0143),
            ("nacute", 0x0144), ("Cacute", 0x0106), ("cacute", 0x0107), ("Ohungarumlaut", 0x0150), ("ohungarumlaut", 0x0151),
            ("Uhungarumlaut", 0x0170), ("uhungarumlaut", 0x0171), ("Abreve", 0x0102), ("abreve", 0x0103),
            ("Amacron", 0x0100), ("amacron", 0x0101), ("Emacron", 0x0112), ("emacron", 0x0113), ("Imacron", 0x012A),
            ("imacron", 0x012B), ("Omacron", 0x014C), ("omacron", 0x014D), ("Umacron", 0x016A), ("umacron", 0x016B),
            ("alpha", 0x03B1), ("beta", 0x03B2), ("gamma", 0x03B3), ("delta", 0x03B4), ("epsilon", 0x03B5),
            ("lambda", 0x03BB), ("sigma", 0x03C3), ("omega", 0x03C9), ("degree", 0x00B0), ("copyright", 0x00A9),
            ("registered", 0x00AE), ("trademark", 0x2122), ("arrowright", 0x2192), ("arrowleft", 0x2190),
            ("checkmark", 0x2713), ("periodcentered", 0x00B7), ("middot", 0x00B7), ("dieresis", 0x00A8),
        ]
        for (name, value) in extra { map[name] = value }
        return map
    }()

    /// The text a glyph name stands for: AGL names, `uniXXXX…` (several), `uXXXX[XX]`,
    /// ligatures joined with `_`, and a `.suffix` dropped (`a.sc` is `a`).
    public static func text(forGlyph name: String) -> [Unicode.Scalar]? {
        if let v = glyphs[name], let s = Unicode.Scalar(v) { return [s] }
        var base = Substring(name)
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        if base != Substring(name), let v = glyphs[String(base)], let s = Unicode.Scalar(v) { return [s] }
        if base.contains("_") {
            var out: [Unicode.Scalar] = []
            for part in base.split(separator: "_") {
                guard let t = text(forGlyph: String(part)) else { return nil }
                out += t
            }
            return out.isEmpty ? nil : out
        }
        if base.hasPrefix("uni"), base.count >= 7, (base.count - 3) % 4 == 0 {
            var out: [Unicode.Scalar] = []
            var rest = base.dropFirst(3)
            while !rest.isEmpty {
                guard let v = UInt32(rest.prefix(4), radix: 16), let s = Unicode.Scalar(v) else { return nil }
                out.append(s)
                rest = rest.dropFirst(4)
            }
            return out
        }
        if base.hasPrefix("u"), (5...7).contains(base.count), let v = UInt32(base.dropFirst(), radix: 16), let s = Unicode.Scalar(v) {
            return [s]
        }
        return nil
    }
}
