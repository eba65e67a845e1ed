import Platform
import FormatKit

/// Turns parse events into rows of column text: finds record elements, names their
/// attributes (`@id`) and nested elements (`address.city`), and collects each record's
/// values before writing them as one row (or several, with `--array-handling expand`).
final class XMLRecordBuilder: XMLEventSink {
    /// Where records are: a path from the root, or an element name at any depth.
    enum Selector {
        case path([[CChar]])
        case tag([CChar])
        /// Several record names at any depth (`--row-tag a,b`): the rows say which in `recordKindColumn`.
        case tags([[CChar]])
    }

    /// With several record names, the column naming each row's element. `#` cannot appear
    /// in an XML name, so no attribute or element column can have this name.
    static let recordKindColumn = "#row_tag"

    private let selector: Selector
    private let options: XMLOptions
    private(set) var columns: [XMLTextColumn] = []
    /// The same columns, borrowed without retain/release on the per-row path.
    private var columnRefs: [Unmanaged<XMLTextColumn>] = []
    private var columnByName: [String: Int32] = [:]
    /// Distinct nodes whose dotted names are equal (`<a.b>` and `<a><b>`) get distinct
    /// columns (`a.b`, `a.b_1`); positions are node indexes. Columns are claimed in document
    /// order, so a re-read with `fixedColumns` makes the same renames.
    private var distinctNames = ColumnNames()
    /// After a restart the columns are fixed; a name outside them means the file changed.
    private let fixedColumns: Bool
    private(set) var unexpectedColumn: String?
    /// A field beyond `ResourceLimits.maxColumns` turned up; the reader stops with an error.
    private(set) var tooManyColumns = false
    /// Rows collected since the last `resetBatch()`.
    private(set) var rows = 0
    private(set) var records = 0

    // Position in the document.
    private var depth = 0
    /// Leading components of `.path` matched by the open elements.
    private var matchedDepth = 0
    /// Depth of the open record element; 0 outside records.
    private var recordDepth = 0

    /// Name tree of the fields seen under the record element; node 0 is the record itself.
    /// A node keeps its own name and its parent, not its dotted path: paths copied per
    /// level made the tree's memory grow with the square of the nesting depth.
    private struct Node {
        var key: String
        var parent: Int32 = -1
        var isAttribute = false
        var column: Int32 = -1
        var children: [Child] = []
    }
    private struct Child {
        var local: UnsafePointer<UInt8>
        var qualifier: UnsafePointer<UInt8>?
        var isAttribute: Bool
        var node: Int32
    }
    private var nodes: [Node] = [Node(key: "")]

    /// An open element inside the current record.
    private struct Frame {
        var node: Int32  // -1: below the flattening depth, its text joins the ancestor's
        var level: Int
        var textMark: Int
        var hasChildren = false
        var ownText = false
        /// Index in `elementNode` (with `expand` only; else -1).
        var element: Int32
        /// The record element had attributes (then it has a text column only if it has text).
        var hasAttributes = false
    }
    private var frames: [Frame] = []
    private let text = ByteBuffer()

    // The current record's values, written out when it closes.
    private let recordBytes = ByteBuffer()
    /// A value of the current record: its column, its bytes in `recordBytes`, and the
    /// element it sits in (with `expand`).
    private struct Staged {
        var column: Int32
        var start: Int32
        var end: Int32
        var element: Int32
    }
    private var staged: [Staged] = []
    /// The element each value sits in, and (when expanding) the expanded element above it.
    private var stagedOccurrence: [Int32] = []
    /// With `expand`: the current record's elements (node and parent element) and how
    /// often each node occurred, to find the first repeated child.
    private var elementNode: [Int32] = []
    private var elementParent: [Int32] = []
    private var occurrences: [Int32] = [0]
    private var touchedGroups: [Int32] = []
    /// Per column while a row is written: whether it has values in this row, how many, the first.
    private struct Tally {
        var stamp: Int32 = 0
        var count: Int32 = 0
        var first: Int32 = 0
    }
    private var tallies: [Tally] = []
    private var currentStamp: Int32 = 0
    private let scratch = ByteBuffer()
    private var entities: XMLInternalEntities?

    /// The column of `recordKindColumn` (with `.tags`), and each record name's text in it.
    private var kindColumn: Int32 = -1
    private var kindNames: [(local: UnsafePointer<UInt8>, qualifier: UnsafePointer<UInt8>?, text: [UInt8])] = []
    /// Elements beside the records that are not records (counted for `skippedKinds`).
    let siblings = XMLSiblingTally()

    init(selector: Selector, options: XMLOptions, fixedColumns: [String]?) {
        self.selector = selector
        self.options = options
        self.fixedColumns = fixedColumns != nil
        for name in fixedColumns ?? [] { addColumn(name) }
        if case .tags = selector {
            kindColumn = columnByName[Self.recordKindColumn] ?? addColumn(Self.recordKindColumn)
        }
    }

    func useEntities(_ entities: XMLInternalEntities) {
        self.entities = entities
    }

    func resetBatch() {
        for c in columns.indices { columns[c].reset() }
        rows = 0
    }

    // MARK: Events

    func startElement(
        local: UnsafePointer<UInt8>, prefix: UnsafePointer<UInt8>?, uri: UnsafePointer<UInt8>?,
        attributeCount: Int, attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?
    ) {
        depth += 1
        if recordDepth == 0 {
            let isRecord = isRecordStart(local, prefix)
            siblings.start(local, isRecord: isRecord)
            guard isRecord else { return }
            recordDepth = depth
            if nodes[0].key.isEmpty { nodes[0].key = displayName(local, qualifier(prefix, uri)) }
            let element: Int32 = options.arrays == .expand ? 0 : -1
            if element == 0 {
                elementNode.append(0)
                elementParent.append(-1)
            }
            frames.append(Frame(node: 0, level: 0, textMark: text.count, element: element, hasAttributes: attributeCount > 0))
            if kindColumn >= 0 { stageKind(local, qualifier(prefix, uri), element: element) }
            addAttributes(of: 0, attributeCount, attributes, element: element)
            return
        }
        let parent = frames.count - 1
        frames[parent].hasChildren = true
        let level = depth - recordDepth
        if options.flatten == .conservative && level > 1 {
            // Text of deeper elements joins the level-one ancestor's, separated by a space.
            if let last = text.last, !isSpace(last), text.count > frames[parent].textMark { text.append(0x20) }
            frames.append(Frame(node: -1, level: level, textMark: text.count, element: -1))
            return
        }
        let node = child(of: frames[parent].node, local, qualifier(prefix, uri), isAttribute: false)
        var element: Int32 = -1
        if options.arrays == .expand {
            element = Int32(elementNode.count)
            elementNode.append(node)
            elementParent.append(frames[parent].element)
            while occurrences.count < nodes.count { occurrences.append(0) }
            if occurrences[Int(node)] == 0 { touchedGroups.append(node) }
            occurrences[Int(node)] += 1
        }
        frames.append(Frame(node: node, level: level, textMark: text.count, element: element))
        addAttributes(of: node, attributeCount, attributes, element: element)
    }

    func characters(_ bytes: UnsafePointer<UInt8>, _ count: Int) {
        guard recordDepth > 0 else { return }
        let top = frames.count - 1
        var blank = true
        for k in 0..<count where !isSpace(bytes[k]) {
            blank = false
            break
        }
        // Indentation before an element's first text would be trimmed anyway: skip it.
        if blank && text.count == frames[top].textMark { return }
        text.append(UnsafeBufferPointer(start: bytes, count: count))
        if !blank { frames[top].ownText = true }
    }

    func endElement() {
        defer {
            if matchedDepth == depth { matchedDepth -= 1 }
            depth -= 1
        }
        guard recordDepth > 0 else {
            siblings.end()
            return
        }
        let frame = frames.removeLast()
        if frame.node < 0 { return }
        // The record's own text is a column only if there can be text: an attribute-only
        // record (`<item id="1"/>`) gives its attribute columns and no all-null column.
        let leaf = !frame.hasChildren && !(frame.level == 0 && frame.hasAttributes)
        if leaf || frame.ownText || (options.flatten == .conservative && frame.level == 1) {
            stageText(from: frame.textMark, column: column(of: frame.node), element: frame.element)
        }
        // Aggressive keeps descendants' text for mixed-content ancestors; the record's end clears it.
        if options.flatten != .aggressive { text.truncate(to: frame.textMark) }
        if depth == recordDepth {
            recordDepth = 0
            finishRecord()
        }
    }

    // MARK: Records

    private func isRecordStart(_ local: UnsafePointer<UInt8>, _ prefix: UnsafePointer<UInt8>?) -> Bool {
        switch selector {
        case .tag(let name):
            return matches(name, local, prefix)
        case .tags(let names):
            return names.contains { matches($0, local, prefix) }
        case .path(let path):
            guard depth - 1 == matchedDepth, depth <= path.count, matches(path[depth - 1], local, prefix) else { return false }
            matchedDepth = depth
            return depth == path.count
        }
    }

    /// `name` is `*`, a local name, or `prefix:local`.
    private func matches(_ name: [CChar], _ local: UnsafePointer<UInt8>, _ prefix: UnsafePointer<UInt8>?) -> Bool {
        name.withUnsafeBufferPointer { n in
            let p = n.baseAddress!
            if n.count == 2 && p[0] == 0x2A { return true }
            if let colon = strchr(p, 0x3A) {
                guard let prefix else { return false }
                let prefixLength = UnsafePointer(colon) - p
                return strlen(UnsafeRawPointer(prefix).assumingMemoryBound(to: CChar.self)) == prefixLength
                    && memcmp(p, prefix, prefixLength) == 0
                    && strcmp(colon + 1, UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self)) == 0
            }
            return strcmp(p, UnsafeRawPointer(local).assumingMemoryBound(to: CChar.self)) == 0
        }
    }

    /// Writes the record's values as one row, or one row per occurrence of the first
    /// repeated child with `expand`.
    private func finishRecord() {
        var expanded: Int32 = -1
        if options.arrays == .expand {
            expanded = touchedGroups.first { occurrences[Int($0)] > 1 } ?? -1
        }
        if expanded >= 0 {
            // Each value belongs to the occurrence of the expanded element it sits in, if any.
            stagedOccurrence = staged.map { value in
                var e = value.element
                while e >= 0 && elementNode[Int(e)] != expanded { e = elementParent[Int(e)] }
                return e
            }
            for (id, node) in elementNode.enumerated() where node == expanded { emitRow(occurrence: Int32(id)) }
        } else {
            emitRow(occurrence: -1)
        }
        elementNode.removeAll(keepingCapacity: true)
        elementParent.removeAll(keepingCapacity: true)
        for group in touchedGroups { occurrences[Int(group)] = 0 }
        touchedGroups.removeAll(keepingCapacity: true)
        recordBytes.truncate(to: 0)
        staged.removeAll(keepingCapacity: true)
        stagedOccurrence.removeAll(keepingCapacity: true)
        text.truncate(to: 0)
        frames.removeAll(keepingCapacity: true)
        records += 1
    }

    /// One row; with `occurrence` ≥ 0, values inside other occurrences of the expanded element are left out.
    private func emitRow(occurrence: Int32) {
        currentStamp &+= 1
        let included = { (i: Int) -> Bool in
            occurrence < 0 || self.stagedOccurrence[i] < 0 || self.stagedOccurrence[i] == occurrence
        }
        let stamp = currentStamp
        staged.withUnsafeBufferPointer { staged in
            tallies.withUnsafeMutableBufferPointer { tallies in
                for i in staged.indices where included(i) {
                    let c = Int(staged[i].column)
                    if tallies[c].stamp != stamp {
                        tallies[c] = Tally(stamp: stamp, count: 1, first: Int32(i))
                    } else {
                        tallies[c].count += 1
                    }
                }
            }
        }
        let bytes = recordBytes.all
        for c in columnRefs.indices {
            let tally = tallies[c]
            if tally.stamp != stamp {
                columnRefs[c]._withUnsafeGuaranteedRef { $0.appendNull() }
            } else if tally.count == 1 {
                let value = staged[Int(tally.first)]
                let text = UnsafeBufferPointer(rebasing: bytes[Int(value.start)..<Int(value.end)])
                columnRefs[c]._withUnsafeGuaranteedRef { $0.append(text) }
            } else {
                joinValues(column: c, from: Int(tally.first), included: included, bytes)
                let text = scratch.all
                columnRefs[c]._withUnsafeGuaranteedRef { $0.append(text) }
            }
        }
        rows += 1
    }

    /// A repeated child's values as a JSON array of strings, or joined with "; ".
    private func joinValues(column c: Int, from first: Int, included: (Int) -> Bool, _ bytes: UnsafeBufferPointer<UInt8>) {
        scratch.truncate(to: 0)
        let json = options.arrays != .concatenate
        if json { scratch.append(0x5B) }
        var written = 0
        for i in first..<staged.count where staged[i].column == c && included(i) {
            let value = UnsafeBufferPointer(rebasing: bytes[Int(staged[i].start)..<Int(staged[i].end)])
            if json {
                if written > 0 { scratch.append(0x2C) }
                if value.isEmpty { scratch.append("null") } else { appendJSONString(value) }
            } else {
                if value.isEmpty { continue }
                if written > 0 { scratch.append("; ") }
                scratch.append(value)
            }
            written += 1
        }
        if json { scratch.append(0x5D) }
    }

    private func appendJSONString(_ value: UnsafeBufferPointer<UInt8>) {
        scratch.append(0x22)
        var run = 0  // start of the pending run of bytes that need no escape
        for (i, byte) in value.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            scratch.append(UnsafeBufferPointer(rebasing: value[run..<i]))
            run = i + 1
            switch byte {
            case 0x22: scratch.append("\\\"")
            case 0x5C: scratch.append("\\\\")
            case 0x0A: scratch.append("\\n")
            case 0x0D: scratch.append("\\r")
            case 0x09: scratch.append("\\t")
            default:
                let hex = Array("0123456789abcdef".utf8)
                scratch.append("\\u00")
                scratch.append(hex[Int(byte >> 4)])
                scratch.append(hex[Int(byte & 0xF)])
            }
        }
        scratch.append(UnsafeBufferPointer(rebasing: value[run...]))
        scratch.append(0x22)
    }

    // MARK: Values

    /// Stages the record element's name in the `recordKindColumn`.
    private func stageKind(_ local: UnsafePointer<UInt8>, _ qualifier: UnsafePointer<UInt8>?, element: Int32) {
        if let known = kindNames.first(where: { $0.local == local && $0.qualifier == qualifier }) {
            known.text.withUnsafeBufferPointer { stage(kindColumn, $0, element) }
            return
        }
        let text = Array(displayName(local, qualifier).utf8)
        kindNames.append((local, qualifier, text))
        text.withUnsafeBufferPointer { stage(kindColumn, $0, element) }
    }

    private func stageText(from mark: Int, column: Int32, element: Int32) {
        guard column >= 0 else { return }
        var start = mark, end = text.count
        while start < end && isSpace(text[start]) { start += 1 }
        while end > start && isSpace(text[end - 1]) { end -= 1 }
        stage(column, text.bytes(start, end), element)
    }

    private func stage(_ column: Int32, _ value: UnsafeBufferPointer<UInt8>, _ element: Int32) {
        let start = Int32(truncatingIfNeeded: recordBytes.count)
        recordBytes.append(value)
        staged.append(Staged(column: column, start: start, end: Int32(truncatingIfNeeded: recordBytes.count), element: element))
    }

    private func addAttributes(
        of node: Int32, _ count: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, element: Int32
    ) {
        guard count > 0, let attributes else { return }
        for k in 0..<count {
            let a = attributes + 5 * k
            let attribute = child(of: node, a[0]!, qualifier(a[1], a[2]), isAttribute: true)
            let c = column(of: attribute)
            guard c >= 0, let start = a[3], let end = a[4] else { continue }
            let value = UnsafeBufferPointer(start: start, count: end - start)
            if value.contains(0x26) {
                decodeReferences(value)
                stage(c, scratch.all, element)
            } else {
                stage(c, value, element)
            }
        }
    }

    /// libxml2 hands attribute values to SAX with `&` kept as character references
    /// (`&#38;`) and references to the document's own entities kept as `&name;` (see
    /// `XMLInternalEntities`); decode them into `scratch`.
    private func decodeReferences(_ value: UnsafeBufferPointer<UInt8>) {
        scratch.truncate(to: 0)
        var i = 0
        while i < value.count {
            guard value[i] == 0x26, let semicolon = value[i...].firstIndex(of: 0x3B) else {
                scratch.append(value[i]); i += 1; continue
            }
            let name = String(decoding: value[(i + 1)..<semicolon], as: UTF8.self)
            var scalar: UInt32?
            switch name {
            case "amp": scalar = 0x26
            case "lt": scalar = 0x3C
            case "gt": scalar = 0x3E
            case "quot": scalar = 0x22
            case "apos": scalar = 0x27
            default:
                if name.hasPrefix("#x") { scalar = UInt32(name.dropFirst(2), radix: 16) }
                else if name.hasPrefix("#") { scalar = UInt32(name.dropFirst(), radix: 10) }
            }
            if let scalar, let unicode = Unicode.Scalar(scalar) {
                scratch.append(String(Character(unicode)))
                i = semicolon + 1
            } else if let expansion = entities?.attributeExpansion(name) {
                expansion.withUnsafeBufferPointer { scratch.append($0) }
                i = semicolon + 1
            } else {
                scratch.append(value[i]); i += 1
            }
        }
    }

    // MARK: Names and columns

    @inline(__always)
    private func qualifier(_ prefix: UnsafePointer<UInt8>?, _ uri: UnsafePointer<UInt8>?) -> UnsafePointer<UInt8>? {
        switch options.namespaces {
        case .strip: return nil
        case .prefix: return prefix
        case .preserve: return uri
        }
    }

    private func displayName(_ local: UnsafePointer<UInt8>, _ qualifier: UnsafePointer<UInt8>?) -> String {
        let name = String(cString: local)
        guard let qualifier else { return name }
        let q = String(cString: qualifier)
        return options.namespaces == .preserve ? "{\(q)}\(name)" : "\(q):\(name)"
    }

    /// The node for a child element or attribute; names are interned by libxml2, so the
    /// pointer comparison almost always decides and the string compare is a fallback.
    @inline(__always)
    private func child(
        of parent: Int32, _ local: UnsafePointer<UInt8>, _ qualifier: UnsafePointer<UInt8>?, isAttribute: Bool
    ) -> Int32 {
        let found: Int32? = nodes.withUnsafeBufferPointer { nodes in
            nodes[Int(parent)].children.withUnsafeBufferPointer { children in
                for entry in children where entry.local == local && entry.qualifier == qualifier && entry.isAttribute == isAttribute {
                    return entry.node
                }
                return nil
            }
        }
        if let found { return found }
        let key = displayName(local, qualifier)
        if let entry = nodes[Int(parent)].children.first(where: { nodes[Int($0.node)].key == key && $0.isAttribute == isAttribute }) {
            return entry.node
        }
        nodes.append(Node(key: key, parent: parent, isAttribute: isAttribute))
        let node = Int32(nodes.count - 1)
        nodes[Int(parent)].children.append(
            Child(local: local, qualifier: qualifier, isAttribute: isAttribute, node: node))
        return node
    }

    private func column(of node: Int32) -> Int32 {
        let existing = nodes[Int(node)].column
        if existing >= 0 { return existing }
        let name = distinctNames.distinct(self.name(of: node), position: Int(node))
        if let c = columnByName[name] {
            nodes[Int(node)].column = c
            return c
        }
        if fixedColumns {
            if unexpectedColumn == nil { unexpectedColumn = name }
            return -1
        }
        guard columns.count < ResourceLimits.maxColumns else {
            tooManyColumns = true
            return -1
        }
        let c = addColumn(name)
        nodes[Int(node)].column = c
        return c
    }

    /// The column name of a node: the record's name for the record itself, else the dotted
    /// path below the record (`address.city`, `@id`).
    private func name(of node: Int32) -> String {
        if node == 0 { return nodes[0].key }
        return parts(of: node).joined(separator: ".")
    }

    /// The element (and `@attribute`) names from the record down to `node`.
    private func parts(of node: Int32) -> [String] {
        var parts: [String] = []
        var current = node
        while current > 0 {
            let entry = nodes[Int(current)]
            parts.append(entry.isAttribute ? "@" + entry.key : entry.key)
            current = entry.parent
        }
        return parts.reversed()
    }

    /// The warning for nodes whose names clash, naming both.
    func clashWarning(in file: String) -> String? {
        distinctNames.warning(in: file) { node in
            if node == 0 { return "the record element <\(nodes[0].key)>" }
            let parts = parts(of: Int32(node))
            return parts.count == 1 && !parts[0].hasPrefix("@") ? "the element <\(parts[0])>" : "the path " + parts.joined(separator: " > ")
        }
    }

    @discardableResult
    private func addColumn(_ name: String) -> Int32 {
        let column = XMLTextColumn(name: name, nullRows: rows)
        columns.append(column)
        columnRefs.append(Unmanaged.passUnretained(column))
        tallies.append(Tally())
        let c = Int32(columns.count - 1)
        columnByName[name] = c
        return c
    }

    @inline(__always)
    private func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
    }
}
