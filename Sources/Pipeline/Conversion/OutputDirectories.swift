import FormatKit
extension Converter {
    /// Runs `body` (the conversion of `request`) after creating the missing directories its
    /// output goes into, as PyForge 1.x did; when `body` fails, the directories created here
    /// are removed again (deepest first, only if empty), so a failure leaves nothing behind.
    public static func creatingOutputDirectories<T>(
        for request: ConvertRequest, _ body: () throws(ConversionError) -> T
    ) throws(ConversionError) -> T {
        guard let directory = outputDirectory(of: request), !isDirectory(directory) else { return try body() }
        let created = try CreatedDirectories.make(directory)
        do throws(ConversionError) {
            return try body()
        } catch {
            created.removeIfEmpty()
            throw error
        }
    }

    /// The directory the output must be written into: an output ending in `/` is that
    /// directory (a Delta table's own directory is made by its target, so there it is the
    /// parent); any other output, its parent directory. Nil without an explicit output (it
    /// goes beside the input).
    static func outputDirectory(of request: ConvertRequest) -> String? {
        guard var path = request.outputPath, !path.isEmpty else { return nil }
        let namesDirectory = path.hasSuffix("/")
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        if path == "/" { return nil }
        return namesDirectory && request.format != .delta ? path : AtomicOutputFile.directory(of: path)
    }
}
