/// The parts of the graphics and text state (§8.4, §9.3) that place text.
struct PDFGraphicsState {
    var ctm = PDFMatrix.identity
    var font: PDFFont? = nil
    var fontSize = 0.0
    var charSpacing = 0.0
    var wordSpacing = 0.0
    var horizontalScale = 1.0
    var leading = 0.0
    var rise = 0.0
}
