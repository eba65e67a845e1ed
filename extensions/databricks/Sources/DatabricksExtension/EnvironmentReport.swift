import ExtensionProtocol

/// The `environment` request's answer (and part of the capabilities): where the extension
/// runs and what it can reach, without secrets.
struct EnvironmentReport: Sendable {
    var context: ExtensionContext

    var json: JSONValue {
        let environment = context.environment
        var members: [String: JSONValue] = [
            "isDatabricks": .bool(environment.isDatabricks),
            "compute": .string(environment.compute.rawValue),
            "summary": .string(environment.summary),
            "signals": .array(environment.signals.map(JSONValue.string)),
            "volumesMounted": .bool(context.mountAvailable),
            "filesAPI": .bool(context.credentials != nil),
            "sparkEndpoint": context.endpoint.map { .string($0.summary) } ?? .null,
        ]
        members["runtimeVersion"] = environment.runtimeVersion.map(JSONValue.string) ?? .null
        members["clusterId"] = environment.clusterID.map(JSONValue.string) ?? .null
        if let credentials = context.credentials { members["workspace"] = .string(credentials.host) }
        if let problem = context.endpointProblem ?? context.credentialsProblem { members["problem"] = .string(context.redact(problem)) }
        return .object(members)
    }
}
