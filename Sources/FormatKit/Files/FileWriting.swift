import Platform

/// Writes all of `text` to `fd`, looping over short writes; a write that makes no
/// progress is an error (a dead pipe or a full disk), never silently accepted.
public func writeAll(_ fd: Int32, _ text: String, path: String) throws(ConversionError) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw .io(operation: "write", path: path, reason: n < 0 ? systemMessage(errno) : "the write made no progress") }
        offset += n
    }
}
