import DatabricksEnvironment
import SparkConnect
import Testing
import UnityCatalogVolumes

@testable import DatabricksExtension

/// Where Spark may read and write, from the facts the extension checks: what the endpoint
/// sees, how this process reaches volumes, and the staging area the user named.
@Suite struct SparkRouteTests {
    let laptop = DatabricksEnvironment.detect(environment: [:], files: .rooted(at: "/nonexistent-root"))
    let notebook = DatabricksEnvironment.detect(
        environment: ["DATABRICKS_RUNTIME_VERSION": "client.2", "IS_SERVERLESS": "TRUE"], files: .rooted(at: "/nonexistent-root"))
    let localServer = SparkEndpoint(remote: SparkRemote(host: "127.0.0.1"), isDatabricks: false, summary: "Spark Connect at sc://127.0.0.1:15002")
    let cluster = SparkEndpoint(remote: SparkRemote(host: "adb-1.net", port: 443, useTLS: true), isDatabricks: true, summary: "Databricks cluster 0123 at adb-1.net")
    let credentials = WorkspaceCredentials(host: "https://adb-1.net", token: "dapi-x", source: "test")
    let input = try! VolumePath(parsing: "/Volumes/main/raw/in/big.csv")
    let output = try! VolumePath(parsing: "/Volumes/main/raw/out/big.parquet")
    let area = try! VolumePath(parsing: "/Volumes/main/raw/scratch/pyforge")

    func context(
        _ environment: DatabricksEnvironment, _ endpoint: SparkEndpoint?, mounted: Bool = false, credentials: WorkspaceCredentials? = nil,
        staging: VolumePath? = nil
    ) -> ExtensionContext {
        var context = ExtensionContext(environment: environment, endpoint: endpoint, mount: VolumeMount(root: "/Volumes"), mountAvailable: mounted)
        context.credentials = credentials
        context.sparkStaging = staging
        return context
    }

    func plan(_ context: ExtensionContext, input path: String, output: SparkRoute.Output?) -> Result<SparkRoute, SparkRoute.Blocked> {
        let volume = VolumePath.looksLikeVolumePath(path) ? try! VolumePath(parsing: path) : nil
        return SparkRoute.plan(input: path, inputVolume: volume, output: output, context: context)
    }

    @Test func theNotebooksSparkReadsTheVolumeAndStagesBesideTheOutput() throws {
        let route = try plan(context(notebook, localServer, mounted: true), input: input.path, output: .volume(output)).get()
        #expect(route == SparkRoute(input: .volume(input), staging: .volume(output.parent!)))
        #expect(route.summary == "Spark reads the Volume file directly and stages its output in /Volumes/main/raw/out")
    }

    @Test func aLaptopWithDatabricksConnectUsesTheFilesAPIForTheSameRoute() throws {
        let route = try plan(context(laptop, cluster, credentials: credentials), input: input.path, output: .volume(output)).get()
        #expect(route == SparkRoute(input: .volume(input), staging: .volume(output.parent!)))
    }

    @Test func withoutMountOrCredentialsNothingCollectsSparksOutput() {
        guard case .failure(let blocked) = plan(context(laptop, cluster), input: input.path, output: .volume(output)) else {
            Issue.record("expected a blocked route")
            return
        }
        #expect(blocked.reason.contains("no workspace credentials"))
    }

    @Test func aClusterCannotReadALocalFileWithoutAStagingArea() {
        guard case .failure(let blocked) = plan(context(laptop, cluster, credentials: credentials), input: "/home/me/big.csv", output: .volume(output)) else {
            Issue.record("expected a blocked route")
            return
        }
        #expect(blocked.reason == "Databricks cluster 0123 at adb-1.net runs on a cluster that cannot read the local file '/home/me/big.csv'; name a Volume directory both reach with --spark-staging /Volumes/<catalog>/<schema>/<volume>/<dir> to upload it there")
    }

    @Test func aStagingAreaTakesTheLocalInputAndTheLocalOutput() throws {
        let route = try plan(context(laptop, cluster, credentials: credentials, staging: area), input: "/home/me/big.csv", output: .local("/home/me/.big.parquet.pyforge-1")).get()
        #expect(route == SparkRoute(input: .upload(local: "/home/me/big.csv", area: area), staging: .volume(area)))
        #expect(route.summary == "the input is uploaded to /Volumes/main/raw/scratch/pyforge for Spark and stages its output in /Volumes/main/raw/scratch/pyforge")
    }

    @Test func aLocalOutputFromTheNotebookNeedsAStagingArea() {
        guard case .failure(let blocked) = plan(context(notebook, localServer, mounted: true), input: input.path, output: .local("/tmp/big.parquet")) else {
            Issue.record("expected a blocked route")
            return
        }
        #expect(blocked.reason.hasPrefix("the notebook's Spark runs on a cluster that cannot write this machine's files"))
        #expect(blocked.reason.contains("--spark-staging"))
    }

    @Test func aLocalServerSharesThisMachinesFilesButSeesNoVolumes() throws {
        let route = try plan(context(laptop, localServer), input: "/data/big.csv", output: .local("/data/.big.parquet.pyforge-1")).get()
        #expect(route == SparkRoute(input: .shared("/data/big.csv"), staging: .besideLocalOutput))
        guard case .failure(let blocked) = plan(context(laptop, localServer, credentials: credentials), input: input.path, output: .local("/data/x.parquet")) else {
            Issue.record("expected a blocked route")
            return
        }
        #expect(blocked.reason == "Spark Connect at sc://127.0.0.1:15002 does not see Unity Catalog Volumes, so it cannot read '/Volumes/main/raw/in/big.csv'")
    }

    @Test func aTableNeedsOnlyAReadableInput() throws {
        let route = try plan(context(notebook, localServer, mounted: true), input: input.path, output: nil).get()
        #expect(route == SparkRoute(input: .volume(input), staging: nil))
        #expect(route.summary == "Spark reads the Volume file directly")
    }

    @Test func aStagingAreaMustBeAVolumeDirectory() throws {
        #expect(try SparkStagingArea.parse("dbfs:/Volumes/main/raw/scratch") == VolumePath(parsing: "/Volumes/main/raw/scratch"))
        #expect(throws: SparkStagingArea.Invalid.self) { try SparkStagingArea.parse("/tmp/scratch") }
        #expect(throws: SparkStagingArea.Invalid.self) { try SparkStagingArea.parse("/Volumes/main") }
        #expect(SparkStagingArea.hiddenName(for: "big.parquet").hasPrefix(".big.parquet.spark-"))
    }
}
