import FormatKit
/// The text formats of the sample datasets, written record by record (bounded memory).
enum SampleWriters {
    static func delimited(_ sink: SampleSink, rows: Int, seed: String, delimiter: Character) throws(ConversionError) {
        let separator = String(delimiter)
        try sink.append(SampleOrder.columns.joined(separator: separator) + "\n")
        var random = SplitMix64(name: seed)
        for index in 1...rows {
            let order = SampleOrder(index: index, random: &random)
            let line = order.texts.map { $0.map { SampleText.delimited($0, delimiter: delimiter) } ?? "" }.joined(separator: separator)
            try sink.append(line + "\n")
        }
    }

    /// One JSON object per record; numbers and booleans unquoted, missing values null.
    static func jsonObject(_ order: SampleOrder) -> String {
        var fields: [String] = []
        fields.append("\"order_id\":\(order.orderID)")
        fields.append("\"customer_id\":\(order.customerID)")
        fields.append("\"order_date\":\"\(order.dateText)\"")
        fields.append("\"created_at\":\"\(order.timestampText)\"")
        fields.append("\"status\":\"\(order.status)\"")
        fields.append("\"category\":\"\(order.category)\"")
        fields.append("\"amount\":\(order.amountText)")
        fields.append("\"quantity\":\(order.quantity)")
        fields.append("\"discount\":" + (order.discountText ?? "null"))
        fields.append("\"country\":" + SampleText.json(order.country))
        fields.append("\"is_member\":" + (order.member ? "true" : "false"))
        fields.append("\"note\":" + (order.note.map(SampleText.json) ?? "null"))
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func json(_ sink: SampleSink, rows: Int, seed: String, lines: Bool) throws(ConversionError) {
        var random = SplitMix64(name: seed)
        if !lines { try sink.append("[\n") }
        for index in 1...rows {
            let order = SampleOrder(index: index, random: &random)
            let object = jsonObject(order)
            if lines {
                try sink.append(object + "\n")
            } else {
                try sink.append(object + (index < rows ? ",\n" : "\n"))
            }
        }
        if !lines { try sink.append("]\n") }
    }

    /// Nested records: attributes, a nested customer element, repeated <item> children,
    /// and optional elements left out when there is no value.
    static func xml(_ sink: SampleSink, rows: Int, seed: String) throws(ConversionError) {
        try sink.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<orders source=\"pyforge sample-datasets\" count=\"\(rows)\">\n")
        var random = SplitMix64(name: seed)
        for index in 1...rows {
            let o = SampleOrder(index: index, random: &random)
            var text = "  <order id=\"\(o.orderID)\" status=\"\(o.status)\">\n"
            text += "    <customer id=\"\(o.customerID)\" member=\"\(o.member ? "true" : "false")\"><country>\(SampleText.xml(o.country))</country></customer>\n"
            text += "    <order_date>\(o.dateText)</order_date>\n"
            text += "    <created_at>\(o.timestampText)</created_at>\n"
            text += "    <category>\(o.category)</category>\n"
            text += "    <amount currency=\"EUR\">\(o.amountText)</amount>\n"
            text += "    <quantity>\(o.quantity)</quantity>\n"
            if let discount = o.discountText { text += "    <discount>\(discount)</discount>\n" }
            text += "    <items>"
            for item in o.items { text += "<item sku=\"SKU-\(item.sku)\" qty=\"\(item.quantity)\"/>" }
            text += "</items>\n"
            if let note = o.note { text += "    <note>\(SampleText.xml(note))</note>\n" }
            text += "  </order>\n"
            try sink.append(text)
        }
        try sink.append("</orders>\n")
    }
}
