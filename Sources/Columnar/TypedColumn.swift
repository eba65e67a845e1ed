/// A parsed fixed-width column before it is wrapped in `ColumnValues`.
public struct TypedColumn<T> {
    public var values: [T]
    public var validity: [UInt8]?

    public init(values: [T], validity: [UInt8]?) {
        self.values = values
        self.validity = validity
    }

    public func map(_ wrap: ([T]) -> ColumnValues) -> Column {
        Column(wrap(values), validity: validity)
    }
}
