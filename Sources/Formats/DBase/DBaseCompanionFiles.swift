import FormatKit
import Platform
/// The files that belong to a dBase table beside it: its memo file (which the reader
/// opens) and its production index. An output written over one of them would destroy
/// part of the table, so a conversion refuses such a path (the format's `companionRole`).
enum DBaseCompanionFiles {
    /// Extensions of the files named like the table, and what each one is.
    static let roles: [(extension: String, role: String)] = [
        ("dbt", "memo file"), ("fpt", "memo file"), ("cdx", "index file"), ("mdx", "index file"),
    ]

    /// What `output` is to the table `input` ("memo file", "index file"), or nil when it is
    /// none of its files. Names are compared without regard to case (the reader finds
    /// `DATA.DBT` for `data.dbf`); a link to a companion is found by its device and inode.
    static func role(of output: String, forTable input: String) -> String? {
        let inputName = input.split(separator: "/").last.map(String.init) ?? input
        let outputName = output.split(separator: "/").last.map(String.init) ?? output
        let stem = inputName.lastIndex(of: ".").map { String(inputName[..<$0]) } ?? inputName
        let base = String(input.dropLast(inputName.count)) + stem
        for (ext, role) in roles {
            for variant in [ext, ext.uppercased()] where isSameFile(output, base + "." + variant) { return role }
            if outputName.lowercased() == (stem + "." + ext).lowercased(),
                isSameFile(AtomicOutputFile.directory(of: output), AtomicOutputFile.directory(of: input))
            {
                return role
            }
        }
        return nil
    }
}
