import Platform
import FormatKit

/// Why a worker process died, in words for the failure message: a crash (the signal's
/// name) or the kernel's out-of-memory killer (seen in the memory cgroup's `oom_kill`
/// counter, which rises when it kills something).
public enum WorkerDeath {
    /// The sentence naming the input and how its conversion ended.
    public static func error(input: String, signal: Int32, oomKillsBefore: Int?) -> ConversionError {
        if signal == SIGKILL, let before = oomKillsBefore, let after = outOfMemoryKills(), after > before {
            return .conversionCrashed(input: input, reason: "ran out of memory (the kernel's out-of-memory killer stopped it); no output was written for it. Convert it with fewer --workers, or on a machine with more memory.")
        }
        if signal == SIGKILL, oomKillsBefore == nil || outOfMemoryKills() == nil {
            // No memory cgroup to ask: the out-of-memory killer is the likely sender.
            return .conversionCrashed(input: input, reason: "was killed (SIGKILL), most likely by the kernel's out-of-memory killer; no output was written for it. Convert it with fewer --workers or a smaller --max-memory, or on a machine with more memory.")
        }
        return .conversionCrashed(input: input, reason: "crashed (\(name(of: signal))); no output was written for it. Please report this with the input file (a smaller copy that fails the same way helps).")
    }

    /// A worker that ended without a result it could report (it exited before writing one).
    public static func error(input: String, exitStatus: Int32) -> ConversionError {
        if exitStatus == MemoryBackstop.exhaustedStatus {
            return .conversionCrashed(input: input, reason: MemoryBackstop.exhaustedReason(budget: MemoryBudget.current.bytes) + ".")
        }
        return .conversionCrashed(input: input, reason: "stopped without a result (exit status \(exitStatus)); no output was written for it. Run 'pyforge convert' on it alone to see why.")
    }

    public static func name(of signal: Int32) -> String {
        let names: [Int32: String] = [
            SIGSEGV: "SIGSEGV", SIGBUS: "SIGBUS", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP", SIGABRT: "SIGABRT",
            SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGTERM: "SIGTERM", SIGINT: "SIGINT", SIGHUP: "SIGHUP",
            SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ", SIGPIPE: "SIGPIPE",
        ]
        return names[signal] ?? "signal \(signal)"
    }

    /// Processes the out-of-memory killer ended in our memory cgroup so far (v2 or v1), or
    /// nil when no cgroup tells.
    public static func outOfMemoryKills() -> Int? {
        var candidates: [String] = []
        if let lines = systemFileText("/proc/self/cgroup")?.split(separator: "\n") {
            for line in lines {
                let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { continue }
                if parts[0] == "0" { candidates.append("/sys/fs/cgroup\(parts[2])/memory.events") }
                if parts[1].split(separator: ",").contains("memory") { candidates.append("/sys/fs/cgroup/memory\(parts[2])/memory.oom_control") }
            }
        }
        // Inside a container the cgroup is the mount's root.
        candidates += ["/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"]
        for path in candidates {
            guard let text = systemFileText(path) else { continue }
            for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
                if let value = Int(line.dropFirst("oom_kill ".count)) { return value }
            }
        }
        return nil
    }
}
