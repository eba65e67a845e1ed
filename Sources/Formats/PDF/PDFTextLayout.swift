/// Turns positioned glyphs into lines of text, in content order: a new line when the
/// baseline moves by more than half the font size, a space when the gap to the previous
/// glyph on the line is wider than `spaceGap` of the font size (word spacing drawn by
/// `TJ` offsets or separate text operations rather than a space character).
struct PDFTextLayout {
    /// A gap wider than this fraction of the font size reads as a space.
    static let spaceGap = 0.15
    /// A baseline moving by more than this fraction of the font size starts a new line.
    static let lineShift = 0.5

    private(set) var text = String.UnicodeScalarView()
    private var lineLength = 0
    private var lastEndX = 0.0, lastEndY = 0.0
    private var lastSize = 0.0
    private var lastWasSpace = true
    private var started = false

    /// One glyph: its text (nil when the font does not say), start and end points on the
    /// baseline in device space, font size in device units, and writing direction.
    mutating func add(_ scalars: [Unicode.Scalar]?, x: Double, y: Double, endX: Double, endY: Double, size: Double, dirX: Double, dirY: Double) {
        defer { lastEndX = endX; lastEndY = endY; lastSize = size }
        guard let scalars, !scalars.isEmpty else { return }
        let isSpace = scalars.allSatisfy { $0 == " " || $0 == "\u{A0}" || $0 == "\t" }
        if started {
            let dx = x - lastEndX, dy = y - lastEndY
            let across = -dx * dirY + dy * dirX
            let along = dx * dirX + dy * dirY
            let reference = max(size, lastSize, 0.01)
            if abs(across) > Self.lineShift * reference {
                newLine()
            } else if !lastWasSpace && !isSpace && (along > Self.spaceGap * reference || along < -2 * reference) {
                append(" ")
            }
        }
        if isSpace {
            if !lastWasSpace && lineLength > 0 { append(" ") }
            return
        }
        started = true
        for s in scalars {
            if s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0) { continue }  // control characters
            append(s)
        }
    }

    private mutating func append(_ s: Unicode.Scalar) {
        text.append(s)
        lineLength += 1
        lastWasSpace = s == " "
    }

    mutating func newLine() {
        while let last = text.last, last == " ", lineLength > 0 {
            text.removeLast()
            lineLength -= 1
        }
        if lineLength > 0 { text.append("\n") }
        lineLength = 0
        lastWasSpace = true
    }

    /// The page's text: lines ending in a line feed, no trailing spaces.
    mutating func finish() -> String {
        newLine()
        return String(text)
    }
}
