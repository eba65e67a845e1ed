/// The version reported by `--version`, `created_by` and commit metadata.
public enum PyForgeVersion {
    public static let current = "2.0.0"
}
