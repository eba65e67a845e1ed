/// What the sentence refusing an entity says: the reason and the fix.
extension XMLInternalEntities.Refusal {
    private static let neverLoaded =
        "pyforge never loads external or parameter entities, which protects against external-entity (XXE) attacks"
    private static let expansionAttacks = "pyforge refuses it, which protects against entity-expansion (billion laughs) attacks"

    var reason: String {
        typealias Entities = XMLInternalEntities
        switch self {
        case .external(let name):
            return "the DTD declares an external entity ('\(name)'); \(Self.neverLoaded)"
        case .parameter(let name):
            return "the DTD declares a parameter entity ('%\(name)'); \(Self.neverLoaded)"
        case .markup(let name):
            return "the entity '\(name)' holds markup ('<'); pyforge expands entities that hold text only"
        case .undeclared(let name, let inside):
            return "the entity '\(inside)' refers to the entity '\(name)', which the DTD does not declare"
        case .loop(let name):
            return "the entity '\(name)' refers to itself (an entity loop)"
        case .tooDeep(let name):
            return "the entity '\(name)' nests entity references more than \(Entities.maxDepth) deep; \(Self.expansionAttacks)"
        case .tooLarge(let name, let bytes, let limit):
            return "expanding the entity '\(name)' would bring the document's entity text to \(Self.count(bytes)), over the limit of \(limit) bytes (\(Entities.amplification) times the document read so far, at least \(Entities.minimumBudget >> 20) MiB); \(Self.expansionAttacks)"
        case .tooMuchKept(let name, let bytes):
            return "expanding the entity '\(name)' would bring the text of the document's distinct entities to \(Self.count(bytes)), over pyforge's limit of \(Entities.maxKeptBytes >> 20) MiB"
        }
    }

    var fix: String {
        switch self {
        case .undeclared(let name, _):
            return "declare '\(name)' in the DOCTYPE or remove the reference"
        case .tooLarge, .tooMuchKept:
            return "if the file is trusted, write the text in place of the references"
        default:
            return "write the text in place of the references and remove the declaration from the DOCTYPE"
        }
    }

    private static func count(_ bytes: Int) -> String {
        bytes == Int.max ? "more bytes than can be counted" : "\(bytes) bytes"
    }
}
