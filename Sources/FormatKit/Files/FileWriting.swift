import Platform

/// Writes all of `text` to `fd`, looping over short writes; a write that makes no
/// progress is an error (a dead pipe or a full disk), never silently accepted.
public func writeAll(_ fd: Int32, _ text: String, path: String) throws(ConversionError) {
    try writeAll(fd, Array(text.utf8), path: path)
}

/// Writes all of `bytes` to `fd`, looping over short writes and EINTR.
public func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(ConversionError) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw .io(operation: "write", path: path, reason: n < 0 ? systemMessage(errno) : "the write made no progress") }
        offset += n
    }
}
