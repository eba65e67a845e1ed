"""Microsoft Access (.mdb/.accdb) input through mdbtools' libmdb: committed fixtures (see
fixtures/access/README.md), converted by pyforge. Every user table goes to
`<stem>_<format>/<table>.<ext>`.

Two kinds of reference: `mdb-export` (for merchant_taylors.mdb), which uses the same libmdb
as pyforge and so cannot catch a mistake the two share; and, independent of libmdb, the values
the Jackcess-made `types` fixtures were written with (spelled out below from MakeTypes.java)
and the pure-Python reader access-parser."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import struct
import subprocess
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "access"
TABLE = "merchant_taylors"


def mdb_export(path: Path, table: str) -> tuple[list[str], list[list[str]]]:
    out = subprocess.run(["mdb-export", str(path), table], capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    return rows[0], rows[1:]


@pytest.fixture
def database(work) -> Path:
    if shutil.which("mdb-export") is None:
        pytest.fail("mdb-export is missing: run scripts/install-system-deps.sh (Debian package mdbtools)", pytrace=False)
    target = work / "merchant_taylors.mdb"
    shutil.copy(FIXTURES / "merchant_taylors.mdb", target)
    return target


def test_tables_convert_and_match_mdb_export(database, run):
    proc = run("convert", database, "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    out = database.parent / "merchant_taylors_parquet" / f"{TABLE}.parquet"
    assert summary["output"] == str(out)
    table = pq.read_table(out)
    header, rows = mdb_export(database, TABLE)
    assert table.column_names == header
    assert table.num_rows == len(rows) == summary["rows"]
    assert table.schema.field("Id No").type == pa.int32()
    assert table.schema.field("Freedom").type == pa.timestamp("us")
    assert table.schema.field("Remarks").type == pa.string()
    for got, want in zip(table.to_pylist(), rows, strict=True):
        for name, text in zip(header, want, strict=True):
            value = got[name]
            if isinstance(value, int):
                assert str(value) == text, name
            elif isinstance(value, str):
                assert value == text, name
            else:  # null, or a date (mdb-export prints dates before 1900 as 01/00/00)
                assert (value is None) == (text == ""), (name, value, text)


def test_tables_option_picks_tables(database, run):
    proc = run("convert", database, "--tables", TABLE.upper(), "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    out = database.parent / "merchant_taylors_csv" / f"{TABLE}.csv"
    header, rows = mdb_export(database, TABLE)
    with open(out, newline="", encoding="utf-8") as fh:
        ours = list(csv.reader(fh))
    assert ours[0] == header and len(ours) - 1 == len(rows)
    missing = run("convert", database, "--tables", "nope", "--force")
    assert missing.returncode == 1
    assert "no table 'nope'" in missing.stderr and TABLE in missing.stderr


def test_explicit_output_file_for_one_table(database, run):
    out = database.parent / "one.parquet"
    proc = run("convert", database, out, "--tables", TABLE)
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(out).num_rows == 20


def test_info_lists_tables(database, run):
    info = json.loads(run("info", database, "--format", "json").stdout)
    assert info["format"] == "access"
    assert info["details"]["version"].startswith("Jet 4")
    assert info["details"]["tables"] == "1"
    assert info["details"][f"table.{TABLE}"] == "20 rows, 12 columns"


def test_formats_lists_access(run):
    formats = json.loads(run("formats", "--json").stdout)
    entry = next(f for f in formats if ".accdb" in f["extensions"])
    assert ".mdb" in entry["extensions"] and "--tables" in entry["options"]


@pytest.mark.parametrize("name", ["empty.mdb", "empty.accdb"])
def test_database_without_user_tables(work, run, name):
    src = work / name
    shutil.copy(FIXTURES / name, src)
    proc = run("convert", src)
    assert proc.returncode == 1
    assert str(src) in proc.stderr and "no user tables" in proc.stderr
    assert sorted(p.name for p in work.iterdir()) == [name]


@pytest.mark.parametrize("kind,words", [("empty", "empty"), ("truncated", "truncated"), ("garbage", "Access")])
def test_broken_databases_fail_cleanly(work, run, kind, words):
    data = (FIXTURES / "merchant_taylors.mdb").read_bytes()
    src = work / "broken.mdb"
    src.write_bytes({"empty": b"", "truncated": data[:10000], "garbage": b"not a database" * 500}[kind])
    proc = run("convert", src)
    assert proc.returncode == 1, proc.stdout
    assert str(src) in proc.stderr and words in proc.stderr, proc.stderr
    assert sorted(p.name for p in work.iterdir()) == ["broken.mdb"]


# --------------------------------------------------------------------------------------
# types.mdb / types.accdb: values known by construction (MakeTypes.java, Jackcess 3.0.1, UTC)
# --------------------------------------------------------------------------------------

TYPES_FILES = ["types.mdb", "types.accdb"]


def single(value: float) -> float:
    """A Java float literal as the double it widens to (Access Single is IEEE binary32)."""
    return struct.unpack("<f", struct.pack("<f", value))[0]


# The Arrow type each Access column type becomes, and AllTypes row by row, exactly as
# MakeTypes.java wrote them. Row 3 is null everywhere but the Yes/No column, which Access
# cannot store as null.
ALL_TYPES = {
    "RowId": pa.int32(), "ByteCol": pa.int32(), "IntCol": pa.int32(), "LongCol": pa.int32(),
    "SingleCol": pa.float64(), "DoubleCol": pa.float64(), "MoneyCol": pa.decimal128(19, 4),
    "DecimalCol": pa.decimal128(18, 4), "BoolCol": pa.bool_(), "DateCol": pa.timestamp("us"),
    "TextCol": pa.string(), "MemoCol": pa.string(), "BinCol": pa.binary(), "GuidCol": pa.string(),
}
ALL_TYPES_ROWS = [
    {"RowId": 1, "ByteCol": 0, "IntCol": -32768, "LongCol": -2147483648, "SingleCol": 1.5, "DoubleCol": -0.0,
     "MoneyCol": Decimal("-922337203685477.5808"), "DecimalCol": Decimal("12345678901234.5678"), "BoolCol": True,
     "DateCol": dt.datetime(1899, 12, 30), "TextCol": "plain", "MemoCol": "memo line 1\r\nmemo line 2\nline 3",
     "BinCol": b"\x00\x01\x02\xff", "GuidCol": "{6F9619FF-8B86-D011-B42D-00C04FC964FF}"},
    {"RowId": 2, "ByteCol": 255, "IntCol": 32767, "LongCol": 2147483647, "SingleCol": single(3.4e38),
     "DoubleCol": 1.7976931348623157e308, "MoneyCol": Decimal("922337203685477.5807"), "DecimalCol": Decimal("-0.0001"),
     "BoolCol": False, "DateCol": dt.datetime(1753, 1, 1, 12, 30, 15), "TextCol": "Ünïcødé — 日本語 ✓",
     "MemoCol": "x" * 70000, "BinCol": b"", "GuidCol": "{00000000-0000-0000-0000-000000000000}"},
    {"RowId": 3, "ByteCol": None, "IntCol": None, "LongCol": None, "SingleCol": None, "DoubleCol": None,
     "MoneyCol": None, "DecimalCol": None, "BoolCol": False, "DateCol": None, "TextCol": None, "MemoCol": None,
     "BinCol": None, "GuidCol": None},
    {"RowId": 4, "ByteCol": 7, "IntCol": 0, "LongCol": 0, "SingleCol": 0.0, "DoubleCol": 0.1,
     "MoneyCol": Decimal("0.01"), "DecimalCol": Decimal("0"), "BoolCol": True,
     "DateCol": dt.datetime(2099, 12, 31, 23, 59, 59), "TextCol": 'comma, "quote"', "MemoCol": "", "BinCol": None,
     "GuidCol": None},
]


def src_dir(name: str) -> str:
    return name.replace(".", "_")  # types.mdb and types.accdb would share types_parquet/


@pytest.fixture(scope="module")
def converted_types(tmp_path_factory, pyforge_bin) -> dict[str, Path]:
    """Each types fixture converted once (all tables, Parquet); name -> output directory."""
    from conftest import assert_no_crash, base_env

    root = tmp_path_factory.mktemp("access-types")
    outputs = {}
    for name in TYPES_FILES:
        (root / src_dir(name)).mkdir()
        src = root / src_dir(name) / name
        shutil.copy(FIXTURES / name, src)
        proc = subprocess.run([str(pyforge_bin), "convert", str(src), "--json"], capture_output=True, text=True,
                              env=base_env(), timeout=120)
        assert_no_crash(proc)
        assert proc.returncode == 0, proc.stderr
        summary = json.loads(proc.stdout)
        assert [Path(o["output"]).name for o in summary["outputs"]] == ["AllTypes.parquet", "Many Rows.parquet"]
        outputs[name] = src.parent / f"{src.stem}_parquet"
    return outputs


@pytest.mark.parametrize("name", TYPES_FILES)
def test_all_types_match_the_values_they_were_written_with(converted_types, h, name):
    data = h.read_parquet(converted_types[name] / "AllTypes.parquet")
    assert data.names == list(ALL_TYPES)
    for column, arrow_type in ALL_TYPES.items():
        assert data.arrow_type(column) == arrow_type, (column, data.arrow_type(column))
    # assert_rows_equal checks the row count first and tells -0.0 from 0.0.
    h.assert_rows_equal(data.rows, ALL_TYPES_ROWS)
    # Decimal("0.01") == Decimal("0.0100"): the scale is checked by the type above.
    assert str(data.column("MoneyCol")[3]) == "0.0100"


@pytest.mark.parametrize("name", TYPES_FILES)
def test_decimal_keeps_its_precision_and_scale(converted_types, h, name):
    data = h.read_parquet(converted_types[name] / "AllTypes.parquet")
    assert data.arrow_type("DecimalCol") == pa.decimal128(18, 4)
    assert data.column("DecimalCol") == [row["DecimalCol"] for row in ALL_TYPES_ROWS]
    # Decimal("0") == Decimal("0.0000"): the text shows the scale is kept too.
    assert [str(v) for v in data.column("DecimalCol")] == ["12345678901234.5678", "-0.0001", "None", "0.0000"]


@pytest.mark.parametrize("name", TYPES_FILES)
def test_guid_keeps_its_text(converted_types, h, name):
    data = h.read_parquet(converted_types[name] / "AllTypes.parquet")
    assert data.arrow_type("GuidCol") == pa.string()
    assert data.column("GuidCol") == [row["GuidCol"] for row in ALL_TYPES_ROWS]


@pytest.mark.parametrize("name", TYPES_FILES)
def test_many_rows_table_is_complete_and_in_order(converted_types, h, name):
    data = h.read_parquet(converted_types[name] / "Many Rows.parquet")
    assert data.table.schema == pa.schema([("N", pa.int32()), ("Label", pa.string())])
    h.assert_rows_equal(data.rows, [{"N": i, "Label": f"row {i}"} for i in range(25_000)])


# access-parser (PyPI, pure Python, no libmdb) reads the same files. It has limitations of its
# own, so it is used where it is right, with its representation translated:
#  - Byte: read as a signed byte (255 -> -1), so compared modulo 256;
#  - Currency: the stored 64-bit count of ten-thousandths, so divided by 10,000;
#  - an empty Memo or OLE value comes back as None;
#  - not used for Date/Time (it cannot show dates before 1900), Decimal (it drops the scale of
#    negative values) and GUID (it prints the stored bytes without Access's byte order):
#    those are covered by the values known by construction above.
ACCESS_PARSER_COLUMNS = {
    "RowId": lambda v: v, "IntCol": lambda v: v, "LongCol": lambda v: v, "SingleCol": lambda v: v,
    "DoubleCol": lambda v: v, "BoolCol": lambda v: v, "TextCol": lambda v: v,
    "ByteCol": lambda v: None if v is None else v % 256,
    "MoneyCol": lambda v: None if v is None else Decimal(v).scaleb(-4),
    "MemoCol": lambda v: v or None,
    "BinCol": lambda v: v or None,
}


@pytest.mark.parametrize("name", TYPES_FILES)
def test_access_parser_reads_the_same_values(converted_types, h, name):
    from access_parser import AccessParser

    database = AccessParser(str(FIXTURES / name))
    ours = h.read_parquet(converted_types[name] / "AllTypes.parquet")
    theirs = database.parse_table("AllTypes")
    for column, translate in ACCESS_PARSER_COLUMNS.items():
        expected = [translate(v) for v in theirs[column]]
        actual = [ACCESS_PARSER_COLUMNS[column](v) if column in ("MemoCol", "BinCol") else v
                  for v in ours.column(column)]
        assert len(actual) == len(expected), (column, len(actual), len(expected))
        assert [h.canonical(v) for v in actual] == [h.canonical(v) for v in expected], column
    many = database.parse_table("Many Rows")
    data = h.read_parquet(converted_types[name] / "Many Rows.parquet")
    assert len(many["N"]) == data.table.num_rows == 25_000
    assert data.column("N") == many["N"] and data.column("Label") == many["Label"]
