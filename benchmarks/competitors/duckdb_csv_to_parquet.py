"""DuckDB: COPY (SELECT * FROM read_csv(IN)) TO OUT (FORMAT parquet), snappy like pyforge."""
import sys

import duckdb

source, target = sys.argv[1], sys.argv[2]
duckdb.connect().execute(
    f"COPY (SELECT * FROM read_csv('{source}')) TO '{target}' (FORMAT parquet, COMPRESSION snappy)"
)
