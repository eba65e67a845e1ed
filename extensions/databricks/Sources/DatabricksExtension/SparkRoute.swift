#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import UnityCatalogVolumes

/// Where Spark reads a conversion's input and writes its parts, decided from facts this
/// process can check instead of hoped for:
/// - what Spark sees: on a Databricks cluster (the notebook's own Spark, or a Databricks
///   Connect endpoint) it sees /Volumes and nothing of this machine — a path without a scheme
///   resolves against the DBFS root on classic compute and is refused on serverless; a local
///   server (loopback, off Databricks) sees this machine's files;
/// - how this process reaches the volume Spark writes into: the mount, or the Files API.
struct SparkRoute: Sendable, Equatable {
    enum Input: Sendable, Equatable {
        /// A local file the Spark server reads in place.
        case shared(String)
        /// A volume file Spark reads directly.
        case volume(VolumePath)
        /// A local file uploaded into this staging directory first (and removed after).
        case upload(local: String, area: VolumePath)
    }

    enum Staging: Sendable, Equatable {
        /// Spark writes its parts beside the local output (a server sharing this machine).
        case besideLocalOutput
        /// Spark writes its parts into a hidden directory inside this volume directory.
        case volume(VolumePath)
    }

    /// Where the result goes: a local file (the host's temporary file) or a volume file.
    enum Output: Sendable, Equatable {
        case local(String)
        case volume(VolumePath)
    }

    var input: Input
    /// Nil for a table (`saveAsTable` needs no staging).
    var staging: Staging?

    /// Why Spark cannot do it, as a sentence that names what to change.
    struct Blocked: Error, Sendable, Equatable {
        var reason: String
    }

    /// What the user reads after the engine decision.
    var summary: String {
        let reads: String
        switch input {
        case .shared: reads = "Spark reads the file in place"
        case .volume: reads = "Spark reads the Volume file directly"
        case .upload(_, let area): reads = "the input is uploaded to \(area.path) for Spark"
        }
        switch staging {
        case nil: return reads
        case .besideLocalOutput?: return reads + " and writes beside the output"
        case .volume(let directory)?: return reads + " and stages its output in \(directory.path)"
        }
    }

    static func plan(input: String, inputVolume: VolumePath?, output: Output?, context: ExtensionContext) -> Result<SparkRoute, Blocked> {
        guard let endpoint = context.endpoint else { return .failure(Blocked(reason: "no Spark endpoint is configured")) }
        let spark = context.environment.isDatabricks && !endpoint.isDatabricks ? "the notebook's Spark" : endpoint.summary
        let seesVolumes = context.sparkSeesVolumes
        let reachesVolumes = context.volumeAccess != nil
        let noAccess = "this process reaches no Unity Catalog Volume (no /Volumes mount, and no workspace credentials for the Files API: set DATABRICKS_HOST and DATABRICKS_TOKEN)"
        let area: VolumePath? = seesVolumes && reachesVolumes ? context.sparkStaging : nil
        let stagingAdvice = context.sparkStagingProblem
            ?? "name a Volume directory both reach with --spark-staging /Volumes/<catalog>/<schema>/<volume>/<dir>"

        let routeInput: Input
        if let volume = inputVolume {
            guard seesVolumes else { return .failure(Blocked(reason: "\(spark) does not see Unity Catalog Volumes, so it cannot read '\(volume.path)'")) }
            guard reachesVolumes else { return .failure(Blocked(reason: "Spark could read '\(volume.path)', but \(noAccess) to sniff its reader options")) }
            routeInput = .volume(volume)
        } else if context.sparkSharesLocalFiles {
            routeInput = .shared(absolute(input))
        } else if let area {
            routeInput = .upload(local: input, area: area)
        } else {
            return .failure(Blocked(reason: "\(spark) runs on a cluster that cannot read the local file '\(input)'; \(stagingAdvice) to upload it there"))
        }

        switch output {
        case nil:
            return .success(SparkRoute(input: routeInput, staging: nil))
        case .volume(let volume)?:
            guard seesVolumes else { return .failure(Blocked(reason: "\(spark) does not see Unity Catalog Volumes, so it cannot write into '\(volume.path)'")) }
            guard reachesVolumes, let directory = volume.parent else {
                return .failure(Blocked(reason: "Spark could write into '\(volume.path)', but \(noAccess) to collect its output"))
            }
            return .success(SparkRoute(input: routeInput, staging: .volume(directory)))
        case .local?:
            if context.sparkSharesLocalFiles { return .success(SparkRoute(input: routeInput, staging: .besideLocalOutput)) }
            guard let area else {
                return .failure(Blocked(reason: "\(spark) runs on a cluster that cannot write this machine's files; \(stagingAdvice) to stage its output there, or write to a Volume"))
            }
            return .success(SparkRoute(input: routeInput, staging: .volume(area)))
        }
    }

    /// Spark resolves a relative path against its own working directory, not ours.
    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return FileManager.default.currentDirectoryPath + "/" + path
    }
}
