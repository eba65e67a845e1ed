/// Parses `text` with a byte-level parser (the number, date and type parsers take a pointer
/// and a length).
public func parse<T>(_ text: String, _ parser: (UnsafePointer<UInt8>, Int) -> T?) -> T? {
    var copy = text
    return copy.withUTF8 { bytes in
        guard let base = bytes.baseAddress else { return nil }
        return parser(base, bytes.count)
    }
}
