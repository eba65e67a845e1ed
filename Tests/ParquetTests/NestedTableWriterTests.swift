import Foundation
import Parquet
import Testing

@Suite struct NestedTableWriterTests {
    static let fields: [NestedField] = [
        NestedField("id", .int64, nullable: false),
        NestedField("info", .structure([
            NestedField("name", .string),
            NestedField("scores", .list(element: .int64, elementNullable: true)),
            NestedField("ok", .boolean),
        ])),
        NestedField("attrs", .map(key: .string, value: .string, valueNullable: true)),
        NestedField("tags", .list(element: .string, elementNullable: false)),
        NestedField("ratio", .double),
    ]

    @Test func pyarrowAndDuckDBReadStructsListsAndMaps() throws {
        let rows: [[NestedValue]] = [
            [.int(1), .structure([.string("a"), .list([.int(1), .null, .int(3)]), .boolean(true)]),
             .map([(.string("k"), .string("v")), (.string("n"), .null)]), .list([.string("x"), .string("y")]), .double(0.5)],
            [.int(2), .null, .map([]), .list([]), .null],
            [.int(3), .structure([.null, .list([]), .boolean(false)]), .null, .null, .double(-1)],
            [.int(4), .structure([.string("é"), .null, .null]), .map([(.string("only"), .string("one"))]), .list([.string("z")]), .double(2)],
        ]
        let sink = MemorySink()
        try NestedTableWriter.write(fields: Self.fields, rows: rows, to: sink)
        let path = temporaryPath("nested.parquet")
        try Data(sink.bytes).write(to: URL(fileURLWithPath: path))
        let dump = try runDump(path)
        let expected: [[String: Any]] = [
            ["id": 1, "info": ["name": "a", "scores": [1, NSNull(), 3], "ok": true], "attrs": [["k", "v"], ["n", NSNull()]], "tags": ["x", "y"], "ratio": 0.5],
            ["id": 2, "info": NSNull(), "attrs": [] as [Any], "tags": [] as [Any], "ratio": NSNull()],
            ["id": 3, "info": ["name": NSNull(), "scores": [] as [Any], "ok": false], "attrs": NSNull(), "tags": NSNull(), "ratio": -1.0],
            ["id": 4, "info": ["name": "é", "scores": NSNull(), "ok": NSNull()], "attrs": [["only", "one"]], "tags": ["z"], "ratio": 2.0],
        ]
        let actual = dump["rows"] as? [[String: Any]] ?? []
        #expect(NSArray(array: actual).isEqual(to: expected), "pyarrow read \(actual)")
        let schema = dump["schema"] as? String ?? ""
        #expect(schema.contains("attrs: map<string, string"), "\(schema)")
        #expect(schema.contains("id: int64 not null"), "\(schema)")
    }

    func runDump(_ path: String) throws -> [String: Any] {
        guard let python = IndependentReader.python else {
            Issue.record("No Python with pyarrow: run scripts/setup-python-env.sh")
            return [:]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [IndependentReader.repositoryRoot.appendingPathComponent("Tests/Support/nested_dump.py").path, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("pyarrow could not read the nested file: \(message)")
            return [:]
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}
