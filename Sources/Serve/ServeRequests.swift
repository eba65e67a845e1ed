import ExtensionProtocol
import Parquet
import FormatKit
import PyForgeCore

/// `convert` params of `pyforge serve`: the input, the output, and `ConvertOptions` by
/// their snake_case names (the CLI's options). An unknown name is refused, as the Python
/// API refuses an unknown keyword, instead of being ignored.
struct ServeConvertParams: Decodable {
    var input: String
    var output: String?
    var options: ConvertOptions

    /// Names the server reads besides the options (`progress_token` names the `$/progress` stream).
    static let ownKeys = ["input", "output", "progress_token"]

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(Self.ownKeys + ConvertOptions.CodingKeys.allCases.map(\.rawValue))
        let unknown = keys.allKeys.map(\.stringValue).filter { !known.contains($0) }.sorted()
        if !unknown.isEmpty {
            throw ResponseError(
                code: ResponseError.invalidParams,
                message: "convert has no parameter \(unknown.map { "'\($0)'" }.joined(separator: ", ")). Its parameters are: \((Self.ownKeys.dropLast() + ConvertOptions.CodingKeys.allCases.map(\.rawValue)).joined(separator: ", ")).")
        }
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

struct ServePathParams: Decodable {
    var path: String
    /// An encrypted PDF's user or owner password.
    var password: String?
}
