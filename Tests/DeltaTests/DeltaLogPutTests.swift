import TestSupport
import Columnar
import Foundation
import Testing

@testable import Delta
@testable import FormatKit

/// The commit primitive on media that lack hard links (the Unity Catalog Volumes FUSE mount
/// answers ENOSYS, delta-io/delta-rs#2540), rename flags (a FUSE server that does not
/// implement them: EINVAL) or even an exclusive create: each falls back to the next
/// operation, and none ever replaces a commit that is already there.
@Suite struct DeltaLogPutTests {
    static let noLink: @Sendable (String, String) -> Int32 = { _, _ in ENOSYS }
    static let noRenameFlags: @Sendable (String, String) -> Int32 = { _, _ in EINVAL }

    static var withoutLinks: CommitMedium {
        var medium = CommitMedium.system
        medium.hardLink = noLink
        return medium
    }

    static var volumesLike: CommitMedium {
        var medium = withoutLinks
        medium.renameNoReplace = noRenameFlags
        return medium
    }

    static var withoutPutIfAbsent: CommitMedium {
        var medium = volumesLike
        medium.createExclusive = { _ in EOPNOTSUPP }
        return medium
    }

    /// A finished temporary commit holding `text` in `directory`.
    static func temporary(_ directory: URL, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(".\(UUID().uuidString).json.tmp").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("system", CommitMethod.hardLink), ("withoutLinks", .renameNoReplace), ("volumesLike", .exclusiveClaim),
        ("withoutPutIfAbsent", .unguarded),
    ])
    func firstWriterWinsAndTheSecondNeverReplacesIt(mediumName: String, expected: CommitMethod) throws {
        let medium = ["system": CommitMedium.system, "withoutLinks": Self.withoutLinks, "volumesLike": Self.volumesLike,
                      "withoutPutIfAbsent": Self.withoutPutIfAbsent][mediumName]!
        let directory = try makeTemporaryDirectory()
        let target = directory.appendingPathComponent("00000000000000000000.json").path
        let first = try Self.temporary(directory, "first\n")
        #expect(try DeltaLogPut.put(temporary: first, at: target, medium: medium) == .created(expected))
        let second = try Self.temporary(directory, "second\n")
        #expect(try DeltaLogPut.put(temporary: second, at: target, medium: medium) == .taken)
        #expect(Self.contents(target) == "first\n")
        #expect(Self.contents(second) == "second\n")  // the loser's content is untouched, for its retry
    }

    @Test func aRealFailureIsReportedNotTakenForUnsupported() throws {
        var medium = CommitMedium.system
        medium.hardLink = { _, _ in EIO }
        let directory = try makeTemporaryDirectory()
        let temporary = try Self.temporary(directory, "x\n")
        #expect(throws: ConversionError.self) {
            try DeltaLogPut.put(temporary: temporary, at: directory.appendingPathComponent("0.json").path, medium: medium)
        }
        var denied = Self.volumesLike
        denied.createExclusive = { _ in EACCES }
        #expect(throws: ConversionError.self) {
            try DeltaLogPut.put(temporary: temporary, at: directory.appendingPathComponent("1.json").path, medium: denied)
        }
    }

    @Test func withoutPutIfAbsentASecondWriterOnThisHostIsRefused() throws {
        let directory = try makeTemporaryDirectory()
        // Another writer holds the commit lock (flock is per open file, so this conflicts).
        let lock = open(directory.appendingPathComponent(".pyforge-commit.lock").path, O_RDWR | O_CREAT, 0o644)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX) == 0)
        let temporary = try Self.temporary(directory, "x\n")
        let target = directory.appendingPathComponent("00000000000000000000.json").path
        #expect(throws: ConversionError.self) {
            try DeltaLogPut.put(temporary: temporary, at: target, medium: Self.withoutPutIfAbsent)
        }
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    // MARK: The committer on a Volumes-like medium

    static let schema = Schema([Field(name: "id", type: .int64, nullable: true)])

    static func plan(_ table: String, mode: DeltaWriteMode, file: String, snapshot: DeltaSnapshot?) -> DeltaCommitter.Plan {
        DeltaCommitter.Plan(
            table: table, mode: mode, schema: schema, partitionColumns: [],
            files: [WrittenDataFile(relativePath: file, absolutePath: table + "/" + file, size: 10, partitionValues: [:],
                                    stats: #"{"numRecords":1}"#, records: 1)],
            readSnapshot: snapshot, schemaString: nil, pyforgeVersion: "0.0.0-test")
    }

    @Test func concurrentAppendsWithoutLinksLandOnceEachWithContiguousVersions() throws {
        let table = try makeTemporaryDirectory().appendingPathComponent("table").path
        try FileManager.default.createDirectory(atPath: table, withIntermediateDirectories: true)
        let created = try DeltaCommitter.commit(Self.plan(table, mode: .error, file: "part-base.parquet", snapshot: nil), medium: Self.volumesLike)
        #expect(created.version == 0 && created.method == .exclusiveClaim)
        let base = try DeltaLog.snapshot(table)
        let writers = 8
        let results = SharedBox<[Int64]>([])
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            // Every writer planned against version 0, so all but one lose at least one race.
            let plan = Self.plan(table, mode: .append, file: "part-\(index).parquet", snapshot: base)
            if let committed = try? DeltaCommitter.commit(plan, medium: Self.volumesLike) {
                results.withLock { $0.append(committed.version) }
            }
        }
        #expect(results.withLock { $0.sorted() } == Array(1...Int64(writers)))
        let latest = try DeltaLog.snapshot(table)
        #expect(latest.version == Int64(writers))
        #expect(latest.files.count == writers + 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: DeltaLog.logDirectory(table)).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func anAbandonedClaimIsANoOpVersionAndTheNextWriteFollowsIt() throws {
        let table = try makeTemporaryDirectory().appendingPathComponent("table").path
        try FileManager.default.createDirectory(atPath: table, withIntermediateDirectories: true)
        _ = try DeltaCommitter.commit(Self.plan(table, mode: .error, file: "part-a.parquet", snapshot: nil), medium: Self.volumesLike)
        let before = try DeltaLog.snapshot(table)
        // A writer killed between its exclusive create and its rename left version 1 empty.
        FileManager.default.createFile(atPath: DeltaLog.commitPath(table, 1), contents: Data())
        let committed = try DeltaCommitter.commit(
            Self.plan(table, mode: .append, file: "part-b.parquet", snapshot: before), medium: Self.volumesLike, claimWaitMilliseconds: 50)
        #expect(committed.version == 2)
        let latest = try DeltaLog.snapshot(table)
        #expect(Set(latest.files.keys) == ["part-a.parquet", "part-b.parquet"])
        #expect(latest.history.map(\.version) == [0, 1, 2])
    }
}

/// A value shared between the threads of `concurrentPerform`.
private final class SharedBox<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
