"""DuckDB's excel extension (read_xlsx) → Parquet. Exits 3 when the extension is unavailable.

The extension comes from PyPI's duckdb-extension-excel when it is importable (it ships the
binary for one DuckDB version, so it must match the duckdb beside it), else from DuckDB's
own extension directory or repository."""
import glob
import os
import sys

import duckdb

con = duckdb.connect()


def load():
    try:
        import duckdb_extension_excel
    except ImportError:
        pass
    else:
        root = os.path.dirname(duckdb_extension_excel.__file__)
        for path in glob.glob(os.path.join(root, "extensions", "*", "excel.duckdb_extension")):
            con.execute(f"LOAD '{path}'")
            return
    try:
        con.execute("LOAD excel")
    except Exception:
        con.execute("INSTALL excel")
        con.execute("LOAD excel")


try:
    load()
except Exception as error:
    print(f"duckdb excel extension unavailable: {error}", file=sys.stderr)
    sys.exit(3)
# empty_as_varchar: a column whose first data cell is empty (the benchmark's sparse notes) is
# text, not the DOUBLE DuckDB otherwise guesses and then fails on.
con.execute(
    f"COPY (SELECT * FROM read_xlsx('{sys.argv[1]}', empty_as_varchar = true)) TO '{sys.argv[2]}' (FORMAT parquet, COMPRESSION snappy)")
