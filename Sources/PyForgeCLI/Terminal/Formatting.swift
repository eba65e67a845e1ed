/// Numbers as people read them.
enum Formatting {
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    static func decimal(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        }
        return text
    }

    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1000 && unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) B" : "\(decimal(amount, digits: 1)) \(units[unit])"
    }

    /// A value on one table line: line breaks and tabs shown escaped, "-" for none.
    static func cell(_ value: String?) -> String {
        guard let value else { return "-" }
        return value.replacingAll("\n", with: "\\n").replacingAll("\r", with: "\\r").replacingAll("\t", with: "\\t")
    }

    static func seconds(_ value: Double) -> String {
        value < 10 ? "\(decimal(value, digits: 2)) s" : "\(decimal(value, digits: 1)) s"
    }
}

/// A plain-text table with aligned columns.
final class TextTable {
    private let headers: [String]
    private var rows: [[String]] = []

    init(headers: [String]) {
        self.headers = headers
    }

    func add(_ row: [String]) { rows.append(row) }

    func render(indent: String = "") -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            indent + cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(widths[i]) }.joined(separator: "  ")
        }
        var out = line(headers) + "\n"
        out += indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { out += line(row) + "\n" }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
