"""Compressed text inputs (issue #16): CSV, TSV, JSON, NDJSON and XML, each as .gz, .bz2
and .zst, decompressed as they are read. Every compressed file gives the Parquet its plain
file gives (pyarrow); compressed CSV also matches DuckDB's own reading of the compressed
file (DuckDB reads .gz and .zst; for .bz2, which it cannot read, the plain file). zstd
files are written by the `zstd` command (scripts/install-system-deps.sh installs it), gzip
and bzip2 ones by Python's modules. Also: missing output directories are created as 1.x
did, and removed again when the conversion fails."""
from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

ROWS = [
    {"id": i, "name": f"café, {i % 89} \"q\"" if i % 7 == 0 else f"name {i}", "score": i * 0.25, "ok": i % 3 == 0}
    for i in range(30_000)
]
CODECS = ["gz", "bz2", "zst"]


def zstd_compress(data: bytes, level: int = 3) -> bytes:
    assert shutil.which("zstd"), "the zstd command is missing: run scripts/install-system-deps.sh"
    return subprocess.run(["zstd", "-q", "-c", f"-{level}"], input=data, capture_output=True, check=True).stdout


def compress(data: bytes, codec: str) -> bytes:
    if codec == "gz":
        return gzip.compress(data)
    if codec == "bz2":
        return bz2.compress(data)
    return zstd_compress(data)


def delimited(delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(ROWS[0].keys())
    for row in ROWS:
        writer.writerow([row["id"], row["name"], row["score"], "true" if row["ok"] else "false"])
    return out.getvalue().encode()


def xml_text() -> bytes:
    def esc(s: str) -> str:
        return s.replace("&", "&amp;").replace("<", "&lt;")

    body = "".join(
        f"<row><id>{r['id']}</id><name>{esc(r['name'])}</name><score>{r['score']}</score>"
        f"<ok>{'true' if r['ok'] else 'false'}</ok></row>\n"
        for r in ROWS)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<rows>\n{body}</rows>\n'.encode()


CONTENT = {
    "csv": lambda: delimited(","),
    "tsv": lambda: delimited("\t"),
    "json": lambda: json.dumps(ROWS, ensure_ascii=False).encode(),
    "ndjson": lambda: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS).encode(),
    "xml": xml_text,
}


def parquet_rows(path: Path):
    table = pq.read_table(path)
    return table.schema.remove_metadata(), table.to_pylist()


def assert_failure_leaves_nothing(h, directory: Path, before: list[str]) -> None:
    after = h.listing(directory)
    assert after == before, f"added {sorted(set(after) - set(before))}, removed {sorted(set(before) - set(after))}"
    assert h.temp_leftovers(directory) == []


# --------------------------------------------------------------------------------------
# Every text format × every codec
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize("fmt", list(CONTENT))
def test_compressed_input_gives_the_plain_files_parquet(fmt, codec, work, run_json):
    data = CONTENT[fmt]()
    plain = work / "plain" / f"data.{fmt}"
    plain.parent.mkdir()
    plain.write_bytes(data)
    packed = work / f"data.{fmt}.{codec}"
    packed.write_bytes(compress(data, codec))

    proc, reference = run_json("convert", plain, work / "plain.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    # No output named: x.csv.gz -> x.parquet beside it.
    proc, result = run_json("convert", packed, "--json")
    assert proc.returncode == 0, proc.stderr
    assert Path(result["output"]).name == "data.parquet"
    assert result["rows"] == len(ROWS) == reference["rows"]
    assert result["input_format"] == reference["input_format"]

    schema, rows = parquet_rows(work / "data.parquet")
    ref_schema, ref_rows = parquet_rows(work / "plain.parquet")
    assert schema.equals(ref_schema) and rows == ref_rows
    assert [r["id"] for r in rows] == [r["id"] for r in ROWS]

    if fmt in ("csv", "tsv"):
        # DuckDB's own reading of the compressed file (bz2 it cannot read: the plain file).
        source = plain if codec == "bz2" else packed
        delim = "\\t" if fmt == "tsv" else ","
        expected = duckdb.sql(f"SELECT * FROM read_csv('{source}', delim='{delim}', header=true)").fetchall()
        assert [tuple(r.values()) for r in rows] == expected


def test_zstd_with_several_frames_reads_them_in_sequence(work, run):
    data = CONTENT["csv"]()
    cut = data.index(b"\n", len(data) // 3) + 1
    # Three frames at different levels, one of them ending mid-record.
    packed = zstd_compress(data[:cut], 1) + zstd_compress(data[cut:cut + 5000], 19) + zstd_compress(data[cut + 5000:])
    (work / "multi.csv.zst").write_bytes(packed)
    (work / "plain.csv").write_bytes(data)
    assert run("convert", work / "multi.csv.zst", work / "multi.parquet").returncode == 0
    assert run("convert", work / "plain.csv", work / "plain.parquet").returncode == 0
    assert parquet_rows(work / "multi.parquet") == parquet_rows(work / "plain.parquet")

    lines = CONTENT["ndjson"]().splitlines(keepends=True)
    frames = b"".join(zstd_compress(b"".join(lines[k:k + 7000])) for k in range(0, len(lines), 7000))
    (work / "events.ndjson.zst").write_bytes(frames)
    assert run("convert", work / "events.ndjson.zst").returncode == 0
    assert pq.read_table(work / "events.parquet").to_pylist() == ROWS


@pytest.mark.parametrize("name", ["cut.csv.gz", "cut.tsv.bz2", "cut.csv.zst", "cut.xml.zst", "cut.ndjson.zst", "cut.json.bz2"])
def test_a_truncated_compressed_file_exits_1_naming_it_and_leaves_nothing(name, work, h, run):
    fmt, codec = name.split(".")[1:]
    whole = compress(CONTENT[fmt](), codec)
    (work / name).write_bytes(whole[: len(whole) * 2 // 3])
    before = h.listing(work)
    proc = run("convert", work / name, work / "out" / "cut.parquet")
    assert proc.returncode == 1, proc.stderr
    assert name in proc.stderr and "compressed byte" in proc.stderr, proc.stderr
    assert "-t)" in proc.stderr  # the fix: test the file with gzip -t / bzip2 -t / zstd -t
    assert_failure_leaves_nothing(h, work, before)


def test_corrupt_zstd_bytes_exit_1(work, h, run):
    data = bytearray(zstd_compress(CONTENT["csv"]()))
    data[len(data) // 2] ^= 0xFF
    data[len(data) // 2 + 1] ^= 0xFF
    (work / "bad.csv.zst").write_bytes(bytes(data))
    before = h.listing(work)
    proc = run("convert", work / "bad.csv.zst")
    assert proc.returncode == 1 and "bad.csv.zst" in proc.stderr, proc.stderr
    assert_failure_leaves_nothing(h, work, before)


# --------------------------------------------------------------------------------------
# info, validate, batch and option checks see the format behind the compression suffix
# --------------------------------------------------------------------------------------


def test_info_and_validate_on_compressed_csv(work, run_json):
    (work / "t.csv.zst").write_bytes(zstd_compress(CONTENT["csv"]()))
    proc, info = run_json("info", work / "t.csv.zst", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert info["format"] == "csv" and info["rows"] == len(ROWS)
    assert [c["name"] for c in info["columns"]] == ["id", "name", "score", "ok"]
    (work / "t.tsv.bz2").write_bytes(bz2.compress(CONTENT["tsv"]()))
    proc, report = run_json("validate", work / "t.tsv.bz2", "--json")
    assert proc.returncode == 0 and report["valid"] is True, proc.stdout


def test_batch_names_outputs_without_the_compression_suffix(work, run):
    (work / "in").mkdir()
    (work / "in" / "a.csv.gz").write_bytes(gzip.compress(CONTENT["csv"]()))
    (work / "in" / "b.tsv.zst").write_bytes(zstd_compress(CONTENT["tsv"]()))
    proc = run("convert", str(work / "in" / "*"), "--output-dir", work / "out")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (work / "out").iterdir()) == ["a.parquet", "b.parquet"]
    assert parquet_rows(work / "out" / "a.parquet") == parquet_rows(work / "out" / "b.parquet")


def test_csv_options_apply_to_compressed_csv_and_others_are_refused(work, run):
    semicolons = CONTENT["csv"]().replace(b",", b";")
    (work / "s.csv.zst").write_bytes(zstd_compress(semicolons))
    assert run("convert", work / "s.csv.zst", "--delimiter", ";").returncode == 0
    assert pq.read_table(work / "s.parquet").num_rows == len(ROWS)
    proc = run("convert", work / "s.csv.zst", work / "r.parquet", "--row-tag", "row")
    assert proc.returncode == 2 and "--row-tag" in proc.stderr, proc.stderr


# --------------------------------------------------------------------------------------
# Missing output directories
# --------------------------------------------------------------------------------------

BAD_JSON = b'[{"a": 1}, {"a": 2}, {"a": '


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "ndjson"])
def test_missing_output_parents_are_created(fmt, work, run):
    (work / "in.csv").write_bytes(b"a,b\n1,x\n2,y\n")
    target = work / "new" / "deeper" / f"out.{fmt}"
    proc = run("convert", work / "in.csv", target)
    assert proc.returncode == 0, proc.stderr
    assert target.is_file()
    if fmt == "parquet":
        assert pq.read_table(target).to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]


@pytest.mark.parametrize("output", ["new/deeper/out.parquet", "new/deeper/", "new/deeper/table_delta"])
def test_a_failed_conversion_removes_the_directories_it_created(output, work, h, run):
    (work / "bad.json").write_bytes(BAD_JSON)
    before = h.listing(work)
    extra = ["-f", "delta"] if output.endswith("_delta") else []
    proc = run("convert", "bad.json", output, *extra, cwd=work)
    assert proc.returncode == 1, proc.stderr
    assert "bad.json" in proc.stderr
    assert_failure_leaves_nothing(h, work, before)


def test_an_existing_parent_is_untouched_by_a_failure(work, h, run):
    (work / "bad.json").write_bytes(BAD_JSON)
    (work / "out").mkdir()
    (work / "out" / "keep.txt").write_text("mine")
    (work / "empty").mkdir()
    before = h.listing(work)
    assert run("convert", work / "bad.json", work / "out" / "x" / "y.parquet").returncode == 1
    assert run("convert", work / "bad.json", work / "empty" / "y.parquet").returncode == 1
    assert_failure_leaves_nothing(h, work, before)
    assert (work / "out" / "keep.txt").read_text() == "mine"


def test_delta_and_output_dir_into_missing_directories(work, run):
    (work / "in.csv").write_bytes(b"a\n1\n2\n")
    proc = run("convert", work / "in.csv", work / "lake" / "bronze" / "t", "-f", "delta")
    assert proc.returncode == 0, proc.stderr
    assert (work / "lake" / "bronze" / "t" / "_delta_log").is_dir()
    proc = run("convert", work / "in.csv", "--output-dir", work / "o1" / "o2")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "o1" / "o2" / "in.parquet").num_rows == 2


def test_several_sheets_into_a_missing_directory(work, run):
    book = openpyxl.Workbook()
    book.active.title = "one"
    book.active.append(["a"])
    book.active.append([1])
    two = book.create_sheet("two")
    two.append(["b"])
    two.append(["x"])
    book.save(work / "book.xlsx")
    proc = run("convert", work / "book.xlsx", work / "new" / "sheets/")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (work / "new" / "sheets").iterdir()) == ["one.parquet", "two.parquet"]


def test_a_batch_that_writes_nothing_removes_its_new_output_directory(work, h, run):
    (work / "in").mkdir()
    (work / "in" / "a.json").write_bytes(BAD_JSON)
    (work / "in" / "b.csv.zst").write_bytes(zstd_compress(CONTENT["csv"]())[:500])
    before = h.listing(work)
    proc = run("convert", str(work / "in" / "*"), "--output-dir", work / "new" / "out")
    assert proc.returncode == 1, proc.stderr
    assert "a.json" in proc.stderr and "b.csv.zst" in proc.stderr
    assert_failure_leaves_nothing(h, work, before)
