/// Counts the elements that sit beside records without being records (`<entry_3>` next to
/// `<entry>` records), during the conversion, so the reader can say exactly what it did
/// not convert. Only elements outside records are seen; memory is bounded by the
/// document's depth times `maxKinds` names per parent (a parent with more distinct child
/// names than that has the rest counted in `otherKinds`).
final class XMLSiblingTally {
    static let maxKinds = 64

    private struct Parent {
        var name: UnsafePointer<UInt8>
        var kinds: [(name: UnsafePointer<UInt8>, count: Int)] = []
        var others = 0
        /// Records are among its children.
        var hasRecords = false
        /// Records are among its descendants: it was not skipped (`<box><item/></box>`
        /// beside `<item>` records with `--row-tag item`).
        var holdsRecords = false
    }
    /// The open elements outside records, innermost last.
    private var open: [Parent] = []
    /// Elements beside records, by local name, summed over their parents once each closed.
    private(set) var skipped: [String: Int] = [:]
    /// Elements beside records whose name was past `maxKinds`.
    private(set) var otherKinds = 0
    /// Local names of the records, in the order first seen (at most `maxKinds`).
    private(set) var recordNames: [String] = []
    private var recordPointers: [UnsafePointer<UInt8>] = []

    /// An element starts outside any record; `isRecord` if it starts one.
    func start(_ local: UnsafePointer<UInt8>, isRecord: Bool) {
        if let p = open.indices.last {
            if isRecord {
                open[p].hasRecords = true
                open[p].holdsRecords = true
                noteRecord(local)
            } else if let k = open[p].kinds.firstIndex(where: { $0.name == local }) {
                open[p].kinds[k].count += 1
            } else if open[p].kinds.count < Self.maxKinds {
                open[p].kinds.append((local, 1))
            } else {
                open[p].others += 1
            }
        }
        // A record's own end is the builder's; only other elements are open here.
        if !isRecord { open.append(Parent(name: local)) }
    }

    /// The innermost open element outside records ends.
    func end() {
        guard let parent = open.popLast() else { return }
        if parent.holdsRecords, let p = open.indices.last {
            open[p].holdsRecords = true
            if let k = open[p].kinds.firstIndex(where: { $0.name == parent.name }) {
                open[p].kinds[k].count -= 1
            } else if open[p].others > 0 {
                open[p].others -= 1
            }
        }
        guard parent.hasRecords else { return }
        for (name, count) in parent.kinds where count > 0 {
            skipped[String(cString: name), default: 0] += count
        }
        otherKinds += parent.others
    }

    private func noteRecord(_ local: UnsafePointer<UInt8>) {
        guard recordPointers.count < Self.maxKinds, !recordPointers.contains(local) else { return }
        recordPointers.append(local)
        let name = String(cString: local)
        if !recordNames.contains(name) { recordNames.append(name) }
    }
}
