/// An affine transformation `[a b c d e f]` (§8.3.3), applied to row vectors.
struct PDFMatrix: Equatable, Sendable {
    var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0

    static let identity = PDFMatrix()

    init() {}

    init(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    /// Six numbers, else nil.
    init?(_ values: [PDFObject]) {
        let numbers = values.compactMap(\.number)
        guard numbers.count == 6, numbers.allSatisfy(\.isFinite) else { return nil }
        self.init(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5])
    }

    /// `self × other`: this transformation, then `other`.
    func concatenating(_ n: PDFMatrix) -> PDFMatrix {
        PDFMatrix(
            a * n.a + b * n.c, a * n.b + b * n.d,
            c * n.a + d * n.c, c * n.b + d * n.d,
            e * n.a + f * n.c + n.e, e * n.b + f * n.d + n.f)
    }

    /// `[1 0 0 1 tx ty] × self`.
    func translated(_ tx: Double, _ ty: Double) -> PDFMatrix {
        var m = self
        m.e = tx * a + ty * c + e
        m.f = tx * b + ty * d + f
        return m
    }
}
