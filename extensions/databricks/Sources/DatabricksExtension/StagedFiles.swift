#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import UnityCatalogVolumes

/// The directories a Spark conversion staged (its parts, an uploaded input), removed when it
/// ends, whether it succeeded or not.
struct StagedFiles: Sendable {
    enum Place: Sendable, Equatable {
        case local(String)
        case volume(VolumePath)
    }

    private(set) var places: [Place] = []
    private var access: VolumeAccess?

    mutating func add(_ place: Place) { places.append(place) }

    /// How volume files are reached; the same client for the whole conversion.
    mutating func requireAccess(_ context: ExtensionContext, for volume: VolumePath) throws(ConversionFailure) -> VolumeAccess {
        if let access { return access }
        guard let found = context.volumeAccess else {
            throw ConversionFailure(
                reason: "volumeFailed",
                message: "'\(volume.path)' is in a Unity Catalog Volume, but this process has no /Volumes mount and no workspace credentials\(context.credentialsProblem.map { " (\($0))" } ?? ""). Set DATABRICKS_HOST and DATABRICKS_TOKEN, or a profile in ~/.databrickscfg, to use the Files API.")
        }
        access = found
        return found
    }

    /// Removes everything staged; what could not be removed comes back as warnings that
    /// name it, so the user can delete it by hand.
    func removeAll(_ context: ExtensionContext) async -> [String] {
        var warnings: [String] = []
        for place in places.reversed() {
            switch place {
            case .local(let path):
                guard FileManager.default.fileExists(atPath: path) else { continue }
                do { try FileManager.default.removeItem(atPath: path) } catch {
                    warnings.append("Spark's staging directory '\(path)' could not be removed (\(error)); delete it by hand.")
                }
            case .volume(let directory):
                guard let access = access ?? context.volumeAccess else { continue }
                do { try await access.removeTree(directory) } catch {
                    warnings.append("Spark's staging directory '\(directory.path)' could not be removed (\(context.redact(error.description))); delete it by hand.")
                }
            }
        }
        return warnings
    }
}
