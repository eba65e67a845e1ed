#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import SparkConnect

/// One Delta commit file (`_delta_log/N.json`): one action a line (Delta protocol, "Delta
/// Log Entries"). Only what moving a commit to a later version needs is read.
struct DeltaCommitText: Sendable, Equatable {
    var lines: [String]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            .filter { !$0.allSatisfy(\.isWhitespace) }
    }

    var text: String { lines.map { $0 + "\n" }.joined() }

    /// The fields of an action that rebasing reads; anything else is ignored.
    struct Fields: Decodable {
        var path: String?
        var schemaString: String?
        var partitionColumns: [String]?
    }

    /// The action of a line: its top-level key (`add`, `metaData`, …) and fields.
    static func action(_ line: String) -> (kind: String, fields: Fields)? {
        guard let object = try? JSONDecoder().decode([String: Fields].self, from: Data(line.utf8)), let kind = object.keys.first
        else { return nil }
        return (kind, object[kind]!)
    }

    func actions(_ kind: String) -> [Fields] {
        lines.compactMap(Self.action).filter { $0.kind == kind }.map(\.fields)
    }

    /// The data files the commit adds, relative to the table, percent-decoded (paths in the
    /// log are URIs).
    var addedFiles: [String] {
        actions("add").compactMap { $0.path?.removingPercentEncoding() }
    }

    var changesMetadata: Bool { !actions("metaData").isEmpty || !actions("protocol").isEmpty }
    var changesFiles: Bool { !actions("add").isEmpty || !actions("remove").isEmpty }

    /// The table's identity as a metaData action states it: schema text and partitioning.
    var tableShape: String? {
        guard let metadata = actions("metaData").last else { return nil }
        return (metadata.schemaString ?? "") + "\u{0}" + (metadata.partitionColumns ?? []).joined(separator: ",")
    }
}

/// Moves a commit that lost the race for its version past the commits that won, under the
/// same conflict rules as pyforge's own Delta writer (a Delta writer's optimistic
/// concurrency control: re-read the log, check, retry at the next version).
enum DeltaCommitRebase {
    /// `ours` rewritten to follow `winners` (the commits now ahead of it, oldest first).
    static func rebase(_ ours: DeltaCommitText, over winners: [DeltaCommitText], mode: String, table: String) throws(ConversionFailure) -> DeltaCommitText {
        var ours = ours
        for winner in winners {
            if !ours.actions("protocol").isEmpty {
                // We were creating the table and someone created it first.
                guard mode == "append" else {
                    throw ConversionFailure(reason: "badOutput", message: "Another writer created the Delta table '\(table)' while this conversion ran, so it was not replaced. Use --mode append to add to it, or --mode overwrite to replace its data.")
                }
                guard let theirs = winner.tableShape, theirs == ours.tableShape else {
                    throw ConversionFailure(reason: "badOutput", message: "Another writer created the Delta table '\(table)' with a different schema or partitioning while this conversion ran; nothing was added. Check the table and run the conversion again.")
                }
                // Join the table they created: our rows become a plain append.
                ours.lines.removeAll { line in
                    let kind = DeltaCommitText.action(line)?.kind
                    return kind == "protocol" || kind == "metaData"
                }
                continue
            }
            if winner.changesMetadata || ours.changesMetadata {
                throw ConversionFailure(reason: "badOutput", message: "Another writer changed the schema or partitioning of the Delta table '\(table)' while this write ran; nothing was added. Run the conversion again.")
            }
            if !ours.actions("remove").isEmpty && winner.changesFiles {
                throw ConversionFailure(reason: "badOutput", message: "Another writer added or removed files of the Delta table '\(table)' while this overwrite ran; nothing was replaced. Run the conversion again.")
            }
        }
        return ours
    }
}
