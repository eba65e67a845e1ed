/// An indirect object's number and generation (`12 0 R`).
public struct PDFReference: Hashable, Sendable, CustomStringConvertible {
    public var number: Int
    public var generation: Int

    public init(_ number: Int, _ generation: Int) {
        self.number = number
        self.generation = generation
    }

    public var description: String { "\(number) \(generation)" }
}

/// A PDF object (PDF 32000-1 §7.3). Strings are bytes: their encoding depends on where
/// they are used (a content stream's font, PDFDocEncoding or UTF-16BE in the Info dictionary).
public enum PDFObject: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case real(Double)
    case string([UInt8])
    case name(String)
    case array([PDFObject])
    case dictionary(PDFDictionary)
    case stream(PDFStream)
    case reference(PDFReference)

    public var int: Int? {
        switch self {
        case .int(let v): return v
        case .real(let v) where v.isFinite && abs(v) < 1e15: return Int(v)
        default: return nil
        }
    }

    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .real(let v): return v
        default: return nil
        }
    }

    public var name: String? { if case .name(let v) = self { return v } else { return nil } }
    public var bytes: [UInt8]? { if case .string(let v) = self { return v } else { return nil } }
    public var array: [PDFObject]? { if case .array(let v) = self { return v } else { return nil } }
    public var reference: PDFReference? { if case .reference(let v) = self { return v } else { return nil } }

    /// A dictionary, or a stream's dictionary.
    public var dictionary: PDFDictionary? {
        switch self {
        case .dictionary(let d): return d
        case .stream(let s): return s.dictionary
        default: return nil
        }
    }

    public var stream: PDFStream? { if case .stream(let v) = self { return v } else { return nil } }
}

/// A dictionary: name keys (without the slash) to objects.
public struct PDFDictionary: Sendable, Equatable {
    public var entries: [String: PDFObject]

    public init(_ entries: [String: PDFObject] = [:]) {
        self.entries = entries
    }

    public subscript(key: String) -> PDFObject? {
        get { entries[key] }
        set { entries[key] = newValue }
    }

    /// `/Type` (or another name-valued key).
    public func name(_ key: String) -> String? { entries[key]?.name }
    public func int(_ key: String) -> Int? { entries[key]?.int }
}

/// A stream: its dictionary and its still-encoded bytes, as found at `offset` in the file.
public struct PDFStream: Sendable, Equatable {
    public var dictionary: PDFDictionary
    public var data: [UInt8]
    public var offset: Int

    public init(dictionary: PDFDictionary, data: [UInt8], offset: Int = 0) {
        self.dictionary = dictionary
        self.data = data
        self.offset = offset
    }
}
