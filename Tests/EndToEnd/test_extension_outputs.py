"""Issue #19: the host checks every output an extension writes (SPEC §12.3) and sends each
negotiated protocol version exactly its own fields (SPEC §4.4).

The extensions are written on pyforge-extension-kit (`extensions/python-kit/src`, found
through PYTHONPATH, which the host passes on). Each one records the raw request lines it
received, so the tests can assert on what the host really sent. Outputs are read back with
independent readers: pyarrow, Python's csv and json modules, deltalake."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from conftest import base_env

REPO = Path(__file__).resolve().parents[2]
KIT_SRC = REPO / "extensions" / "python-kit" / "src"

SCRIPT = r'''
import csv, json
from pathlib import Path
from pyforge_extension_kit import ConvertResult, Extension

HERE = Path(__file__).resolve().parent
B = json.loads((HERE / "behaviour.json").read_text())
ext = Extension(name=B["name"], version="1.0.0", protocol_versions=B["versions"])

# Keep every raw line the host sent, before the kit parses it.
_handle_line = ext._handle_line
def recording(line):
    with open(HERE / "received.jsonl", "ab") as log:
        log.write(line + b"\n")
    _handle_line(line)
ext._handle_line = recording

def write(fmt, path, records, bad):
    if fmt == "parquet":
        import pyarrow as pa, pyarrow.parquet as pq
        pq.write_table(pa.Table.from_pylist(records), path)
    elif fmt == "csv":
        with open(path, "w", newline="") as out:
            if bad:
                out.write('id,name\n1,"never closed\n')
                return
            writer = csv.DictWriter(out, fieldnames=list(records[0]))
            writer.writeheader()
            writer.writerows(records)
    elif fmt == "ndjson":
        with open(path, "w") as out:
            out.write('{"id": "1", "name": \n' if bad else "".join(json.dumps(r) + "\n" for r in records))
    elif fmt == "json":
        with open(path, "w") as out:
            out.write('[{"id": "1"}, {"id": ' if bad else json.dumps(records))
    elif fmt == "delta" and not bad:
        import pyarrow as pa
        from deltalake import write_deltalake
        write_deltalake(path, pa.Table.from_pylist(records), mode="append")

@ext.convert
def convert(request, progress, cancelled):
    with open(request.input.path, newline="") as source:
        records = list(csv.DictReader(source))
    write(request.output.format, request.output.path, records, B.get("bad", False))
    return ConvertResult(rows=len(records) + B.get("extraRows", 0), metadata=B.get("metadata"))

ext.run()
'''


def install(work: Path, name: str, formats: list[str], versions=("1.0", "1.1", "1.2"), **behaviour) -> Path:
    search = work / "extensions"
    directory = search / name
    directory.mkdir(parents=True)
    for path in (work, search, directory):
        path.chmod(0o755)
    script = directory / "extension.py"
    script.write_text(f"#!{sys.executable}\n" + SCRIPT)
    script.chmod(0o755)
    (directory / "behaviour.json").write_text(json.dumps({"name": name, "versions": list(versions), **behaviour}))
    (directory / "pyforge-extension.json").write_text(json.dumps({
        "name": name, "version": "1.0.0", "executable": "extension.py", "protocolVersions": list(versions),
        "inputFormats": ["csv"], "outputFormats": formats,
        "timeouts": {"startup": 20, "probe": 20, "idle": 60, "absolute": 120}}))
    return search


def received(search: Path, name: str, method: str) -> list[dict]:
    lines = (search / name / "received.jsonl").read_bytes().splitlines()
    return [json.loads(line) for line in lines if json.loads(line).get("method") == method]


def run(pyforge_bin: Path, work: Path, search: Path, output: str, *extra: str) -> subprocess.CompletedProcess:
    source = work / "people.csv"
    if not source.exists():
        source.write_text("id,name\n1,Ada\n2,Grace\n3,Edsger\n")
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(search)
    env["PYTHONPATH"] = str(KIT_SRC)
    env["HOME"] = str(work)  # a fresh health record: no circuit breaker from other tests
    return subprocess.run([str(pyforge_bin), "convert", str(source), str(work / output), *extra],
                          cwd=work, env=env, capture_output=True, text=True, timeout=120)


EXPECTED = [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Grace"}, {"id": "3", "name": "Edsger"}]


def read_back(path: Path, fmt: str) -> list[dict]:
    """The records of an output, by readers that are not pyforge's; values as text."""
    if fmt == "parquet":
        rows = pq.read_table(path).to_pylist()
    elif fmt == "csv":
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
    elif fmt == "ndjson":
        rows = [json.loads(line) for line in path.read_text().splitlines()]
    elif fmt == "json":
        rows = json.loads(path.read_text())
    else:
        rows = sorted(DeltaTable(str(path)).to_pyarrow_table().to_pylist(), key=lambda r: str(r["id"]))
    return [{k: str(v) for k, v in row.items()} for row in rows]


def one_warning(proc: subprocess.CompletedProcess, name: str) -> str:
    lines = [line for line in proc.stderr.splitlines() if f"Extension '{name}' was not used" in line]
    assert len(lines) == 1, proc.stderr
    return lines[0]


FILE_FORMATS = ["parquet", "csv", "ndjson", "json"]


@pytest.mark.parametrize("fmt", FILE_FORMATS)
def test_a_wrong_row_count_falls_back_with_one_warning(pyforge_bin, work, fmt):
    search = install(work, "miscount", [fmt], extraRows=1)
    proc = run(pyforge_bin, work, search, f"out.{fmt}", "--json")
    assert proc.returncode == 0, proc.stderr
    warning = one_warning(proc, "miscount")
    assert "its output is not valid: the file holds 3 rows but the extension reported 4" in warning, warning
    result = json.loads(proc.stdout)
    assert result["engine"] == "core", result
    assert [w for w in result["warnings"] if "the file holds 3 rows but the extension reported 4" in w], result
    assert read_back(work / f"out.{fmt}", fmt) == EXPECTED
    assert not [n for n in (p.name for p in work.iterdir()) if ".pyforge-" in n]


@pytest.mark.parametrize("fmt, says", [
    ("csv", "it is not a valid CSV file (line 2: a quoted field is never closed)"),
    ("ndjson", "it is not a valid NDJSON file (line 2: a value is missing)"),
    ("json", "it is not a valid JSON file ("),
])
def test_an_unparseable_output_falls_back_with_one_warning(pyforge_bin, work, fmt, says):
    search = install(work, "garbled", [fmt], bad=True)
    proc = run(pyforge_bin, work, search, f"out.{fmt}", "--json")
    assert proc.returncode == 0, proc.stderr
    warning = one_warning(proc, "garbled")
    assert says in warning, warning
    result = json.loads(proc.stdout)
    assert result["engine"] == "core"
    assert [w for w in result["warnings"] if says in w], result["warnings"]
    assert read_back(work / f"out.{fmt}", fmt) == EXPECTED


def test_a_parquet_schema_that_differs_from_metadata_columns_falls_back(pyforge_bin, work):
    metadata = {"columns": [{"name": "id", "type": "string"}, {"name": "surname", "type": "string"}]}
    search = install(work, "misnamed", ["parquet"], metadata=metadata)
    proc = run(pyforge_bin, work, search, "out.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    warning = one_warning(proc, "misnamed")
    assert "its schema has the columns 'id', 'name' but its metadata.columns names 'id', 'surname'" in warning, warning
    assert json.loads(proc.stdout)["engine"] == "core"
    assert pq.read_table(work / "out.parquet").column_names == ["id", "name"]


def test_a_delta_output_without_a_new_version_falls_back(pyforge_bin, work):
    search = install(work, "idle-delta", ["delta"], bad=True)
    proc = run(pyforge_bin, work, search, "table", "-f", "delta", "--json")
    assert proc.returncode == 0, proc.stderr
    warning = one_warning(proc, "idle-delta")
    assert "it added no version to the Delta table" in warning, warning
    assert json.loads(proc.stdout)["engine"] == "core"
    assert read_back(work / "table", "delta") == EXPECTED
    assert DeltaTable(str(work / "table")).version() == 0


def test_a_rejected_delta_append_is_undone_before_the_core_appends(pyforge_bin, work):
    # Version 0 by the built-in engine, then an extension appends version 1 with a wrong count.
    core = run(pyforge_bin, work, work / "nothing-here", "table", "-f", "delta")
    assert core.returncode == 0, core.stderr
    search = install(work, "bad-append", ["delta"], extraRows=2)
    proc = run(pyforge_bin, work, search, "table", "-f", "delta", "--mode", "append", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "the file holds 3 rows but the extension reported 5" in one_warning(proc, "bad-append")
    table = DeltaTable(str(work / "table"))
    assert table.version() == 1  # the extension's version 1 was removed; the core wrote this one
    assert len(table.to_pyarrow_table()) == 6
    history = [entry.get("operation") for entry in table.history()]
    assert len(history) == 2, history
    # The extension's data file went with its version: every file left is referenced.
    referenced = {Path(uri).name for uri in table.file_uris()}
    assert {p.name for p in (work / "table").glob("*.parquet")} == referenced
    convert_request = received(search, "bad-append", "convert")[0]
    assert convert_request["params"]["options"]["mode"] == "append"


@pytest.mark.parametrize("fmt", FILE_FORMATS + ["delta"])
def test_a_correct_extension_reports_the_columns_of_its_output(pyforge_bin, work, fmt):
    search = install(work, "right", [fmt])
    output = "table" if fmt == "delta" else f"out.{fmt}"
    proc = run(pyforge_bin, work, search, output, "-f", fmt, "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "right" and result["rows"] == 3, result
    assert [c["name"] for c in result["columns"]] == ["id", "name"], result["columns"]
    assert not [line for line in proc.stderr.splitlines() if "was not used" in line], proc.stderr
    assert read_back(work / output, fmt) == EXPECTED
    human = run(pyforge_bin, work, search, output, "-f", fmt, "--force" if fmt != "delta" else "--mode=overwrite")
    assert human.returncode == 0, human.stderr
    assert "0 columns" not in human.stderr and "2 columns" in human.stderr, human.stderr


def test_a_1_0_extension_receives_no_options_and_its_metadata_is_ignored(pyforge_bin, work):
    # 1.0 reserved `options` and ignored `metadata`: these columns must not reach the summary.
    metadata = {"columns": [{"name": "wrong", "type": "string"}], "decision": "not for a 1.0 host"}
    search = install(work, "old", ["parquet"], versions=("1.0",), metadata=metadata)
    proc = run(pyforge_bin, work, search, "out.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["engine"] == "old" and [c["name"] for c in result["columns"]] == ["id", "name"], result
    assert "decision" not in result.get("details", {}), result
    initialize = received(search, "old", "initialize")[0]
    assert initialize["params"]["protocolVersions"] == ["1.0", "1.1", "1.2"]
    for method in ("probe", "convert"):
        params = received(search, "old", method)[0]["params"]
        assert "options" not in params and "environment" not in params, params
        assert set(params) <= {"input", "output", "progressToken"}, params


def test_a_1_2_extension_receives_options(pyforge_bin, work):
    search = install(work, "new", ["parquet"])
    proc = run(pyforge_bin, work, search, "out.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    for method in ("probe", "convert"):
        options = received(search, "new", method)[0]["params"]["options"]
        assert options == {"engine": "auto", "force": False, "direct": False}, options


def status(pyforge_bin: Path, work: Path, search: Path) -> dict:
    env = base_env()
    env["PYFORGE_EXTENSIONS_PATH"] = str(search)
    env["PYTHONPATH"] = str(KIT_SRC)
    env["HOME"] = str(work)
    proc = subprocess.run([str(pyforge_bin), "extensions", "status", "--json"], cwd=work, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def negotiated(report: dict, name: str) -> str | None:
    found = [entry for entry in report.get("extensions", []) if entry.get("name") == name]
    assert found, report
    return found[0].get("protocolVersion")


def test_protocol_1_2_is_negotiated_with_the_python_and_swift_kits(pyforge_bin, work):
    search = install(work, "python-kit-12", ["parquet"])
    swift = work / "extensions" / "swift-allstrings"
    swift.mkdir()
    swift.chmod(0o755)
    binary = pyforge_bin.parent / "pyforge-example-allstrings"
    (swift / binary.name).write_bytes(binary.read_bytes())
    (swift / binary.name).chmod(0o755)
    (swift / "pyforge-extension.json").write_text(
        (REPO / "extensions" / "examples" / "swift-allstrings" / "pyforge-extension.json").read_text())
    report = status(pyforge_bin, work, search)
    assert negotiated(report, "python-kit-12") == "1.2", report
    assert negotiated(report, "example-allstrings") == "1.2", report


def test_a_version_mismatch_reads_as_one_sentence(pyforge_bin, work):
    search = install(work, "ancient", ["parquet"], versions=("1.0",))
    manifest = search / "ancient" / "pyforge-extension.json"
    manifest.write_text(manifest.read_text().replace('["1.0"]', '["0.9"]'))
    proc = run(pyforge_bin, work, search, "out.parquet")
    assert proc.returncode == 0, proc.stderr
    warning = one_warning(proc, "ancient")
    assert ("Extension 'ancient' speaks protocol 0.9 but this pyforge speaks 1.0, 1.1, 1.2: upgrade the extension "
            "to one built for protocol 1.2; the built-in engine converted the file.") in warning, warning
    assert ".;" not in warning and ". (" not in warning
