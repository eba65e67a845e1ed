"""CSV, JSON and NDJSON outputs; Parquet codecs, row groups, statistics, metadata."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

UTC = dt.timezone.utc

SOURCE = (
    "i,f,b,d,ts,tz,s\n"
    '1,1.5,true,2024-01-02,2024-01-02T03:04:05,2024-01-02T03:04:05+02:00,"a ""q"", b"\n'
    ',0.1,,,2024-01-02 03:04,2024-01-02T03:04Z,""\n'
    "3,-2.25,false,2024-01-03,2024-01-02T03:04:05.123,2024-01-02T03:04:05.000001Z,\n"
    '-4,1e300,TRUE,1999-01-01,2024-01-02T03:04:05.5,2024-01-02T03:04:05-05:00,"line\nbreak"\n'
    "9223372036854775807,5e-324,false,2400-02-29,1900-01-01T00:00:00,1969-07-20T20:17:40Z,Zoë \U0001F680\n"
)
TYPES = {"i": "int64", "f": "double", "b": "boolean", "d": "date", "ts": "timestamp[us]",
         "tz": "timestamp[us, UTC]", "s": "string"}
# Column s: row 1 is a quoted empty string, row 2 is null.
EXPECTED_S = ['a "q", b', "", None, "line\nbreak", "Zoë \U0001F680"]


def expected_typed_rows(h):
    """SOURCE as Python's csv module reads it, converted per column type."""
    rows = list(csv.reader(io.StringIO(SOURCE, newline="")))
    records = h.expected_rows(rows[0], rows[1:], TYPES)
    assert len(records) == len(EXPECTED_S)
    for record, s in zip(records, EXPECTED_S, strict=True):
        record["s"] = s  # csv cannot tell "" (empty string) from an empty field (null)
    return records


def json_value(value, type_name):
    """Converts a value read from pyforge's JSON output to the Python value it stands for."""
    if value is None:
        return None
    if type_name == "date":
        assert isinstance(value, str) and len(value) == 10, value
        return dt.date.fromisoformat(value)
    if type_name == "timestamp[us]":
        assert isinstance(value, str) and "T" in value, value
        parsed = dt.datetime.fromisoformat(value)
        assert parsed.tzinfo is None, value
        return parsed
    if type_name == "timestamp[us, UTC]":
        assert isinstance(value, str) and "T" in value, value
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        assert parsed.utcoffset() == dt.timedelta(0), f"{value} is not written in UTC"
        return parsed
    if type_name == "int64":
        assert isinstance(value, int) and not isinstance(value, bool), value
    if type_name == "double":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), value
        return float(value)
    if type_name == "boolean":
        assert isinstance(value, bool), value
    if type_name == "string":
        assert isinstance(value, str), value
    return value


# --------------------------------------------------------------------------------------
# CSV output
# --------------------------------------------------------------------------------------


def test_csv_output_round_trips_values(work, h, convert_json):
    src = h.write_text(work / "src.csv", SOURCE)
    out = work / "out.csv"
    _, summary = convert_json(src, out)
    assert summary["format"] == "csv"
    assert h.schema_types(summary) == TYPES
    assert summary["bytes_out"] == out.stat().st_size

    raw = out.read_text(encoding="utf-8")
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == list(TYPES)
    data_rows = rows[1:]
    assert len(data_rows) == 5
    got = h.expected_rows(rows[0], data_rows, TYPES)
    expected = expected_typed_rows(h)
    for record in expected:
        record["s"] = record["s"] or None  # "" vs null is checked on the raw text below
    h.assert_rows_equal(got, expected)
    assert [r[6] for r in data_rows] == ['a "q", b', "", "", "line\nbreak", "Zoë \U0001F680"]
    # Strings: null is an empty unquoted field, the empty string is written as "".
    lines = raw.splitlines()
    assert lines[2].endswith(',""'), f"empty string must be written as \"\": {lines[2]!r}"
    assert lines[3].endswith(","), f"null must be an empty field: {lines[3]!r}"
    assert not lines[3].endswith('""')


def test_csv_output_preserves_all_strings_text_exactly(work, h, convert_json):
    text = 'code,amount,when\n007,1.50,2024-1-2\n"x,y",-0,TRUE\n'
    src = h.write_text(work / "txt.csv", text)
    out = work / "txt_out.csv"
    convert_json(src, out, "--all-strings")
    with open(src, newline="") as a, open(out, newline="") as b:
        assert list(csv.reader(b)) == list(csv.reader(a))


def test_csv_output_of_tsv_cp1252_input_is_utf8(work, h, convert_json):
    src = h.write_bytes(work / "in.tsv", "name\tnote\ncafé\t€5, cheap\n".encode("cp1252"))
    out = work / "in.csv"
    convert_json(src, out)
    with open(out, encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["name", "note"], ["café", "€5, cheap"]]


# --------------------------------------------------------------------------------------
# JSON and NDJSON outputs
# --------------------------------------------------------------------------------------


def _check_json_records(h, records):
    assert isinstance(records, list) and len(records) == 5
    for record in records:
        assert isinstance(record, dict)
        assert list(record) == list(TYPES), "keys must follow the column order"
    got = [{k: json_value(v, TYPES[k]) for k, v in r.items()} for r in records]
    h.assert_rows_equal(got, expected_typed_rows(h))


def test_json_output_is_array_of_objects(work, h, convert_json):
    src = h.write_text(work / "src.csv", SOURCE)
    out = work / "out.json"
    _, summary = convert_json(src, out)
    assert summary["format"] == "json"
    with open(out, encoding="utf-8") as fh:
        records = json.load(fh)
    _check_json_records(h, records)
    # int64 values are exact JSON integers, not doubles.
    assert records[4]["i"] == 9223372036854775807
    assert records[3]["ts"].startswith("2024-01-02T03:04:05")


@pytest.mark.parametrize("name", ["out.ndjson", "out.jsonl"])
def test_ndjson_output_one_object_per_line(work, h, convert_json, name):
    src = h.write_text(work / "src.csv", SOURCE)
    out = work / name
    _, summary = convert_json(src, out)
    assert summary["format"] == "ndjson"
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5, lines
    _check_json_records(h, [json.loads(line) for line in lines])


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_nan_and_infinity_become_null_with_warning(work, h, convert_json, fmt):
    src = h.write_text(work / "nan.csv", "x,y\nNaN,1\ninf,2\n-inf,3\n1.5,4\n")
    out = work / f"nan.{fmt}"
    _, summary = convert_json(src, out, "-f", fmt)
    assert summary["warnings"], "NaN/inf written as null must be reported"
    text = out.read_text()
    records = json.loads(text) if fmt == "json" else [json.loads(l) for l in text.splitlines()]
    assert [r["x"] for r in records] == [None, None, None, 1.5]
    assert [r["y"] for r in records] == [1, 2, 3, 4]
    for bad in ("NaN", "Infinity"):
        assert bad not in text


@pytest.mark.parametrize("fmt", ["json", "ndjson"])
def test_json_string_escaping_round_trips(work, h, convert_json, fmt):
    nasty = ['back\\slash', 'tab\there', 'ctrl\x01\x1f', 'quote"s', 'line\u2028sep', '</script>', 'emoji 👩‍👩‍👧', "cr\rlf\r\n"]
    body = "".join('"' + s.replace('"', '""') + '"\n' for s in nasty)
    src = h.write_text(work / "esc.csv", "s\n" + body)
    out = work / f"esc.{fmt}"
    convert_json(src, out)
    text = out.read_text(encoding="utf-8")
    records = json.loads(text) if fmt == "json" else [json.loads(l) for l in text.split("\n") if l]
    assert [r["s"] for r in records] == nasty


def test_header_only_input_gives_empty_json_array_and_empty_ndjson(work, h, convert_json):
    src = h.write_text(work / "hdr.csv", "a,b\n")
    convert_json(src, work / "hdr.json")
    assert json.loads((work / "hdr.json").read_text()) == []
    convert_json(src, work / "hdr.ndjson")
    assert (work / "hdr.ndjson").read_text().strip() == ""


# --------------------------------------------------------------------------------------
# Choosing the format
# --------------------------------------------------------------------------------------


def _sniff_format(path: Path) -> str:
    data = path.read_bytes()
    if data[:4] == b"PAR1" and data[-4:] == b"PAR1":
        return "parquet"
    text = data.decode("utf-8")
    if text.lstrip().startswith("["):
        json.loads(text)
        return "json"
    if text.lstrip().startswith("{"):
        [json.loads(l) for l in text.splitlines() if l.strip()]
        return "ndjson"
    return "csv"


@pytest.mark.parametrize(
    "args,out_name,fmt",
    [
        ([], "src.parquet", "parquet"),
        (["-f", "csv"], "src.csv", "csv"),  # input is src.txt, so src.csv is free
        (["--format", "json"], "src.json", "json"),
        (["-f", "ndjson"], "src.ndjson", "ndjson"),
        (["{dir}/o.csv"], "o.csv", "csv"),
        (["{dir}/o.json"], "o.json", "json"),
        (["{dir}/o.ndjson"], "o.ndjson", "ndjson"),
        (["{dir}/o.jsonl"], "o.jsonl", "ndjson"),
        (["{dir}/o.parquet"], "o.parquet", "parquet"),
        (["{dir}/o.dat"], "o.dat", "parquet"),
        (["{dir}/o.csv", "-f", "json"], "o.csv", "json"),
        (["{dir}/o.txt", "-f", "ndjson"], "o.txt", "ndjson"),
    ],
    ids=lambda v: v if isinstance(v, str) else " ".join(v),
)
def test_output_format_from_option_or_extension(work, h, run, args, out_name, fmt):
    src = h.write_text(work / "src.txt", "a,b\n1,x\n2,y\n")
    outdir = work / "o"
    outdir.mkdir()
    resolved = [a.replace("{dir}", str(outdir)) for a in args]
    proc = run("convert", src, *resolved)
    assert proc.returncode == 0, proc.stderr
    where = outdir if any("{dir}" in a for a in args) else work
    out = where / out_name
    assert out.is_file(), h.listing(work)
    assert _sniff_format(out) == fmt
    assert h.listing(work) == sorted(["src.txt", "o"] + [str(out.relative_to(work))])


def test_format_option_with_directory_output(work, h, run):
    src = h.write_text(work / "d.csv", "a\n1\n")
    outdir = work / "dest"
    outdir.mkdir()
    proc = run("convert", src, outdir, "-f", "ndjson")
    assert proc.returncode == 0, proc.stderr
    assert h.listing(outdir) == ["d.ndjson"]
    assert (outdir / "d.ndjson").read_text().strip() == '{"a":1}' or json.loads(
        (outdir / "d.ndjson").read_text()) == {"a": 1}


# --------------------------------------------------------------------------------------
# Parquet: codecs, levels, row groups, statistics
# --------------------------------------------------------------------------------------


# The column types of _compressible_csv, as its author knows them.
COMPRESSIBLE_TYPES = {"id": "int64", "category": "string", "amount": "double", "day": "date", "note": "string"}


def _compressible_csv(path: Path, rows: int = 20_000) -> Path:
    lines = ["id,category,amount,day,note"]
    cats = ["alpha", "beta", "gamma", "delta"]
    for i in range(rows):
        note = "" if i % 11 == 0 else f"repeated note text {i % 50}"
        lines.append(f"{i},{cats[i % 4]},{(i % 100) * 1.25},2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},{note}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    "args,codec",
    [
        ([], "SNAPPY"),
        (["-c", "snappy"], "SNAPPY"),
        (["-c", "zstd"], "ZSTD"),
        (["--compression", "zstd", "--compression-level", "19"], "ZSTD"),
        (["-c", "gzip"], "GZIP"),
        (["-c", "gzip", "--compression-level", "9"], "GZIP"),
        (["-c", "none"], "UNCOMPRESSED"),
    ],
    ids=lambda v: v if isinstance(v, str) else (" ".join(v) or "default"),
)
def test_parquet_codecs(work, h, check_against_csv, args, codec):
    src = _compressible_csv(work / "comp.csv")
    summary, data = check_against_csv(src, *args, expect_types=COMPRESSIBLE_TYPES)
    meta = data.metadata
    assert meta.created_by.startswith("pyforge")
    compressed = uncompressed = 0
    for rg in range(meta.num_row_groups):
        for c in range(meta.num_columns):
            col = meta.row_group(rg).column(c)
            assert col.compression == codec, (rg, c, col.compression)
            compressed += col.total_compressed_size
            uncompressed += col.total_uncompressed_size
    if codec == "UNCOMPRESSED":
        assert compressed == uncompressed
    else:
        assert compressed < uncompressed * 0.8, (compressed, uncompressed)


def test_higher_zstd_level_is_not_larger(work, h, convert_json):
    src = _compressible_csv(work / "lvl.csv", rows=30_000)
    convert_json(src, work / "l1.parquet", "-c", "zstd", "--compression-level", "1")
    convert_json(src, work / "l19.parquet", "-c", "zstd", "--compression-level", "19")
    assert h.read_parquet(work / "l1.parquet").rows == h.read_parquet(work / "l19.parquet").rows
    assert (work / "l19.parquet").stat().st_size <= (work / "l1.parquet").stat().st_size


@pytest.mark.parametrize("rows,group,expected", [(10_000, 1_000, [1_000] * 10), (2_500, 1_000, [1_000, 1_000, 500]),
                                                 (10, 100, [10]), (7, 1, [1] * 7)])
def test_row_group_size(work, h, check_against_csv, rows, group, expected):
    src = _compressible_csv(work / "rg.csv", rows=rows)
    _, data = check_against_csv(src, "--row-group-size", str(group), expect_types=COMPRESSIBLE_TYPES)
    meta = data.metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == expected
    # Row groups partition the rows in order.
    f = pq.ParquetFile(str(data.path))
    ids = []
    for i in range(f.num_row_groups):
        ids.extend(f.read_row_group(i).column("id").to_pylist())
    assert ids == list(range(rows))


def test_default_row_groups_hold_everything_for_small_files(work, h, check_against_csv):
    src = _compressible_csv(work / "one.csv", rows=50_000)
    _, data = check_against_csv(src, expect_types=COMPRESSIBLE_TYPES)
    assert data.metadata.num_row_groups == 1
    assert data.metadata.row_group(0).num_rows == 50_000


def test_parquet_statistics_are_correct(work, h, convert_json):
    src = h.write_text(
        work / "stats.csv",
        "n,s,d,x\n5,pear,2024-05-01,1.5\n,apple,2023-01-31,\n-7,zebra,,-3.25\n12,,2025-12-31,9\n",
    )
    out = work / "stats.parquet"
    convert_json(src, out, "--row-group-size", "2")
    meta = pq.ParquetFile(str(out)).metadata
    assert meta.num_row_groups == 2
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]

    def stats(rg, name):
        st = meta.row_group(rg).column(names.index(name)).statistics
        assert st is not None and st.has_min_max, (rg, name)
        return st.min, st.max, st.null_count

    assert stats(0, "n") == (5, 5, 1)
    assert stats(1, "n") == (-7, 12, 0)
    assert stats(0, "s") == ("apple", "pear", 0)
    assert stats(1, "s") == ("zebra", "zebra", 1)
    assert stats(0, "d") == (dt.date(2023, 1, 31), dt.date(2024, 5, 1), 0)
    assert stats(1, "x") == (-3.25, 9.0, 0)
    # DuckDB uses the statistics to prune row groups; the answer must still be right.
    import duckdb

    con = duckdb.connect()
    assert con.sql(f"SELECT count(*) FROM read_parquet('{out}') WHERE n > 10").fetchall() == [(1,)]
    assert con.sql(f"SELECT s FROM read_parquet('{out}') WHERE s < 'b'").fetchall() == [("apple",)]


def test_parquet_schema_logical_types(work, h, convert_json):
    src = h.write_text(work / "src.csv", SOURCE)
    out = work / "logical.parquet"
    convert_json(src, out)
    schema = pq.ParquetFile(str(out)).schema_arrow
    assert str(schema.field("i").type) == "int64"
    assert str(schema.field("f").type) == "double"
    assert str(schema.field("b").type) == "bool"
    assert str(schema.field("d").type) == "date32[day]"
    assert str(schema.field("ts").type) == "timestamp[us]"
    assert str(schema.field("tz").type) == "timestamp[us, tz=UTC]"
    assert str(schema.field("s").type) == "string"
    assert all(f.nullable for f in schema)
    data = h.read_parquet(out)
    h.assert_rows_equal(data.rows, expected_typed_rows(h))


def test_large_conversion_matches_csv_module(work, h, check_against_csv):
    """~200k rows with every type, several row groups, compared value by value."""
    lines = ["id,name,score,flag,day,ts"]
    for i in range(200_000):
        name = f'"name, {i}"' if i % 3 == 0 else f"name{i}"
        score = "" if i % 17 == 0 else f"{i / 8}"
        flag = ("true", "False", "")[i % 3]
        lines.append(f"{i},{name},{score},{flag},2020-{i % 12 + 1:02d}-{i % 28 + 1:02d},"
                     f"2020-01-01T{i % 24:02d}:{i % 60:02d}:{i % 60:02d}.{i % 1000000:06d}")
    src = h.write_text(work / "large.csv", "\n".join(lines) + "\n")
    summary, data = check_against_csv(src, "--row-group-size", "65536", expect_types={
        "id": "int64", "name": "string", "score": "double", "flag": "boolean", "day": "date",
        "ts": "timestamp[us]"})
    assert data.metadata.num_row_groups == 4
