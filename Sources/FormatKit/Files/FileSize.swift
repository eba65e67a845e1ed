import Platform

/// The size in bytes of the file at `path`, or 0 when it cannot be examined: what `info`
/// and conversion results report, never a reason to fail.
public func fileSize(atPath path: String) -> Int64 {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : 0
}
