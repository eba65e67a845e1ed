"""DuckDB's excel extension (read_xlsx) → Parquet. Exits 3 when the extension is unavailable."""
import sys

import duckdb

con = duckdb.connect()
try:
    con.execute("LOAD excel")
except Exception:
    try:
        con.execute("INSTALL excel")
        con.execute("LOAD excel")
    except Exception as error:
        print(f"duckdb excel extension unavailable: {error}", file=sys.stderr)
        sys.exit(3)
con.execute(f"COPY (SELECT * FROM read_xlsx('{sys.argv[1]}')) TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION snappy)")
