@testable import AccessFormat
import FormatKit

/// Access through libmdb: pyforge's own header checks, then libmdb's catalog, and every
/// table (the first 4) read through libmdb's row and column decoding.
enum AccessFuzz {
    static func run(_ bytes: [UInt8]) {
        let path = ScratchFile.write(bytes, named: "input.mdb")
        defer { ScratchFile.remove("input.mdb") }
        do throws(ConversionError) {
            let database = try AccessDatabase(path: path)
            for table in database.tables.prefix(4) {
                TableDrain.drain { () throws(ConversionError) in AccessSource(database: database, table: table) }
            }
        } catch {
            _ = error.description
        }
    }
}
