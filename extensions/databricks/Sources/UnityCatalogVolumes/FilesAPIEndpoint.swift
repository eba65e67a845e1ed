/// URLs of the Files API for volume paths.
enum FilesAPIEndpoint {
    /// `GET/PUT/HEAD {host}/api/2.0/fs/files{path}`.
    static func file(_ path: VolumePath, host: String) -> String {
        host + "/api/2.0/fs/files" + encoded(path)
    }

    /// `PUT {host}/api/2.0/fs/directories{path}`.
    static func directory(_ path: VolumePath, host: String) -> String {
        host + "/api/2.0/fs/directories" + encoded(path)
    }

    /// `/Volumes/...` with every component percent-encoded, so spaces, `#`, `?`, `%` and
    /// non-ASCII names survive the trip.
    static func encoded(_ path: VolumePath) -> String {
        let components = [path.catalog, path.schema, path.volume] + path.components
        return "/Volumes/" + components.map(percentEncoded).joined(separator: "/")
    }

    /// Leaves only RFC 3986 unreserved characters as they are; encodes every other UTF-8 byte.
    static func percentEncoded(_ component: String) -> String {
        var result = ""
        for byte in component.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return result
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
