import HTTPTransfer
import NIOCore
import NIOHTTP1

extension FilesAPIClient {
    /// Reads the bytes of `range` from the file (`GET` with `Range: bytes=first-last`, answered
    /// `206 Partial Content`), to look at part of a large file (a Parquet footer, the first
    /// rows) without downloading all of it. A range running past the end comes back shorter;
    /// one starting past the end fails with HTTP 416. A server that ignores `Range` and sends
    /// the whole file (200) is read only as far as the range.
    public func read(_ path: VolumePath, bytes range: Range<Int64>) async throws(VolumeError) -> [UInt8] {
        guard !range.isEmpty else { return [] }
        return try await perform(on: path, access: .read) { () async throws(VolumeError) in
            var ranged = try await request(.GET, FilesAPIEndpoint.file(path, host: credentials.host))
            ranged.headers.add(name: "Range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
            return ranged
        } onSuccess: { response in
            var skip: Int64 = range.lowerBound  // a 200 carries the file from its start
            if response.status == .partialContent {
                let start = response.headers.first(name: "Content-Range").flatMap(ContentRange.start)
                guard start == range.lowerBound else {
                    throw HTTPTransferError.invalidResponse(reason: "a 206 answer for the wrong range")
                }
                skip = 0
            }
            return try await Self.collect(response.body, skipping: skip, count: range.count)
        }
    }

    /// `count` bytes of `body` after the first `skip`, or fewer where the body ends first.
    private static func collect(_ body: HTTPResponseBody, skipping skip: Int64, count: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(count, 1 << 20))
        var toSkip = skip
        while bytes.count < count, var buffer = try await body.next() {
            if toSkip > 0 {
                let dropped = Int(min(toSkip, Int64(buffer.readableBytes)))
                buffer.moveReaderIndex(forwardBy: dropped)
                toSkip -= Int64(dropped)
            }
            let take = min(buffer.readableBytes, count - bytes.count)
            bytes += buffer.readableBytesView.prefix(take)
        }
        return bytes
    }
}

/// `Content-Range: bytes first-last/size`.
enum ContentRange {
    /// The first byte's offset.
    static func start(_ value: String) -> Int64? {
        guard value.hasPrefix("bytes "), let dash = value.firstIndex(of: "-") else { return nil }
        return Int64(value[value.index(value.startIndex, offsetBy: 6)..<dash])
    }
}
