"""pyforge-extension-kit through the real host: the rewritten Python example installed on
the search path converts a CSV, and kit-based extensions that misbehave (stray output on
fd 1 from children and C code, handler errors, a hang) still end in a clean conversion.

Outputs are checked with independent readers: Python's csv and json modules."""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import base_env

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "extensions" / "examples" / "python-csv-to-ndjson"
KIT = REPO / "extensions" / "python-kit" / "src" / "pyforge_extension_kit"
PYTHON = os.environ.get("PYFORGE_TEST_PYTHON") or sys.executable


def install(root: Path, name: str, script: str, manifest: dict) -> Path:
    """Installs an extension as the example's README says: script, manifest, and the kit
    vendored beside them, with the modes the trust rules want. Returns the search dir."""
    search = root / "extensions"
    directory = search / name
    shutil.copytree(KIT, directory / "vendor" / "pyforge_extension_kit", ignore=shutil.ignore_patterns("__pycache__"))
    for path in (root, search, directory):
        path.chmod(0o755)
    executable = directory / "extension.py"
    # The script's own #! names `python3` from PATH; pin the interpreter under test.
    executable.write_text(f"#!{PYTHON}\n" + script.split("\n", 1)[1], encoding="utf-8")
    executable.chmod(0o755)
    (directory / "pyforge-extension.json").write_text(json.dumps(manifest), encoding="utf-8")
    return search


def kit_manifest(name: str, timeouts: dict | None = None) -> dict:
    return {"name": name, "version": "1.0.0", "executable": "extension.py", "protocolVersions": ["1.0"],
            "inputFormats": ["csv"], "outputFormats": ["ndjson"],
            "timeouts": timeouts or {"startup": 10, "probe": 10, "idle": 30, "absolute": 60}}


def convert(pyforge_bin: Path, work: Path, search: Path, source: Path, *extra: str) -> subprocess.CompletedProcess:
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(search)
    env["HOME"] = str(work)  # a fresh health record: no circuit breaker from other tests
    return subprocess.run([str(pyforge_bin), "convert", str(source), "-f", "ndjson", "--json", *extra], cwd=work,
                          env=env, capture_output=True, text=True, timeout=120)


def expected_records(source: Path) -> list[dict]:
    with open(source, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def read_ndjson(path: Path) -> list[dict]:
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return [json.loads(line) for line in data.decode("utf-8").split("\n")[:-1]]


def write_source(work: Path) -> Path:
    source = work / "people.csv"
    source.write_bytes('\ufeffid,name,note\n1,"Zoë, ""Z""",multi\nline\n2,,\u2028sep\n3,Ünïcode,"a\rb"\n'
                       .replace("multi\nline", '"multi\nline"').encode("utf-8"))
    return source


def test_example_installed_with_the_vendored_kit_converts_through_the_host(pyforge_bin, work):
    search = install(work, "python-csv-to-ndjson", (EXAMPLE / "extension.py").read_text(encoding="utf-8"),
                     json.loads((EXAMPLE / "pyforge-extension.json").read_text(encoding="utf-8")))
    source = write_source(work)
    proc = convert(pyforge_bin, work, search, source)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    records = expected_records(source)
    assert result["engine"] == "example-csv-to-ndjson" and result["rows"] == len(records) == 3, result
    assert not result["warnings"], result["warnings"]
    assert read_ndjson(work / "people.ndjson") == records
    assert records[0]["name"] == 'Zoë, "Z"' and records[0]["note"] == "multi\nline"  # the reader is not trivial
    assert not [n for n in os.listdir(work) if ".pyforge-" in n]


NOISY = '''#!/usr/bin/env python3
import csv, ctypes, json, os, subprocess, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent / "vendor"))
from pyforge_extension_kit import ConvertResult, Extension, ProbeResult

ext = Extension(name="noisy-kit", version="1.0.0")

@ext.probe
def probe(request):
    print("probing", request.input.path)                              # Python print
    subprocess.run(["echo", "stray line from a child"], check=True)   # a child writing to fd 1
    return ProbeResult.accepting(priority=9)

@ext.convert
def convert(request, progress, cancelled):
    os.write(1, b"x")                                                  # half a line on fd 1
    ctypes.CDLL(None).puts(b"stray line from C")                      # C stdio
    ctypes.CDLL(None).fflush(None)
    os.system("echo stray line from a shell; cat")                    # cat must not eat protocol input
    rows = 0
    with open(request.input.path, newline="", encoding="utf-8-sig") as src, \\
            open(request.output.path, "w", encoding="utf-8") as out:
        for record in csv.DictReader(src):
            out.write(json.dumps(record, ensure_ascii=False) + "\\n")
            rows += 1
            progress(rows)
    return ConvertResult(rows=rows, warnings=["converted by the noisy kit extension"])

ext.run()
'''


def test_extension_writing_to_fd_1_from_children_and_c_still_converts_cleanly(pyforge_bin, work):
    search = install(work, "noisy-kit", NOISY, kit_manifest("noisy-kit"))
    source = write_source(work)
    proc = convert(pyforge_bin, work, search, source)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    # Had a stray byte reached the protocol stream, the host would have abandoned the
    # extension ("not a protocol message") and the built-in engine would have converted.
    assert result["engine"] == "noisy-kit", result
    assert result["warnings"] == ["converted by the noisy kit extension"]
    assert read_ndjson(work / "people.ndjson") == expected_records(source)


FAILING = '''#!/usr/bin/env python3
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parent / "vendor"))
from pyforge_extension_kit import ConvertResult, Extension, ExtensionError

ext = Extension(name="failing-kit", version="1.0.0")
MODE = (Path(__file__).resolve().parent / "mode").read_text().strip()

@ext.convert
def convert(request, progress, cancelled):
    if MODE == "error":
        raise ExtensionError("the input uses a dialect this extension cannot read", reason="unsupportedDialect")
    if MODE == "bug":
        return 1 / 0
    # "hang": wait for the host to give up; the kit cancels us on shutdown or stdin EOF.
    cancelled.add_callback(lambda: (Path(request.output.path).parent / "told-to-stop").touch())
    cancelled.wait(120)
    return ConvertResult(rows=0)

ext.run()
'''


def test_kit_extension_failures_fall_back_with_a_clear_warning(pyforge_bin, work):
    cases = [("error", {}, "it failed: the input uses a dialect this extension cannot read (code -32001)"),
             ("bug", {}, "it failed: convert failed: ZeroDivisionError: division by zero (code -32603)"),
             ("hang", {"idle": 1}, "did not answer convert within 1")]
    source = write_source(work)
    for mode, timeouts, warning in cases:
        case = work / mode
        case.mkdir()
        search = install(case, "failing-kit", FAILING,
                         kit_manifest("failing-kit", {"startup": 10, "probe": 10, "idle": 30, "absolute": 60, **timeouts}))
        (search / "failing-kit" / "mode").write_text(mode)
        proc = convert(pyforge_bin, work, search, source, "--force")
        assert proc.returncode == 0, proc.stderr
        result = json.loads(proc.stdout)
        assert result["engine"] == "core", (mode, result)
        assert any("Extension 'failing-kit' was not used" in w and warning in w for w in result["warnings"]), \
            (mode, result["warnings"])
        # The built-in engine types its columns (id becomes a number): check rows, not text.
        assert [str(row["id"]) for row in read_ndjson(work / "people.ndjson")] == \
            [record["id"] for record in expected_records(source)]
        if mode == "hang":
            # The host shut the extension down after the timeout; the kit passed that on.
            assert (work / "told-to-stop").exists()
