/// A named, typed column of a table.
public struct Field: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(name: String, type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// The ordered columns of a table.
public struct Schema: Sendable, Hashable {
    public var fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    public var count: Int { fields.count }

    public func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
