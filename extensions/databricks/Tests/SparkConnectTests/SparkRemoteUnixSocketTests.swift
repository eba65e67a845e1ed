import Testing

@testable import SparkConnect

/// `unix://` remotes: the notebook's own Spark on Databricks
/// (`unix:///databricks/sparkconnect/grpc.sock;user_id=…;session_id=…`, the form public
/// Databricks Connect clients show), with gRPC's socket naming and sc://'s parameters.
@Suite struct SparkRemoteUnixSocketTests {
    static let notebook = "unix:///databricks/sparkconnect/grpc.sock;user_id=4711;session_id=550E8400-E29B-41D4-A716-446655440000"

    @Test func theNotebookForm() throws {
        let remote = try SparkRemote(parsing: Self.notebook)
        #expect(remote.unixSocketPath == "/databricks/sparkconnect/grpc.sock")
        #expect(remote.userID == "4711" && remote.sessionID == "550e8400-e29b-41d4-a716-446655440000")
        #expect(!remote.useTLS && remote.token == nil && remote.headers.isEmpty)
        #expect(remote.description == "unix:///databricks/sparkconnect/grpc.sock")
    }

    // gRPC's naming also writes an absolute socket path with one slash.
    @Test func oneSlashFormAndNoParameters() throws {
        #expect(try SparkRemote(parsing: "unix:/tmp/spark.sock").unixSocketPath == "/tmp/spark.sock")
        #expect(try SparkRemote(parsing: "unix:///tmp/spark.sock").unixSocketPath == "/tmp/spark.sock")
    }

    @Test func otherParametersAsForSc() throws {
        let remote = try SparkRemote(parsing: "unix:///s.sock;user_agent=nb;x-databricks-session-id=abc;grpc_keepalive_time_ms=5;token=t%3D")
        #expect(remote.userAgent == "nb")
        #expect(remote.headers == ["x-databricks-session-id": "abc"])
        // A token on a local socket is sent without TLS, and never shown.
        #expect(remote.token == "t=" && !remote.useTLS)
        #expect(remote.description == "unix:///s.sock with a token")
    }

    @Test(arguments: [
        ("unix://", "names no socket path"),
        ("unix://databricks/grpc.sock", "must be absolute"),
        ("unix:relative.sock", "must be absolute"),
        ("unix:///", "names a directory"),
        ("unix:///run/spark/", "names a directory"),
        ("unix:///s.sock;use_ssl=true", "does not use"),
        ("unix:///s.sock;session_id=nope", "session_id must be a UUID"),
        ("unix:///s.sock;Token=SECRETVALUE", "case sensitive"),
        ("unix:///s.sock;SECRETVALUE", "is not key=value"),
        ("unix:///" + String(repeating: "d", count: 107), "more than the 107"),
    ])
    func malformedRemotesAreFullSentences(text: String, problem: String) {
        #expect {
            try SparkRemote(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains("is not a Spark Connect socket address") && message.contains(problem)
                && message.hasSuffix("session_id=UUID.") && !message.contains("SECRETVALUE")
        }
    }

    @Test func theLongestSocketPathFits() throws {
        let path = "/" + String(repeating: "d", count: 106)
        #expect(try SparkRemote(parsing: "unix://" + path).unixSocketPath == path)
    }

    @Test func scRemotesStillNameTheAlternative() {
        #expect {
            try SparkRemote(parsing: "tcp://h:1")
        } throws: { error in "\(error)".contains("does not start with sc:// (or unix:// for a Unix-domain socket)") }
    }
}
