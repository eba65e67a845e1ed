import Testing

@testable import SparkConnect

@Suite struct SparkRemoteTests {
    @Test func parsesHostPortAndParameters() throws {
        let remote = try SparkRemote(parsing: "sc://127.0.0.1:15002/;token=secret;user_id=ana;x-databricks-cluster-id=0123-abc")
        #expect(remote.host == "127.0.0.1" && remote.port == 15002)
        #expect(remote.token == "secret" && remote.userID == "ana" && !remote.useTLS)
        #expect(remote.headers == ["x-databricks-cluster-id": "0123-abc"])
    }

    @Test func defaultsPortAndInfersTLSOn443() throws {
        #expect(try SparkRemote(parsing: "sc://spark.local").port == 15002)
        #expect(try SparkRemote(parsing: "sc://adb-1.azuredatabricks.net:443/;token=t").useTLS)
        #expect(try !SparkRemote(parsing: "sc://h:443/;use_ssl=false").useTLS)
        #expect(try SparkRemote(parsing: "sc://h:15002/;use_ssl=true").useTLS)
        #expect(try SparkRemote(parsing: "sc://[::1]:15003").host == "::1")
    }

    @Test func rejectsBadAddressesWithoutEchoingTheToken() {
        for text in ["http://h:15002", "sc://:15002", "sc://h:99999", "sc://h:15002/path", "sc://h/;token", "sc://h/;use_ssl=maybe;token=hunter2"] {
            #expect {
                _ = try SparkRemote(parsing: text)
            } throws: { error in
                let message = "\(error)"
                return message.contains("sc://host") && !message.contains("hunter2")
            }
        }
    }

    @Test func descriptionNeverShowsTheToken() throws {
        let remote = try SparkRemote(parsing: "sc://h:1/;token=hunter2")
        #expect(!remote.description.contains("hunter2"))
        #expect(remote.description.contains("with a token"))
    }

    @Test func sessionIDsAreVersion4UUIDs() {
        let id = SparkSession.newSessionID()
        let groups = id.split(separator: "-")
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(groups[2].first == "4")
        #expect("89ab".contains(groups[3].first!))
        #expect(id != SparkSession.newSessionID())
    }
}
