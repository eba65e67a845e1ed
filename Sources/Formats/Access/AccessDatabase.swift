import Platform
import CMDBTools
import FormatKit

/// An open Access database (.mdb, .accdb) and its user tables, through mdbtools' libmdb.
package final class AccessDatabase: @unchecked Sendable {
    let path: String
    let handle: UnsafeMutablePointer<MdbHandle>
    /// User tables in catalog order (system tables, MSys*, left out).
    let tables: [String]
    let jetVersion: UInt32
    /// Pages in the file: no table or long value can span more, so reading more means
    /// a damaged file sends libmdb round in circles.
    let pageCount: UInt

    package init(path: String) throws(ConversionError) {
        self.path = path
        let pageCount = try Self.checkFile(path)
        self.pageCount = pageCount
        let (opened, said) = Libmdb.call { mdb_open(path, MDB_NOFLAGS) }
        guard let handle = opened else {
            throw .unreadableInput(path: path, reason: "mdbtools could not open it as an Access database\(Self.saying(said)). Check that it is a complete .mdb or .accdb file")
        }
        self.handle = handle
        let (names, catalogSaid): ([String]?, String?) = Libmdb.call {
            guard pyf_read_tables_catalog(handle, pageCount) >= 0 else { return nil }
            var names: [String] = []
            for i in 0..<pyf_catalog_count(handle) {
                guard let entry = pyf_catalog_entry(handle, i), entry.pointee.object_type == Int32(MDB_TABLE),
                      mdb_is_user_table(entry) != 0 else { continue }
                names.append(withUnsafeBytes(of: entry.pointee.object_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            }
            return names
        }
        jetVersion = pyf_jet_version(handle)
        guard let names, catalogSaid == nil else {
            Libmdb.quietly { mdb_close(handle) }
            throw .unreadableInput(path: path, reason: "its table catalog cannot be read\(Self.saying(catalogSaid)): the file is damaged, or encrypted with a password (pyforge cannot decrypt Access files). Remove the password in Access (File > Info > Decrypt Database) and convert again")
        }
        tables = names
    }

    deinit {
        let handle = self.handle
        Libmdb.quietly { mdb_close(handle) }
    }

    /// What libmdb printed, as a clause of a pyforge sentence.
    static func saying(_ printed: String?) -> String {
        printed.map { " (mdbtools reported: '\($0)')" } ?? ""
    }

    var versionName: String {
        switch Int(jetVersion) {
        case Int(MDB_VER_JET3): return "Jet 3 (Access 97)"
        case Int(MDB_VER_JET4): return "Jet 4 (Access 2000-2003)"
        case Int(MDB_VER_ACCDB_2007): return "ACE 12 (Access 2007)"
        case Int(MDB_VER_ACCDB_2010): return "ACE 14 (Access 2010)"
        case Int(MDB_VER_ACCDB_2013): return "ACE 15 (Access 2013)"
        case Int(MDB_VER_ACCDB_2016): return "ACE 16 (Access 2016)"
        case Int(MDB_VER_ACCDB_2019): return "ACE 17 (Access 2019)"
        default: return "unknown (\(jetVersion))"
        }
    }

    /// Refuses empty, truncated and non-Access files before libmdb sees them (it prints
    /// to stderr and may read garbage when pages are missing); returns the page count.
    static func checkFile(_ path: String) throws(ConversionError) -> UInt {
        let file = try InputFile(path: path)
        func malformed(_ location: String, _ reason: String) -> ConversionError {
            .malformedInput(path: path, location: location, reason: reason, fix: "copy the complete database again (or open and compact it in Access), then convert it")
        }
        if file.size == 0 { throw malformed("byte 0", "the file is empty (0 bytes), so it holds no Access database") }
        let head = try file.bytes(at: 0, count: 0x20)
        let magic = head.count >= 19 ? String(decoding: head[4..<19], as: UTF8.self) : ""
        // Access 2010+ encrypts a password-protected .accdb whole and wraps it in an OLE
        // compound file; a Jet .mdb with a password stays readable (the password only
        // guards Access's own UI), so only this case needs the password, which we cannot use.
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), path.lowercased().hasSuffix(".accdb") {
            throw .unreadableInput(path: path, reason: "it is an encrypted Access database (a password-protected .accdb), which pyforge cannot decrypt, with or without --password. Remove the password in Access (File > Info > Decrypt Database) and convert again")
        }
        guard magic == "Standard Jet DB" || magic == "Standard ACE DB" else {
            throw .unsupportedFormat(path: path, detail: "it does not start with an Access (Jet/ACE) database header")
        }
        // The version byte (0x14) says the page size; a file ending before it is truncated.
        guard head.count > 0x14 else {
            throw malformed("byte \(file.size)", "the file is truncated: \(file.size) bytes end inside the database header")
        }
        let pageSize: Int64 = head[0x14] == 0 ? 2048 : 4096
        guard file.size >= pageSize * 2, file.size % pageSize == 0 else {
            throw malformed("byte \(file.size)", "the file is truncated: \(file.size) bytes is not a whole number of \(pageSize)-byte pages")
        }
        return UInt(file.size / pageSize)
    }
}
