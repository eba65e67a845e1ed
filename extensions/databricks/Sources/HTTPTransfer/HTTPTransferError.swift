#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request could not be completed at the transport level: no connection, a broken or
/// stalled one, a TLS failure, or an answer that is not HTTP/1.1. HTTP error statuses are
/// not errors here; they are answers.
public enum HTTPTransferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is not an absolute `http` or `https` URL with a host.
    case invalidURL(String)
    /// No connection could be made: the name did not resolve, or the host refused or was unreachable.
    case connectFailed(host: String, reason: String)
    /// Connecting took longer than the configured connect timeout.
    case connectTimeout(host: String)
    /// The connection closed before the response was complete.
    case connectionClosed
    /// The server sent nothing for longer than the stall timeout while we waited for its answer.
    case readTimeout
    /// The server accepted no data for longer than the stall timeout while we sent the body.
    case writeTimeout
    /// A streamed body produced a different number of bytes than its declared length.
    case bodyLengthMismatch(expected: Int64, sent: Int64)
    /// The TLS handshake or the encrypted stream failed (an untrusted certificate, for example).
    case tls(reason: String)
    /// The server's answer is not valid HTTP/1.1.
    case invalidResponse(reason: String)

    /// Whether trying again may help: everything but a malformed URL.
    public var isRetryable: Bool {
        if case .invalidURL = self { return false }
        return true
    }

    /// What went wrong, as a clause to follow "Could not transfer X: ".
    public var reason: String {
        switch self {
        case .invalidURL(let url): return "'\(url)' is not an http or https URL with a host"
        case .connectFailed(let host, let reason): return "could not connect to \(host) (\(reason))"
        case .connectTimeout(let host): return "connecting to \(host) timed out"
        case .connectionClosed: return "the connection closed before the transfer finished"
        case .readTimeout: return "the server stopped sending data"
        case .writeTimeout: return "the server stopped accepting data"
        case .bodyLengthMismatch(let expected, let sent):
            return "the local file changed size while it was being sent (\(sent) bytes instead of \(expected))"
        case .tls(let reason): return "the TLS connection failed (\(reason))"
        case .invalidResponse(let reason): return "the server's answer is not valid HTTP/1.1 (\(reason))"
        }
    }

    /// The reason as a sentence, with what to do about it.
    public var description: String {
        switch self {
        case .invalidURL: return "The request failed: \(reason). Give the full URL, for example https://adb-123.4.azuredatabricks.net."
        case .bodyLengthMismatch: return "The request failed: \(reason). Do not change the file while it is being uploaded."
        case .tls: return "The request failed: \(reason). Check the host name and that the system's CA certificates are installed."
        default: return "The request failed: \(reason). Check the host, your network connection and proxy, then try again."
        }
    }

    /// The transport error behind a NIO failure; other errors (a local file that could not
    /// be read, cancellation) are returned as they are.
    static func classify(_ error: any Error, host: String) -> any Error {
        switch error {
        case let error as HTTPTransferError:
            return error
        case let error as NIOConnectionError:
            if error.dnsAError != nil && error.dnsAAAAError != nil && error.connectionErrors.isEmpty {
                return HTTPTransferError.connectFailed(host: host, reason: "the host name could not be resolved")
            }
            if let first = error.connectionErrors.first {
                if case ChannelError.connectTimeout = first.error { return HTTPTransferError.connectTimeout(host: host) }
                return HTTPTransferError.connectFailed(host: host, reason: systemReason(first.error))
            }
            return HTTPTransferError.connectFailed(host: host, reason: "no address of the host answered")
        case ChannelError.connectTimeout:
            return HTTPTransferError.connectTimeout(host: host)
        case ChannelError.ioOnClosedChannel, ChannelError.eof, ChannelError.alreadyClosed, ChannelError.outputClosed,
            ChannelError.inputClosed:
            return HTTPTransferError.connectionClosed
        case HTTPParserError.invalidEOFState:
            return HTTPTransferError.connectionClosed
        case let error as HTTPParserError:
            return HTTPTransferError.invalidResponse(reason: "\(error)")
        case NIOSSLError.uncleanShutdown:
            return HTTPTransferError.connectionClosed
        case let error as NIOSSLError:
            return HTTPTransferError.tls(reason: "\(error)")
        case let error as NIOSSLExtraError:
            return HTTPTransferError.tls(reason: "\(error)")
        case let error as IOError:
            if [ECONNRESET, EPIPE, ECONNABORTED].contains(error.errnoCode) { return HTTPTransferError.connectionClosed }
            return HTTPTransferError.connectFailed(host: host, reason: systemReason(error))
        default:
            return error
        }
    }

    /// `Connection refused` for an I/O error, else the error's own words.
    private static func systemReason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return "\(error)" }
        return String(cString: strerror(error.errnoCode))
    }
}
