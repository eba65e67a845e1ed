"""Microsoft Access (.mdb/.accdb) input through mdbtools' libmdb: committed fixtures made by
Access (see fixtures/access/README.md), converted by pyforge and compared with `mdb-export`
reading the same file. Every user table goes to `<stem>_<format>/<table>.<ext>`."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
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
    for got, want in zip(table.to_pylist(), rows):
        for name, text in zip(header, want):
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
