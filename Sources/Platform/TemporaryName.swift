#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The hidden name of an output being written, `.<name>.pyforge-<host>-<pid>-<start>-XXXXXX`:
/// besides mkstemp's random part it carries who writes it (a hash of the host name, the
/// process id and the process's start time, field 22 of /proc/PID/stat), so a later run
/// can tell a file whose writer died (kill -9, a power cut) from one still being written,
/// even when the process id was reused.
public struct TemporaryName: Equatable, Sendable {
    public var host: String
    public var pid: Int32
    public var startTime: UInt64

    public static let marker = ".pyforge-"
    /// Names stay within NAME_MAX (255 bytes) with the marker and the writer's fields.
    public static let maxStemBytes = 160

    /// This process as a writer.
    public static let current = TemporaryName(host: hostHash, pid: getpid(), startTime: startTime(of: getpid()) ?? 0)

    /// The mkstemp template for an output called `name`, without the directory.
    public static func template(for name: String) -> String {
        prefix(for: name) + "\(current.host)-\(current.pid)-\(current.startTime)-XXXXXX"
    }

    /// What every temporary of the output `name` starts with.
    public static func prefix(for name: String) -> String {
        var stem = Substring(name)
        while stem.utf8.count > maxStemBytes { stem = stem.dropLast() }
        return "." + stem + marker
    }

    /// The writer named in a temporary file's name, or nil for any other name (including
    /// temporaries of older versions, which name no writer and are left alone).
    public init?(fileName: String) {
        let bytes = Array(fileName.utf8), marker = Array(Self.marker.utf8)
        guard bytes.first == UInt8(ascii: "."), bytes.count > marker.count,
              let start = (0...(bytes.count - marker.count)).last(where: { bytes[$0..<($0 + marker.count)].elementsEqual(marker) })
        else { return nil }
        let fields = bytes[(start + marker.count)...].split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard fields.count == 4, fields[0].utf8.count == 8, fields[3].utf8.count == 6,
              let pid = Int32(fields[1]), pid > 0, let start = UInt64(fields[2]) else { return nil }
        self.init(host: String(fields[0]), pid: pid, startTime: start)
    }

    public init(host: String, pid: Int32, startTime: UInt64) {
        self.host = host
        self.pid = pid
        self.startTime = startTime
    }

    /// True only when the writer is provably gone: it ran on this host and no process with
    /// its id and start time exists. A writer on another host (a shared file system) is
    /// never judged.
    public var writerIsDead: Bool {
        guard host == Self.hostHash else { return false }
        if pid == Self.current.pid && startTime == Self.current.startTime { return false }
        guard let start = Self.startTime(of: pid) else {
            // No /proc entry: gone, unless /proc itself is missing.
            return access("/proc/self/stat", F_OK) == 0
        }
        return start != startTime
    }

    /// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard let text = systemFileText("/proc/\(pid)/stat"), let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name (which may hold spaces) start at field 3.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }

    /// FNV-1a of the host name, as 8 hex digits.
    public static let hostHash: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        var hash: UInt32 = 2_166_136_261
        for byte in buffer.prefix(while: { $0 != 0 }).map({ UInt8(bitPattern: $0) }) { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }()
}
