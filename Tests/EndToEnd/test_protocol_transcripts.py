"""The extension protocol's executable documentation (protocol/).

(a) Every JSON Schema in protocol/schemas is a valid draft 2020-12 schema, the manifests of
    the example extensions satisfy manifest.schema.json, and every message in every
    transcript validates against the schema for its kind and method.
(b) Every transcript is replayed against both example extensions (those it applies to,
    see protocol/transcripts/index.json): each host line is written to the extension's
    stdin, the extension's stdout lines are compared with the expected ones (with the
    transcript's `ignore` and `match` rules), and the extension must exit, with status 0,
    within 2 s of its stdin being closed.
(c) Both examples pass the host's own conformance suite, `pyforge extensions check DIR`.

Swift example: `pyforge-example-allstrings` next to $PYFORGE_BIN (default
<repo>/.build/release/pyforge). Python example: run with this interpreter; in place it
finds pyforge-extension-kit in extensions/python-kit/src, installed copies get it vendored.
"""
from __future__ import annotations

import copy
import csv
import gzip
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from referencing import Registry, Resource

REPO = Path(__file__).resolve().parents[2]
PROTOCOL = REPO / "protocol"
SCHEMAS = PROTOCOL / "schemas"
TRANSCRIPTS = PROTOCOL / "transcripts"
EXAMPLES = REPO / "extensions" / "examples"
KIT = REPO / "extensions" / "python-kit" / "src" / "pyforge_extension_kit"
INDEX = json.loads((TRANSCRIPTS / "index.json").read_text())

# How long to wait for one expected line (generous: the machine may be busy building).
LINE_TIMEOUT = 20.0
EXIT_GRACE = 2.0


# --------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------

def load_schemas() -> dict[str, dict]:
    return {path.name: json.loads(path.read_text()) for path in sorted(SCHEMAS.glob("*.json"))}


SCHEMA_FILES = load_schemas()
REGISTRY = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMA_FILES.values())


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMA_FILES[name], registry=REGISTRY,
                                           format_checker=jsonschema.FormatChecker())


def check(instance, schema_name: str, where: str) -> None:
    errors = sorted(validator(schema_name).iter_errors(instance), key=lambda e: list(e.path))
    assert not errors, f"{where}: not valid against {schema_name}: " + "; ".join(
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors)


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_schema_is_a_valid_draft_2020_12_schema(name):
    schema = SCHEMA_FILES[name]
    assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema", name
    assert schema.get("$id", "").endswith("/" + name), f"{name}: $id must end with its file name"
    jsonschema.Draft202012Validator.check_schema(schema)
    # Every $ref must resolve.
    validator(name).is_valid({})


def test_every_required_schema_exists():
    required = {"initialize-params", "initialize-result", "probe-params", "probe-result", "convert-params",
                "convert-result", "progress-params", "cancel-params", "jsonrpc-request", "jsonrpc-notification",
                "jsonrpc-response", "jsonrpc-error-response", "jsonrpc-message", "manifest"}
    assert {name.removesuffix(".schema.json") for name in SCHEMA_FILES} >= required


@pytest.mark.parametrize("folder", ["python-csv-to-ndjson", "swift-allstrings"])
def test_example_manifests_are_valid(folder):
    check(json.loads((EXAMPLES / folder / "pyforge-extension.json").read_text()), "manifest.schema.json", folder)


def test_manifest_schema_rejects_what_the_host_refuses():
    good = {"name": "x", "version": "1", "executable": "run", "protocolVersions": ["1.0"],
            "inputFormats": ["csv"], "outputFormats": ["parquet"]}
    assert validator("manifest.schema.json").is_valid(good)
    for field, value in [("name", "a b"), ("name", ""), ("executable", "/usr/bin/x"), ("executable", ""),
                         ("protocolVersions", []), ("protocolVersions", ["1"]), ("inputFormats", []),
                         ("outputFormats", []), ("sha256", "abc")]:
        assert not validator("manifest.schema.json").is_valid({**good, field: value}), (field, value)


# Body schemas by method: (params schema, result schema).
METHODS = {
    "initialize": ("initialize-params.schema.json", "initialize-result.schema.json"),
    "ping": (None, "ping-result.schema.json"),
    "shutdown": (None, "shutdown-result.schema.json"),
    "probe": ("probe-params.schema.json", "probe-result.schema.json"),
    "convert": ("convert-params.schema.json", "convert-result.schema.json"),
}
NOTIFICATIONS = {"initialized": None, "$/progress": "progress-params.schema.json", "$/cancelRequest": "cancel-params.schema.json"}


def envelope_schema(message: dict) -> str:
    if "method" in message:
        return "jsonrpc-request.schema.json" if "id" in message else "jsonrpc-notification.schema.json"
    return "jsonrpc-error-response.schema.json" if "error" in message else "jsonrpc-response.schema.json"


def transcript_lines(name: str) -> list[dict]:
    text = (TRANSCRIPTS / name).read_text(encoding="utf-8")
    assert text.endswith("\n"), f"{name}: the last line must end with a newline"
    return [json.loads(line) for line in text.splitlines()]


TRANSCRIPT_NAMES = [entry["file"] for entry in INDEX["transcripts"]]


def test_index_lists_every_transcript():
    assert sorted(TRANSCRIPT_NAMES) == sorted(p.name for p in TRANSCRIPTS.glob("*.jsonl"))


@pytest.mark.parametrize("name", TRANSCRIPT_NAMES)
def test_transcript_messages_match_the_schemas(name):
    methods_by_id: dict = {}
    for number, line in enumerate(transcript_lines(name), 1):
        where = f"{name}:{number}"
        assert line.get("direction") in ("host", "extension"), where
        assert set(line) <= {"direction", "message", "raw", "ignore", "match"}, where
        if "raw" in line:
            assert line["direction"] == "host" and "message" not in line and "\n" not in line["raw"], where
            continue
        message = line["message"]
        check(message, "jsonrpc-message.schema.json", where)
        kind = envelope_schema(message)
        check(message, kind, where)
        for rule in line.get("match", {}).values():
            jsonschema.Draft202012Validator.check_schema(rule)
        if kind == "jsonrpc-request.schema.json":
            assert line["direction"] == "host", f"{where}: extensions send no requests in protocol 1.0"
            assert message["method"] in METHODS or message["method"] == "frobnicate", where
            methods_by_id[message["id"]] = message["method"]
            params_schema = METHODS.get(message["method"], (None, None))[0]
            if params_schema:
                check(message["params"], params_schema, where)
        elif kind == "jsonrpc-notification.schema.json":
            params_schema = NOTIFICATIONS.get(message["method"])
            if params_schema:
                check(message["params"], params_schema, where)
            if message["method"] == "$/progress":
                assert line["direction"] == "extension", where
        else:
            assert line["direction"] == "extension", f"{where}: the host sends no responses here"
            if kind == "jsonrpc-error-response.schema.json":
                check(message["error"], "error-object.schema.json", where)
            else:
                method = methods_by_id.get(message["id"])
                assert method, f"{where}: a response to no request"
                check(message["result"], METHODS[method][1], where)


def test_host_lines_send_what_the_negotiated_version_defines():
    """SPEC §4.4: `options` in probe and convert from 1.1 on, never under 1.0."""
    for entry in INDEX["transcripts"]:
        lines = transcript_lines(entry["file"])
        answer = next((line["message"] for line in lines if line["direction"] == "extension"
                       and line["message"].get("id") == 1 and "result" in line["message"]), None)
        if answer is None or "/result/protocolVersion" in next(
                line for line in lines if line.get("message") is answer).get("match", {}):
            continue  # no handshake, or any version: no probe or convert in it
        version = tuple(int(part) for part in answer["result"]["protocolVersion"].split("."))
        assert entry.get("negotiates") == answer["result"]["protocolVersion"], entry["file"]
        for line in lines:
            message = line.get("message", {})
            if line["direction"] == "host" and message.get("method") in ("probe", "convert"):
                assert ("options" in message["params"]) == (version >= (1, 1)), (entry["file"], message)


# --------------------------------------------------------------------------------------
# Replay
# --------------------------------------------------------------------------------------

def pyforge_bin() -> Path:
    return Path(os.environ.get("PYFORGE_BIN") or REPO / ".build" / "release" / "pyforge")


def example_command(name: str) -> list[str]:
    if name == "example-csv-to-ndjson":
        return [sys.executable, str(EXAMPLES / "python-csv-to-ndjson" / "extension.py")]
    binary = pyforge_bin().parent / "pyforge-example-allstrings"
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        pytest.fail(f"the Swift example extension is missing: {binary} (build it with "
                    f"'swift build -c release --product pyforge-example-allstrings', or point PYFORGE_BIN "
                    f"at a pyforge binary that has it beside it)", pytrace=False)
    return [str(binary)]


EXTENSIONS = ["example-csv-to-ndjson", "example-allstrings"]
CASES = [(entry, extension) for entry in INDEX["transcripts"] for extension in EXTENSIONS
         if entry["extensions"] == "any" or extension in entry["extensions"]]


def substitute(value, paths: dict[str, str]):
    if isinstance(value, str):
        for key, path in paths.items():
            value = value.replace("${" + key + "}", path)
        return value
    if isinstance(value, list):
        return [substitute(item, paths) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, paths) for key, item in value.items()}
    return value


_MISSING = object()


def pointer_parts(pointer: str) -> list[str]:
    assert pointer.startswith("/"), pointer
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")]


def pop_pointer(document, pointer: str):
    """Removes the member a JSON Pointer names; returns its value, or _MISSING."""
    *parents, last = pointer_parts(pointer)
    node = document
    for part in parents:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    if isinstance(node, dict) and last in node:
        return node.pop(last)
    return _MISSING


def same(a, b) -> bool:
    """JSON equality: numbers compare by value, but booleans are not numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def compare(expected_line: dict, actual: dict, where: str) -> None:
    expected = copy.deepcopy(expected_line["message"])
    actual = copy.deepcopy(actual)
    for pointer in expected_line.get("ignore", []):
        pop_pointer(expected, pointer)
        pop_pointer(actual, pointer)
    for pointer, rule in expected_line.get("match", {}).items():
        pop_pointer(expected, pointer)
        value = pop_pointer(actual, pointer)
        assert value is not _MISSING, f"{where}: {pointer} is missing from the extension's message"
        errors = list(jsonschema.Draft202012Validator(rule).iter_errors(value))
        assert not errors, f"{where}: {pointer} = {value!r}: {errors[0].message}"
    assert same(expected, actual), (f"{where}: the extension sent\n  {json.dumps(actual, sort_keys=True)}\n"
                                    f"expected\n  {json.dumps(expected, sort_keys=True)}")


class Extension:
    """An extension process with pipes; stdout and stderr are read by threads."""

    def __init__(self, command: list[str], cwd: Path):
        env = dict(os.environ)
        env.pop("PYFORGE_EXTENSIONS_PATH", None)
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.lines: queue.Queue = queue.Queue()
        self.stderr: list[bytes] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True).start()

    def _read_stdout(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, line: str) -> None:
        self.process.stdin.write(line.encode("utf-8") + b"\n")
        self.process.stdin.flush()

    def receive(self, where: str) -> dict:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"{where}: no line from the extension within {LINE_TIMEOUT} s{self.tail()}", pytrace=False)
        if line is None:
            pytest.fail(f"{where}: the extension closed stdout (exit {self.process.poll()}){self.tail()}", pytrace=False)
        assert line.endswith(b"\n"), f"{where}: an unterminated line {line!r}"
        assert b"\n" not in line[:-1]
        try:
            return json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            pytest.fail(f"{where}: not a JSON line on stdout ({error}): {line[:200]!r}{self.tail()}", pytrace=False)

    def tail(self) -> str:
        text = b"".join(self.stderr[-10:]).decode("utf-8", "replace").strip()
        return f"\n  its stderr:\n{text}" if text else ""

    def close_and_wait(self, where: str) -> list[bytes]:
        """Closes stdin; the extension must exit within EXIT_GRACE seconds. Returns extra stdout lines."""
        self.process.stdin.close()
        try:
            status = self.process.wait(timeout=EXIT_GRACE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"{where}: the extension did not exit within {EXIT_GRACE} s of stdin closing", pytrace=False)
        extra = []
        while (line := self.lines.get(timeout=LINE_TIMEOUT)) is not None:
            extra.append(line)
        assert status == 0, f"{where}: the extension exited with status {status}{self.tail()}"
        return extra

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def prepare_files(entry: dict, directory: Path) -> dict[str, str]:
    paths = {}
    for key, spec in entry.get("files", {}).items():
        path = directory / spec["name"]
        if "copyOf" in spec:
            path.write_bytes((TRANSCRIPTS / spec["copyOf"]).read_bytes())
        if spec.get("create"):
            path.touch(mode=0o644)  # the host creates the temporary output (empty) before convert
        paths[key] = str(path)
    return paths


def check_output(entry: dict, paths: dict[str, str]) -> None:
    spec = entry.get("output")
    if not spec:
        return
    path = Path(paths[spec["placeholder"]])
    assert path.is_file() and path.stat().st_size > 0, f"{path} was not written"
    with open(TRANSCRIPTS / spec["sameAs"], newline="", encoding="utf-8") as source:
        records = list(csv.DictReader(source))
    assert len(records) == spec["rows"]
    if spec["format"] == "parquet":
        table = pq.read_table(path)
        assert table.num_rows == spec["rows"]
        assert all(str(field.type) in ("string", "large_string") for field in table.schema), table.schema
        # pyforge's CSV reader (which the Swift example uses) reads an empty field as null.
        rows = [{key: "" if value is None else value for key, value in row.items()} for row in table.to_pylist()]
        assert rows == records
    elif spec["format"] == "ndjson":
        lines = path.read_text(encoding="utf-8").splitlines()
        assert [json.loads(line) for line in lines] == records
    else:
        raise AssertionError(f"no check for {spec['format']}")


@pytest.mark.parametrize("entry, extension", CASES, ids=[f"{e['file'].removesuffix('.jsonl')}-{x}" for e, x in CASES])
def test_replay_transcript(entry, extension, tmp_path):
    lines = transcript_lines(entry["file"])
    paths = prepare_files(entry, tmp_path)
    # The transcript's literal input size must be the fixture's.
    for line in lines:
        message = line.get("message", {})
        size = message.get("params", {}).get("input", {}).get("size") if isinstance(message.get("params"), dict) else None
        source = entry.get("files", {}).get("INPUT", {}).get("copyOf")
        if size is not None and source:
            assert size == (TRANSCRIPTS / source).stat().st_size, f"{entry['file']}: input.size is stale"
    process = Extension(example_command(extension), cwd=tmp_path)
    try:
        for number, line in enumerate(lines, 1):
            where = f"{entry['file']}:{number} ({extension})"
            if line["direction"] == "host":
                process.send(line["raw"] if "raw" in line else json.dumps(substitute(line["message"], paths)))
            else:
                actual = process.receive(where)
                compare(substitute(line, paths), actual, where)
        extra = process.close_and_wait(entry["file"])
        assert not extra, f"{entry['file']} ({extension}): unexpected lines after the transcript: {extra}"
        check_output(entry, paths)
    finally:
        process.kill()


# --------------------------------------------------------------------------------------
# The host's conformance suite agrees
# --------------------------------------------------------------------------------------

def install_for_check(name: str, directory: Path) -> Path:
    """A copy of an example in its own directory, with the modes the trust rules want."""
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    if name == "example-csv-to-ndjson":
        folder = EXAMPLES / "python-csv-to-ndjson"
        script = (folder / "extension.py").read_text(encoding="utf-8").split("\n", 1)[1]
        (directory / "extension.py").write_text(f"#!{sys.executable}\n" + script, encoding="utf-8")
        (directory / "extension.py").chmod(0o755)
        # Installed as its README says: the kit vendored beside the script.
        shutil.copytree(KIT, directory / "vendor" / "pyforge_extension_kit",
                        ignore=shutil.ignore_patterns("__pycache__"))
    else:
        folder = EXAMPLES / "swift-allstrings"
        binary = Path(example_command(name)[0])
        (directory / binary.name).write_bytes(binary.read_bytes())
        (directory / binary.name).chmod(0o755)
    (directory / "pyforge-extension.json").write_bytes((folder / "pyforge-extension.json").read_bytes())
    return directory


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_example_passes_extensions_check(extension, tmp_path):
    binary = pyforge_bin()
    if not binary.is_file():
        pytest.fail(f"pyforge binary not found at {binary}; set PYFORGE_BIN", pytrace=False)
    directory = install_for_check(extension, tmp_path / extension)
    assert_extensions_check_passes(binary, directory)


def assert_extensions_check_passes(binary, directory, timeout=120):
    """`pyforge extensions check DIR --json`: every check passes, and the core checks ran."""
    proc = subprocess.run([str(binary), "extensions", "check", str(directory), "--json"],
                          capture_output=True, text=True, timeout=timeout)
    checks = json.loads(proc.stdout)
    failed = [f"{c['name']}: {c['detail']}" for c in checks if not c["passed"]]
    assert proc.returncode == 0 and not failed, f"{failed}\n{proc.stderr}"
    assert {c["name"] for c in checks} >= {"manifest", "handshake", "ping", "unknown method", "large message",
                                           "cancellation", "stdout is protocol only", "exits on stdin EOF",
                                           "version negotiation"}


@pytest.mark.parametrize("extension", EXTENSIONS)
def test_a_convert_running_when_stdin_closes_does_not_keep_the_extension_alive(extension, tmp_path):
    """SPEC §2.4, §16.3 (6): both kits cancel requests still running when stdin closes and
    exit within the 2 s the host allows. The Python example's input is a FIFO nobody writes
    to, so its conversion blocks for ever. pyforge's own readers refuse a FIFO at once (issue
    #18: it would block open()), so the Swift example, which converts with Pipeline, gets
    a gzip file of many identical members instead: about 20 GB of CSV in 20 MB, far more
    than it can read before stdin closes. Only the kit's own exit can end the process."""
    if extension == "example-allstrings":
        source = tmp_path / "blocked.legacy.csv.gz"
        member = gzip.compress(b"n\n" + b"1\n" * (32 << 20), compresslevel=1)
        with open(source, "wb") as f:
            f.write(member)
            member = gzip.compress(b"1\n" * (32 << 20), compresslevel=1)
            for _ in range(300):
                f.write(member)
    else:
        source = tmp_path / "blocked.legacy.csv"
        os.mkfifo(source)
    output = tmp_path / ".blocked.legacy.out.pyforge-abcdef"
    output.touch(mode=0o644)
    process = Extension(example_command(extension), cwd=tmp_path)
    try:
        process.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"protocolVersions": ["1.0", "1.1", "1.2"], "host": {"name": "pyforge", "version": "2.0.0"}}}))
        assert process.receive("initialize")["result"]["protocolVersion"] == "1.2"
        fmt = "parquet" if extension == "example-allstrings" else "ndjson"
        process.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "convert", "params": {
            "input": {"path": str(source), "format": "csv", "size": 0}, "output": {"path": str(output), "format": fmt},
            "options": {"engine": "auto", "force": False, "direct": False}, "progressToken": "convert"}}))
        # While it runs, its id is taken (SPEC §16.3, 10).
        process.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "probe", "params": {
            "input": {"path": str(source), "format": "csv"}, "output": {"path": "x.parquet", "format": "parquet"}}}))
        duplicate = process.receive("a second request with the running id")
        while "id" not in duplicate:  # the Swift example reports progress as it starts
            assert duplicate["method"] == "$/progress", duplicate
            duplicate = process.receive("a second request with the running id")
        assert duplicate["id"] == 2 and duplicate["error"]["code"] == -32600, duplicate
        assert duplicate["error"]["data"]["reason"] == "invalidRequest", duplicate
        extra = process.close_and_wait(f"stdin closed during convert ({extension})")
        # Whatever was written after stdin closed is at most the cancelled request's answer.
        answers = [json.loads(line) for line in extra]
        assert all(a.get("id") == 2 and a.get("error", {}).get("code") == -32800 for a in answers
                   if "id" in a), answers
    finally:
        process.kill()
