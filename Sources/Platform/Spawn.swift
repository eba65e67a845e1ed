#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `posix_spawn` with Swift strings: the C copies of `arguments` (argv[0] first) and
/// `environment` live only for the call. Returns the child's pid, or the error number
/// `posix_spawn` gave. (Worker processes and extension processes both start this way.)
public func spawnProcess(
    _ executable: String, arguments: [String], environment: [String: String],
    actions: inout posix_spawn_file_actions_t, attributes: inout posix_spawnattr_t
) -> Result<pid_t, SpawnFailure> {
    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var child: pid_t = 0
    let status = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
    return status == 0 ? .success(child) : .failure(SpawnFailure(errorNumber: status))
}

/// Why `posix_spawn` failed: its error number.
public struct SpawnFailure: Error, Sendable {
    public let errorNumber: Int32
    public var reason: String { String(cString: strerror(errorNumber)) }
}

/// Spawn attributes for a child that starts with default signal handling and an empty mask,
/// whatever this process changed (it ignores SIGPIPE to survive dead pipes; the child must not
/// inherit that), and in a process group of its own when `ownProcessGroup` (so that a signal
/// to the group reaches its children too). Destroy with `posix_spawnattr_destroy`.
public func childSpawnAttributes(ownProcessGroup: Bool) -> posix_spawnattr_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    let group = ownProcessGroup ? POSIX_SPAWN_SETPGROUP : 0
    posix_spawnattr_setflags(&attributes, Int16(group | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
    if ownProcessGroup { posix_spawnattr_setpgroup(&attributes, 0) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGXFSZ] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    return attributes
}
