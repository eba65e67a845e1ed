"""dBase (.dbf) input: tables written here by the `dbf` package (dBase III with a .dbt
memo file, Visual FoxPro with an .fpt memo file), converted by pyforge, and compared value
by value with what `dbfread` reads from the same files. pyarrow reads the outputs.

Conventions checked (see README): N/F fields with a declared scale are decimals, N without
one int32/int64; Y (currency) is decimal(19,4); deleted records are skipped unless
--include-deleted, which adds a `_deleted` column; text is decoded with the code page
named by the header's language driver byte unless --encoding says otherwise.
"""
from __future__ import annotations

import datetime as dt
import decimal
import json
from pathlib import Path

import dbf
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dbfread import DBF

D = decimal.Decimal


# --------------------------------------------------------------------------------------
# Tables written by the dbf package
# --------------------------------------------------------------------------------------


def make_dbase3(path: Path) -> Path:
    """dBase III with memo: every dBase III type, cp1252 text, an empty row, a deleted record."""
    table = dbf.Table(str(path), "name C(20); amount N(10,2); qty N(6,0); big N(15,0); rate F(12,4); "
                      "ok L; born D; notes M", dbf_type="db3", codepage="cp1252")
    table.open(dbf.READ_WRITE)
    table.append(("Zoë café €", D("12.50"), 42, 123456789012, 3.1415, True, dt.date(2024, 2, 29), "line one\nline two"))
    table.append()  # a blank record: every field empty
    table.append(("gone", D("1"), 2, 3, 4.0, False, dt.date(1999, 12, 31), "deleted memo"))
    table.append(("  leading", D("-99999.99"), -99999, -999999999999, -0.5, False, dt.date(1900, 1, 1), "x" * 3000))
    dbf.delete(table[2])
    table.close()
    return path


def make_foxpro(path: Path) -> Path:
    """Visual FoxPro in cp866: nullable fields (_NullFlags), I, Y, T, B, memo in .fpt."""
    table = dbf.Table(str(path), "name C(20) null; n N(8,3) null; i I; y Y; ts T; b B; d D null; m M",
                      dbf_type="vfp", codepage="cp866")
    table.open(dbf.READ_WRITE)
    table.append(("Привет, мир", D("-1.250"), -7, D("1234.5678"), dt.datetime(2023, 5, 6, 7, 8, 9), 2.5,
                  dt.date(2020, 1, 1), "мемо\r\nвторая строка"))
    table.append((None, None, 0, D("-92233720368547.5807"), None, 0.0, None, ""))
    table.append(("Ёжик", D("0.001"), 2147483646, D("0.0001"), dt.datetime(1999, 12, 31, 23, 59, 59), -1e300,
                  dt.date(2000, 2, 29), "ok"))
    table.close()
    return path


def dbfread_rows(path: Path, **kwargs) -> list[dict]:
    """Records as dbfread reads them, without Visual FoxPro's hidden _NullFlags column."""
    return [{k: v for k, v in r.items() if k != "_NULLFLAGS"} for r in DBF(str(path), load=True, **kwargs).records]


def assert_same_rows(actual: list[dict], expected: list[dict], decimals: dict[str, str]) -> None:
    """pyforge's rows (read by pyarrow) equal dbfread's; dbfread's floats of decimal
    fields are compared as decimals at the field's scale."""
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        for name, value in want.items():
            if name in decimals and value is not None:
                value = D(str(value)).quantize(D(decimals[name]))
            assert got[name] == value, (name, got[name], value)


def convert(run, src: Path, out: Path, *extra) -> dict:
    proc = run("convert", src, out, "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def types_of(summary: dict) -> dict[str, str]:
    return {c["name"]: c["type"] for c in summary["columns"]}


# --------------------------------------------------------------------------------------
# Values and types
# --------------------------------------------------------------------------------------


# (pyforge types, pyarrow types, scales of the decimal fields dbfread reads as floats)
DBASE3_TYPES = (
    {"NAME": "string", "AMOUNT": "decimal(9,2)", "QTY": "int32", "BIG": "int64", "RATE": "decimal(11,4)",
     "OK": "boolean", "BORN": "date", "NOTES": "string"},
    {"AMOUNT": pa.decimal128(9, 2), "QTY": pa.int32(), "BIG": pa.int64(), "BORN": pa.date32()},
    {"AMOUNT": "0.01", "RATE": "0.0001"})
FOXPRO_TYPES = (
    {"NAME": "string", "N": "decimal(7,3)", "I": "int32", "Y": "decimal(19,4)", "TS": "timestamp[us]",
     "B": "double", "D": "date", "M": "string"},
    {"Y": pa.decimal128(19, 4), "TS": pa.timestamp("us"), "I": pa.int32()},
    {"N": "0.001", "Y": "0.0001"})


def check_against_dbfread(run, src: Path, types: dict[str, str], arrow: dict[str, pa.DataType],
                          decimals: dict[str, str]) -> list[dict]:
    """Converts `src` to Parquet and checks the column types and every value against dbfread."""
    out = src.with_suffix(".parquet")
    summary = convert(run, src, out)
    assert types_of(summary) == types
    table = pq.read_table(out)
    for name, arrow_type in arrow.items():
        assert table.schema.field(name).type == arrow_type, name
    actual = table.to_pylist()
    assert summary["rows"] == len(actual)
    assert_same_rows(actual, dbfread_rows(src), decimals)
    return actual


def test_dbase3_values_match_dbfread(work, run):
    src = make_dbase3(work / "people.dbf")
    assert (work / "people.dbt").exists()
    actual = check_against_dbfread(run, src, *DBASE3_TYPES)
    assert len(actual) == 3  # the deleted record is skipped
    assert actual[0]["NOTES"] == "line one\nline two"
    assert actual[2]["NOTES"] == "x" * 3000


def test_foxpro_values_match_dbfread(work, run):
    src = make_foxpro(work / "fox.dbf")
    assert (work / "fox.fpt").exists()
    actual = check_against_dbfread(run, src, *FOXPRO_TYPES)
    assert len(actual) == 3
    assert actual[0]["NAME"] == "Привет, мир"
    assert actual[1]["N"] is None and actual[1]["D"] is None and actual[1]["TS"] is None
    assert actual[1]["Y"] == D("-92233720368547.5807")


def test_deleted_records_kept_with_flag_column(work, run):
    src = make_dbase3(work / "people.dbf")
    summary = convert(run, src, work / "all.parquet", "--include-deleted")
    assert summary["rows"] == 4
    assert types_of(summary)["_deleted"] == "boolean"
    rows = pq.read_table(work / "all.parquet").to_pylist()
    assert [r["_deleted"] for r in rows] == [False, False, True, False]
    deleted = [dict(r) for r in DBF(str(src), load=True).deleted]
    assert rows[2]["NAME"] == deleted[0]["NAME"] == "gone"
    assert rows[2]["NOTES"] == deleted[0]["NOTES"] == "deleted memo"


def test_code_page_from_header_and_override(work, run):
    src = make_foxpro(work / "fox.dbf")
    info = json.loads(run("info", src, "--format", "json").stdout)
    assert info["details"]["code_page"].startswith("cp866")
    # Without a language driver byte the text is read as cp1252 unless --encoding says otherwise.
    data = bytearray(src.read_bytes())
    data[29] = 0
    plain = work / "plain.dbf"
    plain.write_bytes(bytes(data))
    (work / "plain.fpt").write_bytes((work / "fox.fpt").read_bytes())
    wrong = convert(run, plain, work / "wrong.parquet")
    assert pq.read_table(work / "wrong.parquet").column("NAME")[0].as_py() != "Привет, мир"
    assert wrong["details"]["code_page"].startswith("cp1252")
    convert(run, plain, work / "right.parquet", "--encoding", "cp866")
    right = pq.read_table(work / "right.parquet").to_pylist()
    assert right[0]["NAME"] == "Привет, мир"
    assert right[0]["M"] == "мемо\r\nвторая строка"
    assert [r["NAME"] for r in right] == [r["NAME"] for r in dbfread_rows(plain, encoding="cp866")]


def test_encoding_the_input_cannot_use_is_refused(work, run):
    # --encoding is shared by CSV (text encodings) and dBase (code pages); a name only the
    # other reader knows is a usage error, never silently ignored.
    csv = work / "cyrillic.csv"
    csv.write_bytes("name\nПривет\n".encode("cp866"))
    for command in (["convert", csv, work / "out.parquet"], ["info", csv], ["validate", csv]):
        proc = run(*command, "--encoding", "cp866")
        assert proc.returncode == 2, proc.stderr
        assert "cp866" in proc.stderr and "CSV" in proc.stderr and "iconv" in proc.stderr
    assert not (work / "out.parquet").exists()
    src = make_dbase3(work / "people.dbf")
    proc = run("convert", src, work / "people.parquet", "--encoding", "utf-16")
    assert proc.returncode == 2 and "not a dBase code page" in proc.stderr, proc.stderr
    assert not (work / "people.parquet").exists()
    # Names both readers know stay accepted for either.
    assert run("convert", csv, work / "ok.parquet", "--encoding", "cp1252").returncode == 0
    convert(run, src, work / "people.parquet", "--encoding", "latin-1")


def test_other_output_formats(work, run):
    src = make_dbase3(work / "people.dbf")
    convert(run, src, work / "people.csv")
    text = (work / "people.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "NAME,AMOUNT,QTY,BIG,RATE,OK,BORN,NOTES"
    assert "12.50" in text and "Zoë café €" in text
    convert(run, src, work / "people.json")
    rows = json.loads((work / "people.json").read_text(encoding="utf-8"))
    assert rows[0]["NOTES"] == "line one\nline two"


# --------------------------------------------------------------------------------------
# info: version, records, last update, code page, fields
# --------------------------------------------------------------------------------------


def test_info_describes_the_header(work, run):
    src = make_dbase3(work / "people.dbf")
    proc = run("info", src, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    details = info["details"]
    assert info["format"] == "dbf"
    assert details["version"] == "dBase III with memo"
    assert details["records"] == "4"
    assert details["deleted_records"] == "1"
    assert info["rows"] == 3
    assert details["code_page"].startswith("cp1252")
    # The dbf package stamps today's date; the year byte counts from 1900 (1.x printed 2126).
    assert details["last_update"] == dt.date.today().isoformat()
    specs = {c["name"]: c["physical_type"] for c in info["columns"]}
    assert specs["AMOUNT"] == "N(10,2)" and specs["NAME"] == "C(20)" and specs["NOTES"] == "M"
    table = run("info", src)
    assert "dBase III with memo" in table.stdout and "Last update" in table.stdout


@pytest.mark.parametrize("year_byte,expected", [(125, "2025"), (99, "1999"), (25, "2025"), (126, "2026")])
def test_last_update_year_byte(work, run, year_byte, expected):
    src = make_dbase3(work / "people.dbf")
    data = bytearray(src.read_bytes())
    data[1:4] = bytes([year_byte, 7, 14])
    src.write_bytes(bytes(data))
    info = json.loads(run("info", src, "--format", "json").stdout)
    assert info["details"]["last_update"] == f"{expected}-07-14"


def test_formats_lists_dbase(run):
    formats = json.loads(run("formats", "--json").stdout)
    entry = next(f for f in formats if ".dbf" in f["extensions"])
    assert "parquet" in entry["outputs"] and "--include-deleted" in entry["options"] and "--encoding" in entry["options"]


# --------------------------------------------------------------------------------------
# Broken inputs: clear message naming the file, non-zero exit, nothing left behind
# --------------------------------------------------------------------------------------


def _broken(kind: str, work: Path) -> Path:
    src = make_dbase3(work / "broken.dbf")
    data = src.read_bytes()
    if kind == "empty":
        src.write_bytes(b"")
    elif kind == "truncated":
        src.write_bytes(data[: len(data) - 40])
    elif kind == "short-header":
        src.write_bytes(data[:20])
    elif kind == "not-dbase":
        src.write_bytes(b"PK\x03\x04" + data[4:])
    elif kind == "missing-memo":
        (work / "broken.dbt").unlink()
    return src


@pytest.mark.parametrize("kind,words", [
    ("empty", "empty"), ("truncated", "truncated"), ("short-header", "header"),
    ("not-dbase", "version byte"), ("missing-memo", "broken.dbt"),
])
def test_broken_inputs_fail_cleanly(work, run, kind, words):
    src = _broken(kind, work)
    before = sorted(p.name for p in work.iterdir())
    proc = run("convert", src, work / "out.parquet")
    assert proc.returncode == 1, proc.stdout
    assert str(src) in proc.stderr and words in proc.stderr, proc.stderr
    assert sorted(p.name for p in work.iterdir()) == before
    info = run("info", src)
    assert info.returncode == 1 and words in info.stderr
