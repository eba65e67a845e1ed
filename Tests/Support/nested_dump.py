"""Prints a Parquet file's rows as JSON, read by pyarrow (maps as [key, value] pairs),
and checks that DuckDB reads the same number of rows. Usage: nested_dump.py FILE"""
import json
import sys

import duckdb
import pyarrow.parquet as pq


def plain(value):
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


path = sys.argv[1]
table = pq.read_table(path)
literal = "'" + path.replace("'", "''") + "'"
count = duckdb.connect().sql(f"SELECT count(*) FROM read_parquet({literal})").fetchall()[0][0]
if count != table.num_rows:
    sys.exit(f"duckdb read {count} rows, pyarrow {table.num_rows}")
print(json.dumps({"schema": str(table.schema), "rows": plain(table.to_pylist())}, sort_keys=True))
