import Testing

@testable import DatabricksExtension

/// Moving a Files API commit that lost its version past the winners: the conflict rules of
/// pyforge's own Delta writer (blind appends commute; schema changes and, for an overwrite,
/// file changes do not).
@Suite struct DeltaCommitRebaseTests {
    static let protocolLine = #"{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}"#
    static func metadata(_ schema: String = "s1", partitions: [String] = []) -> String {
        let list = partitions.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"metaData":{"id":"t","schemaString":"\#(schema)","partitionColumns":[\#(list)],"configuration":{}}}"#
    }
    static func add(_ path: String) -> String { #"{"add":{"path":"\#(path)","partitionValues":{},"size":1,"dataChange":true}}"# }
    static func remove(_ path: String) -> String { #"{"remove":{"path":"\#(path)","dataChange":true}}"# }
    static let info = #"{"commitInfo":{"timestamp":1,"operation":"WRITE"}}"#

    static func commit(_ lines: String...) -> DeltaCommitText { DeltaCommitText(lines.joined(separator: "\n") + "\n") }

    @Test func anAppendMovesPastOtherAppendsUnchanged() throws {
        let ours = Self.commit(Self.add("part-b.parquet"), Self.info)
        let rebased = try DeltaCommitRebase.rebase(ours, over: [Self.commit(Self.add("part-x.parquet"), Self.info)], mode: "append", table: "/Volumes/c/s/v/t")
        #expect(rebased == ours)
    }

    @Test func aCreatingAppendJoinsATableCreatedFirstWithTheSameShape() throws {
        let ours = Self.commit(Self.protocolLine, Self.metadata(), Self.add("part-b.parquet"), Self.info)
        let winner = Self.commit(Self.protocolLine, Self.metadata(), Self.add("part-a.parquet"), Self.info)
        let rebased = try DeltaCommitRebase.rebase(ours, over: [winner], mode: "append", table: "t")
        #expect(rebased == Self.commit(Self.add("part-b.parquet"), Self.info))
    }

    @Test func aCreatingWriteThatLosesIsRefusedUnlessItAppendsToTheSameShape() {
        let ours = Self.commit(Self.protocolLine, Self.metadata(), Self.add("part-b.parquet"))
        let winner = Self.commit(Self.protocolLine, Self.metadata(), Self.add("part-a.parquet"))
        #expect(throws: ConversionFailure.self) { try DeltaCommitRebase.rebase(ours, over: [winner], mode: "error", table: "t") }
        let other = Self.commit(Self.protocolLine, Self.metadata("s2"), Self.add("part-a.parquet"))
        #expect(throws: ConversionFailure.self) { try DeltaCommitRebase.rebase(ours, over: [other], mode: "append", table: "t") }
        let partitioned = Self.commit(Self.protocolLine, Self.metadata(partitions: ["region"]))
        #expect(throws: ConversionFailure.self) { try DeltaCommitRebase.rebase(ours, over: [partitioned], mode: "append", table: "t") }
    }

    @Test func aSchemaChangeAheadConflicts() {
        let ours = Self.commit(Self.add("part-b.parquet"))
        #expect(throws: ConversionFailure.self) {
            try DeltaCommitRebase.rebase(ours, over: [Self.commit(Self.metadata("s2"))], mode: "append", table: "t")
        }
    }

    @Test func anOverwriteConflictsWithFileChangesButNotWithEmptyVersions() throws {
        let ours = Self.commit(Self.remove("part-a.parquet"), Self.add("part-c.parquet"))
        #expect(throws: ConversionFailure.self) {
            try DeltaCommitRebase.rebase(ours, over: [Self.commit(Self.add("part-x.parquet"))], mode: "overwrite", table: "t")
        }
        // An empty commit (a writer killed between its claim and its content) changes nothing.
        #expect(try DeltaCommitRebase.rebase(ours, over: [DeltaCommitText("")], mode: "overwrite", table: "t") == ours)
    }

    @Test func addedFilesArePercentDecoded() {
        let commit = Self.commit(Self.add("region=a%20b/part-1.parquet"), Self.add("part-2.parquet"), Self.info)
        #expect(commit.addedFiles == ["region=a b/part-1.parquet", "part-2.parquet"])
    }
}
