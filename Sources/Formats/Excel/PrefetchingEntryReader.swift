import Platform
import Columnar
import FormatKit

/// Bytes of a ZIP entry as `ExcelXMLParser` consumes them.
protocol EntryByteSource: AnyObject {
    var entry: ZipEntry { get }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int
}

extension ZipEntryReader: EntryByteSource {}

/// Inflates a (large) worksheet entry on its own thread, a few chunks ahead of the XML
/// parser: inflating and CRC-checking take about a fifth of reading a sheet, and this
/// overlaps them with parsing. All limit and CRC checks stay in `ZipEntryReader`.
final class PrefetchingEntryReader: EntryByteSource {
    enum Item: Sendable {
        case data([UInt8])
        case end
        case failure(ConversionError)
    }

    private struct Handoff: @unchecked Sendable { let reader: ZipEntryReader }

    let entry: ZipEntry
    private let queue = BoundedQueue<Item>(capacity: 4)
    private let thread: BackgroundThread
    private var chunk: [UInt8] = []
    private var position = 0
    private var finished = false
    /// Inflated bytes handed to the parser so far (for progress).
    private(set) var consumed: Int64 = 0
    static let chunkSize = 256 << 10

    init(_ reader: ZipEntryReader) {
        entry = reader.entry
        let handoff = Handoff(reader: reader)
        let queue = self.queue
        thread = BackgroundThread {
            let reader = handoff.reader
            while true {
                var bytes = [UInt8](repeating: 0, count: Self.chunkSize)
                let n: Int
                do throws(ConversionError) {
                    n = try bytes.withMutableBytes { raw throws(ConversionError) in try reader.read(into: raw) }
                } catch {
                    queue.push(.failure(error))
                    return
                }
                if n == 0 {
                    queue.push(.end)
                    return
                }
                bytes.removeLast(bytes.count - n)
                if !queue.push(.data(bytes)) { return }
            }
        }
        thread.start()
    }

    deinit {
        queue.close()
        thread.join()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ConversionError) -> Int {
        while position == chunk.count {
            if finished { return 0 }
            switch queue.pop() {
            case .data(let bytes)?:
                chunk = bytes
                position = 0
            case .failure(let error)?:
                finished = true
                throw error
            case .end?, nil:
                finished = true
                return 0
            }
        }
        let n = Swift.min(buffer.count, chunk.count - position)
        chunk.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + position, byteCount: n)
        }
        position += n
        consumed += Int64(n)
        return n
    }
}
