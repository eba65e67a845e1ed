/// How a dBase table is read.
public struct DBaseOptions: Sendable, Equatable {
    /// Overrides the code page named by the header's language driver byte.
    public var encoding: CodePage?
    /// Keep records marked deleted, with a `_deleted` column saying which they are.
    public var includeDeleted: Bool

    public init(encoding: CodePage? = nil, includeDeleted: Bool = false) {
        self.encoding = encoding
        self.includeDeleted = includeDeleted
    }

    /// The column that flags deleted records with `--include-deleted`.
    public static let deletedColumn = "_deleted"
}
