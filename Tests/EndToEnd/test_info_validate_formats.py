"""`pyforge info`, `validate`, `formats`, `--version`, `--help` and global options."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

SAMPLE = (
    "id,name,score,ok,day,ts,tsz\n"
    '1,"Smith, Ann",1.5,true,2024-01-02,2024-01-02T03:04:05,2024-01-02T03:04:05Z\n'
    '2,"multi\nline",,false,2024-01-03,2024-01-02 03:04:06,2024-01-02T03:04:05+01:00\n'
    "3,plain,2.5,TRUE,,2024-01-02T03:04:07.5,\n"
)
SAMPLE_TYPES = [("id", "int64"), ("name", "string"), ("score", "double"), ("ok", "boolean"), ("day", "date"),
                ("ts", "timestamp[us]"), ("tsz", "timestamp[us, UTC]")]


# --------------------------------------------------------------------------------------
# info on CSV
# --------------------------------------------------------------------------------------


def test_info_csv_json(work, h, run_json):
    src = h.write_text(work / "sample.csv", SAMPLE)
    proc, info = run_json("info", src, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert {"path", "format", "size_bytes", "rows", "columns", "details", "warnings"} <= set(info)
    assert Path(info["path"]).resolve() == src.resolve()
    assert info["format"] == "csv"
    assert info["size_bytes"] == src.stat().st_size
    assert info["rows"] == 3  # records, not lines: one field spans two lines
    assert [(c["name"], c["type"]) for c in info["columns"]] == SAMPLE_TYPES
    assert all(c["nullable"] is True for c in info["columns"])
    assert info["details"]["encoding"] == "utf-8"
    assert info["details"]["delimiter"] == ","
    assert info["details"]["header"] in ("yes", True)
    assert info["warnings"] == []


def test_info_csv_options_are_honoured(work, h, run_json):
    src = h.write_bytes(work / "opts.txt", "1;NA\n2;x\n".encode("cp1252"))
    proc, info = run_json("info", src, "--format", "json", "--delimiter", ";", "--no-header",
                          "--null-values", "NA", "--encoding", "latin-1")
    assert proc.returncode == 0, proc.stderr
    assert info["rows"] == 2
    assert [(c["name"], c["type"]) for c in info["columns"]] == [("column_1", "int64"), ("column_2", "string")]
    assert info["details"]["delimiter"] == ";"
    assert info["details"]["header"] in ("no", False)


def test_info_row_count_is_exact_beyond_the_sample(work, h, run_json):
    n = 123_457
    lines = ["id,text"] + [f'{i},"line one\nline two {i}"' if i % 10 == 0 else f"{i},t{i}" for i in range(n)]
    src = h.write_text(work / "many.csv", "\n".join(lines) + "\n")
    proc, info = run_json("info", src, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert info["rows"] == n
    # Same count as the conversion writes.
    proc, summary = run_json("convert", src, "--json")
    assert summary["rows"] == n
    assert pq.ParquetFile(str(work / "many.parquet")).metadata.num_rows == n


def test_info_types_agree_with_convert_after_widening(work, h, run_json):
    lines = ["id,v"] + [f"{i},{'1.25' if i == 90_000 else i}" for i in range(100_000)]
    src = h.write_text(work / "widen.csv", "\n".join(lines) + "\n")
    _, info = run_json("info", src, "--format", "json")
    _, summary = run_json("convert", src, "--json")
    assert summary["success"] is True
    assert info["columns"] == summary["columns"]
    assert [c["type"] for c in info["columns"]] == ["int64", "double"]


def test_info_csv_table(work, h, run):
    src = h.write_text(work / "sample.csv", SAMPLE)
    proc = run("info", src)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "sample.csv" in out
    assert "csv" in out
    for name, type_name in SAMPLE_TYPES:
        assert re.search(rf"\b{re.escape(name)}\b\s+{re.escape(type_name)}", out), (name, type_name, out)
    assert re.search(r"Rows:\s+3\b", out), out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_info_missing_file(work, h, run):
    proc = run("info", work / "nope.csv")
    assert proc.returncode == 4
    assert "nope.csv" in proc.stderr and "does not exist" in proc.stderr


# --------------------------------------------------------------------------------------
# info on Parquet
# --------------------------------------------------------------------------------------


def _stat_text_to_value(text, arrow_type):
    if text is None:
        return None
    if pa.types.is_integer(arrow_type):
        return int(text)
    if pa.types.is_floating(arrow_type):
        return float(text)
    if pa.types.is_boolean(arrow_type):
        return {"true": True, "false": False}[text]
    if pa.types.is_date(arrow_type):
        return dt.date.fromisoformat(text)
    if pa.types.is_timestamp(arrow_type):
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return value.replace(tzinfo=None) if value.tzinfo else value
    return text


def _normalize_stat(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def assert_info_matches_pyarrow(info, path: Path):
    """Every number pyforge reports for a Parquet file equals what pyarrow reads from
    the footer."""
    f = pq.ParquetFile(str(path))
    meta = f.metadata
    schema = f.schema_arrow
    assert info["format"] == "parquet"
    assert info["rows"] == meta.num_rows
    assert info["size_bytes"] == path.stat().st_size
    assert [c["name"] for c in info["columns"]] == schema.names
    for col in info["columns"]:
        assert {"name", "type", "nullable", "physical_type"} <= set(col)
        assert col["physical_type"] == meta.schema.column(schema.names.index(col["name"])).physical_type
    assert info["details"]["created_by"] == meta.created_by
    assert len(info["row_groups"]) == meta.num_row_groups
    for i, rg_info in enumerate(info["row_groups"]):
        rg = meta.row_group(i)
        assert rg_info["rows"] == rg.num_rows
        assert len(rg_info["columns"]) == rg.num_columns
        assert rg_info["compressed_bytes"] == sum(rg.column(c).total_compressed_size for c in range(rg.num_columns))
        assert rg_info["uncompressed_bytes"] == sum(rg.column(c).total_uncompressed_size for c in range(rg.num_columns))
        for c, col_info in enumerate(rg_info["columns"]):
            col = rg.column(c)
            assert col_info["column"] == col.path_in_schema
            assert col_info["codec"] == col.compression
            assert set(col_info["encodings"]) == set(col.encodings)
            assert col_info["compressed_bytes"] == col.total_compressed_size
            assert col_info["uncompressed_bytes"] == col.total_uncompressed_size
            st = col.statistics
            if st is not None and st.has_null_count:
                assert col_info["null_count"] == st.null_count, (i, col_info)
            if st is not None and st.has_min_max:
                arrow_type = schema.field(col.path_in_schema).type
                assert _stat_text_to_value(col_info["min"], arrow_type) == _normalize_stat(st.min), (i, col_info, st.min)
                assert _stat_text_to_value(col_info["max"], arrow_type) == _normalize_stat(st.max), (i, col_info, st.max)
    assert sum(rg["rows"] for rg in info["row_groups"]) == info["rows"]


def test_info_parquet_written_by_pyforge(work, h, run, run_json):
    lines = ["id,name,score,ok,day,ts,tsz"]
    for i in range(5_000):
        lines.append(f"{i},{'' if i % 7 == 0 else f'n{i:05d}'},{i / 3},{'true' if i % 2 else 'false'},"
                     f"2024-01-{i % 28 + 1:02d},2024-01-01T00:00:{i % 60:02d}.25,2024-01-01T00:00:00+0{i % 10}:00")
    src = h.write_text(work / "pf.csv", "\n".join(lines) + "\n")
    out = work / "pf.parquet"
    proc = run("convert", src, out, "-c", "zstd", "--row-group-size", "2000")
    assert proc.returncode == 0, proc.stderr
    proc, info = run_json("info", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert_info_matches_pyarrow(info, out)
    assert info["rows"] == 5_000
    assert [rg["rows"] for rg in info["row_groups"]] == [2000, 2000, 1000]
    assert {c["codec"] for rg in info["row_groups"] for c in rg["columns"]} == {"ZSTD"}
    assert info["details"]["created_by"].startswith("pyforge")
    types = {c["name"]: c for c in info["columns"]}
    assert types["id"]["type"] == "int64" and types["id"]["physical_type"] == "INT64"
    assert types["name"]["type"] == "string" and types["name"]["physical_type"] == "BYTE_ARRAY"
    assert "String" in types["name"]["logical_type"]
    assert types["day"]["type"] == "date" and "Date" in types["day"]["logical_type"]
    assert types["tsz"]["type"] == "timestamp[us, UTC]"
    assert "isAdjustedToUTC=true" in types["tsz"]["logical_type"]
    assert "isAdjustedToUTC=false" in types["ts"]["logical_type"]
    # Row group 0 holds ids 0..1999, names n00001.. with 286 nulls.
    first = {c["column"]: c for c in info["row_groups"][0]["columns"]}
    assert first["id"]["min"] == "0" and first["id"]["max"] == "1999"
    assert first["name"]["null_count"] == len([i for i in range(2000) if i % 7 == 0])
    assert first["name"]["min"] == "n00001" and first["name"]["max"] == "n01999"


def test_info_parquet_written_by_pyarrow(work, h, run_json):
    table = pa.table({
        "i": pa.array([1, None, 3, -5, 7, 11], pa.int64()),
        "s": ["b", "a", None, "d", "c", "é"],
        "x": [1.5, 2.5, None, -1.0, 0.0, 1e300],
        "d": pa.array([dt.date(2020, 1, 1), None, dt.date(2021, 5, 5), dt.date(1999, 1, 1), dt.date(2030, 1, 1), None]),
        "ts": pa.array([dt.datetime(2020, 1, 1, 1, 2, 3, 500000)] * 6, pa.timestamp("us", tz="UTC")),
        "b": [True, False, None, True, True, False],
    })
    out = work / "arrow.parquet"
    pq.write_table(table, str(out), compression="gzip", row_group_size=4)
    proc, info = run_json("info", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert_info_matches_pyarrow(info, out)
    assert [rg["rows"] for rg in info["row_groups"]] == [4, 2]
    assert [(c["name"], c["type"]) for c in info["columns"]] == [
        ("i", "int64"), ("s", "string"), ("x", "double"), ("d", "date"), ("ts", "timestamp[us, UTC]"), ("b", "boolean")]


def test_info_parquet_written_by_duckdb(work, h, run_json):
    out = work / "duck.pq"
    con = duckdb.connect()
    con.sql(f"COPY (SELECT range AS id, 'v' || range AS s, range / 3.0 AS x FROM range(5000)) "
            f"TO '{out}' (FORMAT parquet, COMPRESSION zstd)")
    proc, info = run_json("info", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert_info_matches_pyarrow(info, out)
    assert info["rows"] == 5000


def test_info_parquet_table(work, h, run):
    src = h.write_text(work / "t.csv", "a,b\n1,x\n2,\n3,z\n")
    out = work / "t.parquet"
    assert run("convert", src, out, "-c", "gzip").returncode == 0
    proc = run("info", out)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "parquet" in text.lower()
    assert re.search(r"Rows:\s+3\b", text), text
    assert "GZIP" in text
    assert re.search(r"\ba\b\s+int64", text) and re.search(r"\bb\b\s+string", text), text


@pytest.mark.parametrize(
    "name,content",
    [
        ("zero.parquet", b""),
        ("magic_only.parquet", b"PAR1PAR1"),
        ("garbage.parquet", b"PAR1" + bytes(range(256)) * 4 + b"PAR1"),
        ("not_parquet.parquet", b"a,b\n1,2\n"),
    ],
)
def test_info_rejects_invalid_parquet_cleanly(work, h, run, name, content):
    path = h.write_bytes(work / name, content)
    proc = run("info", path)
    assert proc.returncode == 1, proc.stderr
    assert name in proc.stderr


def test_info_survives_corrupted_parquet_footers(work, h, run, pyforge_bin):
    """Random byte damage in the footer must give exit 0 or 1, never a crash."""
    table = pa.table({"i": list(range(50)), "s": [f"v{i}" for i in range(50)], "x": [i / 2 for i in range(50)]})
    good = work / "good.parquet"
    pq.write_table(table, str(good), row_group_size=20)
    data = good.read_bytes()
    footer_len = int.from_bytes(data[-8:-4], "little")
    start = len(data) - 8 - footer_len
    rng = random.Random(1234)
    bad = work / "bad.parquet"
    for _ in range(40):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(start, len(data) - 8)] = rng.randrange(256)
        bad.write_bytes(bytes(damaged))
        proc = run("info", bad, "--format", "json", timeout=20)  # run() rejects crashes
        assert proc.returncode in (0, 1), proc.stderr
        if proc.returncode == 0:
            json.loads(proc.stdout)


# --------------------------------------------------------------------------------------
# validate
# --------------------------------------------------------------------------------------


def test_validate_valid_file(work, h, run, run_json):
    src = h.write_text(work / "ok.csv", SAMPLE)
    proc = run("validate", src)
    assert proc.returncode == 0, proc.stderr
    proc, report = run_json("validate", src, "--json")
    assert proc.returncode == 0
    assert {"path", "valid", "format", "rows", "columns", "errors", "warnings"} <= set(report)
    assert report["valid"] is True
    assert report["format"] == "csv"
    assert report["rows"] == 3
    assert [(c["name"], c["type"]) for c in report["columns"]] == SAMPLE_TYPES
    assert report["errors"] == []
    assert Path(report["path"]).resolve() == src.resolve()
    assert h.listing(work) == ["ok.csv"], "validate must not write anything"


INVALID = [
    ("ragged.csv", b"a,b\n1,2\n3,4,5\n", [], ["line 3"]),
    ("unclosed.csv", b'a,b\n1,2\n3,"open\n4,5\n', [], ["quote"]),
    ("badutf8.csv", b"a,b\n1,caf\xe9\n", ["--encoding", "utf-8"], ["UTF-8", "line 2"]),
    ("late_ragged.csv", ("a,b\n" + "".join(f"{i},{i}\n" for i in range(80_000)) + "x,y,z\n").encode(), [],
     ["line 80002"]),
]


@pytest.mark.parametrize("name,content,extra,needles", INVALID, ids=[i[0] for i in INVALID])
def test_validate_invalid_file(work, h, run, name, content, extra, needles):
    src = h.write_bytes(work / name, content)
    proc = run("validate", src, *extra)
    assert proc.returncode == 1
    assert name in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr
    assert h.listing(work) == [name]


def test_validate_missing_file(work, h, run):
    proc = run("validate", work / "ghost.csv")
    assert proc.returncode == 1
    assert "ghost.csv" in proc.stderr and "does not exist" in proc.stderr


def test_validate_allow_ragged_makes_file_valid(work, h, run):
    src = h.write_text(work / "r.csv", "a,b\n1,2\n3,4,5\n")
    assert run("validate", src).returncode == 1
    assert run("validate", src, "--allow-ragged").returncode == 0


@pytest.mark.parametrize("name,content,extra,needles", INVALID[:2], ids=[i[0] for i in INVALID[:2]])
def test_validate_invalid_json_report(work, h, run_json, name, content, extra, needles):
    src = h.write_bytes(work / name, content)
    proc, report = run_json("validate", src, "--json", *extra)
    assert proc.returncode == 1
    assert report["valid"] is False
    assert report["errors"] and all(isinstance(e, str) for e in report["errors"])
    assert any(needles[0] in e for e in report["errors"]), report["errors"]
    assert report["format"] == "csv"
    assert Path(report["path"]).resolve() == src.resolve()


# Regression test for a bug found by this suite and fixed in 101fd01: `validate --json` omits the
# 'rows' key when the file is invalid (documented keys: path, valid, format, rows, columns, errors,
# warnings)
def test_validate_invalid_json_report_has_all_keys(work, h, run_json):
    src = h.write_text(work / "ragged.csv", "a,b\n1,2\n3,4,5\n")
    proc, report = run_json("validate", src, "--json")
    assert proc.returncode == 1
    missing = {"path", "valid", "format", "rows", "columns", "errors", "warnings"} - set(report)
    assert not missing, f"missing keys: {missing}; got {report}"


# --------------------------------------------------------------------------------------
# formats, --version, --help, global options
# --------------------------------------------------------------------------------------


def test_formats_json(run_json):
    proc, formats = run_json("formats", "--json")
    assert proc.returncode == 0
    assert isinstance(formats, list) and formats
    by_ext = {ext: f for f in formats for ext in f["extensions"]}
    assert {".csv", ".tsv", ".parquet"} <= set(by_ext)
    assert {"parquet", "csv", "json", "ndjson"} <= set(by_ext[".csv"]["outputs"])


def test_formats_table(run):
    proc = run("formats")
    assert proc.returncode == 0
    assert ".csv" in proc.stdout and ".tsv" in proc.stdout and "parquet" in proc.stdout.lower()


def test_version(run):
    proc = run("--version")
    assert proc.returncode == 0
    assert re.search(r"\d+\.\d+\.\d+", proc.stdout), proc.stdout


def test_version_matches_parquet_created_by(work, h, run):
    version = re.search(r"\d+\.\d+\.\d+", run("--version").stdout).group(0)
    src = h.write_text(work / "v.csv", "a\n1\n")
    assert run("convert", src).returncode == 0
    assert version in pq.ParquetFile(str(work / "v.parquet")).metadata.created_by


def test_help_documents_environment_and_exit_codes(run):
    proc = run("--help")
    assert proc.returncode == 0
    text = proc.stdout
    for var in ("PYFORGE_LOG_LEVEL", "PYFORGE_FORCE_CORE", "PYFORGE_PARALLEL_WORKERS", "PYFORGE_EXTENSIONS_PATH"):
        assert var in text, var
    assert re.search(r"exit codes", text, re.IGNORECASE)
    for code in ("0", "1", "2", "3", "4", "130"):
        assert re.search(rf"\b{code}\b", text), code
    for command in ("convert", "info", "validate", "formats"):
        assert command in text


@pytest.mark.parametrize("command", ["convert", "info", "validate", "formats"])
def test_subcommand_help(run, command):
    proc = run(command, "--help")
    assert proc.returncode == 0
    assert "USAGE" in proc.stdout.upper()


@pytest.mark.parametrize("position", ["before", "after"])
def test_verbose_before_or_after_subcommand(work, h, run, position):
    src = h.write_text(work / "v.csv", "a,b\n1,x\n")
    quiet = run("convert", src, work / "quiet.parquet")
    args = ["-v", "convert", src, work / "loud.parquet"] if position == "before" else \
        ["convert", src, work / "loud.parquet", "--verbose"]
    loud = run(*args)
    assert quiet.returncode == 0 and loud.returncode == 0, loud.stderr
    assert len(loud.stderr) > len(quiet.stderr), (quiet.stderr, loud.stderr)
    assert h.read_parquet(work / "loud.parquet").rows == [{"a": 1, "b": "x"}]


@pytest.mark.parametrize("env", [{"PYFORGE_LOG_LEVEL": "trace"}, {"PYFORGE_LOG_LEVEL": "debug"}, {}])
@pytest.mark.parametrize("verbose", [[], ["-v"]], ids=["plain", "verbose"])
def test_json_stdout_stays_clean_with_logging(work, h, run_json, env, verbose):
    src = h.write_text(work / "log.csv", "a,b\n1,2\n3\n")  # a short row gives a warning too
    proc, summary = run_json(*verbose, "convert", src, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert summary["success"] is True and summary["rows"] == 2
    assert summary["warnings"]


def test_log_level_debug_prints_to_stderr(work, h, run):
    src = h.write_text(work / "dbg.csv", "a\n1\n")
    quiet = run("convert", src, work / "q.parquet")
    debug = run("convert", src, work / "d.parquet", env={"PYFORGE_LOG_LEVEL": "debug"})
    assert debug.returncode == 0
    assert len(debug.stderr) > len(quiet.stderr)


@pytest.mark.parametrize("env", [{"PYFORGE_FORCE_CORE": "true"}, {"PYFORGE_PARALLEL_WORKERS": "1"},
                                 {"PYFORGE_EXTENSIONS_PATH": "/nonexistent:/also/missing"},
                                 {"PYFORGE_LOG_LEVEL": "error"}])
def test_environment_variables_do_not_change_results(work, h, run_json, env):
    src = h.write_text(work / "env.csv", SAMPLE)
    proc, summary = run_json("convert", src, "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    assert summary["engine"] == "core"
    assert [(c["name"], c["type"]) for c in summary["columns"]] == SAMPLE_TYPES
    assert h.read_parquet(work / "env.parquet").column("name") == ["Smith, Ann", "multi\nline", "plain"]


AGREE_CASES = [
    pytest.param("ok.csv", b"a,b\n1,x\n2,y\n", True, id="valid"),
    pytest.param("ragged.csv", b"a,b\n1,2\n3,4,5\n", False, id="ragged"),
    pytest.param("quote.csv", b'a\n"open\n', False, id="unclosed-quote"),
    pytest.param("short.csv", b"a,b,c\n1\n", True, id="short-row"),
    # Regression (fixed in 101fd01): validate said valid, info said double, convert failed with
    # "the file changed while it was being read".
    pytest.param("prec.csv", b"id,x\n1,1.5\n2,9007199254740993\n", True, id="double-and-long-int"),
    # Regression (fixed in 101fd01): "the first record has a quote that is never closed".
    pytest.param("blank.csv", b"\n\n", True, id="blank-lines-only"),
]


@pytest.mark.parametrize("name,content,convertible", AGREE_CASES)
def test_validate_info_and_convert_agree(work, h, run, run_json, name, content, convertible):
    """validate exits 0 exactly when convert succeeds, and info's schema is convert's."""
    src = h.write_bytes(work / name, content)
    validate = run("validate", src)
    info = run("info", src, "--format", "json")
    proc, summary = run_json("convert", src, "--json")
    assert validate.returncode in (0, 1) and proc.returncode in (0, 1)
    assert validate.returncode == proc.returncode, (validate.stderr, proc.stderr)
    assert info.returncode == proc.returncode, (info.stderr, proc.stderr)
    assert proc.returncode == (0 if convertible else 1), proc.stderr
    if convertible:
        assert json.loads(info.stdout)["columns"] == summary["columns"]
