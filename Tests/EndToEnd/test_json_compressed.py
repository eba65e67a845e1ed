"""Compressed JSON input (issue #16): `.json/.jsonl/.ndjson` + `.gz` (several members too)
or `.bz2`, decompressed as read. Expected rows come from Python's json module."""
from __future__ import annotations

import bz2
import gzip
import json

import pyarrow.parquet as pq

ROWS = [{"id": i, "name": f"café {i}", "score": i * 0.25} for i in range(20000)]


def ndjson_bytes() -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in ROWS).encode()


def test_gzip_ndjson_with_two_members(run_json, work):
    data = ndjson_bytes()
    source = work / "events.ndjson.gz"
    source.write_bytes(gzip.compress(data[: len(data) // 2]) + gzip.compress(data[len(data) // 2:]))
    proc, result = run_json("convert", source, "--json")
    assert proc.returncode == 0, proc.stderr
    assert result["output"].endswith("events.parquet") and result["input_format"] == "json"
    table = pq.read_table(work / "events.parquet")
    assert table.num_rows == len(ROWS) and table.to_pylist() == ROWS


def test_bzip2_array_under_a_key_with_a_byte_order_mark(run_json, work):
    source = work / "dump.json.bz2"
    source.write_bytes(bz2.compress(b"\xef\xbb\xbf" + json.dumps({"records": ROWS}).encode()))
    proc, result = run_json("convert", source, work / "dump.parquet", "--json")
    assert proc.returncode == 0, proc.stderr
    assert result["details"]["layout"] == "array of objects under 'records'"
    assert pq.read_table(work / "dump.parquet").to_pylist() == ROWS


def test_a_truncated_gzip_file_is_an_error_and_writes_nothing(run, work):
    source = work / "cut.jsonl.gz"
    source.write_bytes(gzip.compress(ndjson_bytes())[:4000])
    proc = run("convert", source, work / "cut.parquet")
    assert proc.returncode == 1
    assert "cut.jsonl.gz" in proc.stderr and "gzip" in proc.stderr
    assert not (work / "cut.parquet").exists()
    assert not [p for p in work.iterdir() if ".pyforge-" in p.name]
