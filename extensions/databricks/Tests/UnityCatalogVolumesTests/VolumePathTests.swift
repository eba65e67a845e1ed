import Testing

@testable import UnityCatalogVolumes

@Suite struct VolumePathTests {
    @Test(arguments: [
        ("/Volumes/main/sales/raw/orders.csv", "main", "sales", "raw", ["orders.csv"]),
        ("dbfs:/Volumes/main/sales/raw/a/b.csv", "main", "sales", "raw", ["a", "b.csv"]),
        ("/Volumes/main/sales/raw", "main", "sales", "raw", []),
        ("/Volumes/main/sales/raw/", "main", "sales", "raw", []),
        ("/Volumes/main/sales/raw/dir/", "main", "sales", "raw", ["dir"]),
        ("/Volumes/Main/my-schema/raw_2024/a file #1?.csv", "Main", "my-schema", "raw_2024", ["a file #1?.csv"]),
        ("/Volumes/cat/sch/vol/données/日本.csv", "cat", "sch", "vol", ["données", "日本.csv"]),
        ("/Volumes/c/s/v/.hidden", "c", "s", "v", [".hidden"]),
    ])
    func parsesValidPaths(text: String, catalog: String, schema: String, volume: String, components: [String]) throws {
        let path = try VolumePath(parsing: text)
        #expect(path.catalog == catalog)
        #expect(path.schema == schema)
        #expect(path.volume == volume)
        #expect(path.components == components)
        #expect(path.path == (["/Volumes", catalog, schema, volume] + components).joined(separator: "/"))
        #expect(path.description == path.path)
    }

    @Test(arguments: [
        ("/Volumes/main/sales", VolumePathError.Problem.missing(.volume), "it names no volume"),
        ("/Volumes/main", .missing(.schema), "it names no schema"),
        ("/Volumes/", .missing(.catalog), "it names no catalog"),
        ("/Volumes", .missing(.catalog), "it names no catalog"),
        ("dbfs:/Volumes", .missing(.catalog), "it names no catalog"),
        ("/Volumes//sales/raw/x", .emptyComponent, "empty component"),
        ("/Volumes/main/sales/raw/a//b", .emptyComponent, "empty component"),
        ("/Volumes/main/sales/raw/a/../b", .relativeComponent(".."), "'..'"),
        ("/Volumes/main/sales/raw/./b", .relativeComponent("."), "'.'"),
        ("/Volumes/main/sales/raw/a\u{7}b", .controlCharacter("a\u{7}b"), "control character"),
        ("/Volumes/main/sa les/raw/x", .invalidName(.schema, "sa les", .forbiddenCharacter(" ")), "a space"),
        ("/Volumes/main.x/sales/raw/x", .invalidName(.catalog, "main.x", .forbiddenCharacter(".")), "'.'"),
        ("/volumes/main/sales/raw/x", .notUnderVolumes, "does not start with /Volumes/"),
        ("Volumes/main/sales/raw/x", .notUnderVolumes, "does not start with /Volumes/"),
        ("/tmp/x.csv", .notUnderVolumes, "does not start with /Volumes/"),
        ("dbfs:/mnt/x", .dbfsOutsideVolumes, "only Unity Catalog Volumes are supported"),
        ("dbfs:/FileStore/x.csv", .dbfsOutsideVolumes, "only Unity Catalog Volumes are supported"),
    ])
    func rejectsInvalidPaths(text: String, problem: VolumePathError.Problem, reason: String) {
        let error = #expect(throws: VolumePathError.self) { try VolumePath(parsing: text) }
        #expect(error?.problem == problem)
        let message = error?.description ?? ""
        #expect(message.contains(reason), "\(message)")
        #expect(message.hasSuffix(
            "A volume path looks like /Volumes/<catalog>/<schema>/<volume>/<path>, for example /Volumes/main/sales/raw/orders.csv."))
    }

    @Test func messageForAMissingVolume() {
        let error = #expect(throws: VolumePathError.self) { try VolumePath(parsing: "/Volumes/main/sales") }
        #expect(error?.description == """
            '/Volumes/main/sales' is not a Unity Catalog Volume path: it names no volume. \
            A volume path looks like /Volumes/<catalog>/<schema>/<volume>/<path>, for example /Volumes/main/sales/raw/orders.csv.
            """)
    }

    @Test func controlCharactersAreEscapedInMessages() {
        let error = #expect(throws: VolumePathError.self) { try VolumePath(parsing: "/Volumes/c/s/v/a\nb") }
        #expect(error?.description.contains("\n") == false)
        #expect(error?.description.contains("a\\nb") == true)
    }

    @Test func namesLongerThan255CharactersAreRejected() throws {
        let longest = String(repeating: "v", count: 255)
        #expect(try VolumePath(parsing: "/Volumes/c/s/\(longest)").volume == longest)
        let error = #expect(throws: VolumePathError.self) { try VolumePath(parsing: "/Volumes/c/s/\(longest)v") }
        #expect(error?.problem == .invalidName(.volume, longest + "v", .tooLong(256)))
        #expect(error?.description.contains("more than Unity Catalog's 255") == true)
    }

    @Test(arguments: [
        ("/Volumes/c/s/v/x", true), ("dbfs:/Volumes/c/s/v", true), ("/Volumes/", true),
        ("/volumes/c/s/v", false), ("/Volumes", false), ("dbfs:/mnt/x", false), ("./Volumes/c", false), ("s3://b/k", false),
    ])
    func looksLikeVolumePath(text: String, expected: Bool) {
        #expect(VolumePath.looksLikeVolumePath(text) == expected)
    }

    @Test func parentAndLastComponent() throws {
        let file = try VolumePath(parsing: "/Volumes/c/s/v/a/b.csv")
        #expect(file.lastComponent == "b.csv")
        #expect(file.parent?.path == "/Volumes/c/s/v/a")
        #expect(file.parent?.parent?.path == "/Volumes/c/s/v")
        #expect(file.parent?.parent?.parent == nil)
        #expect(file.parent?.parent?.lastComponent == nil)
        #expect(file.volumeRoot.path == "/Volumes/c/s/v")
        #expect(file.volumeFullName == "c.s.v")
    }

    @Test func dbfsAndPlainFormsAreEqual() throws {
        #expect(try VolumePath(parsing: "dbfs:/Volumes/c/s/v/x") == VolumePath(parsing: "/Volumes/c/s/v/x"))
    }
}

@Suite struct FilesAPIEndpointTests {
    @Test func percentEncodesEveryComponent() throws {
        let path = try VolumePath(parsing: "/Volumes/main/my-schema/raw/a b/#1?%/日本.csv")
        #expect(FilesAPIEndpoint.file(path, host: "https://h") ==
            "https://h/api/2.0/fs/files/Volumes/main/my-schema/raw/a%20b/%231%3F%25/%E6%97%A5%E6%9C%AC.csv")
        #expect(FilesAPIEndpoint.directory(path.parent!, host: "https://h") ==
            "https://h/api/2.0/fs/directories/Volumes/main/my-schema/raw/a%20b/%231%3F%25")
    }

    @Test func unreservedCharactersStay() {
        #expect(FilesAPIEndpoint.percentEncoded("Az09-._~") == "Az09-._~")
        #expect(FilesAPIEndpoint.percentEncoded("a+b&c=d") == "a%2Bb%26c%3Dd")
    }
}

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesWithinJitterAndCaps() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(500), maxDelay: .seconds(3), jitter: 0.2)
        for (retry, nominal) in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)] {
            let seconds = policy.delay(beforeRetry: retry).seconds
            #expect(seconds >= nominal * 0.8 - 0.001 && seconds <= nominal * 1.2 + 0.001, "retry \(retry): \(seconds)")
        }
    }

    @Test func retryAfterWinsAndIsCapped() {
        let policy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(1), maxRetryAfter: .seconds(10))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(beforeRetry: 1, retryAfter: .seconds(600)) == .seconds(10))
    }

    @Test func defaultPolicy() {
        #expect(RetryPolicy.default.maxAttempts == 5)
        #expect(RetryPolicy.default.baseDelay == .milliseconds(500))
        #expect(RetryPolicy(maxAttempts: 0, baseDelay: .zero).maxAttempts == 1)
    }

    @Test func parsesRetryAfter() {
        #expect(RetryAfter.parse("3") == .seconds(3))
        #expect(RetryAfter.parse(" 0 ") == .seconds(0))
        #expect(RetryAfter.parse("soon") == nil)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT") == .zero)  // a date in the past: retry now
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
