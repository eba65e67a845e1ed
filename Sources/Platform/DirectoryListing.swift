#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in a directory, without "." and ".."; empty when it cannot be read.
public func directoryEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = directoryEntryName(entry)
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

/// The name in a `readdir` record, read where it lies. Records are variable-length: only
/// the name's own bytes and its NUL are there, so loading the whole `dirent` (`.pointee`,
/// 280 bytes on Linux) reads past a short last record of the kernel's buffer, which
/// crashed when the buffer ended at an unmapped page (seen sweeping a /tmp with ~6,500
/// entries).
public func directoryEntryName(_ entry: UnsafeMutablePointer<dirent>) -> String {
    let name = UnsafeRawPointer(entry) + MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    return String(cString: name.assumingMemoryBound(to: CChar.self))
}

/// Whether `path` is a directory (or a link to one).
public func directoryExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
}

/// Whether `a` and `b` name the same file (its device and inode): a link or another
/// spelling of one path is the same file; a path that does not exist is nobody's.
public func isSameFile(_ a: String, _ b: String) -> Bool {
    var x = stat(), y = stat()
    guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
    return x.st_dev == y.st_dev && x.st_ino == y.st_ino
}

/// Bytes in the file at `path` (0 when it cannot be read): the input size `info` reports and
/// progress counts against, the bytes an output has.
public func fileSize(_ path: String) -> Int64 {
    var info = stat()
    return stat(path, &info) == 0 ? Int64(info.st_size) : 0
}
