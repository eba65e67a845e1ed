import Platform

/// Temporary outputs whose writer died before finishing (TemporaryName): found and
/// removed by later runs, so a `kill -9` never leaves a full-size hidden file for good.
public enum StaleTemporaries {
    /// Stale temporaries of the output `path` (beside it); removes them when `remove`.
    @discardableResult
    public static func sweep(output path: String, remove: Bool = true) -> [String] {
        let directory = AtomicOutputFile.directory(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let prefix = TemporaryName.prefix(for: name)
        return sweep(directory: directory, remove: remove) { $0.hasPrefix(prefix) }
    }

    /// Stale temporaries anywhere under `root` (a Delta table: data files in partition
    /// directories, checkpoints in the log).
    @discardableResult
    public static func sweep(tree root: String, remove: Bool = true, depth: Int = 16) -> [String] {
        var found = sweep(directory: root, remove: remove) { _ in true }
        guard depth > 0 else { return found }
        for entry in directoryEntries(root) where !entry.hasPrefix(".") && directoryExists(root + "/" + entry) {
            found += sweep(tree: root + "/" + entry, remove: remove, depth: depth - 1)
        }
        return found
    }

    private static func sweep(directory: String, remove: Bool, matching: (String) -> Bool) -> [String] {
        var found: [String] = []
        for entry in directoryEntries(directory) where matching(entry) {
            guard let writer = TemporaryName(fileName: entry), writer.writerIsDead else { continue }
            let path = directory + "/" + entry
            var info = stat()
            // Only regular files: a directory or link with such a name is not ours.
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if remove && unlink(path) != 0 { continue }
            found.append(path)
        }
        return found.sorted()
    }
}
