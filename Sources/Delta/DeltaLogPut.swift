import Platform
import FormatKit

/// The file-system calls a Delta commit needs, each answering 0 or an `errno` code;
/// tests replace them to play a medium without hard links or without rename flags.
struct CommitMedium: Sendable {
    /// `link(2)`: never replaces an existing file.
    var hardLink: @Sendable (_ from: String, _ to: String) -> Int32
    /// `renameat2(…, RENAME_NOREPLACE)`: moves a complete file into place, never replacing one.
    var renameNoReplace: @Sendable (_ from: String, _ to: String) -> Int32
    /// `open(O_CREAT | O_EXCL)` then close: an empty file, created only if absent.
    var createExclusive: @Sendable (_ path: String) -> Int32
    /// `rename(2)`: replaces the destination.
    var rename: @Sendable (_ from: String, _ to: String) -> Int32

    static let system = CommitMedium(
        hardLink: { from, to in link(from, to) == 0 ? 0 : errno },
        renameNoReplace: { from, to in SystemRenameNoReplace.call(from, to) },
        createExclusive: { path in
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard fd >= 0 else { return errno }
            return close(fd) == 0 ? 0 : errno
        },
        rename: { from, to in systemRename(from, to) })
}

private func systemRename(_ from: String, _ to: String) -> Int32 {
    rename(from, to) == 0 ? 0 : errno
}

/// How a commit file was put in place: what `--json` reports as `delta_commit`.
enum CommitMethod: String, Sendable {
    /// `link(2)` of the complete temporary file (local disks).
    case hardLink = "link"
    /// `renameat2(RENAME_NOREPLACE)` of the complete temporary file.
    case renameNoReplace = "rename-noreplace"
    /// An empty commit file claimed with `O_CREAT|O_EXCL`, then replaced by the complete
    /// temporary file with `rename(2)` (the Volumes FUSE mount: no hard links, no rename flags).
    case exclusiveClaim = "exclusive-create"
    /// No put-if-absent: check, then rename, under this host's writer lock.
    case unguarded = "unguarded-rename"
}

/// Puts a finished commit (`temporary`, complete and fsynced) at `path` only if no file is
/// there: the put-if-absent of the Delta protocol's "mutual exclusion" requirement.
///
/// The strongest operation the medium has is used, in this order:
/// 1. `link(2)` — readers see nothing, then the whole file; an existing file is never replaced.
/// 2. `renameat2(RENAME_NOREPLACE)` — the same guarantees, on media without hard links that
///    take rename flags (a FUSE server must implement them; the kernel answers EINVAL if not).
/// 3. Claim by `open(O_CREAT|O_EXCL)`, then `rename(2)` the temporary over the claim. The
///    exclusive create is the put-if-absent: of two writers, exactly one creates the file
///    (the VFS holds the directory lock across lookup and create, and a FUSE server is sent
///    O_EXCL). The content arrives by rename, which swaps the name atomically, so a reader
///    listing `_delta_log` sees no file, an empty one, or the complete commit — never a
///    partial one (writing the content into the claimed file could show a prefix that ends
///    at a line break and reads as a valid, smaller commit). An empty commit is a version
///    without actions: Delta readers (delta-rs, pyforge) read it as a no-op, so a writer
///    killed between claim and rename leaves a readable table. A writer that loses the race
///    to a claim waits for its content before it re-reads the log (`DeltaCommitter`).
/// 4. None of these (the exclusive create is refused as unsupported): there is no
///    put-if-absent. The commit is put in place by check-then-rename while holding an
///    exclusive `flock` on `_delta_log/.pyforge-commit.lock`, so writers on this host are
///    refused rather than allowed to replace each other's commits; the caller warns that
///    writers on other hosts are not detected.
enum DeltaLogPut {
    enum Outcome: Equatable {
        case created(CommitMethod)
        /// Another writer holds the version.
        case taken
    }

    /// Codes by which a medium says it lacks an operation (rather than that it failed):
    /// FUSE mounts answer ENOSYS or EPERM to link(2), and the kernel EINVAL to rename flags
    /// a FUSE server does not implement.
    static func isUnsupported(_ code: Int32) -> Bool {
        [ENOSYS, EPERM, EOPNOTSUPP, ENOTSUP, EXDEV, EMLINK, EINVAL].contains(code)
    }

    /// The same for an exclusive create, where EPERM is a real refusal (permissions).
    static func isUnsupportedCreate(_ code: Int32) -> Bool {
        [ENOSYS, EOPNOTSUPP, ENOTSUP, EINVAL].contains(code)
    }

    static func put(temporary: String, at path: String, medium: CommitMedium = .system) throws(ConversionError) -> Outcome {
        switch medium.hardLink(temporary, path) {
        case 0: return .created(.hardLink)
        case EEXIST: return .taken
        case let code where !isUnsupported(code): throw .io(operation: "commit to", path: path, reason: systemMessage(code))
        default: break
        }
        switch medium.renameNoReplace(temporary, path) {
        case 0: return .created(.renameNoReplace)
        case EEXIST: return .taken
        case let code where !isUnsupported(code): throw .io(operation: "commit to", path: path, reason: systemMessage(code))
        default: break
        }
        switch medium.createExclusive(path) {
        case 0:
            let code = medium.rename(temporary, path)
            // The claim stays (an empty, no-op version) if the content cannot follow it.
            guard code == 0 else { throw .io(operation: "move the commit's content into", path: path, reason: systemMessage(code)) }
            return .created(.exclusiveClaim)
        case EEXIST: return .taken
        case let code where !isUnsupportedCreate(code): throw .io(operation: "commit to", path: path, reason: systemMessage(code))
        default: return try unguardedPut(temporary: temporary, at: path, medium: medium)
        }
    }

    private static func unguardedPut(temporary: String, at path: String, medium: CommitMedium) throws(ConversionError) -> Outcome {
        let lockPath = String(path[..<path.lastIndex(of: "/")!]) + "/.pyforge-commit.lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw .io(operation: "create the commit lock", path: lockPath, reason: systemMessage(errno)) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else {
            throw .outputFailed(path: path, reason: "another writer is committing to this Delta table, and its storage offers no way to commit without overwriting (no hard links, rename flags or exclusive create); run the writes one after another")
        }
        if access(path, F_OK) == 0 { return .taken }
        let code = medium.rename(temporary, path)
        guard code == 0 else { throw .io(operation: "commit to", path: path, reason: systemMessage(code)) }
        return .created(.unguarded)
    }
}

/// `renameat2(2)` with `RENAME_NOREPLACE`, looked up at run time: Swift's Glibc module does
/// not declare it, and a C library without it (or a kernel answering ENOSYS) counts as
/// "unsupported".
enum SystemRenameNoReplace {
    private typealias Function = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameNoReplaceFlag: UInt32 = 1

    nonisolated(unsafe) private static let function: Function? = {
        #if os(Linux)
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "renameat2") else { return nil }
        return unsafeBitCast(symbol, to: Function.self)
        #else
        return nil
        #endif
    }()

    static func call(_ from: String, _ to: String) -> Int32 {
        guard let function else { return ENOSYS }
        return function(AT_FDCWD, from, AT_FDCWD, to, renameNoReplaceFlag) == 0 ? 0 : errno
    }
}
