import Platform
import Values
import FormatKit
import Delta

/// SplitMix64: a small, stable generator, so sample files are byte-identical on every
/// run and machine (never seeded from the clock).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A seed from a name (FNV-1a), e.g. "orders_small".
    init(name: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        state = hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 0..<bound.
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// True with probability percent/100.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }
}

/// One order of the sample data: the same records (per size) in every format.
struct SampleOrder {
    var orderID: Int
    var customerID: Int
    /// Days since 1970-01-01.
    var day: Int
    /// Seconds into the day.
    var second: Int
    var status: String
    var category: String
    var cents: Int
    var quantity: Int
    /// Percent, or nil (no discount recorded).
    var discount: Int?
    var country: String
    var member: Bool
    var note: String?
    var items: [(sku: Int, quantity: Int)]

    static let statuses = ["pending", "shipped", "delivered", "returned", "cancelled"]
    static let categories = ["Electronics", "Books", "Garden", "Toys", "Grocery", "Clothing", "Sports", "Beauty"]
    static let countries = [
        "United States", "Deutschland", "Côte d'Ivoire", "Österreich", "日本", "España", "Brasil", "United Kingdom",
        "Québec, Canada", "Россия",
    ]
    static let notes = [
        "Delivered, left at the door", "Customer said \"great service\"", "Gift wrap — red ribbon",
        "Line one\nline two", "Café order: crème brûlée, extra spoon", "Call before delivery; gate code 1234",
        "Fragile!", "Größe: XL, Farbe: blau", "配達時間指定あり", "Returned: \"wrong size\", refund issued",
        "Ship with, the \"other\" parcel\nthanks", "Ñandú plush 🐦",
    ]
    static let columns = [
        "order_id", "customer_id", "order_date", "created_at", "status", "category", "amount", "quantity", "discount",
        "country", "is_member", "note",
    ]

    /// 2020-01-01 as days since 1970-01-01.
    static let firstDay = 18262

    init(index: Int, random r: inout SplitMix64) {
        orderID = index
        customerID = 10_000 + r.below(5_000)
        day = Self.firstDay + r.below(1_827)
        second = r.below(86_400)
        status = r.pick(Self.statuses)
        category = r.pick(Self.categories)
        cents = 99 + r.below(250_000)
        quantity = 1 + r.below(12)
        discount = r.chance(25) ? 5 * (1 + r.below(6)) : nil
        country = r.pick(Self.countries)
        member = r.chance(40)
        note = r.chance(35) ? r.pick(Self.notes) : nil
        items = (0..<(1 + r.below(3))).map { _ in (sku: 1 + r.below(99_999), quantity: 1 + r.below(5)) }
    }

    var dateText: String { Self.date(day) }
    var timestampText: String {
        Self.date(day) + " " + Self.two(second / 3600) + ":" + Self.two(second / 60 % 60) + ":" + Self.two(second % 60)
    }
    var amountText: String { "\(cents / 100)." + Self.two(cents % 100) }
    var discountText: String? { discount.map { "0." + Self.two($0) } }

    /// The record's values as text, in `columns` order (nil: no value).
    var texts: [String?] {
        [String(orderID), String(customerID), dateText, timestampText, status, category, amountText, String(quantity),
         discountText, country, member ? "true" : "false", note]
    }

    static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }

    /// YYYY-MM-DD for days since 1970-01-01.
    static func date(_ days: Int) -> String { ValueFormatting.date(days: Int32(days)) }
}

/// A sample customer (the workbook's second sheet).
struct SampleCustomer {
    var customerID: Int
    var name: String
    var country: String
    var signupDay: Int
    var lifetimeCents: Int

    static let first = ["Ana", "Björn", "Chloé", "Dmitri", "Emeka", "Fatima", "Giulia", "Hiroshi", "Inés", "José", "Zoë", "Łukasz"]
    static let last = ["Smith", "Müller", "O'Brien", "García", "Nakamura", "Okafor", "Rossi", "Dupont", "Kowalski", "Silva"]

    init(index: Int, random r: inout SplitMix64) {
        customerID = 10_000 + index
        name = r.pick(Self.first) + " " + r.pick(Self.last)
        country = r.pick(SampleOrder.countries)
        signupDay = 16_436 + r.below(2_900)
        lifetimeCents = r.below(5_000_000)
    }
}

/// A file being generated: bytes buffered and written to an atomic output in 1 MiB pieces.
final class SampleSink {
    let file: AtomicOutputFile
    private var buffer: [UInt8] = []

    init(_ file: AtomicOutputFile) {
        self.file = file
        buffer.reserveCapacity(1 << 20 + 4096)
    }

    func append(_ text: String) throws(ConversionError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Raw bytes (dBase records, which are not UTF-8).
    func append(bytes: [UInt8]) throws(ConversionError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(ConversionError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(file.descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw .io(operation: "write", path: file.path, reason: n < 0 ? systemMessage(errno) : "the write made no progress")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Text escaping for the sample writers.
enum SampleText {
    /// A CSV/TSV field, quoted when it holds the delimiter, a quote or a line break.
    static func delimited(_ value: String, delimiter: Character) -> String {
        guard value.contains(where: { $0 == delimiter || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        var out = "\""
        for c in value { if c == "\"" { out += "\"\"" } else { out.append(c) } }
        return out + "\""
    }

    static func json(_ value: String) -> String { JSONText.quoted(value) }

    static func xml(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
