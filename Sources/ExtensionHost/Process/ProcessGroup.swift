import Platform
import Pipeline

/// The members of a process group, as far as they can still do anything.
enum ProcessGroup {
    /// Waits until no process of group `pgid` can run, at most `seconds`; true when none can.
    @discardableResult
    static func waitUntilGone(_ pgid: pid_t, seconds: Double) -> Bool {
        let deadline = monotonicSeconds() + seconds
        while hasRunningMembers(pgid) {
            if monotonicSeconds() >= deadline { return false }
            usleep(1_000)
        }
        return true
    }

    /// True while a process of group `pgid` is alive. Zombies do not count: they hold no
    /// files, and the orphans among them are reaped by init, not by us.
    static func hasRunningMembers(_ pgid: pid_t) -> Bool {
        if kill(-pgid, 0) != 0 && errno == ESRCH { return false }
        #if os(Linux)
        return directoryEntries("/proc").contains { entry in
            guard let pid = pid_t(entry), let (state, group) = stateAndGroup(pid) else { return false }
            return group == pgid && state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
        }
        #else
        return true
        #endif
    }

    #if os(Linux)
    /// The state letter and process group from `/proc/<pid>/stat` ("pid (comm) S ppid pgrp …";
    /// the command may hold spaces and parentheses, so fields are counted from the last ')').
    private static func stateAndGroup(_ pid: pid_t) -> (UInt8, pid_t)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0, let close = buffer[0..<n].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 2, let state = fields[0].first, let group = pid_t(String(decoding: fields[2], as: UTF8.self)) else {
            return nil
        }
        return (state, group)
    }
    #endif
}
