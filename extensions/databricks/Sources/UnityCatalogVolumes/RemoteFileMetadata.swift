import Foundation

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

/// HTTP dates (`Last-Modified`, `Retry-After`) in the RFC 9110 preferred format.
enum HTTPDate {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()  // not Sendable, so one per call; calls are rare
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
