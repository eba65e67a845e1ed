/// When and how the Files API client splits an upload into parts.
///
/// The defaults follow databricks-sdk-py (`config.py`, `files_ext_multipart_upload_*`): files
/// from 50 MiB on go in parts; the part size is the smallest of 10, 20, 50, 100, 200, 500 MiB,
/// 1, 2 or 4 GiB that needs at most 100 parts (4 GiB beyond that). One `PUT` takes at most
/// 5 GiB, so the threshold may not exceed that.
public struct MultipartSettings: Sendable, Equatable {
    /// Files of this size or more are uploaded in parts.
    public var threshold: Int64
    /// A fixed part size, or nil to choose as the SDK does.
    public var partSize: Int64?

    /// The largest body one `PUT /api/2.0/fs/files` accepts.
    public static let singlePutLimit: Int64 = 5 << 30
    static let partSizeOptions: [Int64] = [10 << 20, 20 << 20, 50 << 20, 100 << 20, 200 << 20, 500 << 20, 1 << 30, 2 << 30, 4 << 30]

    public init(threshold: Int64 = 50 << 20, partSize: Int64? = nil) {
        self.threshold = min(max(threshold, 1), Self.singlePutLimit)
        self.partSize = partSize.map { max($0, 1) }
    }

    public static let `default` = MultipartSettings()

    /// The defaults, overridden by `PYFORGE_DATABRICKS_MULTIPART_THRESHOLD` and
    /// `PYFORGE_DATABRICKS_MULTIPART_PART_SIZE` (bytes) where set to a positive number.
    public static func from(environment: [String: String]) -> MultipartSettings {
        func bytes(_ name: String) -> Int64? { environment[name].flatMap { Int64($0) }.flatMap { $0 > 0 ? $0 : nil } }
        return MultipartSettings(
            threshold: bytes("PYFORGE_DATABRICKS_MULTIPART_THRESHOLD") ?? Self.default.threshold,
            partSize: bytes("PYFORGE_DATABRICKS_MULTIPART_PART_SIZE"))
    }

    /// The part size for a file of `size` bytes.
    func partSize(for size: Int64) -> Int64 {
        if let partSize { return partSize }
        return Self.partSizeOptions.first { (size + $0 - 1) / $0 <= 100 } ?? Self.partSizeOptions.last!
    }
}
