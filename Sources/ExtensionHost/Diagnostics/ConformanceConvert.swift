import Platform
import ExtensionProtocol
import Pipeline

/// The conversion checks (SPEC §12.6): a real `convert` of a small sample, during which
/// stdout must carry protocol messages only (a child process that prints is caught
/// here), and a `convert` whose stdin closes at once, after which the extension must exit
/// within 2 s and leave nothing in the output's directory. Run only when the host can
/// write a sample of one of the extension's input formats, in a private directory that
/// is removed afterwards.
enum ConformanceConvert {
    static let samples: [String: String] = [
        "csv": "id,name\n1,a\n2,b\n3,c\n",
        "tsv": "id\tname\n1\ta\n2\tb\n3\tc\n",
        "ndjson": "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}\n{\"id\":3,\"name\":\"c\"}\n",
        "json": "[{\"id\":1,\"name\":\"a\"},{\"id\":2,\"name\":\"b\"},{\"id\":3,\"name\":\"c\"}]\n",
    ]

    struct Sample {
        var directory: String
        var input: FileRef
        var output: FileRef
        var inputName: String
        var outputName: String
    }

    static func run(_ found: DiscoveredExtension, environment: [String: String], _ recorder: ConformanceSuite.Recorder) {
        guard let format = found.manifest.inputFormats.first(where: { samples[$0] != nil }),
            let outputFormat = found.manifest.outputFormats.first
        else {
            let skipped = "skipped: the host has no sample of \(found.manifest.inputFormats.joined(separator: ", "))"
            recorder.record("convert", true, skipped)
            recorder.record("stdin closed mid-convert", true, skipped)
            return
        }
        guard let sample = makeSample(format: format, outputFormat: outputFormat) else {
            recorder.record("convert", false, "the host could not write a sample in /tmp")
            return
        }
        defer { removeTree(sample.directory) }
        checkConvert(found, sample, environment: environment, recorder)
        checkStdinClosed(found, sample, environment: environment, recorder)
    }

    private static func checkConvert(_ found: DiscoveredExtension, _ sample: Sample, environment: [String: String], _ recorder: ConformanceSuite.Recorder) {
        guard case .success(let session) = ExtensionSession.start(found, environment: environment) else {
            recorder.record("convert", false, "a second start failed the handshake")
            return
        }
        defer { session.shutdown() }
        switch session.probe(ProbeParams(input: sample.input, output: sample.output)) {
        case .failure(let failure):
            recorder.record("convert", false, "probe: \(failure.description)")
        case .success(let probe) where !probe.accept:
            recorder.record("convert", true, "skipped: it declined the sample (\(probe.reason ?? "no reason"))")
        case .success:
            let outcome = session.convert(ConvertParams(input: sample.input, output: sample.output, progressToken: "check"))
            if let violation = session.connection.protocolViolation {
                recorder.record("convert", false, "during convert, stdout carried something else (a child process that prints?): \(violation.description)")
                return
            }
            switch outcome {
            case .failure(let failure):
                recorder.record("convert", false, failure.description)
            case .success(let result):
                session.stop()
                guard let format = OutputFormat(rawValue: sample.output.format) else {
                    recorder.record("convert", true, "converted the sample (\(result.rows) rows); stdout carried protocol messages only")
                    return
                }
                switch OutputValidation.check(sample.output.path, format: format, rows: result.rows, declaredColumns: nil) {
                case .failure(let refusal):
                    recorder.record("convert", false, "its output is not valid: \(refusal.reason)")
                case .success:
                    recorder.record("convert", true, "converted the sample (\(result.rows) rows); stdout carried protocol messages only")
                }
                unlink(sample.output.path)
            }
        }
    }

    private static func checkStdinClosed(_ found: DiscoveredExtension, _ sample: Sample, environment: [String: String], _ recorder: ConformanceSuite.Recorder) {
        guard case .success(let session) = ExtensionSession.start(found, environment: environment) else {
            recorder.record("stdin closed mid-convert", false, "a third start failed the handshake")
            return
        }
        let connection = session.connection
        let params = try? JSONValue(encoding: ConvertParams(input: sample.input, output: sample.output, progressToken: "check"))
        let requester = BackgroundThread {
            _ = connection.request(Method.convert, params, phase: "convert", limits: .within(5))
        }
        requester.start()
        usleep(50_000)
        connection.process.closeStdin()
        let deadline = monotonicSeconds() + 2
        while connection.process.exitStatus == nil && monotonicSeconds() < deadline { usleep(10_000) }
        let exited = connection.process.exitStatus != nil
        requester.join()
        connection.close(grace: ExtensionSession.failedGrace)
        // A conversion that finished before it saw the end of stdin may leave its output.
        let left = directoryEntries(sample.directory).filter { $0 != sample.inputName && $0 != sample.outputName }
        if !exited {
            recorder.record("stdin closed mid-convert", false, "still running 2 s after stdin closed during convert")
        } else if !left.isEmpty {
            recorder.record("stdin closed mid-convert", false, "left \(left.sorted().joined(separator: ", ")) beside the output")
        } else {
            recorder.record("stdin closed mid-convert", true, "exited within 2 s and left nothing behind")
        }
    }

    private static func makeSample(format: String, outputFormat: String) -> Sample? {
        var template = Array("/tmp/pyforge-check-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { return nil }
        let directory = String(cString: made)
        let inputName = "sample.\(format)", outputName = "sample-out.\(outputFormat)"
        let text = Array(samples[format, default: ""].utf8)
        let fd = open(directory + "/" + inputName, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == text.count else { return nil }
        return Sample(
            directory: directory,
            input: FileRef(path: directory + "/" + inputName, format: format, size: Int64(text.count)),
            output: FileRef(path: directory + "/" + outputName, format: outputFormat),
            inputName: inputName, outputName: outputName)
    }

    /// Removes the sample directory and whatever the extension left in it.
    private static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if info.st_mode & S_IFMT == S_IFDIR {
            for name in directoryEntries(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
