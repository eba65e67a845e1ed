"""`pyforge install sample-datasets`: deterministic sample files in every input format."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

FORMATS = ["csv", "tsv", "json", "ndjson", "xml", "xlsx"]
# PDF and dBase samples (PyForge 1.x's formats), and the Access fixture, which has one
# size: test_compat_1x.py checks their contents.
OTHER_FILES = ["pdf/orders_small.pdf", "dbf/orders_small.dbf", "mdb/types.mdb"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def installed(tmp_path_factory, pyforge_bin):
    """small of every format plus medium CSV, installed once for the module."""
    import subprocess

    from conftest import base_env

    root = tmp_path_factory.mktemp("samples")
    for args in (["--sizes", "small"], ["--formats", "csv", "--sizes", "medium"]):
        proc = subprocess.run([str(pyforge_bin), "install", "sample-datasets", "ds", *args], cwd=root, env=base_env(),
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    return root


def manifest(root: Path) -> dict:
    return json.loads((root / "ds" / "manifest.json").read_text(encoding="utf-8"))


def test_layout_and_manifest(installed):
    data = manifest(installed)
    paths = sorted(f["path"] for f in data["files"])
    assert paths == sorted([f"{fmt}/orders_small.{fmt}" for fmt in FORMATS] + OTHER_FILES + ["csv/orders_medium.csv"])
    for entry in data["files"]:
        path = installed / "ds" / entry["path"]
        assert path.stat().st_size == entry["bytes"]
        assert sha256(path) == entry["sha256"]
        if entry["format"] == "mdb":
            assert entry["rows"] == 25_004
            continue
        assert entry["rows"] == (100_000 if entry["size"] == "medium" else 1_000 + (50 if entry["format"] == "xlsx" else 0))
    medium = next(f for f in data["files"] if f["size"] == "medium")
    assert 8_000_000 < medium["bytes"] < 13_000_000
    xlsx = next(f for f in data["files"] if f["format"] == "xlsx")
    assert xlsx["sheets"] == [{"name": "orders", "rows": 1000}, {"name": "customers", "rows": 50}]
    assert not [p for p in (installed / "ds").rglob("*") if ".pyforge-" in p.name]


def test_byte_identical_across_runs(run, tmp_path, installed):
    proc = run("install", "sample-datasets", "again", "--sizes", "small", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    first = {f["path"]: f["sha256"] for f in manifest(installed)["files"] if f["size"] == "small"}
    second = {f["path"]: f["sha256"] for f in json.loads((tmp_path / "again" / "manifest.json").read_text())["files"]}
    assert first == second
    for path, digest in second.items():
        assert sha256(tmp_path / "again" / path) == digest


def test_content_is_realistic(installed):
    text = (installed / "ds" / "csv" / "orders_small.csv").read_text(encoding="utf-8")
    header = text.splitlines()[0]
    assert header == "order_id,customer_id,order_date,created_at,status,category,amount,quantity,discount,country,is_member,note"
    assert '"Québec, Canada"' in text and '""' in text and "日本" in text
    assert '"Line one\nline two"' in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_file_converts_with_matching_rows(run_json, installed, tmp_path, fmt):
    out = tmp_path / fmt
    proc, summary = run_json("convert", installed / "ds" / fmt / f"orders_small.{fmt}", out, "--json")
    assert proc.returncode == 0, proc.stderr
    entry = next(f for f in manifest(installed)["files"] if f["path"] == f"{fmt}/orders_small.{fmt}")
    if fmt == "xlsx":
        outputs = {Path(o["output"]).stem: o for o in summary["outputs"]}
        for sheet in entry["sheets"]:
            assert outputs[sheet["name"]]["rows"] == sheet["rows"]
            assert pq.read_table(outputs[sheet["name"]]["output"]).num_rows == sheet["rows"]
    else:
        assert summary["rows"] == entry["rows"]
        assert pq.read_table(summary["output"]).num_rows == entry["rows"]
        types = {c["name"]: c["type"] for c in summary["columns"]}
        key = "@id" if fmt == "xml" else "order_id"
        assert types[key] == "int64"
        assert types["order_date"] == "date" and types["created_at"] == "timestamp[us]"
        assert types["amount"] == "double"


def test_same_records_in_every_tabular_format(run, installed, tmp_path):
    tables = {}
    for fmt in ["csv", "tsv", "json", "ndjson", "xlsx"]:
        out = tmp_path / fmt
        proc = run("convert", installed / "ds" / fmt / f"orders_small.{fmt}", out, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        tables[fmt] = pq.read_table(out / "orders.parquet" if fmt == "xlsx" else out)
    for fmt, table in tables.items():
        assert table.equals(tables["csv"]), fmt
    assert tables["csv"].column("discount").null_count > 0
    assert tables["csv"].column("note").null_count > 0


def test_medium_csv_converts(run_json, installed, tmp_path):
    proc, summary = run_json("convert", installed / "ds" / "csv" / "orders_medium.csv", tmp_path / "m.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    assert summary["rows"] == 100_000 == pq.read_table(tmp_path / "m.parquet").num_rows


def test_openpyxl_and_lxml_read_them(installed):
    import openpyxl  # in Tests/requirements.txt: a missing reader is an error, not a skip
    from lxml import etree

    book = openpyxl.load_workbook(installed / "ds" / "xlsx" / "orders_small.xlsx", read_only=True)
    assert book.sheetnames == ["orders", "customers"]
    rows = list(book["orders"].iter_rows(values_only=True))
    assert rows[0][:4] == ("order_id", "customer_id", "order_date", "created_at")
    assert len(rows) == 1001
    assert rows[1][0] == 1 and rows[1][2].year >= 2020
    assert len(list(book["customers"].iter_rows(values_only=True))) == 51
    tree = etree.parse(str(installed / "ds" / "xml" / "orders_small.xml"))
    orders = tree.getroot().findall("order")
    assert len(orders) == 1000
    assert orders[0].get("id") == "1" and orders[0].find("customer").get("id")
    assert all(len(o.find("items").findall("item")) >= 1 for o in orders)
    assert any(len(o.find("items").findall("item")) > 1 for o in orders)


def test_existing_kept_unless_force(run, tmp_path):
    assert run("install", "sample-datasets", "d", "--formats", "csv,json", cwd=tmp_path).returncode == 0
    csv_path = tmp_path / "d" / "csv" / "orders_small.csv"
    original = csv_path.read_bytes()
    csv_path.write_bytes(b"edited\n")
    proc = run("install", "sample-datasets", "d", "--formats", "csv", cwd=tmp_path)
    assert proc.returncode == 0 and "Kept  d/csv/orders_small.csv" in proc.stderr
    assert csv_path.read_bytes() == b"edited\n"
    listed = run("install", "sample-datasets", "d", "--list-installed", "--json", cwd=tmp_path)
    statuses = {f["path"]: f["status"] for f in json.loads(listed.stdout)["files"]}
    assert statuses["csv/orders_small.csv"] == "ok"  # the manifest was updated to what is kept
    proc = run("install", "sample-datasets", "d", "--formats", "csv", "--force", cwd=tmp_path)
    assert proc.returncode == 0 and "Wrote d/csv/orders_small.csv" in proc.stderr
    assert csv_path.read_bytes() == original


def test_list_installed_and_uninstall(run, run_json, tmp_path):
    assert run("install", "sample-datasets", "d", "--formats", "csv,xml,xlsx", cwd=tmp_path).returncode == 0
    proc = run("install", "sample-datasets", "d", "--list-installed", cwd=tmp_path)
    assert proc.returncode == 0
    assert "csv/orders_small.csv" in proc.stdout and "xlsx/orders_small.xlsx" in proc.stdout
    assert "every checksum matches" in proc.stderr
    (tmp_path / "d" / "xml" / "orders_small.xml").write_text("<x/>")
    (tmp_path / "d" / "csv" / "orders_small.csv").unlink()
    proc, listed = run_json("install", "sample-datasets", "d", "--list-installed", "--json", cwd=tmp_path)
    statuses = {f["path"]: f["status"] for f in listed["files"]}
    assert statuses == {"csv/orders_small.csv": "missing", "xml/orders_small.xml": "modified", "xlsx/orders_small.xlsx": "ok"}
    # A file of the user's own is never removed.
    (tmp_path / "d" / "xml" / "mine.xml").write_text("<mine/>")
    proc, removed = run_json("install", "sample-datasets", "d", "--uninstall", "--json", cwd=tmp_path)
    assert proc.returncode == 0
    assert {f["path"]: f["status"] for f in removed["files"]} == {
        "csv/orders_small.csv": "missing", "xml/orders_small.xml": "removed", "xlsx/orders_small.xlsx": "removed"}
    remaining = sorted(str(p.relative_to(tmp_path / "d")) for p in (tmp_path / "d").rglob("*"))
    assert remaining == ["xml", "xml/mine.xml"]
    proc = run("install", "sample-datasets", "d", "--list-installed", cwd=tmp_path)
    assert proc.returncode == 4 and "manifest.json" in proc.stderr


def test_usage_errors(run, tmp_path):
    proc = run("install", "sample-datasets", "d", "--formats", "csv,parquet", cwd=tmp_path)
    assert proc.returncode == 2 and "Unknown format 'parquet'" in proc.stderr
    proc = run("install", "sample-datasets", "d", "--sizes", "huge", cwd=tmp_path)
    assert proc.returncode == 2 and "Unknown size 'huge'" in proc.stderr
    assert not (tmp_path / "d").exists()


def test_help_lists_new_commands(run):
    proc = run("--help")
    assert "install" in proc.stdout
    proc = run("install", "--help")
    assert "sample-datasets" in proc.stdout
