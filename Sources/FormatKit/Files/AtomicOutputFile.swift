import Platform

/// An output written to a temporary file beside its destination and renamed into place
/// only by `commit()`: readers never see a partial file, and a failed or interrupted
/// conversion leaves nothing behind (an earlier file at the path is untouched).
public final class AtomicOutputFile {
    public let path: String
    public let temporaryPath: String
    public private(set) var descriptor: Int32
    private let overwrite: Bool
    private var registration: Int?
    private var finished = false

    /// `sweepStale`: first remove this output's temporaries left by writers that died
    /// (a Delta table sweeps its whole directory once instead).
    public init(path: String, overwrite: Bool, sweepStale: Bool = true) throws(ConversionError) {
        self.path = path
        self.overwrite = overwrite
        if !overwrite && access(path, F_OK) == 0 { throw .outputExists(path: path) }
        let directory = Self.directory(of: path)
        var info = stat()
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw .io(operation: "write to", path: directory, reason: "the output directory does not exist")
        }
        if sweepStale { StaleTemporaries.sweep(output: path) }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        var template = Array("\(directory)/\(TemporaryName.template(for: name))".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw .io(operation: "create a temporary file in", path: directory, reason: systemMessage(errno))
        }
        temporaryPath = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        descriptor = fd
        fchmod(fd, 0o644 & ~Self.umaskValue)
        registration = TemporaryFileRegistry.register(temporaryPath)
    }

    deinit {
        if !finished { discard() }
    }

    private static let umaskValue: mode_t = {
        let current = umask(0o022)
        umask(current)
        return current
    }()

    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// Flushes to disk and renames into place.
    public func commit() throws(ConversionError) {
        precondition(!finished, "commit after the output was finished")
        guard fsync(descriptor) == 0 else {
            let reason = systemMessage(errno)
            discard()
            throw .io(operation: "flush", path: temporaryPath, reason: reason)
        }
        close(descriptor)
        descriptor = -1
        if overwrite {
            guard rename(temporaryPath, path) == 0 else {
                let reason = systemMessage(errno)
                discard()
                throw .io(operation: "move the finished output to", path: path, reason: reason)
            }
        } else {
            // link(2) never replaces: a file that appeared meanwhile (another conversion)
            // is kept, and this output is refused.
            if link(temporaryPath, path) == 0 {
                unlink(temporaryPath)
            } else if errno == EEXIST {
                discard()
                throw .outputExists(path: path)
            } else if [EPERM, ENOTSUP, EOPNOTSUPP, EXDEV, ENOSYS, EMLINK].contains(errno) {
                // File systems without hard links (FUSE mounts such as Unity Catalog Volumes
                // answer ENOSYS): check, then rename.
                guard access(path, F_OK) != 0 else {
                    discard()
                    throw .outputExists(path: path)
                }
                guard rename(temporaryPath, path) == 0 else {
                    let reason = systemMessage(errno)
                    discard()
                    throw .io(operation: "move the finished output to", path: path, reason: reason)
                }
            } else {
                let reason = systemMessage(errno)
                discard()
                throw .io(operation: "move the finished output to", path: path, reason: reason)
            }
        }
        finished = true
        TemporaryFileRegistry.release(registration)
        let directoryDescriptor = open(Self.directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// Removes the temporary file; the destination is untouched.
    public func discard() {
        guard !finished else { return }
        finished = true
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
        TemporaryFileRegistry.release(registration)
    }

    /// Bytes written so far.
    public var size: Int64 {
        var info = stat()
        if descriptor >= 0 { fstat(descriptor, &info) } else { stat(path, &info) }
        return Int64(info.st_size)
    }
}
