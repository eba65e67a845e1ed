"""Delimited text as it comes: quote and escape sniffing (stray quotes, single quotes,
backslash escapes), --quote/--escape, Excel's `sep=` line, and report-style files with
title rows above the header (--skip-rows), for CSV and Excel.

Values are checked against DuckDB's read_csv auto-detection of the same file and against
Python's csv module (or openpyxl) told the dialect explicitly."""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import random
import sys
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from conftest import REPO_ROOT
from test_serve import Client
from conftest import base_env


def duckdb_rows(path: Path, **options) -> tuple[list[str], list[tuple]]:
    """Column names and rows DuckDB reads from a CSV (auto-detected unless `options`)."""
    args = "".join(f", {key} = {value!r}" for key, value in options.items())
    relation = duckdb.connect().execute(f"select * from read_csv(?{args})", [str(path)])
    names = [d[0] for d in relation.description]
    return names, [tuple(row) for row in relation.fetchall()]


def parquet_rows(path: Path) -> tuple[list[str], list[tuple]]:
    table = pq.read_table(path)
    return table.column_names, [tuple(row.values()) for row in table.to_pylist()]


def info_json(run_json, path: Path, *extra) -> dict:
    proc, data = run_json("info", path, "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return data


# --------------------------------------------------------------------------------------
# Stray quotes: a TSV from a tool that never quotes
# --------------------------------------------------------------------------------------

STRAY_WORDS = ['5" floppy', '"quoted" word', "it's", "'90s hits", "plain", 'say "hi"', '12" vinyl, 33rpm',
               "O'Brien", "a;b|c", '"', 'ends with "']


def write_stray_tsv(path: Path, rows: int) -> Path:
    r = random.Random(16)
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("id\tname\tnote\tprice\tday\n")
        # Line 2 starts a field with a quote that RFC 4180 cannot read.
        f.write('0\t"quoted" word\tfirst\t1.5\t2024-01-01\n')
        for i in range(1, rows):
            day = dt.date(2024, 1, 1) + dt.timedelta(days=i % 366)
            f.write(f"{i}\t{r.choice(STRAY_WORDS)} {i % 97}\t{r.choice(STRAY_WORDS)}\t{r.randint(0, 99999) / 100}\t{day}\n")
    return path


def test_stray_quote_tsv_matches_duckdb(work, h, run, run_json, convert_json):
    src = write_stray_tsv(work / "packages.tsv", 200_000)
    out = work / "packages.parquet"
    _, summary = convert_json(src, out)
    assert summary["rows"] == 200_000
    names, rows = parquet_rows(out)
    ref_names, ref_rows = duckdb_rows(src)
    assert names == ref_names == ["id", "name", "note", "price", "day"]
    assert len(rows) == len(ref_rows) == 200_000
    assert rows == ref_rows
    assert {c["name"]: c["type"] for c in summary["columns"]} == {
        "id": "int64", "name": "string", "note": "string", "price": "double", "day": "date"}
    # Spot checks written out by hand: quotes are text, kept exactly.
    assert rows[0][1] == '"quoted" word'
    assert any(row[2] == '"' for row in rows) and any(row[2] == "'90s hits" for row in rows)

    # The same with the quote given explicitly.
    explicit = work / "explicit.parquet"
    convert_json(src, explicit, "--quote", "none")
    assert parquet_rows(explicit) == (names, rows)
    # DuckDB told the same gives the same too.
    assert duckdb_rows(src, quote="")[1] == rows

    details = info_json(run_json, src)["details"]
    assert (details["delimiter"], details["quote"], details["escape"], details["header"]) == ("\\t", "none", "none", "yes")


def test_compressed_stray_quote_tsv_is_sniffed_from_the_decompressed_head(work, h, convert_json):
    plain = write_stray_tsv(work / "plain.tsv", 5_000)
    src = work / "packages.tsv.gz"
    src.write_bytes(gzip.compress(plain.read_bytes()))
    out = work / "packages.parquet"
    convert_json(src, out)
    assert parquet_rows(out) == duckdb_rows(plain)


def test_rfc_quotes_forced_on_stray_quotes_name_file_line_and_fix(work, h, run):
    src = write_stray_tsv(work / "stray.tsv", 50)
    before = h.listing(work)
    proc = run("convert", src, work / "out.parquet", "--quote", '"')
    assert proc.returncode == 1
    message = proc.stderr.strip()
    assert "stray.tsv" in message and "line 2" in message and "--quote none" in message
    assert h.listing(work) == before


def test_malformed_quote_after_the_sample_names_the_line(work, h, run):
    """The sample shows RFC quoting; a field that breaks it later fails at its line."""
    lines = ["id,text"] + [f'{i},"a, b {i}"' for i in range(3000)]
    lines[2501] = '2500,"bad" quote'
    src = h.write_text(work / "late.csv", "\n".join(lines) + "\n")
    proc = run("convert", src)
    assert proc.returncode == 1
    assert "late.csv" in proc.stderr and "line 2502" in proc.stderr and "--quote none" in proc.stderr


# --------------------------------------------------------------------------------------
# Single quotes, backslash escapes, overrides
# --------------------------------------------------------------------------------------


def test_single_quoted_csv(work, h, convert_json, run_json):
    text = "id,name,amount\n1,'Smith, John',2.5\n2,'it''s',3\n3,plain,4\n4,'',5\n"
    src = h.write_text(work / "single.csv", text)
    out = work / "single.parquet"
    convert_json(src, out)
    names, rows = parquet_rows(out)
    expected = list(csv.reader(io.StringIO(text), quotechar="'"))
    assert names == expected[0]
    assert [(str(a), b, str(c)) for a, b, c in rows] == [(r[0], r[1], str(float(r[2]))) for r in expected[1:]]
    # A quoted empty field is the empty string (DuckDB reads it as null).
    assert rows[3][1] == ""
    assert duckdb_rows(src)[1][:3] == rows[:3]
    details = info_json(run_json, src)["details"]
    assert (details["quote"], details["escape"]) == ("'", "'")


def test_backslash_escaped_csv(work, h, convert_json, run_json):
    text = 'id,text,n\n1,"say \\"hi\\"",2\n2,"C:\\\\temp\\\\",3\n3,"a, b",4\n4,plain,5\n'
    src = h.write_text(work / "escaped.csv", text)
    out = work / "escaped.parquet"
    convert_json(src, out)
    names, rows = parquet_rows(out)
    expected = list(csv.reader(io.StringIO(text), escapechar="\\", doublequote=False))
    assert names == expected[0]
    assert [(str(a), b, str(c)) for a, b, c in rows] == [tuple(r) for r in expected[1:]]
    assert rows[0][1] == 'say "hi"' and rows[1][1] == "C:\\temp\\"
    assert duckdb_rows(src)[1] == rows
    details = info_json(run_json, src)["details"]
    assert (details["quote"], details["escape"]) == ('"', "\\")


def test_quote_and_escape_overrides(work, h, convert_json):
    src = h.write_text(work / "q.csv", "id,name\n1,'abc'\n2,'x y'\n")
    for extra, expected in [((), ["abc", "x y"]), (("--quote", '"'), ["'abc'", "'x y'"]),
                            (("--quote", "none"), ["'abc'", "'x y'"])]:
        out = work / f"q{len(extra)}{extra[-1:] == ('none',)}.parquet"
        convert_json(src, out, *extra)
        assert pq.read_table(out).column("name").to_pylist() == expected, extra
    # An escape the sample never shows: given, it is used.
    src = h.write_text(work / "e.csv", "id,name\n1,'it\\'s'\n2,'a\\\\b'\n")
    out = work / "e.parquet"
    convert_json(src, out, "--quote", "'", "--escape", "\\")
    assert pq.read_table(out).column("name").to_pylist() == ["it's", "a\\b"]
    out = work / "e2.parquet"
    convert_json(src, out, "--escape", "\\")
    assert pq.read_table(out).column("name").to_pylist() == ["it's", "a\\b"]


@pytest.mark.parametrize("extra,needle", [
    (["--quote", "ab"], "--quote"),
    (["--escape", "xy"], "--escape"),
    (["--quote", "none", "--escape", "\\"], "--escape"),
    (["--quote", ";", "--delimiter", ";"], "--quote"),
    (["--skip-rows", "-1"], "--skip-rows"),
])
def test_invalid_dialect_options_are_usage_errors(work, h, run, extra, needle):
    src = h.write_text(work / "a.csv", "a,b\n1,2\n")
    proc = run("convert", src, *extra)
    assert proc.returncode == 2
    assert needle in proc.stderr
    assert not (work / "a.parquet").exists()


@pytest.mark.parametrize("name,extra", [
    ("d.json", ["--quote", "none"]),
    ("d.json", ["--escape", "\\"]),
    ("d.json", ["--skip-rows", "1"]),
    ("d.xlsx", ["--quote", "'"]),
])
def test_new_options_refused_for_other_inputs(work, h, run, name, extra):
    src = work / name
    if name.endswith(".json"):
        h.write_text(src, '[{"a": 1}]')
    else:
        wb = openpyxl.Workbook()
        wb.active.append(["a"])
        wb.active.append([1])
        wb.save(src)
    for command in (["convert", src], ["info", src], ["validate", src]):
        proc = run(*command, *extra)
        assert proc.returncode == 2, (command, extra, proc.stderr)
        assert extra[0] in proc.stderr and "CSV" in proc.stderr


# --------------------------------------------------------------------------------------
# Excel's sep= line
# --------------------------------------------------------------------------------------


def test_excel_sep_line_declares_the_delimiter(work, h, convert_json, run_json):
    text = "sep=;\r\nname;amount\r\nx,y;1,5\r\nz;2\r\n"
    src = h.write_bytes(work / "excel.csv", b"\xef\xbb\xbf" + text.encode())
    out = work / "excel.parquet"
    _, summary = convert_json(src, out)
    names, rows = parquet_rows(out)
    expected = list(csv.reader(io.StringIO(text.split("\r\n", 1)[1]), delimiter=";"))
    assert names == expected[0] == ["name", "amount"]
    assert [list(r) for r in rows] == expected[1:]
    details = info_json(run_json, src)["details"]
    assert details["delimiter"] == ";" and "skipped_rows" not in details
    # --delimiter wins over the declaration; the line is still not data.
    src = h.write_text(work / "declared.csv", "sep=;\na,b\n1,2\n")
    out = work / "comma.parquet"
    convert_json(src, out, "--delimiter", ",")
    assert parquet_rows(out) == (["a", "b"], [(1, 2)])


def test_sep_line_counts_in_error_line_numbers(work, h, run):
    src = h.write_text(work / "bad.csv", "sep=;\na;b\n1;2\n3;4;5\n")
    proc = run("convert", src)
    assert proc.returncode == 1 and "line 4" in proc.stderr and "bad.csv" in proc.stderr


# --------------------------------------------------------------------------------------
# Report-style CSV: title rows above the header
# --------------------------------------------------------------------------------------

REPORT_CSV = ("Sales report 2024\nGenerated by ledger 3.1\n\n"
              "region,amount,units,day\n"
              "north,1.5,3,2024-01-02\nsouth,2.25,4,2024-01-03\neast,,5,2024-01-04\n")


def test_report_csv_title_rows_are_detected(work, h, run, run_json):
    src = h.write_text(work / "report.csv", REPORT_CSV)
    out = work / "report.parquet"
    proc, summary = run_json("convert", src, out, "--json")
    assert proc.returncode == 0, proc.stderr
    names, rows = parquet_rows(out)
    ref_names, ref_rows = duckdb_rows(src)
    assert names == ref_names == ["region", "amount", "units", "day"]
    assert rows == ref_rows
    assert {c["name"]: c["type"] for c in summary["columns"]} == {
        "region": "string", "amount": "double", "units": "int64", "day": "date"}
    # The note says what was skipped, on stderr and in info.
    text_run = run("convert", src, work / "again.parquet")
    assert "2 title row(s)" in text_run.stderr and "line 4" in text_run.stderr and "Sales report 2024" in text_run.stderr
    data = info_json(run_json, src)
    assert data["details"]["skipped_rows"] == "3"
    assert any("title row(s)" in w for w in data["warnings"])
    # --skip-rows 3 says the same explicitly (DuckDB's skip counts the same lines).
    explicit = work / "explicit.parquet"
    proc = run("convert", src, explicit, "--skip-rows", "3")
    assert proc.returncode == 0 and "title row" not in proc.stderr
    assert parquet_rows(explicit) == (names, rows) and duckdb_rows(src, skip=3)[1] == rows


def test_report_csv_exported_from_excel(work, h, convert_json):
    """Excel pads title rows with delimiters; --skip-rows 0 reads them as data (the old way)."""
    text = ("Inventory,,\r\nAs of 2024-05-01,,\r\nitem,qty,price\r\n"
            + "".join(f"item {i},{i},{i}.5\r\n" for i in range(30)))
    src = h.write_text(work / "inventory.csv", text)
    out = work / "inventory.parquet"
    convert_json(src, out)
    table = pq.read_table(out)
    expected = list(csv.reader(io.StringIO(text)))[2:]
    assert table.column_names == expected[0]
    assert table.column("item").to_pylist() == [r[0] for r in expected[1:]]
    assert table.column("qty").to_pylist() == [int(r[1]) for r in expected[1:]]
    assert table.column("price").to_pylist() == [float(r[2]) for r in expected[1:]]
    kept = work / "kept.parquet"
    convert_json(src, kept, "--skip-rows", "0")
    table = pq.read_table(kept)
    assert table.column_names == ["Inventory", "column_2", "column_3"]
    assert table.num_rows == 32 and table.schema.field("column_2").type == "string"


def test_report_csv_line_numbers_count_the_skipped_lines(work, h, run):
    src = h.write_text(work / "report_bad.csv", REPORT_CSV + "west,1,2,2024-01-05,extra\n")
    proc = run("convert", src)
    assert proc.returncode == 1 and "line 8" in proc.stderr


@pytest.mark.parametrize("text", [
    "id,name\n1,a\n2,b\n",                  # a header on top
    "7,,\n1,2,3\n4,5,6\n",                  # a number on top is data
    "note,\nname,value\n",                  # nothing under the "header"
])
def test_ordinary_files_keep_their_first_rows(work, h, run_json, text):
    src = h.write_text(work / "plain.csv", text)
    data = info_json(run_json, src)
    assert "skipped_rows" not in data["details"]
    assert not any("title row" in w for w in data["warnings"])


def test_skip_rows_counts_lines_and_refuses_to_drop_everything(work, h, run, convert_json):
    src = h.write_text(work / "lines.csv", "junk\n\njunk, with, commas\nid,v\n1,2\n")
    out = work / "lines.parquet"
    convert_json(src, out, "--skip-rows", "3")
    assert parquet_rows(out) == (["id", "v"], [(1, 2)])
    proc = run("convert", src, work / "none.parquet", "--skip-rows", "5")
    assert proc.returncode == 1 and "--skip-rows 5" in proc.stderr and "lines.csv" in proc.stderr
    assert not (work / "none.parquet").exists()


# --------------------------------------------------------------------------------------
# Report-style workbook
# --------------------------------------------------------------------------------------


def write_report_workbook(path: Path) -> list[list]:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws["A1"] = "Quarterly sales"
    ws["A2"] = "Generated 2024-05-01 by ledger"
    header = ["region", "amount", "units", "day"]
    ws.append([])
    ws.append(header)
    rows = [[f"r{i}", i * 1.25, i, dt.datetime(2024, 1, 1) + dt.timedelta(days=i)] for i in range(1, 26)]
    for row in rows:
        ws.append(row)
    for r in range(5, 5 + len(rows)):
        ws.cell(row=r, column=4).number_format = "yyyy-mm-dd"
    wb.save(path)
    return [header] + rows


def test_report_workbook_title_rows(work, h, run, run_json):
    src = work / "report.xlsx"
    write_report_workbook(src)
    # The reference: openpyxl's rows from the header row on.
    ws = openpyxl.load_workbook(src, data_only=True)["Sales"]
    ref = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    out = work / "report.parquet"
    proc, summary = run_json("convert", src, out, "--json")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(out)
    assert table.column_names == ref[0]
    assert table.column("region").to_pylist() == [r[0] for r in ref[1:]]
    assert table.column("amount").to_pylist() == [r[1] for r in ref[1:]]
    assert table.column("units").to_pylist() == [r[2] for r in ref[1:]]
    assert table.column("day").to_pylist() == [r[3].date() for r in ref[1:]]
    note = run("convert", src, work / "again.parquet").stderr
    assert "2 title row(s)" in note and "sheet 'Sales' row 4" in note and "Quarterly sales" in note
    data = info_json(run_json, src)
    assert any("title row(s)" in w for w in data["warnings"])
    assert data["sheets"][0]["rows"] == 25

    explicit = work / "explicit.parquet"
    proc = run("convert", src, explicit, "--skip-rows", "3")
    assert proc.returncode == 0 and "title row" not in proc.stderr
    assert pq.read_table(explicit).to_pylist() == table.to_pylist()
    kept = work / "kept.parquet"
    assert run("convert", src, kept, "--skip-rows", "0").returncode == 0
    kept_table = pq.read_table(kept)
    assert kept_table.column_names[0] == "Quarterly sales"
    assert kept_table.num_rows == 27


# --------------------------------------------------------------------------------------
# pyforge serve and the Python API take the same options
# --------------------------------------------------------------------------------------


def test_serve_and_python_api_take_dialect_options(pyforge_bin, work, h):
    stray = write_stray_tsv(work / "stray.tsv", 20)
    report = h.write_text(work / "report.csv", REPORT_CSV)
    client = Client(pyforge_bin, base_env())
    try:
        result = client.call("convert", {"input": str(stray), "output": str(work / "s.parquet"), "quote": "none"})["result"]
        assert result["success"] and result["rows"] == 20
        forced = client.call("convert", {"input": str(stray), "output": str(work / "f.parquet"), "quote": '"'})
        assert "--quote none" in forced["error"]["message"]
        result = client.call("convert", {"input": str(report), "output": str(work / "r.parquet"), "skip_rows": 3})["result"]
        assert result["success"] and result["rows"] == 3
        (work / "d.json").write_text('[{"a": 1}]')
        refused = client.call("convert", {"input": str(work / "d.json"), "escape": "\\"})
        assert "'escape' applies only to CSV" in json.dumps(refused["error"])
        assert not (work / "d.parquet").exists()
    finally:
        client.close()

    sys.path.insert(0, str(REPO_ROOT / "python"))
    try:
        from pyforge_cli.extensions.databricks.api import PyForgeDatabricks
    finally:
        sys.path.pop(0)
    forge = PyForgeDatabricks(binary=str(pyforge_bin))
    try:
        out = work / "api.parquet"
        result = forge.convert(stray, out, quote="none", escape=None, skip_rows=0, progress=False)
        assert result["row_count"] == 20
        assert pq.read_table(out).column("name").to_pylist()[0] == '"quoted" word'
    finally:
        forge.close()
