/// Opening an encrypted document: the `/Encrypt` dictionary read, a password tried, and the
/// outcome kept in `encryption` for `info` and for `requireReadable`.
extension PDFDocument {
    func openEncryption(password: String?) throws(PDFError) {
        guard let entry = trailer["Encrypt"], entry != .null else {
            // An option must never silently do nothing: say the password was not needed.
            if password != nil { warnings.append("The document is not encrypted, so the password given was not used.") }
            return
        }
        encryptReference = entry.reference
        let resolvedEntry: PDFObject
        do throws(PDFError) { resolvedEntry = try resolve(entry) } catch { resolvedEntry = .null }
        let dictionary = resolvedEntry.dictionary ?? PDFDictionary()
        var handler = dictionary.name("Filter") ?? "Standard"
        if let v = dictionary.int("V"), let r = dictionary.int("R") { handler += " (V\(v), R\(r))" }
        var encryption = PDFEncryption(handler: handler)
        defer { self.encryption = encryption }
        guard resolvedEntry.dictionary != nil else {
            encryption.refusal = .malformed(location: "the trailer", reason: "its /Encrypt entry is not a readable dictionary, so the document cannot be decrypted")
            return
        }
        let security: PDFStandardSecurity
        do throws(PDFError) {
            let id = resolved(resolved(trailer["ID"]).array?.first).bytes ?? []
            security = try PDFStandardSecurity(dictionary, documentID: id, handler: handler, resolve: { [unowned self] in self.resolved($0) })
        } catch {
            encryption.refusal = error
            return
        }
        encryption.algorithm = security.algorithm
        encryption.revision = security.revision
        // The empty user password first: most encrypted PDFs only restrict copying or
        // printing and open without one, as in every viewer.
        var opened = security.authenticate("")
        if password != nil, opened != nil {
            warnings.append("The document opens with the empty user password, so the password given was not used.")
        }
        if let password, !password.isEmpty, opened == nil { opened = security.authenticate(password) }
        guard let opened else {
            encryption.refusal = password == nil ? .passwordRequired : .wrongPassword
            return
        }
        encryption.openedWith = opened.use
        decryptor = PDFDecryptor(key: opened.key, security: security)
        // Objects read before the key was known (the /Encrypt dictionary itself, a scan of
        // a damaged file) were not decrypted: read them again.
        cache.removeAll()
        objectStreams.removeAll()
        if xref.reconstructed { try completeReconstruction() }
    }
}
