/// A cell reference such as `C7`: zero-based column and one-based row.
public enum CellReference {
    /// Parses `r="C7"` (absolute `$C$7` accepted); nil when it is not a reference.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> (column: Int, row: Int)? {
        var i = 0
        let n = bytes.count
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var column = 0
        let letters = i
        while i < n {
            let b = bytes[i] | 0x20
            guard b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") else { break }
            column = column * 26 + Int(b - UInt8(ascii: "a") + 1)
            if column > 16_384 { return nil }
            i += 1
        }
        guard i > letters else { return nil }
        if i < n && bytes[i] == UInt8(ascii: "$") { i += 1 }
        var row = 0
        let digits = i
        while i < n, bytes[i] &- 48 < 10 {
            row = row * 10 + Int(bytes[i] - 48)
            if row > 1_048_576 { return nil }
            i += 1
        }
        guard i == n, i > digits || digits == n else { return nil }
        return (column - 1, row)
    }

    public static func parse(_ text: String) -> (column: Int, row: Int)? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }

    /// The letters of a zero-based column index (0 → A, 26 → AA).
    public static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let r = (n - 1) % 26
            letters.insert(Character(UnicodeScalar(UInt8(65 + r))), at: 0)
            n = (n - 1) / 26
        }
        return String(letters)
    }
}
