import Platform

extension InputFile {
    /// Reads up to `buffer.count` bytes at `offset` (fewer only at the end of the file).
    public func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, reason: systemMessage(errno))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Up to `count` bytes at `offset`.
    public func bytes(at offset: Int64, count: Int) throws(ConversionError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withMutableBytes { (raw) throws(ConversionError) in try read(at: offset, into: raw) }
        bytes.removeLast(count - got)
        return bytes
    }
}
