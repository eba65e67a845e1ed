import UnityCatalogVolumes

/// `--spark-staging DIR` (PYFORGE_SPARK_STAGING): a directory in a Unity Catalog Volume that
/// a remote Spark and this process both reach. A Spark conversion of a local input uploads
/// the input there, and one to a local output stages Spark's parts there; each conversion
/// uses its own hidden directory and removes it afterwards.
enum SparkStagingArea {
    struct Invalid: Error, Sendable {
        var message: String
    }

    static func parse(_ text: String) throws(Invalid) -> VolumePath {
        guard VolumePath.looksLikeVolumePath(text) else {
            throw Invalid(message: "--spark-staging '\(text)' is not a Unity Catalog Volume directory; name one that the Spark cluster and this machine both reach, such as /Volumes/main/default/scratch/pyforge.")
        }
        do {
            return try VolumePath(parsing: text)
        } catch {
            throw Invalid(message: "--spark-staging '\(text)': \(error.description)")
        }
    }

    /// A fresh hidden name for one conversion's staged files: `.<name>.spark-<random hex>`.
    static func hiddenName(for name: String) -> String {
        ".\(name).spark-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}
