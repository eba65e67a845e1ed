import CLibXML2

/// The linked libxml2 (the XML and Excel readers parse with its SAX2 push parser).
enum LibXML {
    /// Checks that the headers match the library, once per process.
    static func initialize() {
        xmlInitParser()
    }
}
