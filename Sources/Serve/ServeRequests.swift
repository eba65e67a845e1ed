#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ExtensionProtocol
import Parquet
import FormatKit
import Pipeline

/// `convert` params of `pyforge serve`: the input, the output, and `ConvertOptions` by
/// their snake_case names (the CLI's options). An unknown name is refused, as the Python
/// API refuses an unknown keyword, instead of being ignored.
struct ServeConvertParams: Decodable {
    var input: String
    var output: String?
    var options: ConvertOptions

    /// Names the server reads besides the options (`progress_token` names the `$/progress` stream).
    static let ownKeys = ["input", "output", "progress_token"]

    init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self)
        try AnyKey.refuseUnknown(
            keys, method: "convert", accepted: Self.ownKeys + ConvertOptions.CodingKeys.allCases.map(\.rawValue),
            listed: Self.ownKeys.dropLast() + ConvertOptions.CodingKeys.allCases.map(\.rawValue))
        guard let input = try keys.decodeIfPresent(String.self, forKey: AnyKey(stringValue: "input")) else {
            throw ResponseError(code: ResponseError.invalidParams, message: "convert needs 'input', the path of the file to convert.")
        }
        self.input = input
        output = try keys.decodeIfPresent(String.self, forKey: AnyKey(stringValue: "output"))
        options = try ConvertOptions(from: decoder)
    }

    var engine: String? { options.engine }

    func environment(_ base: [String: String]) -> [String: String] { options.environment(base) }

    func request() throws(ConversionError) -> ConvertRequest {
        try options.validate(name: .parameter)
        // An option that would do nothing for this input and output is an error, as on the CLI.
        try ConvertOption.check(
            options.given, inputPath: input,
            output: options.table != nil ? .delta : ConvertOption.resolvedOutput(inputPath: input, outputPath: output, format: options.format),
            name: { "'\($0.parameterName)'" })
        try options.checkEncoding(inputPath: input, name: .parameter)
        try options.checkMergeSchema(name: .parameter)
        return options.request(input: input, output: output)
    }
}

/// `info` and `validate` params of `pyforge serve`: `path` and the input options of
/// `pyforge info`/`validate` (CSV, JSON, XML, dBase and the PDF password), by their
/// `ConvertOptions` names; `Tests/EndToEnd/test_option_parity.py` checks the two lists agree.
struct ServeInspectParams: Decodable {
    var path: String
    var options: ConvertOptions

    static let optionKeys: [ConvertOptions.CodingKeys] = [
        .delimiter, .quote, .escape, .encoding, .noHeader, .skipRows, .allowRagged, .nullValues, .maxRecordBytes,
        .flatten, .recordPath, .rowTag, .flattenStrategy, .arrayHandling, .namespaceHandling, .includeDeleted, .password,
    ]

    /// The params of `method` (`info` or `validate`, which its errors name).
    static func decode(_ params: JSONValue, method: String) throws -> ServeInspectParams {
        let decoder = JSONDecoder()
        decoder.userInfo[methodKey] = method
        return try decoder.decode(ServeInspectParams.self, from: JSONEncoder().encode(params))
    }

    private static let methodKey = CodingUserInfoKey(rawValue: "method")!

    init(from decoder: Decoder) throws {
        let method = decoder.userInfo[Self.methodKey] as? String ?? "info"
        let keys = try decoder.container(keyedBy: AnyKey.self)
        let accepted = ["path"] + Self.optionKeys.map(\.rawValue)
        try AnyKey.refuseUnknown(keys, method: method, accepted: accepted, listed: accepted)
        guard let path = try keys.decodeIfPresent(String.self, forKey: AnyKey(stringValue: "path")) else {
            throw ResponseError(code: ResponseError.invalidParams, message: "\(method) needs 'path', the path of the file to read.")
        }
        self.path = path
        options = try ConvertOptions(from: decoder)
    }

    /// The options after the checks `pyforge info`/`validate` run: values against each other,
    /// the encoding against the input, and an option meant for another format is an error.
    func checkedOptions() throws(ConversionError) -> ConvertOptions {
        try options.validate(name: .parameter)
        try options.checkEncoding(inputPath: path, name: .parameter)
        try ConvertOption.check(options.given, inputPath: path, output: nil, name: { "'\($0.parameterName)'" })
        return options
    }
}

/// Any key of a params object, to refuse the unknown ones by name.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    /// An unknown name is refused (as the Python API refuses an unknown keyword) instead of ignored.
    static func refuseUnknown(
        _ keys: KeyedDecodingContainer<AnyKey>, method: String, accepted: [String], listed: some Sequence<String>
    ) throws {
        let known = Set(accepted)
        let unknown = keys.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        guard !unknown.isEmpty else { return }
        throw ResponseError(
            code: ResponseError.invalidParams,
            message: "\(method) has no parameter \(unknown.map { "'\($0)'" }.joined(separator: ", ")). Its parameters are: \(listed.joined(separator: ", ")).")
    }
}
