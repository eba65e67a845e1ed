#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The operating system's message for an errno value, e.g. "No such file or directory".
public func systemMessage(_ code: Int32) -> String {
    String(cString: strerror(code))
}
