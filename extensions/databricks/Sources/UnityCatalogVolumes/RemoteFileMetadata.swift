#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What a `HEAD` on a volume file tells.
public struct RemoteFileMetadata: Sendable, Hashable {
    /// The file's size in bytes (`Content-Length`).
    public var size: Int64?
    /// When the file was last modified (`Last-Modified`).
    public var lastModified: Date?
    /// The `Content-Type` the service reports.
    public var contentType: String?

    /// Creates metadata from its parts.
    public init(size: Int64?, lastModified: Date?, contentType: String?) {
        self.size = size
        self.lastModified = lastModified
        self.contentType = contentType
    }
}
