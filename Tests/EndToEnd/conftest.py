"""Shared fixtures for the pyforge end-to-end suite.

The suite drives the real `pyforge` binary with subprocess, exactly as a user would,
and checks its outputs with independent readers: Python's csv/json modules for text,
pyarrow and DuckDB for Parquet.

Binary: $PYFORGE_BIN if set, else <repo>/.build/release/pyforge.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BINARY = REPO_ROOT / ".build" / "release" / "pyforge"

# Text that must never reach a user: crash reports and stack traces.
CRASH_MARKERS = ("Traceback", "Fatal error", "Stack dump", "fatalError", "Segmentation fault")

# Temporary files pyforge writes next to the output: `.<name>.pyforge-<host>-<pid>-<start>-XXXXXX`.
TEMP_MARKER = ".pyforge-"

UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------
# Binary and runner
# --------------------------------------------------------------------------------------


def _resolve_binary() -> Path:
    configured = os.environ.get("PYFORGE_BIN")
    return Path(configured).expanduser().resolve() if configured else DEFAULT_BINARY


@pytest.fixture(scope="session")
def pyforge_bin() -> Path:
    binary = _resolve_binary()
    if not binary.is_file():
        pytest.fail(
            f"pyforge binary not found at {binary}. Build it (swift build -c release) or "
            f"point PYFORGE_BIN at an existing binary.",
            pytrace=False,
        )
    if not os.access(binary, os.X_OK):
        pytest.fail(f"pyforge binary at {binary} is not executable.", pytrace=False)
    return binary


def base_env() -> dict[str, str]:
    """The environment a test run sees: the caller's, minus pyforge's own knobs, so
    that a developer's PYFORGE_LOG_LEVEL etc. cannot change the results."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYFORGE_")}
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


def assert_no_crash(proc: subprocess.CompletedProcess) -> None:
    for stream_name in ("stdout", "stderr"):
        text = getattr(proc, stream_name) or ""
        for marker in CRASH_MARKERS:
            assert marker not in text, (
                f"crash marker {marker!r} in {stream_name} of {proc.args}:\n{text[-3000:]}"
            )
    # A negative return code means the process died from a signal (crash/abort).
    assert proc.returncode >= 0, f"{proc.args} died from signal {-proc.returncode}:\n{proc.stderr[-3000:]}"


@pytest.fixture
def run(pyforge_bin: Path, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess]:
    """run(*args, cwd=tmp_path, env=None, timeout=120) -> CompletedProcess (text).

    Every run is checked for crash markers (a stack trace is never acceptable)."""

    def _run(*args: Any, cwd: Path | str | None = None, env: dict[str, str] | None = None,
             timeout: float = 120, stdin: str | None = None) -> subprocess.CompletedProcess:
        full_env = base_env()
        for key, value in (env or {}).items():
            # None removes a variable the caller's environment has.
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
        proc = subprocess.run(
            [str(pyforge_bin), *[str(a) for a in args]],
            cwd=str(cwd or tmp_path),
            env=full_env,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
        assert_no_crash(proc)
        return proc

    return _run


@pytest.fixture
def run_json(run) -> Callable[..., tuple[subprocess.CompletedProcess, Any]]:
    """Runs pyforge and parses stdout, which must hold exactly one JSON document."""

    def _run_json(*args: Any, **kwargs: Any):
        proc = run(*args, **kwargs)
        data = parse_single_json(proc.stdout, proc)
        return proc, data

    return _run_json


def parse_single_json(stdout: str, proc: subprocess.CompletedProcess | None = None) -> Any:
    context = f"\nargs: {proc.args}\nrc: {proc.returncode}\nstderr: {proc.stderr[-2000:]}" if proc else ""
    assert stdout.strip(), f"stdout is empty, expected one JSON object{context}"
    try:
        # json.loads rejects trailing data, so this also proves nothing else is on stdout.
        return json.loads(stdout)
    except json.JSONDecodeError as exc:  # pragma: no cover - reported as a failure
        pytest.fail(f"stdout is not exactly one JSON document ({exc}):\n{stdout[:2000]}{context}")


def wait_for(condition: Callable[[], Any], what: str | Callable[[], str], timeout: float = 60.0,
             interval: float = 0.01) -> Any:
    """Polls `condition` until it returns something truthy, and returns that. Tests
    synchronise with the process under test this way, never with a fixed sleep: a sleep is
    either too short on a loaded machine (a flaky failure) or longer than needed. The
    deadline is generous on purpose; it only turns a hang into a failure that says what
    never happened (`what` may be a callable, to describe the state at the deadline)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting until {what() if callable(what) else what}", pytrace=False)
        time.sleep(interval)


# --------------------------------------------------------------------------------------
# Files and directories
# --------------------------------------------------------------------------------------


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """An empty directory holding a test's input and output files."""
    d = tmp_path / "work"
    d.mkdir()
    return d


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    # newline="" so "\r\n" in the text is written exactly as given.
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(text)
    return path


def listing(directory: Path) -> list[str]:
    """Every entry (hidden ones included) of a directory, recursively, sorted."""
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def file_state(path: Path) -> tuple[bytes, int, int]:
    st = path.stat()
    return path.read_bytes(), st.st_mtime_ns, st.st_size


def temp_leftovers(directory: Path) -> list[str]:
    return [name for name in listing(directory) if TEMP_MARKER in name]


# --------------------------------------------------------------------------------------
# Independent readers
# --------------------------------------------------------------------------------------


def csv_reference(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> tuple[list[str], list[list[str]]]:
    """Header and rows as Python's csv module reads them (blank lines dropped)."""
    with open(path, encoding=encoding, newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter=delimiter) if r]
    if not rows:
        return [], []
    return rows[0], rows[1:]


def _parse_timestamp(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return value


def typed(text: str | None, type_name: str, empty_is_null: bool = True) -> Any:
    """Converts a CSV text value to the Python value pyarrow should read for the column
    type pyforge reports (type names as in --json)."""
    if text is None:
        return None
    if text == "" and empty_is_null:
        return None
    if type_name == "string":
        return text
    if type_name == "int64":
        return int(text)
    if type_name == "double":
        return float(text)  # float() accepts NaN, inf, -inf, Infinity, 1e5, .5
    if type_name == "boolean":
        low = text.lower()
        assert low in ("true", "false"), text
        return low == "true"
    if type_name == "date":
        return dt.date.fromisoformat(text)
    if type_name == "timestamp[us]":
        value = _parse_timestamp(text)
        assert value.tzinfo is None, text
        return value
    if type_name == "timestamp[us, UTC]":
        value = _parse_timestamp(text)
        assert value.tzinfo is not None, text
        return value.astimezone(UTC)
    raise AssertionError(f"unknown type name {type_name!r}")


ARROW_TYPES = {
    "int64": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamp[us]": pa.timestamp("us"),
    "timestamp[us, UTC]": pa.timestamp("us", tz="UTC"),
    "string": pa.string(),
}


def canonical(value: Any) -> Any:
    """Makes values comparable: NaN equals NaN, -0.0 is distinct from 0.0, aware
    datetimes compare in UTC."""
    if isinstance(value, float):
        if math.isnan(value):
            return ("nan",)
        if value == 0.0:
            return ("zero", math.copysign(1.0, value))
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return ("tz", value.astimezone(UTC).replace(tzinfo=None))
    return value


def canonical_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: canonical(v) for k, v in row.items()} for row in rows]


@dataclass
class ParquetData:
    path: Path
    table: pa.Table  # as read by pyarrow
    duck: pa.Table  # as read by DuckDB
    metadata: pq.FileMetaData

    @property
    def rows(self) -> list[dict[str, Any]]:
        return self.table.to_pylist()

    @property
    def names(self) -> list[str]:
        return self.table.column_names

    def column(self, name: str) -> list[Any]:
        return self.table.column(name).to_pylist()

    def arrow_type(self, name: str) -> pa.DataType:
        return self.table.schema.field(name).type


def read_parquet_pyarrow(path: Path) -> pa.Table:
    return pq.read_table(str(path))


def read_parquet_duckdb(path: Path) -> pa.Table:
    con = duckdb.connect()
    try:
        quoted = str(path).replace("'", "''")
        return con.sql(f"SELECT * FROM read_parquet('{quoted}')").to_arrow_table()
    finally:
        con.close()


def read_parquet_both(path: Path) -> ParquetData:
    """Reads a Parquet file with pyarrow AND DuckDB and asserts that both agree on the
    column names, row count and every value."""
    assert path.is_file(), f"no Parquet file at {path}"
    table = read_parquet_pyarrow(path)
    metadata = pq.ParquetFile(str(path)).metadata
    duck = read_parquet_duckdb(path) if table.num_columns else table
    assert duck.column_names == table.column_names, (duck.column_names, table.column_names)
    assert duck.num_rows == table.num_rows, (duck.num_rows, table.num_rows)
    assert metadata.num_rows == table.num_rows
    a_rows = canonical_rows(table.to_pylist())
    d_rows = canonical_rows(duck.to_pylist())
    if a_rows != d_rows:
        for i, (a, d) in enumerate(zip(a_rows, d_rows, strict=True)):
            if a != d:
                pytest.fail(f"pyarrow and DuckDB disagree at row {i}: {a!r} vs {d!r}")
    return ParquetData(path=path, table=table, duck=duck, metadata=metadata)


def expected_rows(header: list[str], rows: list[list[str]], types: dict[str, str],
                  null_values: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        record = {}
        for i, name in enumerate(header):
            text = row[i] if i < len(row) else None
            if text is not None and text in null_values:
                text = None
            record[name] = typed(text, types[name])
        out.append(record)
    return out


def assert_rows_equal(actual: list[dict[str, Any]], expected: list[dict[str, Any]]) -> None:
    assert len(actual) == len(expected), f"{len(actual)} rows, expected {len(expected)}"
    a = canonical_rows(actual)
    e = canonical_rows(expected)
    if a != e:
        for i, (x, y) in enumerate(zip(a, e, strict=True)):
            if x != y:
                diff = {k: (x.get(k), y.get(k)) for k in set(x) | set(y) if x.get(k) != y.get(k)}
                pytest.fail(f"row {i} differs (actual, expected): {diff}")


def schema_types(summary: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["type"] for c in summary["columns"]}


# Fixtures exposing the helpers (tests receive them instead of importing conftest).


class Helpers:
    write_bytes = staticmethod(write_bytes)
    write_text = staticmethod(write_text)
    listing = staticmethod(listing)
    file_state = staticmethod(file_state)
    temp_leftovers = staticmethod(temp_leftovers)
    csv_reference = staticmethod(csv_reference)
    typed = staticmethod(typed)
    canonical = staticmethod(canonical)
    read_parquet_pyarrow = staticmethod(read_parquet_pyarrow)
    read_parquet_duckdb = staticmethod(read_parquet_duckdb)
    read_parquet = staticmethod(read_parquet_both)
    expected_rows = staticmethod(expected_rows)
    assert_rows_equal = staticmethod(assert_rows_equal)
    schema_types = staticmethod(schema_types)
    parse_single_json = staticmethod(parse_single_json)
    assert_no_crash = staticmethod(assert_no_crash)
    ARROW_TYPES = ARROW_TYPES
    TEMP_MARKER = TEMP_MARKER
    base_env = staticmethod(base_env)
    wait_for = staticmethod(wait_for)


@pytest.fixture(scope="session")
def h() -> Helpers:
    return Helpers()


@pytest.fixture
def convert_json(run_json, h):
    """Converts with --json, asserts success, and returns (proc, summary)."""

    def _convert(*args: Any, **kwargs: Any):
        proc, summary = run_json("convert", *args, "--json", **kwargs)
        assert proc.returncode == 0, f"exit {proc.returncode}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
        assert summary.get("success") is True, summary
        return proc, summary

    return _convert


@pytest.fixture
def check_against_csv(convert_json, h):
    """Converts a CSV to Parquet with --json and checks the Parquet values (both readers)
    against Python's csv module reading the same file. Returns (summary, ParquetData).

    `expect_types` is required: the column types the test's author expects, written in the
    test. Taking them from pyforge's own --json report would check pyforge against itself
    (a wrongly inferred type would also be the "expected" one)."""

    def _check(src: Path, *extra: Any, expect_types: dict[str, str], delimiter: str = ",", encoding: str = "utf-8",
               null_values: tuple[str, ...] = ()):
        out = src.with_name(src.stem + ".out.parquet")
        _, summary = convert_json(src, out, *extra)
        assert schema_types(summary) == expect_types
        header, rows = csv_reference(src, delimiter=delimiter, encoding=encoding)
        data = read_parquet_both(out)
        assert data.names == header
        assert summary["rows"] == len(rows)
        for name, type_name in expect_types.items():
            assert data.arrow_type(name) == ARROW_TYPES[type_name], (name, data.arrow_type(name), type_name)
        assert_rows_equal(data.rows, expected_rows(header, rows, expect_types, null_values))
        return summary, data

    return _check


# --------------------------------------------------------------------------------------
# The Databricks extension (extensions/databricks), installed into a private search path
# --------------------------------------------------------------------------------------

DATABRICKS_EXTENSION_BINARY = REPO_ROOT / "extensions" / "databricks" / ".build" / "release" / "pyforge-databricks"


@pytest.fixture(scope="session")
def databricks_extensions_dir(tmp_path_factory) -> Path:
    """A search-path directory holding the built Databricks extension (manifest + binary),
    as `extensions/databricks/install.sh` lays it out."""
    binary = Path(os.environ.get("PYFORGE_DATABRICKS_BIN", DATABRICKS_EXTENSION_BINARY))
    if not binary.is_file():
        pytest.fail(f"the Databricks extension is not built at {binary}: run "
                    f"'swift build -c release --package-path extensions/databricks'.", pytrace=False)
    root = tmp_path_factory.mktemp("extensions")
    target = root / "databricks"
    target.mkdir(mode=0o755)
    import shutil
    shutil.copy2(binary, target / "pyforge-databricks")
    shutil.copy2(REPO_ROOT / "extensions" / "databricks" / "pyforge-extension.json", target / "pyforge-extension.json")
    return root


@pytest.fixture
def databricks_env(databricks_extensions_dir: Path, tmp_path: Path) -> dict[str, str | None]:
    """Environment for a run with the Databricks extension installed and no Databricks,
    Spark or workspace settings inherited from the caller (HOME is private too, so no
    ~/.databrickscfg and no health record leaks in)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {"PYFORGE_EXTENSIONS_PATH": str(databricks_extensions_dir), "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"),
           "XDG_DATA_HOME": str(home / ".local" / "share")}
    for name in list(os.environ):
        if name.startswith(("DATABRICKS_", "SPARK_", "DB_")) or name in ("IS_SERVERLESS",):
            env[name] = None
    return env


@pytest.fixture(scope="session")
def spark_remote() -> str:
    """The local Spark Connect server scripts/test starts (PYFORGE_TEST_SPARK_REMOTE).
    CI sets PYFORGE_REQUIRE_SPARK=1, so a missing server fails there instead of skipping."""
    remote = os.environ.get("PYFORGE_TEST_SPARK_REMOTE")
    if not remote:
        if os.environ.get("PYFORGE_REQUIRE_SPARK") == "1":
            pytest.fail("PYFORGE_TEST_SPARK_REMOTE is not set but PYFORGE_REQUIRE_SPARK=1", pytrace=False)
        pytest.skip("no Spark Connect server (scripts/spark-connect-server start sets PYFORGE_TEST_SPARK_REMOTE)")
    return remote


# --------------------------------------------------------------------------------------
# The workspace simulator's fixtures (Tests/Workspace/README.md)
# --------------------------------------------------------------------------------------

import sys as _sys  # noqa: E402

_sys.path.insert(0, str(REPO_ROOT / "Tests" / "Workspace"))
from workspace_fixtures import *  # noqa: E402,F401,F403
