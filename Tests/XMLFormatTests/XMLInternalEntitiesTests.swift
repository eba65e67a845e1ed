import CLibXML2
@testable import XMLFormat
import Testing
@testable import FormatKit

private func table(_ declarations: [(String, String)]) -> XMLInternalEntities {
    let entities = XMLInternalEntities()
    for (name, text) in declarations { entities.declare(name, replacement: Array(text.utf8)) }
    return entities
}

private func text(_ entity: UnsafeMutablePointer<xmlEntity>?) -> String? {
    guard let content = entity?.pointee.content else { return nil }
    return String(cString: content)
}

/// The refusal `body` throws; nil when it returns (a different error fails the test).
private func refusal(_ body: () throws -> Void) -> XMLInternalEntities.Refusal? {
    do {
        try body()
        return nil
    } catch let error as XMLInternalEntities.Refusal {
        return error
    } catch {
        Issue.record("unexpected \(error)")
        return nil
    }
}

@Suite struct XMLInternalEntitiesTests {
    @Test func expandsNestedEntitiesPredefinedAndCharacterReferences() throws {
        let entities = table([("company", "Acme &amp; Co"), ("full", "&company; Inc.&#169;&#x41;\nend"), ("company", "ignored")])
        let inText = try entities.reference("full", inAttribute: false, documentBytes: 0)
        #expect(text(inText) == "Acme & Co Inc.©A\nend")
        // In text libxml2 passes a predefined-kind entity's content to `characters` as it is.
        #expect(inText?.pointee.etype == XML_INTERNAL_PREDEFINED_ENTITY)
        let inAttribute = try entities.reference("full", inAttribute: true, documentBytes: 0)
        #expect(inAttribute?.pointee.etype == XML_INTERNAL_GENERAL_ENTITY)
        #expect(inAttribute?.pointee.checked == 2)
        #expect(entities.attributeExpansion("full") == Array("Acme & Co Inc.©A end".utf8))
        #expect(try entities.reference("unknown", inAttribute: false, documentBytes: 0) == nil)
        #expect(entities.charged == 2 * Array("Acme & Co Inc.©A\nend".utf8).count)
    }

    @Test func billionLaughsIsRefusedBeforeAnythingIsExpanded() {
        var declarations = [("lol0", "lol")]
        for k in 1...9 { declarations.append(("lol\(k)", String(repeating: "&lol\(k - 1);", count: 10))) }
        let entities = table(declarations)
        let error = refusal { _ = try entities.reference("lol9", inAttribute: false, documentBytes: 500) }
        #expect(error == .tooLarge("lol9", bytes: 3_000_000_000, limit: 1 << 20))
        #expect(entities.charged == 0)
        #expect(entities.attributeExpansion("lol9") == nil)
        // A smaller one fits.
        #expect(refusal { _ = try entities.reference("lol3", inAttribute: false, documentBytes: 500) } == nil)
        #expect(entities.charged == 3_000)
    }

    @Test func sizesSaturateInsteadOfOverflowing() {
        var declarations = [("w0", String(repeating: "x", count: 1000))]
        for k in 1...8 { declarations.append(("w\(k)", String(repeating: "&w\(k - 1);", count: 1000))) }
        let entities = table(declarations)
        let error = refusal { _ = try entities.reference("w8", inAttribute: false, documentBytes: 0) }
        #expect(error == .tooLarge("w8", bytes: Int.max, limit: 1 << 20))
    }

    @Test func quadraticBlowupIsRefusedWhenTheReferencesAddUp() throws {
        let entities = table([("a", String(repeating: "x", count: 100_000))])
        var accepted = 0
        let error = refusal {
            for _ in 0..<100_000 {
                _ = try entities.reference("a", inAttribute: false, documentBytes: 200_000)
                accepted += 1
            }
        }
        // The budget is max(1 MiB, 10 × 200,000 bytes) = 2,000,000 bytes: 20 references.
        #expect(accepted == 20)
        #expect(error == .tooLarge("a", bytes: 2_100_000, limit: 2_000_000))
    }

    @Test func theKeptExpansionsAreBounded() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let entities = table([("a", big), ("b", big), ("c", big), ("d", big)])
        let document = 100 << 20  // a budget of 1000 MiB: only the kept texts' bound applies
        for name in ["a", "b", "c"] {
            _ = try entities.reference(name, inAttribute: false, documentBytes: document)
            _ = try entities.reference(name, inAttribute: true, documentBytes: document)  // kept once
        }
        #expect(entities.kept == 30 << 20)
        let error = refusal { _ = try entities.reference("d", inAttribute: false, documentBytes: document) }
        #expect(error == .tooMuchKept("d", bytes: 40 << 20))
    }

    @Test func everyRefusalNamesTheEntityAndAFix() {
        let refusals: [XMLInternalEntities.Refusal] = [
            .external("e"), .parameter("e"), .markup("e"), .undeclared("e", inside: "outer"), .loop("e"), .tooDeep("e"),
            .tooLarge("e", bytes: Int.max, limit: 1 << 20), .tooMuchKept("e", bytes: 40 << 20)]
        for refusal in refusals {
            #expect(refusal.reason.contains("entit") && refusal.reason.contains("'e'") || refusal.reason.contains("'%e'"), "\(refusal)")
            #expect(!refusal.fix.isEmpty)
        }
        #expect(XMLInternalEntities.Refusal.tooLarge("e", bytes: Int.max, limit: 5).reason.contains("more bytes than can be counted"))
        #expect(XMLInternalEntities.Refusal.external("e").reason.contains("XXE"))
    }

    @Test func theBudgetGrowsWithTheDocumentAndSaturates() {
        #expect(XMLInternalEntities.budget(0) == 1 << 20)
        #expect(XMLInternalEntities.budget(10 << 20) == 100 << 20)
        #expect(XMLInternalEntities.budget(Int.max / 2) == Int.max)
    }

    @Test func loopsDepthMarkupAndUndeclaredReferencesAreRefused() {
        let loop = table([("a", "x&b;"), ("b", "&a;")])
        #expect(refusal { _ = try loop.reference("a", inAttribute: false, documentBytes: 0) } == .loop("a"))
        var chain = [("d0", "x")]
        for k in 1...20 { chain.append(("d\(k)", "&d\(k - 1);")) }
        let deep = table(chain)
        let limit = XMLInternalEntities.maxDepth
        #expect(refusal { _ = try deep.reference("d\(limit - 1)", inAttribute: false, documentBytes: 0) } == nil)
        #expect(refusal { _ = try deep.reference("d\(limit)", inAttribute: false, documentBytes: 0) } == .tooDeep("d\(limit)"))
        let markup = table([("m", "a<b>x</b>"), ("outer", "&m;")])
        #expect(refusal { _ = try markup.reference("outer", inAttribute: false, documentBytes: 0) } == .markup("m"))
        let undeclared = table([("a", "x&nope;")])
        #expect(refusal { _ = try undeclared.reference("a", inAttribute: true, documentBytes: 0) } == .undeclared("nope", inside: "a"))
    }

    @Test func documentsWithEntitiesParseAtEveryChunkSize() throws {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE r [
              <!ENTITY co "Acme &amp; Co">
              <!ENTITY full "&co; Inc.">
            ]>
            <r><item who="&full; &amp; &co;" n="1">&full;</item><item n="2"><v>&co;!</v></item></r>
            """
        let whole = try collectXML(xml, chunk: 1 << 16, selector: .tag(Array("item".utf8CString))).columns
        #expect(whole["@who"] == ["Acme & Co Inc. & Acme & Co", nil])
        #expect(whole["item"] == ["Acme & Co Inc.", nil])
        #expect(whole["v"] == [nil, "Acme & Co!"])
        for chunk in [1, 2, 3, 7, 64] {
            #expect(try collectXML(xml, chunk: chunk, selector: .tag(Array("item".utf8CString))).columns == whole, "chunk \(chunk)")
        }
    }

    @Test func externalAndParameterEntitiesAreRefusedAtTheirDeclaration() {
        for doctype in ["<!ENTITY e SYSTEM \"file:///etc/passwd\">", "<!ENTITY e PUBLIC \"-//x\" \"http://x/\">",
                        "<!ENTITY % p \"x\">"] {
            let xml = "<?xml version=\"1.0\"?><!DOCTYPE r [\(doctype)]><r><item>1</item></r>"
            do {
                _ = try collectXML(xml, chunk: 5, selector: .tag(Array("item".utf8CString)))
                Issue.record("accepted \(doctype)")
            } catch let error as ConversionError {
                #expect(error.description.contains("never loads external or parameter entities"))
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
