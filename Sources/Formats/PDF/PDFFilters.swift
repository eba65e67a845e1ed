import SystemZlib

/// Stream filters (§7.4): FlateDecode (with predictors), LZWDecode, ASCIIHexDecode,
/// ASCII85Decode and RunLengthDecode. Image-only filters (DCT, JPX, JBIG2, CCITT) are not
/// decoded: text extraction never needs their data.
public enum PDFFilters {
    /// Most bytes one stream may decode to (a decompression bomb stops here).
    public static let maxDecodedBytes = 256 << 20

    /// Decodes `stream`'s data through its `/Filter` chain. `resolve` follows indirect
    /// `/DecodeParms`; `location` names the stream in errors.
    public static func decode(
        _ stream: PDFStream, location: String, limit: Int = maxDecodedBytes, resolve: (PDFObject) -> PDFObject = { $0 }
    ) throws(PDFError) -> [UInt8] {
        let filterObject = stream.dictionary["Filter"].map(resolve) ?? .null
        let filters: [String]
        switch filterObject {
        case .name(let n): filters = [n]
        case .array(let items): filters = items.compactMap { resolve($0).name }
        default: filters = []
        }
        let parmsObject = (stream.dictionary["DecodeParms"] ?? stream.dictionary["DP"]).map(resolve) ?? .null
        var data = stream.data
        for (i, filter) in filters.enumerated() {
            let parms: PDFDictionary?
            if case .array(let items) = parmsObject {
                parms = i < items.count ? resolve(items[i]).dictionary : nil
            } else {
                parms = parmsObject.dictionary
            }
            data = try apply(filter, to: data, parms: parms, location: location, limit: limit)
        }
        return data
    }

    public static func apply(
        _ filter: String, to data: [UInt8], parms: PDFDictionary?, location: String, limit: Int = maxDecodedBytes
    ) throws(PDFError) -> [UInt8] {
        switch filter {
        case "FlateDecode", "Fl":
            return try predict(try inflate(data, location: location, limit: limit), parms: parms, location: location, limit: limit)
        case "LZWDecode", "LZW":
            let early = parms?.int("EarlyChange") ?? 1
            guard early == 0 || early == 1 else {
                throw .malformed(location: location, reason: "its /DecodeParms give /EarlyChange \(early); it must be 0 or 1")
            }
            return try predict(try lzw(data, earlyChange: early == 1, location: location, limit: limit), parms: parms, location: location, limit: limit)
        case "ASCIIHexDecode", "AHx": return asciiHex(data)
        case "ASCII85Decode", "A85": return try ascii85(data, location: location)
        case "RunLengthDecode", "RL": return try runLength(data, location: location, limit: limit)
        // A stream's own crypt filter (§7.4.10): the document decrypted the data when it
        // read the stream (PDFDecryptor), so here it passes through.
        case "Crypt": return data
        default:
            throw .malformed(location: location, reason: "its filter '\(filter)' is not one pyforge decodes (it is used for images, not text)")
        }
    }

    /// zlib inflation, capped at `limit` bytes. Data after a damaged or missing end is
    /// kept as far as it inflated (viewers do the same).
    public static func inflate(_ data: [UInt8], location: String, limit: Int = maxDecodedBytes) throws(PDFError) -> [UInt8] {
        guard !data.isEmpty else { return [] }
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .malformed(location: location, reason: "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: min(max(data.count * 4, 4096), limit))
        var produced = 0
        var failure: Int32? = nil
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!)
            stream.avail_in = uInt(input.count)
            while true {
                if produced == output.count {
                    if output.count >= limit { failure = Z_MEM_ERROR; return }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, limit - output.count)))
                }
                let status = output.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress! + produced
                    stream.avail_out = uInt(out.count - produced)
                    let status = SystemZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = out.count - Int(stream.avail_out)
                    return status
                }
                if status == Z_STREAM_END { return }
                if status == Z_OK { continue }
                if status == Z_BUF_ERROR && stream.avail_out > 0 { return }  // input ended early
                failure = status
                return
            }
        }
        if failure == Z_MEM_ERROR && produced >= limit {
            throw .limit(location: location, reason: "a compressed stream inflates to more than \(limit >> 20) MiB")
        }
        if failure != nil && produced == 0 {
            throw .malformed(location: location, reason: "its compressed data is damaged (zlib status \(failure!))")
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Undoes a PNG (10–15) or TIFF (2) predictor (§7.4.4.4). Its parameters come from the
    /// file: each is checked against the range the specification gives, and the row they
    /// make must fit the stream's decoded-size limit (a row buffer is allocated from it).
    public static func predict(
        _ data: [UInt8], parms: PDFDictionary?, location: String, limit: Int = maxDecodedBytes
    ) throws(PDFError) -> [UInt8] {
        guard let parms, let predictor = parms.int("Predictor"), predictor > 1 else { return data }
        func refuse(_ reason: String) -> PDFError { .malformed(location: location, reason: "its /DecodeParms " + reason) }
        guard predictor == 2 || (10...15).contains(predictor) else {
            throw refuse("give /Predictor \(predictor); predictors are 1 (none), 2 (TIFF) or 10 to 15 (PNG)")
        }
        let colors = parms.int("Colors") ?? 1
        let bits = parms.int("BitsPerComponent") ?? 8
        let columns = parms.int("Columns") ?? 1
        guard colors >= 1, colors <= 32 else { throw refuse("give /Colors \(colors); it must be 1 to 32") }
        guard [1, 2, 4, 8, 16].contains(bits) else { throw refuse("give /BitsPerComponent \(bits); it must be 1, 2, 4, 8 or 16") }
        guard columns >= 1 else { throw refuse("give /Columns \(columns); it must be at least 1") }
        // colors × bits ≤ 512, so only the product with /Columns can overflow.
        let (rowBits, overflow) = (colors * bits).multipliedReportingOverflow(by: columns)
        guard !overflow, rowBits / 8 < limit else {
            throw PDFError.limit(location: location, reason: "its /DecodeParms give /Columns \(columns) × /Colors \(colors) × /BitsPerComponent \(bits): predictor rows longer than the \(limit >> 20) MiB a stream may decode to")
        }
        let pixelBytes = max(1, (colors * bits + 7) / 8)
        let rowBytes = (rowBits + 7) / 8
        if predictor == 2 {
            guard bits == 8 else { return data }
            var out = data
            var row = 0
            while row + rowBytes <= out.count {
                for i in pixelBytes..<max(pixelBytes, rowBytes) { out[row + i] &+= out[row + i - pixelBytes] }
                row += rowBytes
            }
            return out
        }
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        // A row longer than the data is present only in part; a byte depends only on the
        // bytes before it, so the buffers need not be longer than the data.
        let bufferBytes = min(rowBytes, data.count)
        var previous = [UInt8](repeating: 0, count: bufferBytes)
        var current = [UInt8](repeating: 0, count: bufferBytes)
        var i = 0
        while i < data.count {
            let type = data[i]
            i += 1
            let n = min(bufferBytes, data.count - i)
            for k in 0..<bufferBytes { current[k] = k < n ? data[i + k] : 0 }
            i += n
            for k in 0..<bufferBytes {
                let left = k >= pixelBytes ? current[k - pixelBytes] : 0
                let up = previous[k]
                let upLeft = k >= pixelBytes ? previous[k - pixelBytes] : 0
                switch type {
                case 0: break
                case 1: current[k] &+= left
                case 2: current[k] &+= up
                case 3: current[k] &+= UInt8((Int(left) + Int(up)) / 2)
                case 4:
                    let p = Int(left) + Int(up) - Int(upLeft)
                    let pa = abs(p - Int(left)), pb = abs(p - Int(up)), pc = abs(p - Int(upLeft))
                    current[k] &+= (pa <= pb && pa <= pc) ? left : (pb <= pc ? up : upLeft)
                default:
                    throw .malformed(location: location, reason: "a PNG predictor row has the unknown type \(type)")
                }
            }
            out.append(contentsOf: current[0..<n])
            swap(&previous, &current)
        }
        return out
    }

    public static func asciiHex(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count / 2)
        var high: UInt8? = nil
        for c in data {
            if c == UInt8(ascii: ">") { break }
            guard let v = PDFCharacter.hexValue(c) else { continue }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        if let h = high { out.append(h << 4) }
        return out
    }

    public static func ascii85(_ data: [UInt8], location: String) throws(PDFError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count * 4 / 5)
        var group: UInt64 = 0
        var count = 0
        var i = 0
        if data.count >= 2 && data[0] == UInt8(ascii: "<") && data[1] == UInt8(ascii: "~") { i = 2 }
        while i < data.count {
            let c = data[i]
            i += 1
            if c == UInt8(ascii: "~") { break }
            if PDFCharacter.isWhitespace(c) { continue }
            if c == UInt8(ascii: "z") && count == 0 {
                out.append(contentsOf: [0, 0, 0, 0])
                continue
            }
            guard c >= 33 && c <= 117 else {
                throw .malformed(location: location, reason: "its ASCII85 data holds the byte \(c), which is not base-85")
            }
            group = group * 85 + UInt64(c - 33)
            count += 1
            if count == 5 {
                guard group <= 0xFFFF_FFFF else { throw .malformed(location: location, reason: "an ASCII85 group overflows") }
                out.append(contentsOf: [UInt8(group >> 24), UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)])
                group = 0
                count = 0
            }
        }
        if count > 1 {
            for _ in count..<5 { group = group * 85 + 84 }
            let bytes = [UInt8(group >> 24 & 0xFF), UInt8(group >> 16 & 0xFF), UInt8(group >> 8 & 0xFF), UInt8(group & 0xFF)]
            out.append(contentsOf: bytes[0..<(count - 1)])
        }
        return out
    }

    public static func runLength(_ data: [UInt8], location: String, limit: Int) throws(PDFError) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let n = Int(data[i])
            i += 1
            if n == 128 { break }
            if n < 128 {
                let end = min(i + n + 1, data.count)
                out.append(contentsOf: data[i..<end])
                i = end
            } else if i < data.count {
                out.append(contentsOf: repeatElement(data[i], count: 257 - n))
                i += 1
            }
            if out.count > limit { throw .limit(location: location, reason: "a run-length stream decodes to more than \(limit >> 20) MiB") }
        }
        return out
    }

    public static func lzw(_ data: [UInt8], earlyChange: Bool, location: String, limit: Int) throws(PDFError) -> [UInt8] {
        var out: [UInt8] = []
        var table: [[UInt8]] = (0..<256).map { [UInt8($0)] } + [[], []]
        var codeLength = 9
        var previous: [UInt8]? = nil
        var buffer: UInt32 = 0
        var bitsHeld = 0
        for byte in data {
            buffer = buffer << 8 | UInt32(byte)
            bitsHeld += 8
            while bitsHeld >= codeLength {
                let code = Int(buffer >> UInt32(bitsHeld - codeLength)) & ((1 << codeLength) - 1)
                bitsHeld -= codeLength
                buffer &= (1 << UInt32(bitsHeld)) - 1
                if code == 256 {
                    table.removeSubrange(258...)
                    codeLength = 9
                    previous = nil
                    continue
                }
                if code == 257 { return out }
                let entry: [UInt8]
                if code < table.count {
                    entry = table[code]
                } else if let p = previous, code == table.count {
                    entry = p + [p[0]]
                } else {
                    throw .malformed(location: location, reason: "its LZW data holds the invalid code \(code)")
                }
                out.append(contentsOf: entry)
                if out.count > limit { throw .limit(location: location, reason: "an LZW stream decodes to more than \(limit >> 20) MiB") }
                if let p = previous, table.count < 4096 { table.append(p + [entry[0]]) }
                previous = entry
                let next = table.count + (earlyChange ? 1 : 0)
                codeLength = next >= 2048 ? 12 : next >= 1024 ? 11 : next >= 512 ? 10 : 9
            }
        }
        return out
    }
}
