import FormatKit
/// One page: its dictionary with the inheritable `/Resources` resolved from its ancestors.
public struct PDFPage {
    public var reference: PDFReference?
    public var dictionary: PDFDictionary
    public var resources: PDFDictionary
}

extension PDFDocument {
    /// Most pages accepted (a hostile `/Kids` tree could claim any number).
    static let maxPages = 1_000_000
    /// Deepest page tree accepted.
    static let maxPageTreeDepth = 64

    /// Every page in order (§7.7.3), walking `/Kids` with inherited `/Resources`; a node
    /// seen twice (a cycle) is skipped.
    public func pages() throws(PDFError) -> [PDFPage] {
        let root = try catalog()
        guard let pagesObject = root["Pages"] else {
            throw .malformed(location: "the document catalog", reason: "it has no page tree (/Pages)")
        }
        var pages: [PDFPage] = []
        var visited = Set<Int>()
        // (node, inherited resources, depth), processed in document order.
        var stack: [(PDFObject, PDFDictionary?, Int)] = [(pagesObject, nil, 0)]
        while let (nodeObject, inherited, depth) = stack.popLast() {
            if case .reference(let r) = nodeObject {
                guard visited.insert(r.number).inserted else { continue }
            }
            guard depth <= Self.maxPageTreeDepth else {
                throw .limit(location: "the page tree", reason: "it nests more than \(Self.maxPageTreeDepth) levels deep")
            }
            let node: PDFObject
            do throws(PDFError) {
                node = try resolve(nodeObject)
            } catch {
                throw Self.locate(error, "page \(pages.count + 1)")
            }
            guard let dictionary = node.dictionary else { continue }
            let resources = resolved(dictionary["Resources"]).dictionary ?? inherited
            if let kids = resolved(dictionary["Kids"]).array, dictionary.name("Type") != "Page" {
                for kid in kids.reversed() { stack.append((kid, resources, depth + 1)) }
            } else {
                pages.append(PDFPage(reference: nodeObject.reference, dictionary: dictionary, resources: resources ?? PDFDictionary()))
                guard pages.count <= Self.maxPages else {
                    throw .limit(location: "the page tree", reason: "it holds more than \(Self.maxPages) pages")
                }
            }
        }
        return pages
    }

    /// The Info dictionary's text entries (§14.3.3), decoded.
    public func information() -> [String: String] {
        guard encryption?.refusal == nil, let info = resolved(trailer["Info"]).dictionary else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in info.entries {
            if case .string(let bytes) = resolved(value) {
                let text = PDFTextString.decode(bytes).trimmingWhitespace()
                if !text.isEmpty { result[key] = text }
            }
        }
        return result
    }
}
