"""End-to-end tests of the notebook Python API (python/pyforge_cli).

The pyforge-cli wheel ($PYFORGE_WHEEL, made by scripts/build-wheel) is installed into a
temporary virtual environment in a session fixture; in-process tests import that installed copy, and subprocess tests run
the venv's own interpreter. Everything runs against the real `pyforge serve --stdio`
($PYFORGE_BIN), except a few deterministic crash/progress tests that use a tiny fake
server script speaking the same protocol.
"""
from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = REPO_ROOT / "python"


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------


def _venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def _make_venv(path: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, capture_output=True)
    return _venv_python(path)


def _pip_install(python: Path, target: str) -> None:
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", target],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"pip install {target} failed:\n{proc.stdout}\n{proc.stderr}", pytrace=False)


@pytest.fixture(scope="session")
def api_venv(tmp_path_factory, pyforge_bin) -> Path:
    """A fresh venv with the pyforge-cli wheel pip-installed; returns its python."""
    wheel = os.environ.get("PYFORGE_WHEEL")
    if not wheel or not Path(wheel).is_file():
        pytest.fail("PYFORGE_WHEEL does not name a wheel; build one with scripts/build-wheel "
                    "and set PYFORGE_WHEEL to the path it prints.", pytrace=False)
    venv = tmp_path_factory.mktemp("api-venv") / "venv"
    python = _make_venv(venv)
    _pip_install(python, wheel)
    return python


@pytest.fixture(scope="session")
def api(api_venv, pyforge_bin):
    """The installed package, imported in-process from the venv's site-packages."""
    site = subprocess.run([str(api_venv), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    os.environ["PYFORGE_BIN"] = str(pyforge_bin)
    sys.path.insert(0, site)
    for name in [m for m in sys.modules if m == "pyforge_cli" or m.startswith("pyforge_cli.")]:
        del sys.modules[name]
    module = importlib.import_module("pyforge_cli.extensions.databricks")
    assert str(Path(module.__file__).resolve()).startswith(str(Path(site).resolve())), module.__file__
    yield module
    module.forge.close()


@pytest.fixture
def forge(api):
    return api.forge


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def sales_csv(tmp_path) -> Path:
    return _write(tmp_path / "sales.csv", "id,name,amount,day\n1,ann,10.5,2024-01-02\n2,bob,,2024-02-03\n3,cy,7.25,2024-03-04\n")


@pytest.fixture
def workbook(tmp_path) -> Path:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "Orders"
    first.append(["order", "qty", "item"])
    for i in range(1, 6):
        first.append([i, i * 2, f"item{i}"])
    second = wb.create_sheet("Prices")
    second.append(["item", "price"])
    second.append(["item1", 1.5])
    second.append(["item2", 2.5])
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


FAKE_SERVER = textwrap.dedent('''\
    import json, os, sys
    # A stand-in for `pyforge serve --stdio`: answers ping, sends $/progress for convert,
    # and exits abruptly on the method "crash".
    for line in sys.stdin:
        message = json.loads(line)
        method, rid, params = message.get("method"), message.get("id"), message.get("params") or {}
        def send(obj):
            sys.stdout.write(json.dumps(obj) + "\\n"); sys.stdout.flush()
        if method == "shutdown":
            break
        if method == "crash":
            sys.stderr.write("fake server: simulated crash\\n"); sys.stderr.flush()
            os._exit(7)
        if method == "environment":
            send({"jsonrpc": "2.0", "id": rid, "result": {"host": "fake", "databricks": False,
                  "runtime_version": None, "extensions_generation": 0}})
        elif method == "convert" and params["input"].endswith("crash.csv"):
            os._exit(9)
        elif method == "convert":
            token = params.get("progress_token", str(rid))
            for done in (25, 50, 100):
                send({"jsonrpc": "2.0", "method": "$/progress",
                      "params": {"token": token, "done": done, "total": 100, "message": None}})
            send({"jsonrpc": "2.0", "id": rid, "result": {"success": True, "input": params["input"],
                  "output": "/out.parquet", "input_format": "csv", "format": "parquet", "rows": 1,
                  "columns": [{"name": "a", "type": "int64", "nullable": True}], "bytes_in": 100,
                  "bytes_out": 10, "seconds": 0.1, "engine": "core", "warnings": [], "details": {}}})
        else:
            send({"jsonrpc": "2.0", "id": rid, "result": {"pong": True, "pid": os.getpid()}})
''')


@pytest.fixture
def fake_server(tmp_path) -> Path:
    script = tmp_path / "fake-pyforge"
    script.write_text(f"#!{sys.executable}\n" + FAKE_SERVER)
    script.chmod(0o755)
    return script


def _wait_dead(pid: int, timeout: float = 30.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie still answers kill(0); the reader thread reaps it
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().split(")")[-1].split()[0] == "Z":
                    return True
        except OSError:
            return True
        time.sleep(0.05)
    return False


# --------------------------------------------------------------------------------------
# convert
# --------------------------------------------------------------------------------------


def test_convert_csv_to_parquet_result_and_output(forge, sales_csv, tmp_path):
    out = tmp_path / "sales.parquet"
    result = forge.convert(sales_csv, out, progress=False)
    assert result["success"] is True
    assert result["input_path"] == str(sales_csv)
    assert result["output_path"] == str(out)
    assert result["output_format"] == "parquet"
    assert result["row_count"] == 3 and result["column_count"] == 4
    assert [c["name"] for c in result["schema"]] == ["id", "name", "amount", "day"]
    assert all(set(c) == {"name", "type", "nullable"} for c in result["schema"])
    assert result["schema"][0]["type"] == "int64"
    assert result["processing_engine"] == "core"
    assert isinstance(result["duration_seconds"], float)
    assert result["warnings"] == []
    assert result["environment"]["host"].startswith("pyforge")
    table = pq.read_table(out)
    assert table.num_rows == 3
    assert table.column("id").to_pylist() == [1, 2, 3]
    assert table.column("amount").to_pylist() == [10.5, None, 7.25]
    assert table.column("name").to_pylist() == ["ann", "bob", "cy"]


def test_convert_default_output_next_to_input(forge, sales_csv):
    result = forge.convert(sales_csv, progress=False)
    assert result["output_path"] == str(sales_csv.with_suffix(".parquet"))
    assert pq.read_table(result["output_path"]).num_rows == 3


def test_convert_json_and_ndjson_inputs(forge, tmp_path):
    array = _write(tmp_path / "people.json", json.dumps([
        {"name": "ann", "age": 31, "address": {"city": "Oslo"}},
        {"name": "bob", "age": None, "address": {"city": "Rome"}},
    ]))
    result = forge.convert(array, tmp_path / "people.parquet", progress=False)
    assert result["input_format"] == "json" and result["row_count"] == 2
    table = pq.read_table(tmp_path / "people.parquet")
    assert table.column("name").to_pylist() == ["ann", "bob"]
    assert table.column("age").to_pylist() == [31, None]
    assert "address.city" in table.column_names or "address_city" in table.column_names

    lines = _write(tmp_path / "events.ndjson", '{"k": 1, "v": "a"}\n{"k": 2, "v": "b"}\n{"k": 3, "v": null}\n')
    result = forge.convert(lines, tmp_path / "events.parquet", progress=False)
    assert result["input_format"] in ("json", "ndjson") and result["row_count"] == 3
    assert pq.read_table(tmp_path / "events.parquet").column("v").to_pylist() == ["a", "b", None]


def test_convert_xlsx_one_sheet_and_all_sheets(forge, workbook, tmp_path):
    out = tmp_path / "orders.parquet"
    result = forge.convert(workbook, out, sheets=["Orders"], progress=False)
    assert result["input_format"] == "xlsx" and result["row_count"] == 5
    table = pq.read_table(out)
    assert table.column_names == ["order", "qty", "item"]
    assert table.column("qty").to_pylist() == [2, 4, 6, 8, 10]

    # A single sheet name as a string is accepted too.
    result = forge.convert(workbook, tmp_path / "prices.parquet", sheets="Prices", progress=False)
    assert pq.read_table(tmp_path / "prices.parquet").column("price").to_pylist() == [1.5, 2.5]

    everything = forge.convert(workbook, tmp_path / "all", progress=False)
    assert everything["success"] is True
    assert len(everything["outputs"]) == 2
    assert everything["row_count"] == 7
    by_sheet = {Path(o["output_path"]).stem: o for o in everything["outputs"]}
    assert set(by_sheet) == {"Orders", "Prices"}
    assert pq.read_table(by_sheet["Prices"]["output_path"]).num_rows == 2
    assert everything["output_path"] == str(Path(by_sheet["Orders"]["output_path"]).parent)


@pytest.mark.parametrize("output_format", ["csv", "json", "ndjson", "delta"])
def test_convert_output_formats(forge, sales_csv, tmp_path, output_format):
    out = tmp_path / f"out-{output_format}"
    result = forge.convert(sales_csv, out, output_format=output_format, progress=False)
    assert result["output_format"] == output_format and result["row_count"] == 3
    if output_format == "csv":
        lines = out.read_text().splitlines()
        assert lines[0] == "id,name,amount,day" and len(lines) == 4
    elif output_format == "json":
        records = json.loads(out.read_text())
        assert [r["name"] for r in records] == ["ann", "bob", "cy"]
    elif output_format == "ndjson":
        records = [json.loads(line) for line in out.read_text().splitlines()]
        assert [r["id"] for r in records] == [1, 2, 3]
    else:
        assert (out / "_delta_log").is_dir()
        assert pq.read_table(out).num_rows == 3


def test_convert_options_passthrough(api, forge, tmp_path):
    src = _write(tmp_path / "semi.csv", "code;amount;flag\n007;1.5;NA\n010;2.5;yes\n")
    out = tmp_path / "semi.parquet"
    result = forge.convert(src, out, delimiter=";", all_strings=True, compression="zstd",
                           null_values=["NA"], progress=False)
    assert {c["type"] for c in result["schema"]} == {"string"}
    table = pq.read_table(out)
    assert table.column("code").to_pylist() == ["007", "010"]
    assert table.column("flag").to_pylist() == [None, "yes"]
    assert pq.ParquetFile(out).metadata.row_group(0).column(0).compression == "ZSTD"

    # force: an existing output is refused without it, replaced with it.
    with pytest.raises(api.ConversionFailed) as refused:
        forge.convert(src, out, delimiter=";", progress=False)
    assert "exist" in str(refused.value).lower()
    forge.convert(src, out, delimiter=";", force=True, compression="gzip", row_group_size=1, progress=False)
    metadata = pq.ParquetFile(out).metadata
    assert metadata.num_row_groups == 2
    assert metadata.row_group(0).column(0).compression == "GZIP"
    assert pq.read_table(out).column("amount").to_pylist() == [1.5, 2.5]  # typed again without all_strings


def test_convert_unknown_option_is_type_error(forge, sales_csv):
    with pytest.raises(TypeError, match="compresion"):
        forge.convert(sales_csv, compresion="zstd", progress=False)


def test_convert_missing_input_raises_conversion_failed(api, forge, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(api.ConversionFailed) as info:
        forge.convert(missing, progress=False)
    error = info.value
    assert isinstance(error, api.PyForgeError)
    assert error.exit_code == 4
    assert "does not exist" in error.message and str(missing) in error.message
    assert str(error) == error.message


def test_convert_bad_option_value_raises(api, forge, sales_csv):
    with pytest.raises(api.PyForgeError) as info:
        forge.convert(sales_csv, output_format="xlsx", progress=False)
    assert "format" in info.value.message.lower()
    with pytest.raises(api.PyForgeError) as info:
        forge.convert(sales_csv, compression="lz77", progress=False)
    assert "compression" in info.value.message.lower()


def test_corrupt_input_raises_with_data_exit_code(api, forge, tmp_path):
    bad = _write(tmp_path / "bad.csv", 'a,b\n1,"unterminated\n')
    with pytest.raises(api.ConversionFailed) as info:
        forge.convert(bad, progress=False)
    assert info.value.exit_code not in (None, 0)
    assert "quote" in info.value.message


# --------------------------------------------------------------------------------------
# get_info / validate / environment / raw calls
# --------------------------------------------------------------------------------------


def test_get_info_csv_and_parquet(forge, sales_csv, tmp_path):
    info = forge.get_info(sales_csv)
    assert info["format"] == "csv" and info["row_count"] == 3 and info["column_count"] == 4
    assert info["size_bytes"] == sales_csv.stat().st_size
    assert [c["name"] for c in info["schema"]] == ["id", "name", "amount", "day"]
    out = tmp_path / "x.parquet"
    forge.convert(sales_csv, out, progress=False)
    info = forge.get_info(out)
    assert info["format"] == "parquet" and info["rows"] == 3


def test_get_info_excel_sheets_with_dimensions(forge, workbook):
    info = forge.get_info(workbook)
    assert info["format"] == "xlsx"
    sheets = {s["name"]: s for s in info["sheets"]}
    assert set(sheets) == {"Orders", "Prices"}
    assert sheets["Orders"]["dimension"] == "A1:C6"
    assert sheets["Orders"]["row_count"] == 5 and sheets["Orders"]["column_count"] == 3
    assert sheets["Prices"]["dimension"] == "A1:B3" and sheets["Prices"]["rows"] == 2


def test_get_info_missing_file_raises(api, forge, tmp_path):
    with pytest.raises(api.PyForgeError) as info:
        forge.get_info(tmp_path / "absent.csv")
    assert "does not exist" in info.value.message


def test_validate_valid_and_invalid(forge, sales_csv, tmp_path):
    ok = forge.validate(sales_csv)
    assert ok["valid"] is True and ok["errors"] == [] and ok["warnings"] == []
    bad = _write(tmp_path / "bad.csv", 'a,b\n1,"never closed\n')
    result = forge.validate(bad)
    assert result["valid"] is False
    assert len(result["errors"]) == 1 and "quote" in result["errors"][0]
    missing = forge.validate(tmp_path / "missing.csv")
    assert missing["valid"] is False and "does not exist" in missing["errors"][0]


def test_environment_info(forge, monkeypatch):
    info = forge.get_environment_info()
    for key in ("host", "databricks", "runtime_version", "extensions_generation", "is_databricks"):
        assert key in info
    assert info["is_databricks"] is ("DATABRICKS_RUNTIME_VERSION" in os.environ)
    assert info["host"].startswith("pyforge")
    assert info["default_workers"] >= 1


def test_databricks_environment_detected(api, pyforge_bin, monkeypatch):
    monkeypatch.setenv("DATABRICKS_RUNTIME_VERSION", "15.4")
    client = api.PyForgeDatabricks(binary=str(pyforge_bin))
    try:
        info = client.get_environment_info()
        assert info["is_databricks"] is True and info["databricks"] is True
        assert info["runtime_version"] == "15.4"
    finally:
        client.close()


def test_raw_calls(api, forge):
    assert forge.ping() is not None
    formats = forge.call("formats")
    assert "parquet" in json.dumps(formats)
    with pytest.raises(api.InvalidRequest) as info:
        forge.call("no/such/method")
    assert info.value.code == -32601


# --------------------------------------------------------------------------------------
# batch_convert
# --------------------------------------------------------------------------------------


def test_batch_convert_with_a_corrupt_file(forge, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(5):
        _write(src / f"part{i}.csv", "n,label\n" + "".join(f"{i * 10 + j},x{j}\n" for j in range(i + 1)))
    _write(src / "broken.csv", 'n,label\n1,"open quote\n')
    _write(src / "notes.txt", "not matched by the pattern")
    out = tmp_path / "out"
    result = forge.batch_convert(str(src / "*.csv"), output_dir=str(out), max_workers=3, progress=False)
    summary = result["summary"]
    assert summary["total"] == 6 and summary["succeeded"] == 5 and summary["failed"] == 1
    assert summary["rows"] == 1 + 2 + 3 + 4 + 5
    assert summary["duration_seconds"] > 0 and summary["workers"] == 3
    failed = [r for r in result["results"] if not r["success"]]
    assert len(failed) == 1 and failed[0]["input_path"].endswith("broken.csv")
    assert "quote" in failed[0]["error"] and failed[0]["error_type"] == "ConversionFailed"
    assert failed[0]["exit_code"] not in (None, 0)
    for i in range(5):
        table = pq.read_table(out / f"part{i}.parquet")
        assert table.num_rows == i + 1
        assert table.column("n").to_pylist()[0] == i * 10
    assert not (out / "broken.parquet").exists()


def test_batch_convert_pattern_list_format_options_and_env_workers(forge, tmp_path, monkeypatch):
    _write(tmp_path / "a.csv", "x\n1\n2\n")
    _write(tmp_path / "b.tsv", "x\ty\n3\t4\n")
    monkeypatch.setenv("PYFORGE_PARALLEL_WORKERS", "2")
    out = tmp_path / "nd"
    result = forge.batch_convert([str(tmp_path / "*.csv"), str(tmp_path / "*.tsv"), str(tmp_path / "a.csv")],
                                 output_dir=str(out), output_format="ndjson", all_strings=True, progress=False)
    assert result["summary"]["workers"] == 2
    assert result["summary"]["total"] == 2 and result["summary"]["succeeded"] == 2  # a.csv once
    assert [json.loads(l) for l in (out / "a.ndjson").read_text().splitlines()] == [{"x": "1"}, {"x": "2"}]
    assert json.loads((out / "b.ndjson").read_text().splitlines()[0]) == {"x": "3", "y": "4"}


def test_batch_convert_colliding_names_get_distinct_outputs(forge, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    _write(tmp_path / "x" / "data.csv", "v\n1\n")
    _write(tmp_path / "y" / "data.csv", "v\n2\n3\n")
    _write(tmp_path / "x" / "data.json", '[{"v": 4}]')
    out = tmp_path / "out"
    result = forge.batch_convert([str(tmp_path / "*" / "data.*")], output_dir=str(out), progress=False)
    assert result["summary"]["succeeded"] == 3, result
    outputs = sorted(Path(r["output_path"]).name for r in result["results"])
    assert outputs == ["data_csv.parquet", "data_csv_2.parquet", "data_json.parquet"]
    assert sorted(pq.read_table(out / name).num_rows for name in outputs) == [1, 1, 2]


def test_batch_convert_no_matches(forge, tmp_path):
    result = forge.batch_convert(str(tmp_path / "none-*.csv"), progress=False)
    assert result["results"] == [] and result["summary"]["total"] == 0


def test_concurrent_calls_share_one_server(forge, tmp_path):
    files = [_write(tmp_path / f"c{i}.csv", "v\n" + "\n".join(str(j) for j in range(i + 1)) + "\n") for i in range(8)]
    forge.ping()
    pid = forge.server_pid
    results, errors = {}, []

    def work(i):
        try:
            results[i] = forge.convert(files[i], tmp_path / f"c{i}.parquet", progress=False)["row_count"]
            forge.get_info(files[i])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert results == {i: i + 1 for i in range(8)}
    assert forge.server_pid == pid


# --------------------------------------------------------------------------------------
# Server lifecycle
# --------------------------------------------------------------------------------------


def test_killed_server_is_restarted_by_next_call(forge, sales_csv, tmp_path):
    forge.ping()
    pid = forge.server_pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    # Wait until the client has seen the death (stdout closed, process reaped): a call
    # racing with the dying server would be "in flight" and, for convert, raise ServerError.
    deadline = time.time() + 10
    while forge.server_pid is not None and time.time() < deadline:
        time.sleep(0.02)
    assert forge.server_pid is None
    result = forge.convert(sales_csv, tmp_path / "after-kill.parquet", progress=False)
    assert result["row_count"] == 3
    assert forge.server_pid not in (None, pid)


def test_server_dying_during_a_call_raises_server_error_then_recovers(api, fake_server):
    client = api.PyForgeDatabricks(binary=str(fake_server))
    try:
        first_pid = client.ping()["pid"]
        with pytest.raises(api.ServerError) as info:
            client.call("crash")
        message = info.value.message
        assert "exited" in message and "exit code 7" in message and "simulated crash" in message
        assert "not retried" in message
        second_pid = client.ping()["pid"]
        assert second_pid != first_pid
        # Read-only calls in flight when the server dies are re-sent to a fresh one.
        third_pid = client.ping()["pid"]
        assert third_pid == second_pid
    finally:
        client.close()


def test_convert_in_flight_when_server_dies_is_not_retried(api, fake_server, tmp_path, capsys):
    client = api.PyForgeDatabricks(binary=str(fake_server))
    try:
        with pytest.raises(api.ServerError) as info:
            client.convert(tmp_path / "crash.csv")
        assert "exit code 9" in info.value.message and "'convert'" in info.value.message
        assert client.server_starts == 1  # not retried
        assert "pyforge: failed" in capsys.readouterr().err
        assert client.convert(tmp_path / "fine.csv", progress=False)["row_count"] == 1
    finally:
        client.close()


def test_read_only_call_in_flight_is_retried_on_a_fresh_server(api, fake_server):
    client = api.PyForgeDatabricks(binary=str(fake_server))
    try:
        pid = client.ping()["pid"]
        os.kill(pid, signal.SIGKILL)
        # Immediately, without waiting: whether the write fails or the answer never
        # comes, a read-only request is answered by a new server.
        assert client.ping()["pid"] != pid
    finally:
        client.close()


def test_close_sends_shutdown_and_next_call_restarts(api, pyforge_bin):
    client = api.PyForgeDatabricks(binary=str(pyforge_bin))
    client.ping()
    pid = client.server_pid
    client.close()
    assert _wait_dead(pid) and client.server_pid is None
    client.ping()
    assert client.server_pid not in (None, pid)
    client.close()


def test_interpreter_exit_shuts_the_server_down(api_venv, pyforge_bin, sales_csv, tmp_path):
    script = textwrap.dedent(f"""
        import sys
        from pyforge_cli.extensions.databricks import forge
        forge.convert({str(sales_csv)!r}, {str(tmp_path / 'exit.parquet')!r}, progress=False)
        sys.stderr.write("PID=%d\\n" % forge.server_pid)
    """)
    env = dict(os.environ, PYFORGE_BIN=str(pyforge_bin))
    # The timeout is a hang guard (an interpreter kept alive by the server would hit it);
    # how long the exit takes is a benchmark row (benchmarks/time_bounds.py).
    proc = subprocess.run([str(api_venv), "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    pid = int(proc.stderr.split("PID=")[1].split()[0])
    assert _wait_dead(pid)


# --------------------------------------------------------------------------------------
# Binary discovery
# --------------------------------------------------------------------------------------


def test_missing_binary_explicit_path(api, tmp_path):
    client = api.PyForgeDatabricks(binary=str(tmp_path / "no-pyforge"))
    with pytest.raises(api.PyForgeNotFoundError) as info:
        client.get_info(tmp_path / "x.csv")
    assert isinstance(info.value, api.PyForgeError)
    assert "not found" in info.value.message and "PYFORGE_BIN" in info.value.message
    # validate never raises for the file, but does for a missing binary.
    with pytest.raises(api.PyForgeNotFoundError):
        client.validate(tmp_path / "x.csv")


def test_missing_binary_nowhere_to_be_found(tmp_path):
    """The package without its binary (the source tree's python/, which never holds one),
    with no PYFORGE_BIN and nothing on PATH."""
    script = textwrap.dedent("""
        from pyforge_cli.extensions.databricks import forge, PyForgeNotFoundError
        try:
            forge.convert("x.csv")
        except PyForgeNotFoundError as error:
            import sys
            sys.stderr.write("ERROR:" + error.message)
            sys.exit(3)
    """)
    assert not (PACKAGE_DIR / "pyforge_cli" / "bin").exists()
    env = {k: v for k, v in os.environ.items() if k != "PYFORGE_BIN"}
    env["PATH"] = str(tmp_path / "empty-bin")
    env["PYTHONPATH"] = str(PACKAGE_DIR)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert proc.stdout == ""
    message = proc.stderr.split("ERROR:")[1]
    assert "PYFORGE_BIN is not set" in message and "PATH" in message and "pip install pyforge-cli" in message


def test_the_pyforge_command_is_the_binary(api_venv, tmp_path):
    """The console script pip installs execs the bundled binary: same output, same exit codes."""
    command = api_venv.parent / "pyforge"
    proc = subprocess.run([str(command), "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "2.0.0"
    proc = subprocess.run([str(command), "convert", str(tmp_path / "missing.csv")], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 4 and "missing.csv" in proc.stderr  # exit 4: the input does not exist
    proc = subprocess.run([str(command), "convert", "--no-such-option"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.startswith("pyforge: error:")  # argv[0] is 'pyforge'


def test_pyforge_bin_pointing_nowhere(api_venv, tmp_path):
    script = textwrap.dedent("""
        import sys
        from pyforge_cli.extensions.databricks import forge, PyForgeNotFoundError
        try:
            forge.ping()
        except PyForgeNotFoundError as error:
            sys.stderr.write(error.message); sys.exit(3)
    """)
    env = dict(os.environ, PYFORGE_BIN=str(tmp_path / "gone" / "pyforge"))
    proc = subprocess.run([str(api_venv), "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 3
    assert "from PYFORGE_BIN" in proc.stderr and "gone" in proc.stderr


# --------------------------------------------------------------------------------------
# Progress and stdout hygiene
# --------------------------------------------------------------------------------------


def test_progress_goes_to_stderr_not_stdout(forge, sales_csv, tmp_path, capsys):
    forge.convert(sales_csv, tmp_path / "p.parquet", progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "pyforge: converted sales.csv" in captured.err and "3 rows" in captured.err
    forge.convert(sales_csv, tmp_path / "q.parquet", progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_progress_notifications_update_the_stderr_line(api, fake_server, tmp_path, capsys):
    client = api.PyForgeDatabricks(binary=str(fake_server))
    try:
        result = client.convert(tmp_path / "in.csv", progress=True)
        assert result["row_count"] == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "\rpyforge: converting in.csv  25%" in captured.err
        assert " 50%" in captured.err and "100%" in captured.err
        assert captured.err.endswith("\n")
        client.convert(tmp_path / "in.csv", progress=False)
        assert capsys.readouterr().err == ""
    finally:
        client.close()


def test_library_prints_nothing_to_stdout(api_venv, pyforge_bin, sales_csv, workbook, tmp_path):
    script = textwrap.dedent(f"""
        from pyforge_cli.extensions.databricks import forge, PyForgeError
        forge.convert({str(sales_csv)!r}, {str(tmp_path / 's.parquet')!r})
        forge.convert({str(workbook)!r}, {str(tmp_path / 'book')!r})
        forge.get_info({str(workbook)!r}); forge.validate({str(tmp_path / 'missing.csv')!r})
        forge.batch_convert({str(tmp_path / '*.csv')!r}, output_dir={str(tmp_path / 'batch')!r})
        forge.get_environment_info()
        try:
            forge.convert({str(tmp_path / 'missing.csv')!r})
        except PyForgeError:
            pass
    """)
    env = dict(os.environ, PYFORGE_BIN=str(pyforge_bin))
    proc = subprocess.run([str(api_venv), "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "pyforge: converted" in proc.stderr and "batch done" in proc.stderr
    assert "pyforge: failed" in proc.stderr


def test_notebook_progress_uses_ipython_display(api, fake_server, tmp_path, monkeypatch, capsys):
    """Simulates a kernel: a fake IPython module whose display(display_id=True) handle is updated."""
    import types
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj.data))

    def display(obj, display_id=None):
        assert display_id is True
        shown.append(("display", obj.data))
        return Handle()

    class HTML:
        def __init__(self, data):
            self.data = data

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    display_module = types.ModuleType("IPython.display")
    display_module.display, display_module.HTML = display, HTML
    ipython.display = display_module
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", display_module)
    client = api.PyForgeDatabricks(binary=str(fake_server))
    try:
        client.convert(tmp_path / "in.csv")
    finally:
        client.close()
    assert shown[0][0] == "display" and "25%" in shown[0][1]
    assert [kind for kind, _ in shown[1:]] == ["update"] * (len(shown) - 1)
    assert "converted in.csv" in shown[-1][1]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


# --------------------------------------------------------------------------------------
# Sample datasets
# --------------------------------------------------------------------------------------


def test_install_sample_datasets(forge, tmp_path):
    # The CLI has `pyforge install sample-datasets`: the API must succeed and the files must
    # be there, with the content the manifest promises (UnsupportedFeature is a failure).
    import csv
    import hashlib

    destination = tmp_path / "samples"
    result = forge.install_sample_datasets(destination, formats=["csv"], sizes=["small"])
    assert result["success"] is True and result["destination"] == str(destination)
    assert [f["path"] for f in result["files"]] == ["csv/orders_small.csv"]
    assert sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file()) == [
        "csv/orders_small.csv", "manifest.json"]
    manifest = json.loads((destination / "manifest.json").read_text(encoding="utf-8"))
    (entry,) = manifest["files"]
    data = (destination / "csv" / "orders_small.csv").read_bytes()
    assert entry["bytes"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    with open(destination / "csv" / "orders_small.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "order_id" and len(rows) - 1 == entry["rows"] == 1000


def test_real_server_progress_notifications_reach_the_display(forge, tmp_path, capsys):
    """The real server's `$/progress` updates the stderr line. Besides its 250 ms ticks the
    server always sends the final counts before it answers, so this holds for a conversion
    of any speed; the test does not depend on the machine being slow enough."""
    source = tmp_path / "small.csv"
    source.write_text("id,name\n" + "".join("%d,name%d\n" % (i, i) for i in range(1000)))
    result = forge.convert(source, tmp_path / "small.parquet")
    assert result["row_count"] == 1000
    captured = capsys.readouterr()
    assert captured.out == ""
    size_mb = "%.1f MB" % (source.stat().st_size / 1e6)
    assert "\rpyforge: converting small.csv 100%% (%s of %s) - 1000 rows" % (size_mb, size_mb) in captured.err, captured.err
    assert "pyforge: converted small.csv" in captured.err
    assert pq.ParquetFile(tmp_path / "small.parquet").metadata.num_rows == 1000


# --------------------------------------------------------------------------------------
# The Spark engine and the newer formats' options through the API
# --------------------------------------------------------------------------------------


def test_spark_engine_through_the_api(api, pyforge_bin, databricks_extensions_dir, spark_remote, tmp_path, monkeypatch):
    monkeypatch.setenv("PYFORGE_EXTENSIONS_PATH", str(databricks_extensions_dir))
    monkeypatch.setenv("HOME", str(tmp_path))
    source = tmp_path / "s.csv"
    source.write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(25)))
    client = api.PyForgeDatabricks(binary=str(pyforge_bin))
    try:
        result = client.convert(source, tmp_path / "s.parquet", engine="spark", spark_remote=spark_remote, progress=False)
        assert result["row_count"] == 25
        assert "parquet-mr" in pq.read_metadata(tmp_path / "s.parquet").created_by  # Spark wrote it
        with pytest.raises(api.ConversionFailed) as failure:
            client.convert(source, tmp_path / "t.parquet", engine="spark", progress=False)
        assert "no Spark endpoint is configured" in failure.value.message
    finally:
        client.close()


def test_pdf_pages_option_through_the_api(forge, tmp_path):
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "three.pdf"
    page = canvas.Canvas(str(pdf))
    for number in (1, 2, 3):
        page.drawString(72, 720, f"This is page number {number}")
        page.showPage()
    page.save()
    forge.convert(pdf, tmp_path / "two.txt", pages="2", metadata=True, progress=False)
    text = (tmp_path / "two.txt").read_text()
    assert "page number 2" in text and "page number 1" not in text and "--- Page 2 ---" in text


def test_pdf_password_through_the_api(forge, tmp_path):
    import shutil
    import subprocess

    from reportlab.pdfgen import canvas

    plain = tmp_path / "plain.pdf"
    page = canvas.Canvas(str(plain))
    page.drawString(72, 720, "Confidential page text")
    page.showPage()
    page.save()
    locked = tmp_path / "locked.pdf"
    subprocess.run([shutil.which("qpdf") or "qpdf", "--encrypt", "user", "owner", "256", "--", str(plain), str(locked)], check=True)
    assert forge.validate(locked)["valid"] is False
    assert forge.validate(locked, password="user")["valid"] is True
    assert forge.get_info(locked, password="owner")["details"]["encryption_opened_with"] == "the owner password"
    forge.convert(locked, tmp_path / "out.txt", password="user", progress=False)
    assert "Confidential page text" in (tmp_path / "out.txt").read_text()


def test_xml_and_excel_options_through_the_api(forge, workbook, tmp_path):
    # Options the server once lacked: XML's flatten/array/namespace handling, Excel's header.
    src = _write(tmp_path / "o.xml", '<r xmlns:p="urn:p"><o><p:i>pen</p:i><t>a</t><t>b</t></o><o><p:i>ink</p:i><t>c</t></o></r>')
    out = tmp_path / "o.parquet"
    forge.convert(src, out, row_tag="o", array_handling="expand", namespace_handling="prefix",
                  flatten_strategy="conservative", progress=False)
    table = pq.read_table(out)
    assert table.column("t").to_pylist() == ["a", "b", "c"]
    assert table.column("p:i").to_pylist() == ["pen", "pen", "ink"]
    numbers = tmp_path / "n.xlsx"
    book = openpyxl.Workbook()
    book.active.append([1, 2])
    book.active.append([3, 4])
    book.save(numbers)
    forge.convert(numbers, tmp_path / "n.parquet", header=True, progress=False)
    assert pq.read_table(tmp_path / "n.parquet").to_pylist() == [{"1": 3, "2": 4}]
