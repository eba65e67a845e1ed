"""`convert --preview-schema` reads the input with the conversion's own options, so the
columns it prints are the ones the conversion writes: Excel's --sheets, --all-strings and
--header, Access's --tables. Each preview is checked against the file the same command line
converts to, read with pyarrow."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq

ACCESS = Path(__file__).parent / "fixtures" / "access" / "types.mdb"


def preview(run, *args):
    proc = run("convert", *args, "--preview-schema", "--json")
    assert proc.returncode == 0, proc.stderr
    return [(c["name"], c["type"]) for c in json.loads(proc.stdout)]


def written(run, *args):
    proc = run("convert", *args, "--force")
    assert proc.returncode == 0, proc.stderr
    return proc


def parquet_columns(path):
    schema = pq.read_schema(path)
    return [(field.name, str(field.type)) for field in schema]


def workbook(work):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Orders"
    first.append(["order", "qty"])
    first.append([1, 2])
    second = book.create_sheet("Prices")
    second.append(["item", "price", "code"])
    second.append(["pen", 1.5, 7])
    path = work / "book.xlsx"
    book.save(path)
    return path


def test_excel_preview_follows_sheets(run, work):
    src = workbook(work)
    assert [name for name, _ in preview(run, src)] == ["order", "qty"]  # the first sheet with data
    columns = preview(run, src, "--sheets", "Prices")
    assert [name for name, _ in columns] == ["item", "price", "code"]
    written(run, src, work / "prices.parquet", "--sheets", "Prices")
    assert [name for name, _ in parquet_columns(work / "prices.parquet")] == ["item", "price", "code"]
    assert [name for name, _ in preview(run, src, "--sheets", "2")] == ["item", "price", "code"]


def test_excel_preview_follows_all_strings(run, work):
    src = workbook(work)
    typed = dict(preview(run, src, "--sheets", "Prices"))
    assert typed["price"] != "string" and typed["code"] != "string"
    strings = dict(preview(run, src, "--sheets", "Prices", "--all-strings"))
    assert set(strings.values()) == {"string"}
    written(run, src, work / "s.parquet", "--sheets", "Prices", "--all-strings")
    assert {t for _, t in parquet_columns(work / "s.parquet")} == {"string"}


def test_excel_preview_follows_header(run, work):
    book = openpyxl.Workbook()
    book.active.append([10, 20])
    book.active.append([30, 40])
    src = work / "nums.xlsx"
    book.save(src)
    assert [name for name, _ in preview(run, src, "--header")] == ["10", "20"]
    written(run, src, work / "n.parquet", "--header")
    assert pq.read_table(work / "n.parquet").column_names == ["10", "20"]


def test_excel_preview_refuses_a_sheet_the_workbook_lacks(run, work):
    src = workbook(work)
    proc = run("convert", src, "--sheets", "Nope", "--preview-schema")
    assert proc.returncode != 0 and "no sheet 'Nope'" in proc.stderr
    assert "Orders" in proc.stderr


def test_access_preview_follows_tables(run, work):
    src = work / "types.mdb"
    shutil.copy(ACCESS, src)
    assert [name for name, _ in preview(run, src)][:2] == ["RowId", "ByteCol"]  # the first table
    columns = preview(run, src, "--tables", "Many Rows")
    assert [name for name, _ in columns] == ["N", "Label"]
    written(run, src, work / "many.parquet", "--tables", "Many Rows")
    assert [name for name, _ in parquet_columns(work / "many.parquet")] == ["N", "Label"]
