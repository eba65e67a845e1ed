import DatabricksEnvironment
import SparkConnect
import UnityCatalogVolumes

/// Puts a conversion's input where Spark reads it (`SparkRoute.Input`) and builds Spark's
/// reader for it, with options sniffed from the input's first 256 KB: read locally, from the
/// mount, or with one ranged Files API read — never a whole download.
struct SparkInput: Sendable {
    var route: SparkRoute.Input
    var inputFormat: String

    /// The reader, and the directory uploaded for it (to remove once Spark is done).
    func prepare(_ context: ExtensionContext, staged: inout StagedFiles) async throws(ConversionFailure) -> SparkRelation {
        switch route {
        case .shared(let path):
            return try SparkConversion.read(readPath: path, sample: InputSniffing.sample(path), inputFormat: inputFormat, displayPath: path)
        case .volume(let volume):
            let access = try staged.requireAccess(context, for: volume)
            let sample: [UInt8]
            do { sample = try await access.prefix(volume, count: InputSniffing.sampleSize) } catch {
                throw ConversionFailure(reason: "volumeFailed", message: context.redact(error.description))
            }
            return try SparkConversion.read(readPath: context.sparkPath(volume), sample: sample, inputFormat: inputFormat, displayPath: volume.path)
        case .upload(let local, let area):
            let access = try staged.requireAccess(context, for: area)
            // Its own hidden directory, so that the file keeps its name (Spark picks a
            // decompression codec by the extension) and one removal takes everything.
            let name = local.split(separator: "/").last.map(String.init) ?? "input"
            let directory = area.appending(SparkStagingArea.hiddenName(for: "input"))
            let file = directory.appending(name)
            staged.add(.volume(directory))
            do { try await access.upload(local, to: file) } catch {
                throw ConversionFailure(reason: "volumeFailed", message: "Uploading '\(local)' to the Spark staging area failed: \(context.redact(error.description))")
            }
            return try SparkConversion.read(readPath: context.sparkPath(file), sample: InputSniffing.sample(local), inputFormat: inputFormat, displayPath: local)
        }
    }
}

extension VolumePath {
    /// The path one level down.
    func appending(_ name: String) -> VolumePath {
        VolumePath(catalog: catalog, schema: schema, volume: volume, components: components + [name])
    }
}
