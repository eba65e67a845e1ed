/// A named fuzz target: what one input is fed to.
struct FuzzTarget: Sendable {
    let name: String
    let run: @Sendable ([UInt8]) -> Void

    static let all: [FuzzTarget] = [
        FuzzTarget(name: "csv", run: CSVFuzz.run),
        FuzzTarget(name: "json", run: JSONFuzz.run),
        FuzzTarget(name: "xml", run: XMLFuzz.run),
        FuzzTarget(name: "xlsx", run: ExcelFuzz.run),
        FuzzTarget(name: "dbase", run: DBaseFuzz.run),
        FuzzTarget(name: "pdf", run: PDFFuzz.run),
        FuzzTarget(name: "access", run: AccessFuzz.run),
        FuzzTarget(name: "protocol", run: ProtocolFuzz.run),
        FuzzTarget(name: "parquet-footer", run: ParquetFooterFuzz.run),
        FuzzTarget(name: "delta-log", run: DeltaLogFuzz.run),
        FuzzTarget(name: "temporary-name", run: TemporaryNameFuzz.run),
    ]
}
