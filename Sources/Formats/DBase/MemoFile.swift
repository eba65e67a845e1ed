import FormatKit
/// The memo file beside a table: `.dbt` (dBase III: blocks ended by 0x1A; dBase IV:
/// blocks with a length header) or `.fpt` (FoxPro: big-endian type and length per block).
final class MemoFile {
    enum Layout { case dBase3, dBase4, foxPro }

    let file: InputFile
    let layout: Layout
    let blockSize: Int
    /// Memos longer than this are refused (a damaged length would otherwise allocate gigabytes).
    static let maximumLength = 1 << 30

    init(path: String, header: DBaseHeader) throws(ConversionError) {
        file = try InputFile(path: path)
        let head = try file.bytes(at: 0, count: 512)
        guard head.count >= 8 || file.size == 0 else {
            throw .malformedInput(path: path, location: "byte 0", reason: "the memo file is only \(head.count) bytes long", fix: "copy the memo file again together with the table")
        }
        if path.lowercased().hasSuffix(".fpt") {
            layout = .foxPro
            let size = head.count >= 8 ? Int(head[6]) << 8 | Int(head[7]) : 0
            blockSize = size > 0 ? size : 64
        } else if header.version == 0x83 {
            layout = .dBase3
            blockSize = 512
        } else {
            layout = .dBase4
            let size = head.count >= 22 ? Int(head[20]) | Int(head[21]) << 8 : 0
            blockSize = size > 0 ? size : 512
        }
    }

    var path: String { file.path }

    /// The bytes of the memo starting at `block`; nil when the block lies outside the file.
    func read(block: Int) throws(ConversionError) -> [UInt8]? {
        // Checked: a block number read from the table times the block size may overflow.
        let (offset, overflow) = Int64(block).multipliedReportingOverflow(by: Int64(blockSize))
        guard block > 0, !overflow, offset < file.size else { return nil }
        // Bytes the file still has after the memo's 8-byte header: a length beyond them is damage,
        // and must not size an allocation.
        let available = file.size - offset - 8
        switch layout {
        case .foxPro:
            let head = try file.bytes(at: offset, count: 8)
            guard head.count == 8 else { return nil }
            let length = Int(head[4]) << 24 | Int(head[5]) << 16 | Int(head[6]) << 8 | Int(head[7])
            guard length <= Self.maximumLength, Int64(length) <= available else { return nil }
            try checkBudget(length, block: block)
            return try file.bytes(at: offset + 8, count: length)
        case .dBase4, .dBase3:
            let head = try file.bytes(at: offset, count: 8)
            if layout == .dBase4, head.count == 8, head[0] == 0xFF, head[1] == 0xFF, head[2] == 0x08, head[3] == 0x00 {
                let length = Int(head[4]) | Int(head[5]) << 8 | Int(head[6]) << 16 | Int(head[7]) << 24
                guard length >= 8, length - 8 <= Self.maximumLength, Int64(length - 8) <= available else { return nil }
                try checkBudget(length - 8, block: block)
                return try file.bytes(at: offset + 8, count: length - 8)
            }
            return try readToTerminator(from: offset)
        }
    }

    /// A memo is held whole: one larger than the memory budget's share for a value is refused.
    private func checkBudget(_ length: Int, block: Int) throws(ConversionError) {
        let budget = MemoryBudget.current
        guard length > budget.valueBytes else { return }
        throw budget.exceeded(path: path, location: "memo block \(block)", what: "the memo", limit: budget.valueBytes)
    }

    /// dBase III memos end at the first 0x1A (normally two of them).
    private func readToTerminator(from offset: Int64) throws(ConversionError) -> [UInt8] {
        var result: [UInt8] = []
        var position = offset
        while result.count <= Self.maximumLength {
            try checkBudget(result.count + blockSize, block: Int(offset / Int64(blockSize)))
            let chunk = try file.bytes(at: position, count: blockSize)
            if let end = chunk.firstIndex(of: 0x1A) {
                result += chunk[..<end]
                return result
            }
            result += chunk
            if chunk.count < blockSize { return result }
            position += Int64(chunk.count)
        }
        return result
    }
}
