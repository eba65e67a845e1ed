import Platform

/// Thin, throwing wrappers over the POSIX calls the volume code needs; errors carry the path.
enum POSIXFile {
    static func failure(_ path: String, _ operation: String, _ code: Int32 = errno) -> VolumeError {
        .fileSystem(path: path, operation: operation, reason: systemMessage(code))
    }

    static func openForReading(_ path: String) throws(VolumeError) -> Int32 {
        let fd = retryingOnInterrupt { open(path, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw failure(path, "open for reading") }
        return fd
    }

    /// The size of a regular file, refusing directories and devices up front.
    static func regularFileSize(_ fd: Int32, path: String) throws(VolumeError) -> Int64 {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw failure(path, "inspect") }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw .fileSystem(path: path, operation: "read", reason: "it is not a regular file")
        }
        return Int64(info.st_size)
    }

    /// Creates `<directory>/<TemporaryName.template(for: name)>` exclusively (the core's hidden
    /// name, which names its writer so that a later run can remove it if this process dies)
    /// and returns its path and descriptor.
    static func makeTemporaryFile(in directory: String, for name: String) throws(VolumeError) -> (path: String, fd: Int32) {
        var template = Array("\(directory)/\(TemporaryName.template(for: name))".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(directory, "create a temporary file in") }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return (path, fd)
    }

    /// Reads up to `count` bytes; 0 at end of file.
    static func readChunk(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(VolumeError) -> Int {
        let count = retryingOnInterrupt { read(fd, buffer.baseAddress, buffer.count) }
        guard count >= 0 else { throw failure(path, "read") }
        return count
    }

    /// Writes all of `bytes`, continuing after short writes.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(VolumeError) {
        var offset = 0
        while offset < bytes.count {
            let written = retryingOnInterrupt { write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            guard written > 0 else { throw failure(path, "write") }
            offset += written
        }
    }

    static func sync(_ fd: Int32, path: String) throws(VolumeError) {
        guard fsync(fd) == 0 else { throw failure(path, "flush to storage") }
    }

    /// Closes and reports the error: on network and FUSE filesystems close is where a failed write surfaces.
    static func closeReportingErrors(_ fd: Int32, path: String) throws(VolumeError) {
        guard close(fd) == 0 else { throw failure(path, "finish writing") }
    }

    /// Makes a rename durable where the filesystem allows; failure here is not an error.
    static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        _ = close(fd)
    }

    /// Creates the directory and any missing parents (`mkdir -p`).
    static func createDirectories(_ path: String) throws(VolumeError) {
        if mkdir(path, 0o777) == 0 { return }
        if errno == EEXIST {
            guard directoryExists(path) else { throw failure(path, "create the directory", ENOTDIR) }
            return
        }
        guard errno == ENOENT, let slash = path.lastIndex(of: "/"), slash != path.startIndex else {
            throw failure(path, "create the directory")
        }
        try createDirectories(String(path[..<slash]))
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else { throw failure(path, "create the directory") }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
