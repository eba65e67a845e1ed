#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DatabricksEnvironment
import Platform
import UnityCatalogVolumes

/// Delivers a directory of finished files (a workbook's `<stem>_parquet/` sheets, an Access
/// database's tables) into a volume, file by file the way single outputs go: through the
/// FUSE mount (temporary name, one sequential copy, rename) or the Files API. If one file
/// fails, the files this delivery already put there are removed again.
struct VolumeDirectoryDelivery: Sendable {
    var local: String
    var destination: VolumePath
    var overwrite: Bool

    /// The files under `local`, as paths relative to it, sorted.
    func files() -> [String] {
        let all = (try? FileManager.default.subpathsOfDirectory(atPath: local)) ?? []
        return all.filter { !directoryExists(local + "/" + $0) }.sorted()
    }

    func deliver(through mount: VolumeMount) throws(VolumeError) {
        var delivered: [String] = []
        do throws(VolumeError) {
            for relative in files() {
                let target = destination.appending(relative)
                try mount.install(localFile: local + "/" + relative, at: target, overwrite: overwrite)
                delivered.append(mount.localPath(target))
            }
        } catch {
            for path in delivered { try? FileManager.default.removeItem(atPath: path) }
            throw error
        }
    }

    func deliver(through client: FilesAPIClient) async throws(VolumeError) {
        var delivered: [VolumePath] = []
        do throws(VolumeError) {
            for relative in files() {
                let target = destination.appending(relative)
                try await client.upload(local + "/" + relative, to: target, overwrite: overwrite)
                delivered.append(target)
            }
        } catch {
            for path in delivered { try? await client.delete(path) }
            throw error
        }
    }
}
