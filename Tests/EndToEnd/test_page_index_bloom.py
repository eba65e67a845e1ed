"""The Parquet page index (ColumnIndex/OffsetIndex, always written) and the optional bloom
filters (--bloom-filter), read by pyarrow and DuckDB: they see an index on every column
chunk, DuckDB's page bounds agree with the rows each page holds, filtered reads that use
them return the same rows as the data, and bloom probes never exclude a present value."""
from __future__ import annotations

import random

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

ROWS = 300_000  # enough for several 1 MiB pages in the wider columns


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    path = tmp_path_factory.mktemp("page-index") / "t.csv"
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as f:
        f.write("id,grp,name,x,flag,maybe\n")
        for i in range(ROWS):
            maybe = "" if i % 7 == 0 else str(i % 100)
            f.write(f"{i},{i // 1000},name-{i % 5000:05d},{rng.random():.6f},{'true' if i % 3 == 0 else 'false'},{maybe}\n")
    return path


def convert(run, source, out, *options):
    proc = run("convert", source, out, "--force", *options)
    assert proc.returncode == 0, proc.stderr
    return out


def sql(query, *params):
    return duckdb.connect().execute(query, list(params)).fetchall()


def test_every_column_chunk_has_a_page_index(run, source, tmp_path):
    out = convert(run, source, tmp_path / "t.parquet", "--row-group-size", "100000")
    metadata = pq.ParquetFile(out).metadata
    assert metadata.num_row_groups == 3
    for group in range(metadata.num_row_groups):
        for column in range(metadata.num_columns):
            chunk = metadata.row_group(group).column(column)
            assert chunk.has_column_index and chunk.has_offset_index, (group, chunk.path_in_schema)
    # DuckDB reads the same index: pages of every column, no bloom filters unless asked.
    columns = sql("SELECT DISTINCT path_in_schema FROM parquet_page_index(?)", str(out))
    assert {c for (c,) in columns} == {"id", "grp", "name", "x", "flag", "maybe"}
    assert sql("SELECT count(*) FROM parquet_metadata(?) WHERE bloom_filter_offset IS NOT NULL", str(out)) == [(0,)]


def test_page_bounds_match_the_rows_of_each_page(run, source, tmp_path):
    out = convert(run, source, tmp_path / "t.parquet")
    table = pq.read_table(out)
    pages = sql("""SELECT row_group_id, column_id, page_id, first_row_index, min_value, max_value, null_count, boundary_order
                   FROM parquet_page_index(?) WHERE path_in_schema IN ('id', 'maybe') ORDER BY column_id, page_id""", str(out))
    by_column = {}
    for group, column, page, first_row, low, high, nulls, order in pages:
        by_column.setdefault(column, []).append((first_row, low, high, nulls, order))
    assert len(by_column[0]) >= 3, "the id column should span several pages"
    for column, name in [(0, "id"), (5, "maybe")]:
        entries = by_column[column]
        ends = [e[0] for e in entries[1:]] + [ROWS]
        for (first_row, low, high, nulls, order), end in zip(entries, ends):
            values = table.column(name).slice(first_row, end - first_row)
            bounds = pc.min_max(values)
            assert (int(low), int(high)) == (bounds["min"].as_py(), bounds["max"].as_py())
            assert nulls == values.null_count
        # The boundary order is one the bounds allow (equal bounds allow either direction).
        lows, highs = [int(e[1]) for e in entries], [int(e[2]) for e in entries]
        allowed = set()
        if lows == sorted(lows) and highs == sorted(highs):
            allowed.add("ASCENDING")
        if lows == sorted(lows, reverse=True) and highs == sorted(highs, reverse=True):
            allowed.add("DESCENDING")
        assert entries[0][4] in (allowed or {"UNORDERED"})
    assert by_column[0][0][4] == "ASCENDING"


def test_filtered_reads_return_the_same_rows(run, source, tmp_path):
    out = convert(run, source, tmp_path / "t.parquet")
    low, high = 123_456, 123_789
    filtered = pq.read_table(out, filters=[("id", ">=", low), ("id", "<=", high)])
    assert filtered.column("id").to_pylist() == list(range(low, high + 1))
    full = pq.read_table(out)
    expected = full.filter(pc.and_(pc.greater_equal(full["id"], low), pc.less_equal(full["id"], high)))
    assert filtered.equals(expected)
    assert sql("SELECT count(*), min(name), sum(grp) FROM read_parquet(?) WHERE id BETWEEN ? AND ?", str(out), low, high) == [
        (high - low + 1, min(f"name-{i % 5000:05d}" for i in range(low, high + 1)), sum(i // 1000 for i in range(low, high + 1)))]
    assert sql("SELECT count(*) FROM read_parquet(?) WHERE name = 'name-00042'", str(out)) == [(ROWS // 5000,)]


def test_bloom_filters_for_named_columns(run, source, tmp_path):
    out = convert(run, source, tmp_path / "t.parquet", "--bloom-filter", "name, id", "--row-group-size", "150000")
    with_filter = sql("SELECT DISTINCT path_in_schema FROM parquet_metadata(?) WHERE bloom_filter_offset IS NOT NULL", str(out))
    assert {c for (c,) in with_filter} == {"id", "name"}

    def excluded(column, value):
        return [e for (e,) in sql("SELECT bloom_filter_excludes FROM parquet_bloom_probe(?, ?, ?)", str(out), column, value)]

    # A present value is never excluded from its row group; absent values almost always are.
    assert excluded("name", "name-00042") == [False, False]
    assert excluded("id", 10)[0] is False
    assert excluded("id", 200_000)[1] is False
    absent = [excluded("name", f"absent-{i}") for i in range(100)]
    assert sum(row.count(True) for row in absent) >= 190
    assert sum(excluded("id", -i - 1).count(True) for i in range(100)) >= 190
    # The file still reads back whole.
    assert pq.read_table(out).num_rows == ROWS


def test_bloom_filters_for_all_columns_skip_booleans(run, source, tmp_path):
    out = convert(run, source, tmp_path / "t.parquet", "--bloom-filter", "all")
    with_filter = sql("SELECT DISTINCT path_in_schema FROM parquet_metadata(?) WHERE bloom_filter_offset IS NOT NULL", str(out))
    assert {c for (c,) in with_filter} == {"id", "grp", "name", "x", "maybe"}
    assert excluded_none(out, "maybe", 42) and excluded_none(out, "x", pq.read_table(out).column("x")[5].as_py())


def excluded_none(out, column, value):
    return not any(e for (e,) in sql("SELECT bloom_filter_excludes FROM parquet_bloom_probe(?, ?, ?)", str(out), column, value))


def test_an_unknown_bloom_filter_column_is_refused(run, source, tmp_path):
    out = tmp_path / "t.parquet"
    proc = run("convert", source, out, "--bloom-filter", "name,nope")
    assert proc.returncode != 0
    assert "'nope'" in proc.stderr and "bloom filter" in proc.stderr and "'name'" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_bloom_filter_is_refused_for_text_outputs(run, source, tmp_path):
    proc = run("convert", source, tmp_path / "t.csv", "--bloom-filter", "all")
    assert proc.returncode == 2
    assert "--bloom-filter" in proc.stderr
