import CZstd

/// One zstd frame of `bytes` (libzstd's one-shot compressor: an independent encoder for the test).
public func zstdFrame(_ bytes: [UInt8], level: Int32 = 3) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: ZSTD_compressBound(bytes.count))
    let n = out.withUnsafeMutableBytes { o in
        bytes.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, o.count, i.baseAddress, i.count, level) }
    }
    precondition(ZSTD_isError(n) == 0)
    return Array(out[0..<n])
}
