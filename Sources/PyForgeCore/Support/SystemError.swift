#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's message for an errno value, e.g. "No such file or directory".
func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// Seconds from a monotonic clock, for durations and throughput.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
