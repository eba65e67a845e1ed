/// Runs a page's content streams (§8.2, §9.4) for their text: the text operators, the
/// graphics-state operators that move text (q, Q, cm), and form XObjects (`Do`).
final class PDFContentInterpreter {
    /// Deepest nesting of form XObjects (a form drawing itself would never end).
    static let maxFormDepth = 16
    /// Most operands one operator may take before the stack is considered garbage.
    static let maxOperands = 4096
    /// Most operations one page may run: every operator, in the page's content and in
    /// the form XObjects it draws, and every character it shows. Forms that draw each
    /// other several times multiply (16 forms, each drawing the next one ten times, make
    /// 10^15 copies of the last from a few KiB), so the work a page may cause is bounded
    /// here rather than by the file's size.
    static let maxOperationsPerPage = 5_000_000

    private let document: PDFDocument
    private var fonts: [Int: PDFFont]
    private var layout = PDFTextLayout()
    private var state = PDFGraphicsState()
    private var stack: [PDFGraphicsState] = []
    private var textMatrix = PDFMatrix.identity
    private var lineMatrix = PDFMatrix.identity
    private var formsInProgress = Set<Int>()
    /// The current page's budget and number, for the warning when it runs out.
    private var operations = 0
    private var pageNumber = 0
    private var stopped = false
    /// Forms decoded for the current page, by object number: a form drawn many times is
    /// decoded once.
    private var decodedForms: [Int: [UInt8]] = [:]
    private(set) var warnings: [String] = []
    /// Warnings given for the current page: one each, however often its cause repeats.
    private var pageWarnings = Set<String>()

    init(document: PDFDocument, fonts: [Int: PDFFont] = [:]) {
        self.document = document
        self.fonts = fonts
    }

    /// The fonts loaded so far (shared between pages).
    var loadedFonts: [Int: PDFFont] { fonts }

    /// A page's text.
    func text(of page: PDFPage, number: Int) throws(PDFError) -> String {
        layout = PDFTextLayout()
        state = PDFGraphicsState()
        stack = []
        operations = 0
        pageNumber = number
        stopped = false
        decodedForms = [:]
        pageWarnings = []
        defer { decodedForms = [:] }
        let contents = document.resolved(page.dictionary["Contents"])
        var parts: [PDFObject] = []
        if case .array(let items) = contents { parts = items.map { document.resolved($0) } } else { parts = [contents] }
        var data: [UInt8] = []
        for (i, part) in parts.enumerated() {
            guard case .stream(let stream) = part else { continue }
            let location = "page \(number)'s content stream" + (parts.count > 1 ? " \(i + 1)" : "")
            data += try document.decode(stream, location: location)
            data.append(0x0A)
        }
        try run(data, resources: page.resources, location: "page \(number)", depth: 0)
        return layout.finish()
    }

    private func run(_ data: [UInt8], resources: PDFDictionary, location: String, depth: Int) throws(PDFError) {
        try data.withUnsafeBufferPointer { bytes throws(PDFError) in
            var parser = PDFObjectParser(bytes: bytes)
            var operands: [PDFObject] = []
            while true {
                let token: PDFToken
                do throws(PDFError) {
                    token = try parser.lexer.next()
                } catch {
                    throw PDFDocument.locate(error, location + "'s content")
                }
                switch token {
                case .eof: return
                case .keyword(let op):
                    if op == Op.bi {
                        Self.skipInlineImage(&parser.lexer)
                    } else if op != .trueValue && op != .falseValue && op != .null {
                        guard spend() else { return }
                        try execute(op, operands, resources: resources, location: location, depth: depth)
                        if stopped { return }
                        operands.removeAll(keepingCapacity: true)
                        continue
                    }
                    operands.append(op == .trueValue ? .bool(true) : op == .falseValue ? .bool(false) : .null)
                default:
                    do throws(PDFError) {
                        operands.append(try parser.parseObject(startingWith: token, depth: 0))
                    } catch {
                        throw PDFDocument.locate(error, location + "'s content")
                    }
                    if operands.count > Self.maxOperands { operands.removeFirst(operands.count - 16) }
                }
            }
        }
    }

    /// Counts one operation against the page's budget; false once it is spent (the first
    /// time, with a warning naming the page).
    private func spend() -> Bool {
        guard !stopped else { return false }
        operations += 1
        guard operations > Self.maxOperationsPerPage else { return true }
        stopped = true
        warn("Page \(pageNumber): stopped after \(Self.maxOperationsPerPage) operations; the text of this page may be incomplete (its content and the form XObjects it draws run more operations than pyforge allows per page).")
        return false
    }

    private func warn(_ warning: String) {
        if pageWarnings.insert(warning).inserted { warnings.append(warning) }
    }

    enum Op {
        static let bt = PDFKeyword("BT"), et = PDFKeyword("ET"), tf = PDFKeyword("Tf"), td = PDFKeyword("Td")
        static let tD = PDFKeyword("TD"), tm = PDFKeyword("Tm"), tStar = PDFKeyword("T*"), tl = PDFKeyword("TL")
        static let tj = PDFKeyword("Tj"), tJ = PDFKeyword("TJ"), quote = PDFKeyword("'"), doubleQuote = PDFKeyword("\"")
        static let tc = PDFKeyword("Tc"), tw = PDFKeyword("Tw"), tz = PDFKeyword("Tz"), ts = PDFKeyword("Ts")
        static let q = PDFKeyword("q"), bigQ = PDFKeyword("Q"), cm = PDFKeyword("cm"), doXObject = PDFKeyword("Do")
        static let bi = PDFKeyword("BI")
    }

    private func execute(_ op: PDFKeyword, _ operands: [PDFObject], resources: PDFDictionary, location: String, depth: Int) throws(PDFError) {
        func number(_ i: Int) -> Double {
            let index = operands.count - (Self.arity(op) - i)
            return index >= 0 && index < operands.count ? (operands[index].number ?? 0) : 0
        }
        switch op {
        case Op.bt:
            textMatrix = .identity
            lineMatrix = .identity
        case Op.et: break
        case Op.tf:
            state.fontSize = number(1)
            if operands.count >= 2, let name = operands[operands.count - 2].name {
                state.font = font(named: name, resources: resources)
            }
        case Op.td: moveLine(number(0), number(1))
        case Op.tD:
            state.leading = -number(1)
            moveLine(number(0), number(1))
        case Op.tm:
            if operands.count >= 6, let m = PDFMatrix(Array(operands.suffix(6))) {
                textMatrix = m
                lineMatrix = m
            }
        case Op.tStar: moveLine(0, -state.leading)
        case Op.tl: state.leading = number(0)
        case Op.tc: state.charSpacing = number(0)
        case Op.tw: state.wordSpacing = number(0)
        case Op.tz: state.horizontalScale = number(0) / 100
        case Op.ts: state.rise = number(0)
        case Op.tj:
            if let s = operands.last?.bytes { show(s) }
        case Op.quote:
            moveLine(0, -state.leading)
            if let s = operands.last?.bytes { show(s) }
        case Op.doubleQuote:
            state.wordSpacing = number(0)
            state.charSpacing = number(1)
            moveLine(0, -state.leading)
            if let s = operands.last?.bytes { show(s) }
        case Op.tJ:
            for item in operands.last?.array ?? [] {
                if case .string(let s) = item {
                    show(s)
                } else if let adjustment = item.number {
                    // A negative number moves right: big ones are word gaps, which the
                    // layout turns into a space from the glyph positions.
                    let tx = -adjustment / 1000 * state.fontSize * state.horizontalScale
                    textMatrix = textMatrix.translated(tx, 0)
                }
            }
        case Op.q:
            if stack.count < 1024 { stack.append(state) }
        case Op.bigQ:
            if let saved = stack.popLast() { state = saved }
        case Op.cm:
            if operands.count >= 6, let m = PDFMatrix(Array(operands.suffix(6))) { state.ctm = m.concatenating(state.ctm) }
        case Op.doXObject:
            if let name = operands.last?.name {
                try drawForm(named: name, resources: resources, location: location, depth: depth)
            }
        default: break
        }
    }

    /// Operands each operator reads (the last ones on the stack).
    private static func arity(_ op: PDFKeyword) -> Int {
        switch op {
        case Op.tf, Op.td, Op.tD: return 2
        case Op.doubleQuote: return 3
        default: return 1
        }
    }

    private func moveLine(_ tx: Double, _ ty: Double) {
        lineMatrix = lineMatrix.translated(tx, ty)
        textMatrix = lineMatrix
    }

    private func font(named name: String, resources: PDFDictionary) -> PDFFont? {
        guard let fontObject = document.resolved(resources["Font"]).dictionary?[name] else { return nil }
        if let r = fontObject.reference, let cached = fonts[r.number] { return cached }
        guard let dictionary = document.resolved(fontObject).dictionary else { return nil }
        let font = PDFFont(dictionary: dictionary, document: document)
        if let r = fontObject.reference { fonts[r.number] = font }
        return font
    }

    /// Shows a string: each code's text at its position, then the advance (§9.4.4).
    private func show(_ string: [UInt8]) {
        guard let font = state.font else { return }
        let size = state.fontSize
        let scale = state.horizontalScale
        var m = textMatrix.concatenating(state.ctm)
        let deviceSize = abs(size) * (m.c * m.c + m.d * m.d).squareRoot()
        font.forEachCode(string) { text, width, isSpace in
            guard spend() else { return }
            let length = (m.a * m.a + m.b * m.b).squareRoot()
            let (dirX, dirY) = length > 0 ? (m.a / length, m.b / length) : (1.0, 0.0)
            let x = m.e + state.rise * m.c, y = m.f + state.rise * m.d
            let tx = (width / 1000 * size + state.charSpacing + (isSpace ? state.wordSpacing : 0)) * scale
            m.e += tx * m.a
            m.f += tx * m.b
            textMatrix = textMatrix.translated(tx, 0)
            layout.add(text, x: x, y: y, endX: m.e + state.rise * m.c, endY: m.f + state.rise * m.d,
                       size: deviceSize, dirX: dirX, dirY: dirY)
        }
    }

    /// `Do` with a form XObject: its content runs with its matrix and resources (§8.10).
    private func drawForm(named name: String, resources: PDFDictionary, location: String, depth: Int) throws(PDFError) {
        guard let object = document.resolved(resources["XObject"]).dictionary?[name] else { return }
        let number = object.reference?.number ?? -1
        guard case .stream(let form) = document.resolved(object), form.dictionary.name("Subtype") == "Form" else { return }
        guard depth < Self.maxFormDepth, !formsInProgress.contains(number) else {
            warn("A form XObject (\(name)) on \(location) draws itself or nests more than \(Self.maxFormDepth) deep; its inner copies were skipped.")
            return
        }
        formsInProgress.insert(number)
        defer { formsInProgress.remove(number) }
        let data: [UInt8]
        if let decoded = decodedForms[number] {
            data = decoded
        } else {
            data = try document.decode(form, location: "form XObject \(name) on \(location)")
            if number >= 0 { decodedForms[number] = data }
        }
        let saved = (state, stack.count, textMatrix, lineMatrix)
        if let m = document.resolved(form.dictionary["Matrix"]).array.flatMap(PDFMatrix.init) { state.ctm = m.concatenating(state.ctm) }
        let formResources = document.resolved(form.dictionary["Resources"]).dictionary ?? resources
        try run(data, resources: formResources, location: location, depth: depth + 1)
        state = saved.0
        stack.removeSubrange(min(saved.1, stack.count)...)
        textMatrix = saved.2
        lineMatrix = saved.3
    }

    /// Skips `BI … ID <binary data> EI`: the data is not PDF syntax.
    static func skipInlineImage(_ lexer: inout PDFLexer) {
        let bytes = lexer.bytes
        guard let id = PDFObjectParser.find("ID", in: bytes, from: lexer.position) else {
            lexer.position = bytes.count
            return
        }
        var i = id + 3
        while i + 1 < bytes.count {
            if bytes[i] == UInt8(ascii: "E") && bytes[i + 1] == UInt8(ascii: "I") && PDFCharacter.isWhitespace(bytes[i - 1])
                && (i + 2 >= bytes.count || PDFCharacter.isWhitespace(bytes[i + 2])) {
                lexer.position = i + 2
                return
            }
            i += 1
        }
        lexer.position = bytes.count
    }
}
