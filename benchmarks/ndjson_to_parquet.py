"""Side-by-side benchmark: NDJSON → Parquet with pyforge, DuckDB and polars.
Usage: python benchmarks/ndjson_to_parquet.py [--rows 1000000] [--runs 3]"""
import argparse
import os
import sys
import tempfile

from side_by_side import compare, ensure_data

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

parser = argparse.ArgumentParser()
parser.add_argument("--rows", type=int, default=1_000_000)
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--pyforge", default=os.path.join(ROOT, ".build", "release", "pyforge"))
args = parser.parse_args()
source = ensure_data(f"bench_{args.rows}.ndjson", "generate_ndjson.py", args.rows)
pyforge = args.pyforge
print("| rows | tool | median s | MB/s | peak RSS MB | output MB |")
print("|---:|---|---:|---:|---:|---:|")
compare(f"{args.rows:,}", source, {
    "pyforge": lambda out: [pyforge, "convert", source, out, "--force"],
    "duckdb": lambda out: [sys.executable, os.path.join(HERE, "competitors", "duckdb_json_to_parquet.py"), source, out],
    "polars": lambda out: [sys.executable, os.path.join(HERE, "competitors", "polars_json_to_parquet.py"), source, out],
}, args.runs, tempfile.mkdtemp(prefix="pyforge-bench-"))
