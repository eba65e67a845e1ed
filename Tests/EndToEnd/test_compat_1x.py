"""PyForge 1.x command lines keep working (NFR-013), and options never silently do nothing.

Every 1.x command line from `pyforge_cli/main.py` (1.0.9) runs with the meaning
docs/MIGRATING.md gives it; every option given for an input or output it does not apply
to is a usage error (exit code 2) naming the inputs or formats that take it. Outputs are
checked with independent readers: pyarrow, pypdf, mdbtools, and a dBase reader here.
"""
from __future__ import annotations

import csv
import json
import shutil
import struct
import subprocess
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pypdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from conftest import base_env
from test_serve import Client

FIXTURES = Path(__file__).parent / "fixtures"
MDB = FIXTURES / "access" / "merchant_taylors.mdb"
needs_mdbtools = pytest.mark.skipif(shutil.which("mdb-export") is None, reason="mdbtools is not installed")


@pytest.fixture
def run(run, work):
    """conftest's runner, started in `work` (where the tests put their inputs)."""

    def _run(*args, **kwargs):
        kwargs.setdefault("cwd", work)
        return run(*args, **kwargs)

    return _run


# --------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------


def make_pdf(path: Path, pages: int = 5) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Quarterly report")
    c.setAuthor("Ada Lovelace")
    for page in range(1, pages + 1):
        c.drawString(72, 800, f"Body of page {page}")
        c.showPage()
    c.save()
    return path


def make_csv(path: Path) -> Path:
    path.write_text("id,name,amount\n1,alpha,1.5\n2,beta,2.25\n3,gamma,\n")
    return path


def make_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Orders"
    first.append(["id", "amount"])
    for i in range(1, 4):
        first.append([i, i * 1.5])
    second = book.create_sheet("Customers")
    second.append(["id", "name", "city"])
    second.append([1, "Ann", "Oslo"])
    book.save(path)
    return path


def mdb_tables(path: Path) -> list[str]:
    out = subprocess.run(["mdb-tables", "-1", str(path)], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line]


def mdb_rows(path: Path, table: str) -> int:
    out = subprocess.run(["mdb-export", str(path), table], capture_output=True, text=True, check=True).stdout
    return len(list(csv.reader(out.splitlines()))) - 1


def read_dbf(path: Path) -> tuple[list[str], list[list[str]]]:
    """A minimal dBase III reader (independent of pyforge): field names and text values."""
    data = path.read_bytes()
    count, header_length, record_length = struct.unpack("<IHH", data[4:12])
    fields = []
    offset = 32
    while data[offset] != 0x0D:
        name = data[offset:offset + 11].split(b"\0")[0].decode("ascii")
        fields.append((name, data[offset + 16]))
        offset += 32
    rows = []
    for i in range(count):
        record = data[header_length + i * record_length: header_length + (i + 1) * record_length]
        assert record[0:1] == b" "
        position, values = 1, []
        for _, length in fields:
            values.append(record[position:position + length].decode("cp1252").strip())
            position += length
        rows.append(values)
    assert data[header_length + count * record_length] == 0x1A
    return [name for name, _ in fields], rows


# --------------------------------------------------------------------------------------
# 1.x convert command lines
# --------------------------------------------------------------------------------------


def test_pdf_short_pages_and_metadata(run, work):
    make_pdf(work / "a.pdf")
    proc = run("convert", "a.pdf", "-p", "1-3", "-m")
    assert proc.returncode == 0, proc.stderr
    text = (work / "a.txt").read_text()
    for page in (1, 2, 3):
        assert f"--- Page {page} ---" in text and f"Body of page {page}" in text
    assert "Body of page 4" not in text and "--- Page 4 ---" not in text


def test_pdf_format_txt_is_text(run, work):
    make_pdf(work / "a.pdf", pages=2)
    proc = run("convert", "a.pdf", "-f", "txt")
    assert proc.returncode == 0, proc.stderr
    text = (work / "a.txt").read_text()
    reference = "".join(page.extract_text() for page in pypdf.PdfReader(work / "a.pdf").pages)
    assert "Body of page 1" in text and "Body of page 2" in text and "Body of page 2" in reference


def test_pdf_long_forms_still_work(run, work):
    make_pdf(work / "a.pdf", pages=4)
    proc = run("convert", "a.pdf", "out.txt", "--pages", "-2", "--metadata", "--format", "txt")
    assert proc.returncode == 0, proc.stderr
    text = (work / "out.txt").read_text()
    assert "--- Page 2 ---" in text and "Body of page 3" not in text


@needs_mdbtools
def test_access_short_tables(run, work):
    shutil.copy(MDB, work / "db.mdb")
    table = mdb_tables(work / "db.mdb")[0]
    proc = run("convert", "db.mdb", "-t", table, "--json")
    assert proc.returncode == 0, proc.stderr
    outputs = sorted(p.name for p in (work / "db_parquet").iterdir()) if (work / "db_parquet").is_dir() else []
    result = json.loads(proc.stdout)
    written = [work / result["output"]] if "output" in result else [work / o["output"] for o in result["outputs"]]
    assert len(written) == 1, (written, outputs)
    assert pq.read_table(written[0]).num_rows == mdb_rows(work / "db.mdb", table)


@needs_mdbtools
def test_access_password_is_accepted_for_a_readable_database(run, work):
    shutil.copy(MDB, work / "db.mdb")
    proc = run("convert", "db.mdb", "--password", "secret", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    written = [work / result["output"]] if "output" in result else [work / o["output"] for o in result["outputs"]]
    tables = mdb_tables(work / "db.mdb")
    assert len(written) == len(tables)
    assert sum(pq.read_table(p).num_rows for p in written) == sum(mdb_rows(work / "db.mdb", t) for t in tables)


def test_access_password_on_an_encrypted_accdb_says_why(run, work):
    # An encrypted .accdb is an OLE compound file, not a Jet/ACE database.
    (work / "secret.accdb").write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4096 * 2 - 8))
    proc = run("convert", "secret.accdb", "--password", "x")
    assert proc.returncode == 1
    assert "encrypted" in proc.stderr and "Decrypt Database" in proc.stderr


def test_excel_separate_writes_one_output_per_sheet(run, work):
    make_xlsx(work / "b.xlsx")
    proc = run("convert", "b.xlsx", "--separate", "--json")
    assert proc.returncode == 0, proc.stderr
    outputs = {Path(o["output"]).stem: pq.read_table(work / o["output"]) for o in json.loads(proc.stdout)["outputs"]}
    assert len(outputs) == 2
    assert sorted(t.num_rows for t in outputs.values()) == [1, 3]


def test_excel_separate_and_combine_conflict(run, work):
    make_xlsx(work / "b.xlsx")
    proc = run("convert", "b.xlsx", "--separate", "--combine")
    assert proc.returncode == 2
    assert "--combine" in proc.stderr and "--separate" in proc.stderr


def test_force_pyspark_means_engine_spark_with_a_note(run, work):
    make_csv(work / "x.csv")
    empty = work / "no-extensions"
    empty.mkdir()
    env = {"PYFORGE_EXTENSIONS_PATH": str(empty), "SPARK_REMOTE": None}
    legacy = run("convert", "x.csv", "legacy.parquet", "--force-pyspark", env=env)
    modern = run("convert", "x.csv", "modern.parquet", "--engine", "spark", env=env)
    assert legacy.returncode == modern.returncode
    assert "--force-pyspark" in legacy.stderr and "--engine spark" in legacy.stderr
    if legacy.returncode == 0:
        assert pq.read_table(work / "legacy.parquet").equals(pq.read_table(work / "modern.parquet"))
    conflict = run("convert", "x.csv", "--force-pyspark", "--engine", "core")
    assert conflict.returncode == 2 and "--engine spark" in conflict.stderr


def test_xml_1x_options_still_work(run, work):
    (work / "c.xml").write_text("<catalog><book id='1'><title>A</title></book><book id='2'><title>B</title></book></catalog>")
    proc = run("convert", "c.xml", "--flatten-strategy", "conservative", "--array-handling", "expand",
               "--namespace-handling", "preserve", "-c", "gzip")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "c.parquet").num_rows == 2


def test_verbose_and_version(run, work):
    make_csv(work / "t.csv")
    assert run("-v", "convert", "t.csv").returncode == 0
    assert run("convert", "t.csv", "-v", "--force").returncode == 0
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip()


def test_1x_help_examples_run(run, work):
    """The examples in 1.x's `convert --help`, with our files."""
    run("install", "sample-datasets", "ds", "-f", "dbf")
    shutil.copy(work / "ds" / "dbf" / "orders_small.dbf", work / "data.dbf")
    proc = run("convert", "data.dbf", "output_dir/", "--format", "parquet", "--compression", "gzip")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "output_dir" / "data.parquet")
    assert table.num_rows == 1000
    assert pq.ParquetFile(work / "output_dir" / "data.parquet").metadata.row_group(0).column(0).compression == "GZIP"
    # A failed conversion leaves no directory behind.
    (work / "bad.dbf").write_bytes(b"not a dbase file at all")
    assert run("convert", "bad.dbf", "made/").returncode == 1
    assert not (work / "made").exists()
    (work / "c.xml").write_text("<c><b><t>A</t><t>B</t></b><b><t>C</t></b></c>")
    proc = run("convert", "c.xml", "--flatten-strategy", "aggressive", "--array-handling", "expand")
    assert proc.returncode == 0, proc.stderr
    assert pq.read_table(work / "c.parquet").num_rows == 3
    proc = run("convert", "c.xml", "--namespace-handling", "strip", "--preview-schema")
    assert proc.returncode == 0 and "Column" in proc.stdout


def test_sample_verbose_short_flag_is_still_verbose(run, work):
    proc = run("install", "sample-datasets", "-v", "ds", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert (work / "ds" / "csv" / "orders_small.csv").is_file()


# --------------------------------------------------------------------------------------
# info / validate / formats
# --------------------------------------------------------------------------------------


def test_info_pdf_json_keeps_1x_fields(run, work):
    make_pdf(work / "a.pdf", pages=5)
    proc = run("info", "a.pdf", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    info = json.loads(proc.stdout)
    reader = pypdf.PdfReader(work / "a.pdf")
    assert info["page_count"] == len(reader.pages) == 5
    assert info["file_size"] == (work / "a.pdf").stat().st_size
    assert info["title"] == "Quarterly report" and info["author"] == "Ada Lovelace"
    assert info["file_name"] == "a.pdf"
    assert info["format"] == "pdf" and info["rows"] == 5  # our own fields stay


def test_info_csv_json_keeps_1x_fields(run, work):
    make_csv(work / "t.csv")
    info = json.loads(run("info", "t.csv", "--format", "json").stdout)
    assert info["delimiter"] == "," and info["has_header"] is True
    assert info["estimated_rows"] == 3 and info["file_type"] == "CSV"
    assert info["file_size"] == (work / "t.csv").stat().st_size
    assert info["size_bytes"] == info["file_size"]


def test_validate_and_formats_as_in_1x(run, work):
    make_csv(work / "t.csv")
    assert run("validate", "t.csv").returncode == 0
    assert run("formats").returncode == 0


# --------------------------------------------------------------------------------------
# install sample-datasets
# --------------------------------------------------------------------------------------


def test_sample_pdf_with_short_formats(run, work):
    proc = run("install", "sample-datasets", "ds", "-f", "pdf", "-s", "small")
    assert proc.returncode == 0, proc.stderr
    reader = pypdf.PdfReader(work / "ds" / "pdf" / "orders_small.pdf")
    assert len(reader.pages) == 20  # 1,000 orders, 50 a page
    first = reader.pages[0].extract_text()
    assert "Sample orders, page 1 of 20" in first
    # The same orders as the CSV sample.
    run("install", "sample-datasets", "ds", "--formats", "csv")
    with open(work / "ds" / "csv" / "orders_small.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["order_date"] in first and rows[0]["amount"] in first
    converted = run("convert", "ds/pdf/orders_small.pdf", "out.txt")
    assert converted.returncode == 0, converted.stderr
    assert (work / "out.txt").read_text().count("customer ") == 1000


def test_sample_dbase_matches_the_csv_sample(run, work):
    assert run("install", "sample-datasets", "ds", "--formats", "dbf,csv").returncode == 0
    names, rows = read_dbf(work / "ds" / "dbf" / "orders_small.dbf")
    assert names[:3] == ["ORDER_ID", "CUST_ID", "ORDER_DATE"] and len(rows) == 1000
    with open(work / "ds" / "csv" / "orders_small.csv", newline="") as f:
        reference = list(csv.DictReader(f))
    for dbf_row, csv_row in zip(rows, reference):
        assert dbf_row[0] == csv_row["order_id"]
        assert dbf_row[2] == csv_row["order_date"].replace("-", "")
        assert dbf_row[5] == csv_row["amount"]
    proc = run("convert", "ds/dbf/orders_small.dbf", "orders.parquet")
    assert proc.returncode == 0, proc.stderr
    table = pq.read_table(work / "orders.parquet")
    assert table.num_rows == 1000
    assert [str(v) for v in table.column(table.column_names[0]).to_pylist()[:5]] == [r["order_id"] for r in reference[:5]]


@needs_mdbtools
def test_sample_access_with_1x_format_names(run, work):
    proc = run("install", "sample-datasets", "ds", "--formats", "access,excel")
    assert proc.returncode == 0, proc.stderr
    mdb = work / "ds" / "mdb" / "types.mdb"
    assert sorted(mdb_tables(mdb)) == ["AllTypes", "Many Rows"]
    assert mdb_rows(mdb, "Many Rows") == 25_000
    assert (work / "ds" / "xlsx" / "orders_small.xlsx").is_file()
    manifest = json.loads((work / "ds" / "manifest.json").read_text())
    assert {e["path"] for e in manifest["files"]} == {"mdb/types.mdb", "xlsx/orders_small.xlsx"}
    converted = run("convert", str(mdb), "-t", "Many Rows", "--json")
    assert converted.returncode == 0, converted.stderr


def test_sample_list_releases_and_version(run, work):
    for flag in ("-l", "--list-releases"):
        proc = run("install", "sample-datasets", flag)
        assert proc.returncode == 0 and "pyforge" in proc.stdout
        assert not (work / "sample-datasets").exists()
    proc = run("install", "sample-datasets", "ds", "-v", "v1.0.0", "-f", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "v1.0.0" in proc.stderr and (work / "ds" / "csv" / "orders_small.csv").is_file()
    proc = run("install", "sample-datasets", "ds2", "--version", "v1.2.0", "--formats", "csv")
    assert proc.returncode == 0 and (work / "ds2" / "csv" / "orders_small.csv").is_file()
    listed = run("install", "sample-datasets", "ds", "--list-installed")
    assert listed.returncode == 0 and "orders_small.csv" in listed.stdout
    assert run("install", "sample-datasets", "ds", "--uninstall", "--force").returncode == 0
    assert not (work / "ds" / "csv" / "orders_small.csv").exists()


def test_sample_mdf_and_mdf_tools_explain(run, work):
    proc = run("install", "sample-datasets", "ds", "--formats", "mdf")
    assert proc.returncode == 2 and ".mdf" in proc.stderr
    for args in (("mdf-tools", "status"), ("mdf-tools", "logs", "-n", "10"),
                 ("install", "mdf-tools", "--password", "x", "--port", "1433", "--non-interactive")):
        proc = run(*args)
        assert proc.returncode == 1, args
        assert "MDF" in proc.stderr and "MIGRATING" in proc.stderr


# --------------------------------------------------------------------------------------
# Options that do not apply are usage errors
# --------------------------------------------------------------------------------------

INAPPLICABLE = [
    (["t.csv", "--partition-by", "x", "--mode", "append"], "--mode", "Delta"),
    (["t.csv", "--partition-by", "x"], "--partition-by", "Delta"),
    (["t.csv", "--merge-schema"], "--merge-schema", "Delta"),
    (["t.csv", "--sheets", "2"], "--sheets", "Excel"),
    (["t.csv", "--combine"], "--combine", "Excel"),
    (["t.csv", "--separate"], "--separate", "Excel"),
    (["t.csv", "--header"], "--header", "Excel"),
    (["t.csv", "--row-tag", "item"], "--row-tag", "XML"),
    (["t.csv", "--record-path", "a/b"], "--record-path", "XML"),
    (["t.csv", "--flatten-strategy", "aggressive"], "--flatten-strategy", "XML"),
    (["t.csv", "--array-handling", "expand"], "--array-handling", "XML"),
    (["t.csv", "--namespace-handling", "strip"], "--namespace-handling", "XML"),
    (["t.csv", "-c", "zstd", "-f", "csv"], "--compression", "Parquet"),
    (["t.csv", "out.json", "--compression-level", "3", "-c", "zstd"], "--compression", "Parquet"),
    (["t.csv", "-f", "ndjson", "--row-group-size", "10"], "--row-group-size", "Parquet"),
    (["t.csv", "--pages", "1"], "--pages", "PDF"),
    (["t.csv", "-m"], "--metadata", "PDF"),
    (["t.csv", "--tables", "x"], "--tables", "Access"),
    (["t.csv", "--password", "x"], "--password", "Access"),
    (["t.csv", "--include-deleted"], "--include-deleted", "dBase"),
    (["t.csv", "--no-flatten"], "--no-flatten", "JSON"),
    (["t.json", "--delimiter", ";"], "--delimiter", "CSV"),
    (["t.json", "--null-values", "NA"], "--null-values", "CSV"),
    (["t.json", "--allow-ragged"], "--allow-ragged", "CSV"),
    (["t.json", "--encoding", "utf-8"], "--encoding", "dBase"),
    (["t.json", "--no-header"], "--no-header", "CSV"),
    (["t.json", "--quote", "none"], "--quote", "CSV"),
    (["t.json", "--escape", "\\"], "--escape", "CSV"),
    (["t.json", "--skip-rows", "2"], "--skip-rows", "CSV"),
    (["a.pdf", "--max-record-bytes", "2097152"], "--max-record-bytes", "CSV"),
    (["a.pdf", "--all-strings"], "--all-strings", "CSV"),
    (["a.pdf", "-c", "gzip"], "--compression", "Parquet"),
    (["a.pdf", "--preview-schema"], "--preview-schema", "Excel"),
    (["t.csv", "--workers", "2"], "--workers", "batch"),
    (["t.csv", "--engine", "core", "--spark-remote", "sc://h:15002"], "--spark-remote", "--engine spark"),
]


@pytest.mark.parametrize("args, flag, takes", INAPPLICABLE, ids=[" ".join(a) for a, _, _ in INAPPLICABLE])
def test_inapplicable_option_is_a_usage_error(run, work, args, flag, takes):
    make_csv(work / "t.csv")
    (work / "t.json").write_text('[{"a": 1}]')
    make_pdf(work / "a.pdf", pages=1)
    before = sorted(p.name for p in work.iterdir())
    proc = run("convert", *args)
    assert proc.returncode == 2, proc.stderr
    assert f"{flag} applies only to" in proc.stderr and takes in proc.stderr
    assert "\nRun 'pyforge --help'" in proc.stderr
    assert sorted(p.name for p in work.iterdir()) == before, "nothing may be written"


@pytest.mark.parametrize("command", ["info", "validate"])
def test_info_and_validate_refuse_input_options_for_other_formats(run, work, command):
    (work / "t.json").write_text('[{"a": 1}]')
    proc = run(command, "t.json", "--delimiter", ";")
    assert proc.returncode == 2 and "--delimiter applies only to CSV" in proc.stderr
    make_csv(work / "t.csv")
    assert run(command, "t.csv", "--delimiter", ",").returncode == 0


def test_applicable_options_pass(run, work):
    make_csv(work / "t.csv")
    assert run("convert", "t.csv", "-f", "delta", "--partition-by", "name", "--mode", "overwrite").returncode == 0
    assert run("convert", "t.csv", "t.parquet", "-c", "zstd", "--compression-level", "5").returncode == 0
    assert run("convert", "t.csv", "out.csv", "--delimiter", ",", "--null-values", "NA").returncode == 0


def test_all_strings_reaches_json_input(run, work):
    # It was accepted for JSON and dropped on the way to the reader (a silent no-op).
    (work / "t.json").write_text('[{"a": 1, "b": 2.5}, {"a": 2, "b": null}]')
    assert run("convert", "t.json", "--all-strings").returncode == 0
    table = pq.read_table(work / "t.parquet")
    assert [str(f.type) for f in table.schema] == ["string", "string"]
    assert table.column("a").to_pylist() == ["1", "2"]


def test_merge_schema_needs_append(run, work):
    make_csv(work / "t.csv")
    for args in ([], ["--mode", "overwrite"]):
        proc = run("convert", "t.csv", "-f", "delta", "--merge-schema", *args)
        assert proc.returncode == 2 and "--merge-schema applies only with --mode append" in proc.stderr
    assert not (work / "t_delta").exists()


def test_batch_refuses_an_option_no_input_takes(run, work):
    make_csv(work / "a.csv")
    make_csv(work / "b.csv")
    make_xlsx(work / "c.xlsx")
    proc = run("convert", "a.csv", "b.csv", "--output-dir", "out", "--sheets", "1")
    assert proc.returncode == 2 and "--sheets applies only to Excel" in proc.stderr
    mixed = run("convert", "a.csv", "c.xlsx", "--output-dir", "out", "--sheets", "1")
    assert mixed.returncode == 0, mixed.stderr


def test_existing_delta_table_without_mode_exits_3(run, work):
    make_csv(work / "t.csv")
    assert run("convert", "t.csv", "-f", "delta").returncode == 0
    again = run("convert", "t.csv", "-f", "delta")
    assert again.returncode == 3
    assert "--mode append" in again.stderr
    assert run("convert", "t.csv", "-f", "delta", "--mode", "append").returncode == 0


def test_serve_refuses_an_inapplicable_option(pyforge_bin, work):
    make_csv(work / "t.csv")
    client = Client(pyforge_bin, base_env())
    try:
        reply = client.call("convert", {"input": str(work / "t.csv"), "sheets": ["2"]})
        assert "error" in reply
        message = json.dumps(reply["error"])
        assert "'sheets' applies only to Excel" in message
        reply = client.call("convert", {"input": str(work / "t.csv"), "format": "csv", "compression": "zstd"})
        assert "'compression' applies only to Parquet" in json.dumps(reply["error"])
        assert not (work / "t.csv.parquet").exists() and not (work / "t.parquet").exists()
        ok = client.call("convert", {"input": str(work / "t.csv"), "delimiter": ",", "combine": False})
        assert ok["result"]["success"]
    finally:
        client.close()
