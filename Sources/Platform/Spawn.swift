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
