import DatabricksEnvironment
import UnityCatalogVolumes

/// How this process reaches files in Unity Catalog Volumes: the FUSE mount on Databricks,
/// else the Files API with the workspace's credentials. One set of operations over both, for
/// the staging that Spark conversions do inside volumes.
enum VolumeAccess: Sendable {
    case mount(VolumeMount)
    case filesAPI(FilesAPIClient)

    var summary: String {
        switch self {
        case .mount(let mount): "the \(mount.root) mount"
        case .filesAPI: "the Files API"
        }
    }

    /// At most `count` bytes from the start of the file: the mount's, or one ranged `GET`
    /// (`Range: bytes=0-…`); never the whole file.
    func prefix(_ file: VolumePath, count: Int) async throws(VolumeError) -> [UInt8] {
        switch self {
        case .mount(let mount):
            guard let bytes = LocalFiles.readPrefix(mount.localPath(file), upTo: count) else { throw .notFound(path: file.path) }
            return bytes
        case .filesAPI(let client):
            return try await client.read(file, bytes: 0..<Int64(count))
        }
    }

    func exists(_ file: VolumePath) async throws(VolumeError) -> Bool {
        switch self {
        case .mount(let mount): return LocalFiles.exists(mount.localPath(file))
        case .filesAPI(let client): return try await client.metadata(of: file) != nil
        }
    }

    func list(_ directory: VolumePath) async throws(VolumeError) -> [DirectoryEntry] {
        switch self {
        case .mount(let mount): return try mount.list(directory)
        case .filesAPI(let client): return try await client.list(directory)
        }
    }

    /// Puts a local file into a volume (a sequential copy and a rename; or one `PUT`).
    func upload(_ localFile: String, to file: VolumePath) async throws(VolumeError) {
        switch self {
        case .mount(let mount):
            try await offloaded { () throws(VolumeError) in try mount.install(localFile: localFile, at: file, overwrite: false) }
        case .filesAPI(let client): try await client.upload(localFile, to: file, overwrite: false)
        }
    }

    /// Copies a volume file to a local file, all or nothing.
    func download(_ file: VolumePath, to localFile: String) async throws(VolumeError) {
        switch self {
        case .mount(let mount):
            try await offloaded { () throws(VolumeError) in try mount.export(file, toLocal: localFile) }
        case .filesAPI(let client): try await client.download(file, to: localFile)
        }
    }

    func removeTree(_ directory: VolumePath) async throws(VolumeError) {
        switch self {
        case .mount(let mount): try mount.removeTree(directory)
        case .filesAPI(let client): try await client.removeTree(directory)
        }
    }
}
