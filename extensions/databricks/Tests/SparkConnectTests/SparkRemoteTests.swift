import Testing

@testable import SparkConnect

/// The connection string as Spark specifies it (apache/spark,
/// connector/connect/docs/client-connection-string.md): each test names the rule or example
/// of the specification it checks. Where the specification is silent, pyspark 4.3's
/// `DefaultChannelBuilder` is the reference and the test says so.
@Suite struct SparkRemoteTests {
    // "The below example connects to port 15002 on myhost.com": sc://myhost.com/
    @Test func specExampleDefaultPort() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com/")
        #expect(remote.host == "myhost.com" && remote.port == 15002)
        #expect(!remote.useTLS && remote.token == nil && remote.headers.isEmpty)
    }

    // "use a different port with SSL": sc://myhost.com:443/;use_ssl=true
    @Test func specExampleOtherPortWithSSL() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com:443/;use_ssl=true")
        #expect(remote.host == "myhost.com" && remote.port == 443 && remote.useTLS && remote.token == nil)
    }

    // sc://myhost.com:443/;use_ssl=true;token=ABCDEFG
    @Test func specExampleSSLAndToken() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com:443/;use_ssl=true;token=ABCDEFG")
        #expect(remote.useTLS && remote.token == "ABCDEFG")
        #expect(remote.headers.isEmpty)  // the token travels as bearer authentication, not as a header
    }

    // "The default value [of use_ssl] is false": port 443 alone does not mean TLS.
    @Test func useSSLDefaultsToFalseWhateverThePort() throws {
        #expect(try !SparkRemote(parsing: "sc://myhost.com:443/").useTLS)
        #expect(try !SparkRemote(parsing: "sc://myhost.com:443/;use_ssl=false").useTLS)
        #expect(try SparkRemote(parsing: "sc://myhost.com:15002/;use_ssl=true").useTLS)
    }

    // token: "Setting this value enables SSL." (use_ssl=false does not turn it off: pyspark's
    // `secure` is use_ssl or a token).
    @Test(arguments: ["sc://myhost.com/;token=ABCDEFGH", "sc://myhost.com:15002/;token=ABCDEFGH;use_ssl=false", "sc://10.0.0.7/;token=t"])
    func tokenEnablesSSL(text: String) throws {
        #expect(try SparkRemote(parsing: text).useTLS)
    }

    // pyspark keeps a token on a loopback connection without TLS (gRPC local credentials):
    // the token never leaves the machine.
    @Test(arguments: ["sc://localhost/;token=t", "sc://127.0.0.1:15002/;token=t", "sc://[::1]:15002/;token=t"])
    func tokenOnLoopbackStaysPlaintext(text: String) throws {
        let remote = try SparkRemote(parsing: text)
        #expect(remote.token == "t" && !remote.useTLS)
        #expect(try SparkRemote(parsing: text + ";use_ssl=true").useTLS)
    }

    // "user_id=Martin": the user for UserContext, not a header.
    @Test func userID() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com/;user_id=Martin")
        #expect(remote.userID == "Martin" && remote.headers.isEmpty)
    }

    // "user_agent=my_data_query_app": the application acting for the user.
    @Test func userAgent() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com/;user_agent=my_data_query_app")
        #expect(remote.userAgent == "my_data_query_app" && remote.headers.isEmpty)
        #expect(try SparkRemote(parsing: "sc://myhost.com/").userAgent == nil)
    }

    // "session_id=550e8400-e29b-41d4-a716-446655440000"; "The value must be provided in a
    // valid UUID string format."
    @Test func sessionIDIsAUUID() throws {
        #expect(try SparkRemote(parsing: "sc://myhost.com/;session_id=550e8400-e29b-41d4-a716-446655440000").sessionID
            == "550e8400-e29b-41d4-a716-446655440000")
        #expect(try SparkRemote(parsing: "sc://myhost.com/;session_id=550E8400-E29B-41D4-A716-446655440000").sessionID
            == "550e8400-e29b-41d4-a716-446655440000")
        #expect(try SparkRemote(parsing: "sc://myhost.com/").sessionID == nil)
    }

    @Test(arguments: ["my-session", "550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-44665544000g", ""])
    func sessionIDThatIsNotAUUIDIsRejected(value: String) {
        #expect(throws: SparkConnectError.self) { try SparkRemote(parsing: "sc://myhost.com/;session_id=\(value)") }
    }

    // Parameters other than the specification's are sent as gRPC metadata (pyspark's
    // ChannelBuilder.metadata): this is how Databricks' cluster id travels.
    @Test func otherParametersBecomeMetadata() throws {
        let remote = try SparkRemote(parsing: "sc://myhost.com/;token=t;x-databricks-cluster-id=0123-abc;user_id=ana")
        #expect(remote.headers == ["x-databricks-cluster-id": "0123-abc"])
        #expect(remote.token == "t" && remote.userID == "ana")
    }

    // pyspark reads its gRPC channel options from the string; they are not metadata.
    @Test func channelOptionsAreNotMetadata() throws {
        #expect(try SparkRemote(parsing: "sc://h/;grpc_keepalive_time_ms=30000;grpc_max_message_size=1024").headers.isEmpty)
    }

    // "All parameters are interpreted case sensitive": Token is not token. It cannot be sent
    // as metadata either (gRPC names are lowercase), so it is an error, not a silent header.
    @Test(arguments: ["Token", "USE_SSL", "User_Id"])
    func parameterNamesAreCaseSensitive(name: String) {
        #expect {
            try SparkRemote(parsing: "sc://myhost.com/;\(name)=hunter2")
        } throws: { error in
            let message = "\(error)"
            return message.contains(name) && !message.contains("hunter2")
        }
    }

    // Values may be percent-encoded (pyspark unquotes them); names are not decoded.
    @Test func valuesArePercentDecoded() throws {
        let remote = try SparkRemote(parsing: "sc://h/;token=a%3Db%2Fc;user_id=J%C3%BCrgen")
        #expect(remote.token == "a=b/c" && remote.userID == "Jürgen")
    }

    // The specification asks for a valid URI, where an empty port means the default one.
    @Test func emptyPortIsTheDefault() throws {
        #expect(try SparkRemote(parsing: "sc://myhost.com:/").port == 15002)
    }

    @Test func ipAddresses() throws {
        #expect(try SparkRemote(parsing: "sc://127.0.0.1").host == "127.0.0.1")
        let v6 = try SparkRemote(parsing: "sc://[2001:db8::1]:15003/")
        #expect(v6.host == "2001:db8::1" && v6.port == 15003)
    }

    // Invalid: "the server path cannot be configured": sc://myhost.com:443/mypathprefix/;token=AAAAAAA;
    // "The path component must be empty"; the scheme "is fixed and set to sc://"; "hostnames
    // have to be valid and cannot contain arbitrary characters"; "Any valid port number".
    @Test(arguments: [
        "sc://myhost.com:443/mypathprefix/;token=AAAAAAA", "http://myhost.com:15002", "SC://myhost.com", "sc://:15002",
        "sc://myhost.com:99999", "sc://myhost.com:0", "sc://myhost.com:x", "sc://my_host!.com", "sc://user@myhost.com",
        "sc://-myhost.com", "sc://my..host", "sc://[::1", "sc://[not-v6]:1", "sc://myhost.com;token=AAAAAAA",
        "sc://myhost.com/;token", "sc://myhost.com/;=x", "sc://myhost.com/;use_ssl=maybe;token=AAAAAAA",
    ])
    func invalidAddressesAreRejectedWithoutEchoingTheToken(text: String) {
        #expect {
            try SparkRemote(parsing: text)
        } throws: { error in
            let message = "\(error)"
            return message.contains("is not a Spark Connect address") && !message.contains("AAAAAAA")
        }
    }

    @Test func descriptionNeverShowsTheToken() throws {
        let remote = try SparkRemote(parsing: "sc://h:1/;token=hunter2")
        #expect(!remote.description.contains("hunter2"))
        #expect(remote.description == "sc://h:1 (TLS) with a token")
    }

    @Test func sessionIDsAreVersion4UUIDs() {
        let id = SparkSession.newSessionID()
        #expect(SparkRemote.isUUID(id))
        let groups = id.split(separator: "-")
        #expect(groups[2].first == "4")
        #expect("89ab".contains(groups[3].first!))
        #expect(id != SparkSession.newSessionID())
    }
}
