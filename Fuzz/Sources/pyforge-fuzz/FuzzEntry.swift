import Foundation

/// libFuzzer's entry point. One binary holds every target (one link instead of a dozen on a
/// two-core CI machine); `PYFORGE_FUZZ_TARGET` picks the one a run exercises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget.run(bytes)
    return 0
}

/// Chosen once, before the first input: an unknown name stops the run with the list of names.
let selectedTarget: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["PYFORGE_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: ", ")
        FileHandle.standardError.write(Data("PYFORGE_FUZZ_TARGET must be one of: \(names) (got '\(name)').\n".utf8))
        exit(2)
    }
    return target
}()

/// Prints the target names, one a line, for scripts/fuzz (`PYFORGE_FUZZ_LIST=1`).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    if ProcessInfo.processInfo.environment["PYFORGE_FUZZ_LIST"] == "1" {
        print(FuzzTarget.all.map(\.name).joined(separator: "\n"))
        exit(0)
    }
    _ = selectedTarget
    return 0
}
