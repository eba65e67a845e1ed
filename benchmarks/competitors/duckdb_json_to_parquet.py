"""DuckDB: COPY (SELECT * FROM read_json(IN)) TO OUT (FORMAT parquet)."""
import sys

import duckdb

source, target = sys.argv[1], sys.argv[2]
duckdb.connect().execute(
    f"COPY (SELECT * FROM read_json('{source}', format='newline_delimited')) TO '{target}' (FORMAT parquet, COMPRESSION snappy)"
)
